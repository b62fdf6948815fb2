#include "proofs/commitment_decode.h"

#include <string>

namespace relay {
namespace {

constexpr size_t kHeadWords = 8;  // networkId, epoch, previous, five array offsets

class AbiReader {
 public:
  explicit AbiReader(std::span<const uint8_t> b) : b_(b) {}
  size_t words() const { return b_.size() / 32; }
  std::span<const uint8_t, 32> word(size_t i) const { return b_.subspan(32 * i).first<32>(); }
  // The word as an integer below 2^(8 * width); nullopt when a higher byte is set.
  bool fits(size_t i, size_t width) const {
    auto w = word(i);
    for (size_t k = 0; k < 32 - width; ++k)
      if (w[k]) return false;
    return true;
  }
  uint64_t u64(size_t i) const {
    uint64_t v = 0;
    for (size_t k = 24; k < 32; ++k) v = (v << 8) | word(i)[k];
    return v;
  }
  Amount amount(size_t i) const { return Amount::from_be_bytes(word(i).data() + 16); }

 private:
  std::span<const uint8_t> b_;
};

std::string at(size_t word) { return "commitment bytes, word " + std::to_string(word) + ": "; }

}  // namespace

Result<EpochCommitment> decode_commitment(std::span<const uint8_t> bytes) {
  if (bytes.size() % 32 != 0 || bytes.size() < 32 * (kHeadWords + 5))
    return fail("commitment bytes: " + std::to_string(bytes.size()) +
                " bytes, not a whole number of 32-byte words of at least " +
                std::to_string(kHeadWords + 5));
  const AbiReader r(bytes);
  EpochCommitment c;
  c.network_id = Hash32::from_span(r.word(0));
  if (!r.fits(1, 8)) return fail(at(1) + "epoch does not fit in 64 bits");
  c.epoch = r.u64(1);
  c.previous = Hash32::from_span(r.word(2));

  // Each array must start exactly where the previous one ends (the canonical layout), so the
  // offsets are checked against the running position rather than merely bounds-checked.
  size_t pos = kHeadWords;  // in words
  size_t lengths[5];
  for (size_t a = 0; a < 5; ++a) {
    const size_t head = 3 + a;
    if (!r.fits(head, 8) || r.u64(head) != 32 * pos)
      return fail(at(head) + "array offset is not " + std::to_string(32 * pos));
    if (pos >= r.words() || !r.fits(pos, 8) || r.u64(pos) > r.words() - pos - 1)
      return fail(at(pos) + "array length runs past the end");
    lengths[a] = size_t(r.u64(pos));
    pos += 1 + lengths[a];
  }
  if (pos != r.words())
    return fail("commitment bytes: " + std::to_string(r.words() - pos) +
                " trailing words after the last array");

  size_t w = kHeadWords + 1;
  for (size_t i = 0; i < lengths[0]; ++i, ++w) {
    if (!r.fits(w, 8)) return fail(at(w) + "finalized height does not fit in 64 bits");
    c.finalized_heights.push_back(r.u64(w));
  }
  ++w;
  for (size_t i = 0; i < lengths[1]; ++i, ++w)
    c.liabilities_roots.push_back(Hash32::from_span(r.word(w)));
  ++w;
  for (size_t i = 0; i < lengths[2]; ++i, ++w) {
    if (!r.fits(w, 16)) return fail(at(w) + "liabilities total does not fit in 128 bits");
    c.liabilities_totals.push_back(r.amount(w));
  }
  ++w;
  for (size_t i = 0; i < lengths[3]; ++i, ++w) {
    if (!r.fits(w, 16)) return fail(at(w) + "custody does not fit in 128 bits");
    c.custody.push_back(r.amount(w));
  }
  ++w;
  for (size_t i = 0; i < lengths[4]; ++i, ++w)
    c.withdrawal_roots.push_back(Hash32::from_span(r.word(w)));
  if (auto s = check_commitment_shape(c); !s) return std::unexpected(s.error());
  return c;
}

}  // namespace relay
