// Event: one vault event observed on a chain (deposit, withdrawal request, withdrawal claim),
// after parsing and syntax checks but before any rule of the state machine. Fields that name
// things the genesis may not know (chain, asset, destination chain) keep the name as given, so
// the rules can reject them with their reason. Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vault/amount.h"
#include "vault/types.h"

namespace relay {

enum class EventType : uint8_t { deposit = 1, withdrawal_request = 2, withdrawal_claimed = 3 };

const char* to_string(EventType t);

/// Where an event sits: strictly increasing per chain.
struct EventPosition {
  uint64_t block = 0;
  uint32_t log_index = 0;
  auto operator<=>(const EventPosition&) const = default;
};

struct Event {
  EventType type = EventType::deposit;
  std::string chain;  // chain name as observed
  EventPosition pos;
  std::optional<TxHash> tx;

  // deposit
  Address token;
  std::string amount;  // decimal digits without leading zeros ("0" for zero); token units for
                       // a deposit (may exceed 2^128), canonical units for a withdrawal request
  AccountId account;   // deposit beneficiary, or withdrawal requester

  // withdrawal_request
  std::string asset;
  std::string dest_chain;
  Address recipient;

  // withdrawal_claimed
  Hash32 withdrawal_id;

  bool operator==(const Event&) const = default;
};

/// SHA-256 over a canonical, injective encoding of every field of the event (docs/state.md):
/// two observations of one event are identical exactly when their identity hashes are equal.
/// `h` is the caller's reusable hasher (left reset).
class Sha256;
Hash32 event_identity(const Event& e, Sha256& h);

}  // namespace relay
