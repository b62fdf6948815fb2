#include "proofs/commitment_decode.h"

#include <array>
#include <optional>
#include <string>

#include "proofs/commitment_layout.h"

namespace relay {
namespace {

namespace layout = commitment_layout;

// Reads 32-byte ABI words by index. Written by hand for the same reason as the encoder's writer.
class AbiReader {
 public:
  explicit AbiReader(std::span<const uint8_t> b) : b_(b) {}
  size_t words() const { return b_.size() / 32; }
  std::span<const uint8_t, 32> word(size_t i) const { return b_.subspan(32 * i).first<32>(); }
  // Whether the word is an integer below 2^(8 * width): every higher byte zero.
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
  // One array element of word i; false when it does not fit its type.
  bool read(size_t i, uint64_t& out) const {
    out = u64(i);
    return fits(i, 8);
  }
  bool read(size_t i, Amount& out) const {
    out = Amount::from_be_bytes(word(i).data() + 16);
    return fits(i, 16);
  }
  bool read(size_t i, Hash32& out) const {
    out = Hash32::from_span(word(i));
    return true;
  }

 private:
  std::span<const uint8_t> b_;
};

std::string at(size_t word) { return "commitment bytes, word " + std::to_string(word) + ": "; }

constexpr const char* width_of(const uint64_t*) { return "64 bits"; }
constexpr const char* width_of(const Amount*) { return "128 bits"; }
constexpr const char* width_of(const Hash32*) { return "32 bytes"; }

}  // namespace

Result<EpochCommitment> decode_commitment(std::span<const uint8_t> bytes) {
  constexpr size_t kMinWords = layout::kHeadWords + layout::kArrays;  // every array empty
  if (bytes.size() % 32 != 0 || bytes.size() < 32 * kMinWords)
    return fail("commitment bytes: " + std::to_string(bytes.size()) +
                " bytes, not a whole number of 32-byte words of at least " +
                std::to_string(kMinWords));
  const AbiReader r(bytes);
  EpochCommitment c;
  c.network_id = Hash32::from_span(r.word(0));
  if (!r.fits(1, 8)) return fail(at(1) + "epoch does not fit in 64 bits");
  c.epoch = r.u64(1);
  c.previous = Hash32::from_span(r.word(2));
  if (!r.fits(3, 8)) return fail(at(3) + "end_time does not fit in 64 bits");
  c.end_time = r.u64(3);

  // Each array must start exactly where the previous one ends (the canonical layout), so the
  // offsets are checked against the running position rather than merely bounds-checked.
  size_t pos = layout::kHeadWords;  // in words
  std::array<size_t, layout::kArrays> start{};
  for (size_t a = 0; a < layout::kArrays; ++a) {
    const size_t head = layout::kStaticWords + a;
    const std::string name(layout::kArrayNames[a]);
    if (!r.fits(head, 8) || r.u64(head) != 32 * pos)
      return fail(at(head) + "offset of " + name + " is not " + std::to_string(32 * pos) +
                  " (where the previous array ends)");
    if (pos >= r.words())
      return fail(at(pos) + "length of " + name + " is past the end of the " +
                  std::to_string(r.words()) + " words");
    if (!r.fits(pos, 8) || r.u64(pos) > r.words() - pos - 1)
      return fail(at(pos) + "length of " + name + " runs past the end (" +
                  std::to_string(r.words() - pos - 1) + " words follow it)");
    start[a] = pos;
    pos += 1 + size_t(r.u64(pos));
  }
  if (pos != r.words())
    return fail("commitment bytes: " + std::to_string(r.words() - pos) +
                " trailing words after the last array (withdrawal_roots)");

  std::optional<std::string> error;
  size_t a = 0;
  layout::for_each_array(c, [&](std::string_view name, auto& array) {
    const size_t s = start[a++];
    const size_t n = size_t(r.u64(s));
    array.resize(n);
    for (size_t i = 0; i < n && !error; ++i)
      if (!r.read(s + 1 + i, array[i]))
        error = at(s + 1 + i) + std::string(name) + "[" + std::to_string(i) +
                "] does not fit in " + width_of(array.data());
  });
  if (error) return fail(*error);
  if (auto s = check_commitment_shape(c); !s) return std::unexpected(s.error());
  return c;
}

}  // namespace relay
