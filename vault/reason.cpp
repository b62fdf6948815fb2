#include "vault/reason.h"

#include <array>

namespace relay {

namespace {
constexpr std::array<std::string_view, kReasonCount> kNames = {
    "unknown_chain",         "conflict",          "out_of_order",
    "unknown_asset",         "zero_amount",       "precision",
    "overflow",              "asset_not_on_destination", "insufficient_balance",
    "insufficient_liquidity", "unknown_withdrawal", "wrong_chain",
    "already_claimed",       "not_yet_certified", "invariant_violation",
};
}  // namespace

std::string_view to_string(Reason r) {
  auto i = static_cast<size_t>(r) - 1;
  return i < kNames.size() ? kNames[i] : "unknown_reason";
}

std::optional<Reason> reason_from_string(std::string_view s) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == s) return static_cast<Reason>(i + 1);
  return std::nullopt;
}

}  // namespace relay
