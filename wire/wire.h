// Conversions between the wire schema's events (proto/relay.proto ChainEvent, EpochBatch) and
// the domain types; with wire/messages.h, the only place protobuf types meet the rest of the
// code (STYLE.md, point 3). Each refuses malformed input (wrong byte lengths, bad amounts,
// chains the genesis does not know) with a specific error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vault/event.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::wire {
class ChainEvent;
class EpochBatch;
}  // namespace relay::wire

namespace relay {

/// A ChainEvent from an adapter. The event's chain must be in the genesis (an adapter serves
/// a known chain); a withdrawal's destination chain id may be unknown, and is then named
/// "chain_id:<n>", which no genesis chain name can be, so the state machine rejects it with
/// `unknown_chain`.
Result<Event> event_from_proto(const wire::ChainEvent& msg, const Genesis& genesis);
/// The event for the wire. Its chain must be a genesis chain; a withdrawal's destination a
/// genesis chain or "chain_id:<n>" (as event_from_proto names an unknown one).
Result<void> event_to_proto(const Event& e, const Genesis& genesis, wire::ChainEvent& out);

/// One event as its ChainEvent's protobuf bytes (what the node stores under N/e/, docs/node.md
/// "Storage of the node"), and back. Errors as event_to_proto / event_from_proto, and bytes
/// that are not a ChainEvent.
Result<std::string> event_to_bytes(const Event& e, const Genesis& genesis);
Result<Event> event_from_bytes(std::string_view bytes, const Genesis& genesis);

struct EpochBatchData {
  uint64_t epoch = 0;
  std::vector<Event> events;
};
Result<EpochBatchData> batch_from_proto(const wire::EpochBatch& msg, const Genesis& genesis);

}  // namespace relay
