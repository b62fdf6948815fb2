// Reason: why the state machine rejected an event (relayctl replay's rules, issue 2). Stable
// names: they appear in receipts, JSON output and metrics.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace relay {

enum class Reason : uint8_t {
  unknown_chain = 1,
  conflict,
  out_of_order,
  unknown_asset,
  zero_amount,
  precision,
  overflow,
  asset_not_on_destination,
  insufficient_balance,
  insufficient_liquidity,
  unknown_withdrawal,
  wrong_chain,
  already_claimed,
  not_yet_certified,
  invariant_violation,  // the transition would break a DESIGN.md invariant: refused whole
};
inline constexpr int kReasonCount = 15;

std::string_view to_string(Reason r);
std::optional<Reason> reason_from_string(std::string_view s);

}  // namespace relay
