#include "proofs/keccak.h"

#include <nettle/sha3.h>

#include <cstring>

namespace relay {

// Why this file exists: OpenSSL 3.0 (Debian 12) has SHA3-256 but no KECCAK-256 (added in 3.2),
// and no Debian C/C++ library ships Ethereum's Keccak-256 directly. Nettle (nettle-dev) exports
// the Keccak-f[1600] permutation itself (sha3_permute), so only the sponge is written here:
// absorb in 136-byte blocks (rate for a 256-bit capacity of 512), pad with Keccak's original
// multi-rate padding (0x01 ... 0x80), squeeze 32 bytes. Lanes are little-endian 64-bit words.
namespace {
constexpr size_t kRate = 136;

void absorb_block(sha3_state& st, const uint8_t* block) {
  for (size_t i = 0; i < kRate / 8; ++i) {
    uint64_t lane = 0;
    for (int b = 7; b >= 0; --b) lane = lane << 8 | block[8 * i + b];
    st.a[i] ^= lane;
  }
  sha3_permute(&st);
}
}  // namespace

Hash32 keccak256(std::span<const uint8_t> data) {
  sha3_state st;
  std::memset(&st, 0, sizeof st);
  size_t off = 0;
  for (; data.size() - off >= kRate; off += kRate) absorb_block(st, data.data() + off);
  uint8_t last[kRate] = {};
  if (data.size() > off) std::memcpy(last, data.data() + off, data.size() - off);
  last[data.size() - off] ^= 0x01;
  last[kRate - 1] ^= 0x80;
  absorb_block(st, last);
  Hash32 out;
  for (size_t i = 0; i < 32; ++i) out.bytes[i] = static_cast<uint8_t>(st.a[i / 8] >> (8 * (i % 8)));
  return out;
}

}  // namespace relay
