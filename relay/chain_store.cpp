#include "relay/chain_store.h"

#include "relay/block_codec.h"
#include "relay/node_keys.h"
#include "wire/wire.h"

namespace relay::node {
namespace {

std::string chain_key(std::string_view prefix, uint32_t chain) {
  std::string k(prefix);
  codec::put_be32(k, chain);
  return k;
}
std::string header_key(uint32_t chain, uint64_t height) {
  std::string k = chain_key(keys::kHeader, chain);
  codec::put_be64(k, height);
  return k;
}
std::string event_key(uint32_t chain, EventPosition pos) {
  std::string k = chain_key(keys::kEvent, chain);
  codec::put_be64(k, pos.block);
  codec::put_be32(k, pos.log_index);
  return k;
}

}  // namespace

Result<std::optional<BlockRecord>> ChainStore::tip(uint32_t chain) const {
  auto v = store_.get(chain_key(keys::kTip, chain));
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::optional<BlockRecord>{};
  const std::string where = "the tip of chain " + std::to_string(chain) + " (N/t/)";
  if ((*v)->size() != 8 + kBlockRecordSize) return fail(where + " is malformed: the data folder is damaged");
  codec::Reader r(**v);
  const uint64_t height = r.be64();
  auto b = decode_block_record(height, r.rest(), where);
  if (!b) return std::unexpected(b.error());
  return std::optional<BlockRecord>{*b};
}

Result<std::optional<BlockRecord>> ChainStore::block(uint32_t chain, uint64_t height) const {
  auto v = store_.get(header_key(chain, height));
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::optional<BlockRecord>{};
  auto b = decode_block_record(height, **v, "block " + std::to_string(height) + " of chain " + std::to_string(chain));
  if (!b) return std::unexpected(b.error());
  return std::optional<BlockRecord>{*b};
}

Result<std::vector<BlockRecord>> ChainStore::blocks(uint32_t chain, uint64_t from, size_t max) const {
  std::vector<BlockRecord> out;
  if (max == 0) return out;
  std::optional<Error> bad;
  const std::string prefix = chain_key(keys::kHeader, chain);
  auto scanned = store_.scan_from(prefix, header_key(chain, from), [&](std::string_view k, std::string_view v) {
    codec::Reader r(k.substr(prefix.size()));
    const uint64_t height = r.be64();
    auto b = decode_block_record(height, v, "block " + std::to_string(height) + " of chain " + std::to_string(chain));
    if (!b) {
      bad = b.error();
      return false;
    }
    out.push_back(*b);
    return out.size() < max;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (bad) return std::unexpected(*bad);
  return out;
}

Result<std::vector<Event>> ChainStore::events(uint32_t chain, uint64_t first, uint64_t last) const {
  std::vector<Event> out;
  if (first > last) return out;
  std::optional<Error> bad;
  const std::string prefix = chain_key(keys::kEvent, chain);
  auto scanned = store_.scan_from(prefix, event_key(chain, {first, 0}), [&](std::string_view k, std::string_view v) {
    codec::Reader r(k.substr(prefix.size()));
    const uint64_t block = r.be64();
    const uint32_t log = r.be32();
    if (block > last) return false;
    auto ev = event_from_bytes(v, genesis_);
    if (!ev) {
      bad = Error{"the event at block " + std::to_string(block) + ", log " + std::to_string(log) +
                  " of chain " + std::to_string(chain) + " (N/e/) does not decode: " +
                  ev.error().message};
      return false;
    }
    out.push_back(std::move(*ev));
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (bad) return std::unexpected(*bad);
  return out;
}

Result<void> ChainStore::append(uint32_t chain, std::span<const BlockRecord> blocks,
                                std::span<const Event> events) {
  if (blocks.empty()) return {};
  storage::WriteBatch wb;
  for (const BlockRecord& b : blocks) wb.put(header_key(chain, b.height), encode_block_record(b));
  for (const Event& e : events) {
    auto bytes = event_to_bytes(e, genesis_);
    if (!bytes) return fail("event at block " + std::to_string(e.pos.block) + ", log " +
                            std::to_string(e.pos.log_index) + ": " + bytes.error().message);
    wb.put(event_key(chain, e.pos), *bytes);
  }
  std::string tip;
  codec::put_be64(tip, blocks.back().height);
  tip += encode_block_record(blocks.back());
  wb.put(chain_key(keys::kTip, chain), tip);
  return store_.write(wb, /*sync=*/true);
}

}  // namespace relay::node
