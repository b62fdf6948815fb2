// Validator key material: a secp256k1 secret key, its 33-byte compressed public key, the
// 20-byte EVM address a contract's ecrecover yields for it, and 65-byte recoverable signatures.
// Plain value types, thread-safe. A SecretKey has no printer, no hex() and no stream operator,
// and wipes its bytes when destroyed: a key is never printed or logged (DESIGN.md "Security").
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "vault/result.h"
#include "vault/types.h"

namespace relay {

class Secp256k1;

struct PublicKeyTag {};
/// secp256k1 public key, SEC1 compressed (0x02/0x03 then the 32-byte x coordinate).
using PublicKey = FixedBytes<33, PublicKeyTag>;

struct SignatureTag {};
/// r (32 bytes) || s (32 bytes) || v (1 byte, 27 or 28): what ecrecover takes.
/// See docs/proofs.md "Signatures".
using Signature = FixedBytes<65, SignatureTag>;

class SecretKey {
 public:
  static constexpr size_t kSize = 32;
  /// The raw 32 bytes, unchecked: whether they form a valid key (0 < k < n) is checked by
  /// the Secp256k1 operations that use it.
  explicit SecretKey(std::span<const uint8_t, kSize> bytes);
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  /// Only for the crypto seam and the key file writer; never print these.
  std::span<const uint8_t, kSize> expose_secret() const { return bytes_; }

 private:
  std::array<uint8_t, kSize> bytes_;
};

/// A fresh secret key from the kernel's CSPRNG (getrandom), valid on secp256k1.
Result<SecretKey> generate_secret_key();

/// The compressed public key of a secret key; fails only for an invalid secret (0 or >= n).
Result<PublicKey> public_key_of(const SecretKey& key);

/// The EVM address of a public key: the last 20 bytes of keccak256 of the 64-byte uncompressed
/// point (x || y). Fails for bytes that are not a point on the curve.
Result<Address> evm_address(const PublicKey& key);
/// Same, with a caller's context (hot paths: certificates, benches).
Result<Address> evm_address(const Secp256k1& secp, const PublicKey& key);

}  // namespace relay
