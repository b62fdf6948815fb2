#include "proofs/keys.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "proofs/keccak.h"
#include "proofs/secp256k1.h"

namespace relay {

SecretKey::SecretKey(std::span<const uint8_t, kSize> bytes) {
  std::memcpy(bytes_.data(), bytes.data(), kSize);
}

SecretKey::~SecretKey() { explicit_bzero(bytes_.data(), bytes_.size()); }

Result<SecretKey> generate_secret_key() {
  Secp256k1 secp;
  std::array<uint8_t, SecretKey::kSize> buf;
  // A uniform 32-byte string is >= n with probability ~2^-128; draw again in that case.
  for (int attempt = 0; attempt < 16; ++attempt) {
    size_t got = 0;
    while (got < buf.size()) {
      ssize_t r = getrandom(buf.data() + got, buf.size() - got, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        explicit_bzero(buf.data(), buf.size());
        return fail(std::string("getrandom: ") + std::strerror(errno));
      }
      got += static_cast<size_t>(r);
    }
    if (secp.is_valid_secret(buf)) {
      SecretKey key(buf);
      explicit_bzero(buf.data(), buf.size());
      return key;
    }
  }
  explicit_bzero(buf.data(), buf.size());
  return fail("getrandom: produced no valid secp256k1 key in 16 draws");
}

Result<PublicKey> public_key_of(const SecretKey& key) { return Secp256k1().public_key(key); }

Result<Address> evm_address(const PublicKey& key) { return evm_address(Secp256k1(), key); }

Result<Address> evm_address(const Secp256k1& secp, const PublicKey& key) {
  auto xy = secp.uncompress(key);
  if (!xy) return std::unexpected(xy.error());
  Hash32 h = keccak256(*xy);
  return Address::from_span(std::span<const uint8_t>(h.bytes).subspan(12));
}

}  // namespace relay
