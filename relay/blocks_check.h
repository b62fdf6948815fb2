// check_blocks: the node's rules for one Blocks message from a chain's adapter
// (docs/adapter-protocol.md "Blocks", docs/node.md "Epochs and the cut"), checked against what
// the node has stored before anything of it is stored:
// - headers at stored heights are duplicates if they carry the stored hash (dropped, with
//   their events) and a CONFLICT (alarm: a reorg below finality, or a lying RPC) otherwise;
// - the others continue the stored tip: height + 1 and its hash as parent, each next header
//   the previous height + 1 naming its hash (OUT_OF_ORDER); without a tip the first is the
//   chain's start_block, whose parent is not checked;
// - timestamps do not decrease (TIMESTAMP_DECREASED, alarm);
// - events lie in the message's blocks, of the served chain, in strictly increasing
//   (block, log index) order (BAD_EVENT);
// - folding the events from the tip's count and accumulator (proofs/event_accumulator.h) gives
//   every header's event_count and accumulator (ACCUMULATOR_MISMATCH, alarm, naming both).
// Pure: no I/O but the caller's lookup of stored blocks. Thread-safe.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "relay/cut.h"
#include "vault/genesis.h"
#include "vault/result.h"
#include "wire/messages.h"

namespace relay::node {

/// What of a Blocks message is new: blocks to store after the tip, and their events.
struct CheckedBlocks {
  std::vector<BlockRecord> blocks;
  std::vector<Event> events;
  size_t duplicates = 0;  // headers already stored (identical)
};

struct BlocksRefusal {
  msg::ErrorCode code;
  std::string message;  // names the block or event, and both values where two disagree
  bool alarm = false;   // CONFLICT, TIMESTAMP_DECREASED and ACCUMULATOR_MISMATCH raise one
};

/// The stored block at a height (at or below the tip), or nullopt; an error when the store
/// cannot be read.
using StoredBlock = std::function<Result<std::optional<BlockRecord>>(uint64_t height)>;

BlockRecord to_record(const msg::BlockHeader& h);

/// Checks `blocks` from the adapter of genesis.chains[chain] against the stored `tip`.
std::expected<CheckedBlocks, BlocksRefusal> check_blocks(const msg::Blocks& blocks,
                                                         const Genesis& genesis, uint32_t chain,
                                                         const std::optional<BlockRecord>& tip,
                                                         const StoredBlock& stored);

}  // namespace relay::node
