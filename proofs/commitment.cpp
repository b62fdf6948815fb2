#include "proofs/commitment.h"

#include <string>

#include "proofs/commitment_layout.h"
#include "vault/sha256.h"

namespace relay {
namespace {

namespace layout = commitment_layout;

// Solidity ABI: every value is one 32-byte big-endian word; a dynamic array is an offset in the
// head (counted from the start of the encoding) and, in the tail, its length then its elements.
// Written by hand: the words are fixed-width and few, and no Debian library encodes the ABI.
class AbiWriter {
 public:
  explicit AbiWriter(size_t words) { out_.reserve(32 * words); }
  void put(const Hash32& h) { out_.insert(out_.end(), h.bytes.begin(), h.bytes.end()); }
  void put(uint64_t v) {
    uint8_t w[32] = {};
    for (int i = 31; i >= 24; --i, v >>= 8) w[i] = static_cast<uint8_t>(v);
    out_.insert(out_.end(), w, w + 32);
  }
  void put(Amount a) {
    uint8_t w[32] = {};
    a.to_be_bytes(w + 16);
    out_.insert(out_.end(), w, w + 32);
  }
  std::vector<uint8_t> take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

std::string count(size_t n, const char* what) { return std::to_string(n) + " " + what; }

}  // namespace

void EpochCommitment::set_cuts(std::span<const ChainCut> cuts) {
  cut_heights.clear();
  cut_hashes.clear();
  cut_timestamps.clear();
  event_counts.clear();
  event_accumulators.clear();
  for (const ChainCut& k : cuts) {
    cut_heights.push_back(k.height);
    cut_hashes.push_back(k.hash);
    cut_timestamps.push_back(k.timestamp);
    event_counts.push_back(k.event_count);
    event_accumulators.push_back(k.accumulator);
  }
}

Result<void> check_commitment_shape(const EpochCommitment& c) {
  const size_t chains = c.chain_count(), assets = c.asset_count();
  std::string error;
  layout::for_each_array(c, [&](std::string_view name, const auto& a) {
    if (!error.empty()) return;
    const bool per_cell = name == "custody" || name == "pending";
    const bool per_asset = name == "liabilities_roots" || name == "liabilities_totals";
    const size_t want = per_cell ? chains * assets : per_asset ? assets : chains;
    if (a.size() == want) return;
    error = "commitment." + std::string(name) + ": " + count(a.size(), "entries") + ", expected ";
    error += per_cell    ? count(chains, "chains x ") + count(assets, "assets")
             : per_asset ? count(assets, "assets (one per liabilities root)")
                         : count(chains, "chains (one per cut height)");
  });
  if (!error.empty()) return fail(error);
  return {};
}

Result<void> check_commitment_against(const EpochCommitment& c, const Genesis& genesis) {
  if (c.chain_count() != genesis.chains.size())
    return fail("commitment.cut_heights: " + count(c.chain_count(), "entries") +
                ", but the genesis has " + count(genesis.chains.size(), "chains"));
  if (c.asset_count() != genesis.assets.size())
    return fail("commitment.liabilities_roots: " + count(c.asset_count(), "entries") +
                ", but the genesis has " + count(genesis.assets.size(), "assets"));
  return check_commitment_shape(c);
}

std::vector<uint8_t> encode_commitment(const EpochCommitment& c) {
  size_t words = layout::kHeadWords;
  layout::for_each_array(c, [&](std::string_view, const auto& a) { words += 1 + a.size(); });
  AbiWriter w(words);
  w.put(c.network_id);
  w.put(c.epoch);
  w.put(c.previous);
  w.put(c.end_time);
  // The ten offsets, in bytes from the start of the encoding, then the ten tails.
  uint64_t offset = 32 * layout::kHeadWords;
  layout::for_each_array(c, [&](std::string_view, const auto& a) {
    w.put(offset);
    offset += 32 * (1 + a.size());
  });
  layout::for_each_array(c, [&](std::string_view, const auto& a) {
    w.put(uint64_t(a.size()));
    for (const auto& x : a) w.put(x);
  });
  return w.take();
}

Hash32 commitment_hash(const EpochCommitment& c) {
  std::vector<uint8_t> bytes = encode_commitment(c);
  return sha256(bytes);
}

}  // namespace relay
