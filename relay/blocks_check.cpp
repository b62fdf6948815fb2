#include "relay/blocks_check.h"

#include "proofs/event_accumulator.h"

namespace relay::node {
namespace {

using Code = msg::ErrorCode;

std::unexpected<BlocksRefusal> refuse(Code code, std::string message, bool alarm = false) {
  return std::unexpected(BlocksRefusal{code, std::move(message), alarm});
}

std::string block_name(uint64_t height) { return "block " + std::to_string(height); }

std::string state_text(uint64_t count, const Hash32& acc) {
  return "count " + std::to_string(count) + ", accumulator " + acc.hex();
}

}  // namespace

BlockRecord to_record(const msg::BlockHeader& h) {
  return BlockRecord{h.height, h.hash, h.parent_hash, h.timestamp, h.event_count, h.accumulator};
}

std::expected<CheckedBlocks, BlocksRefusal> check_blocks(const msg::Blocks& m,
                                                         const Genesis& genesis, uint32_t chain,
                                                         const std::optional<BlockRecord>& tip,
                                                         const StoredBlock& stored) {
  const ChainConfig& cc = genesis.chains[chain];
  if (m.headers.empty()) return refuse(Code::malformed, "blocks.headers: at least one header");
  CheckedBlocks out;
  // Headers at stored heights: identical ones are duplicates, another hash is a conflict.
  size_t first_new = 0;
  std::optional<BlockRecord> prev = tip;
  while (first_new < m.headers.size() && tip && m.headers[first_new].height <= tip->height) {
    const msg::BlockHeader& h = m.headers[first_new];
    auto s = stored(h.height);
    if (!s) return refuse(Code::unspecified, "reading the stored " + block_name(h.height) + ": " + s.error().message, true);
    if (!*s)
      return refuse(Code::out_of_order, block_name(h.height) + " is below the chain's first stored block");
    if ((*s)->hash != h.hash)
      return refuse(Code::conflict,
                    block_name(h.height) + " is stored with hash " + (*s)->hash.hex() +
                        "; the adapter sent " + h.hash.hex() +
                        " (a reorganization below finality, or an RPC that lies)",
                    true);
    prev = **s;
    ++first_new;
    ++out.duplicates;
  }
  const std::optional<BlockRecord> base = prev;  // the stored block the new ones follow
  // The new headers continue the last stored (or duplicate) block, or start at start_block.
  for (size_t i = first_new; i < m.headers.size(); ++i) {
    const msg::BlockHeader& h = m.headers[i];
    if (!prev) {
      if (h.height != cc.start_block)
        return refuse(Code::out_of_order, block_name(h.height) + ": nothing is stored yet, the first block is start_block " +
                                              std::to_string(cc.start_block));
    } else {
      if (h.height != prev->height + 1)
        return refuse(Code::out_of_order, block_name(h.height) + " does not follow " + block_name(prev->height));
      if (h.parent_hash != prev->hash)
        return refuse(Code::out_of_order, block_name(h.height) + " names parent " + h.parent_hash.hex() +
                                              ", but " + block_name(prev->height) + " is " + prev->hash.hex());
      if (h.timestamp < prev->timestamp)
        return refuse(Code::timestamp_decreased,
                      block_name(h.height) + " has timestamp " + std::to_string(h.timestamp) +
                          ", older than its parent's " + std::to_string(prev->timestamp) +
                          ": the chain stops here",
                      true);
    }
    out.blocks.push_back(to_record(h));
    prev = out.blocks.back();
  }
  // Events: inside the message's blocks, this chain's, strictly increasing.
  const uint64_t lo = m.headers.front().height, hi = m.headers.back().height;
  const uint64_t first_new_height = out.blocks.empty() ? hi + 1 : out.blocks.front().height;
  std::optional<EventPosition> last;
  for (size_t i = 0; i < m.events.size(); ++i) {
    const Event& e = m.events[i];
    const std::string where = "blocks.events[" + std::to_string(i) + "] (block " + std::to_string(e.pos.block) +
                              ", log " + std::to_string(e.pos.log_index) + ")";
    if (e.chain != cc.name) return refuse(Code::bad_event, where + ": of chain " + e.chain + ", not " + cc.name);
    if (e.pos.block < lo || e.pos.block > hi)
      return refuse(Code::bad_event, where + ": not in this message's blocks " + std::to_string(lo) + " to " + std::to_string(hi));
    if (last && !(*last < e.pos))
      return refuse(Code::bad_event, where + ": not after the previous event (block " + std::to_string(last->block) +
                                         ", log " + std::to_string(last->log_index) + ")");
    last = e.pos;
    if (e.pos.block >= first_new_height) out.events.push_back(e);
  }
  // The fold of the events must give every new header's count and accumulator.
  if (out.blocks.empty()) return out;
  EventAccumulator acc;
  if (base) acc = EventAccumulator{base->event_count, base->accumulator};
  size_t next = 0;
  for (const BlockRecord& b : out.blocks) {
    for (; next < out.events.size() && out.events[next].pos.block == b.height; ++next) {
      if (auto r = accumulate(acc, out.events[next], genesis); !r)
        return refuse(Code::bad_event, "the event at block " + std::to_string(b.height) + ", log " +
                                           std::to_string(out.events[next].pos.log_index) + ": " + r.error().message);
    }
    if (acc.count != b.event_count || acc.value != b.accumulator)
      return refuse(Code::accumulator_mismatch,
                    block_name(b.height) + " says " + state_text(b.event_count, b.accumulator) +
                        " but its events fold to " + state_text(acc.count, acc.value) +
                        " (a log was hidden or invented)",
                    true);
  }
  return out;
}

}  // namespace relay::node
