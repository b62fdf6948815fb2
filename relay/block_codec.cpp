#include "relay/block_codec.h"

#include "canonical_state/codec.h"

namespace relay::node {

std::string encode_block_record(const BlockRecord& b) {
  std::string v;
  codec::put_bytes(v, b.hash);
  codec::put_bytes(v, b.parent_hash);
  codec::put_be64(v, b.timestamp);
  codec::put_be64(v, b.event_count);
  codec::put_bytes(v, b.accumulator);
  return v;
}

Result<BlockRecord> decode_block_record(uint64_t height, std::string_view v, const std::string& what) {
  if (v.size() != kBlockRecordSize)
    return fail(what + ": a block record of " + std::to_string(v.size()) + " bytes, not " +
                std::to_string(kBlockRecordSize) + ": the data folder is damaged");
  codec::Reader r(v);
  BlockRecord b;
  b.height = height;
  b.hash = r.bytes<Hash32>();
  b.parent_hash = r.bytes<Hash32>();
  b.timestamp = r.be64();
  b.event_count = r.be64();
  b.accumulator = r.bytes<Hash32>();
  return b;
}

std::string encode_cuts(const std::vector<Cut>& cuts) {
  std::string v;
  for (const Cut& c : cuts) {
    v.push_back(char(c ? 1 : 0));
    if (!c) continue;
    codec::put_be64(v, c->height);
    v += encode_block_record(*c);
  }
  return v;
}

Result<std::vector<Cut>> decode_cuts(std::string_view v, size_t chains, const std::string& what) {
  std::vector<Cut> out;
  codec::Reader r(v);
  for (size_t c = 0; c < chains; ++c) {
    const uint8_t present = r.u8();
    if (!r.ok() || present > 1) return fail(what + ": malformed at chain " + std::to_string(c));
    if (!present) {
      out.emplace_back();
      continue;
    }
    const uint64_t height = r.be64();
    std::string_view rest = r.rest();
    if (!r.ok() || rest.size() < kBlockRecordSize) return fail(what + ": truncated at chain " + std::to_string(c));
    auto b = decode_block_record(height, rest.substr(0, kBlockRecordSize), what);
    if (!b) return std::unexpected(b.error());
    out.emplace_back(*b);
    r = codec::Reader(rest.substr(kBlockRecordSize));
  }
  if (!r.done()) return fail(what + ": " + std::to_string(r.rest().size()) + " bytes after the last chain");
  return out;
}

}  // namespace relay::node
