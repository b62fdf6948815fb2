#include "proofs/commitment.h"

#include <cstring>
#include <string>

#include "vault/sha256.h"

namespace relay {
namespace {

// Solidity ABI: every value is one 32-byte big-endian word; a dynamic array is an offset in the
// head (counted from the start of the encoding) and, in the tail, its length then its elements.
class AbiWriter {
 public:
  explicit AbiWriter(size_t words) { out_.reserve(32 * words); }
  void word(std::span<const uint8_t, 32> w) { out_.insert(out_.end(), w.begin(), w.end()); }
  void uint(uint64_t v) {
    uint8_t w[32] = {};
    for (int i = 31; i >= 24; --i, v >>= 8) w[i] = static_cast<uint8_t>(v);
    out_.insert(out_.end(), w, w + 32);
  }
  void amount(Amount a) {
    uint8_t w[32] = {};
    a.to_be_bytes(w + 16);
    out_.insert(out_.end(), w, w + 32);
  }
  std::vector<uint8_t> take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

constexpr size_t kHeadWords = 8;

}  // namespace

Result<void> check_commitment_shape(const EpochCommitment& c) {
  if (c.liabilities_totals.size() != c.asset_count())
    return fail("commitment.liabilities_totals: " + std::to_string(c.liabilities_totals.size()) +
                " entries for " + std::to_string(c.asset_count()) + " liabilities roots");
  if (c.custody.size() != c.chain_count() * c.asset_count())
    return fail("commitment.custody: " + std::to_string(c.custody.size()) + " entries, expected " +
                std::to_string(c.chain_count()) + " chains x " + std::to_string(c.asset_count()) +
                " assets");
  if (c.withdrawal_roots.size() != c.chain_count())
    return fail("commitment.withdrawal_roots: " + std::to_string(c.withdrawal_roots.size()) +
                " entries for " + std::to_string(c.chain_count()) + " chains");
  return {};
}

Result<void> check_commitment_against(const EpochCommitment& c, const Genesis& genesis) {
  if (c.chain_count() != genesis.chains.size())
    return fail("commitment.finalized_heights: " + std::to_string(c.chain_count()) +
                " entries, but the genesis has " + std::to_string(genesis.chains.size()) +
                " chains");
  if (c.asset_count() != genesis.assets.size())
    return fail("commitment.liabilities_roots: " + std::to_string(c.asset_count()) +
                " entries, but the genesis has " + std::to_string(genesis.assets.size()) +
                " assets");
  return check_commitment_shape(c);
}

std::vector<uint8_t> encode_commitment(const EpochCommitment& c) {
  const size_t n_heights = c.finalized_heights.size(), n_roots = c.liabilities_roots.size(),
               n_totals = c.liabilities_totals.size(), n_custody = c.custody.size(),
               n_wroots = c.withdrawal_roots.size();
  AbiWriter w(kHeadWords + 5 + n_heights + n_roots + n_totals + n_custody + n_wroots);
  w.word(c.network_id.bytes);
  w.uint(c.epoch);
  w.word(c.previous.bytes);
  // Offsets of the five arrays, in bytes from the start of the encoding.
  size_t offset = 32 * kHeadWords;
  for (size_t len : {n_heights, n_roots, n_totals, n_custody, n_wroots}) {
    w.uint(offset);
    offset += 32 * (1 + len);
  }
  w.uint(n_heights);
  for (uint64_t h : c.finalized_heights) w.uint(h);
  w.uint(n_roots);
  for (const Hash32& r : c.liabilities_roots) w.word(r.bytes);
  w.uint(n_totals);
  for (Amount a : c.liabilities_totals) w.amount(a);
  w.uint(n_custody);
  for (Amount a : c.custody) w.amount(a);
  w.uint(n_wroots);
  for (const Hash32& r : c.withdrawal_roots) w.word(r.bytes);
  return w.take();
}

Hash32 commitment_hash(const EpochCommitment& c) {
  std::vector<uint8_t> bytes = encode_commitment(c);
  return sha256(bytes);
}

}  // namespace relay
