#include "adapters/evm/bloom.h"

#include "proofs/keccak.h"

namespace relay::evm {
namespace {

// The byte and the bit within it of the `k`-th (0..2) bit `value` sets: no library we use has
// Ethereum's bloom, so it is written here from the yellow paper (§4.3.1).
struct BloomBit {
  size_t byte;
  uint8_t mask;
};

std::array<BloomBit, 3> bloom_bits(std::span<const uint8_t> value) {
  Hash32 h = keccak256(value);
  std::array<BloomBit, 3> out{};
  for (size_t k = 0; k < 3; ++k) {
    unsigned bit = (unsigned(h.bytes[2 * k]) << 8 | h.bytes[2 * k + 1]) & 0x7ff;
    out[k] = {255 - bit / 8, uint8_t(1u << (bit % 8))};
  }
  return out;
}

}  // namespace

void bloom_add(Bloom& bloom, std::span<const uint8_t> value) {
  for (const BloomBit& b : bloom_bits(value)) bloom[b.byte] |= b.mask;
}

bool bloom_may_contain(const Bloom& bloom, std::span<const uint8_t> value) {
  for (const BloomBit& b : bloom_bits(value))
    if (!(bloom[b.byte] & b.mask)) return false;
  return true;
}

}  // namespace relay::evm
