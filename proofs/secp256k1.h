// Secp256k1: the one seam to libsecp256k1 (STYLE.md point 3); no library header leaks out.
// Owns one context, randomized at construction against side channels. Recoverable ECDSA as
// ecrecover expects it: RFC 6979 nonces, low-s signatures, v = 27 + recovery id.
// Thread-safety: every method is const and may be called from several threads at once
// (libsecp256k1 only forbids concurrent randomize/destroy, which happen in ctor/dtor).
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string_view>

#include "proofs/keys.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay {

/// Why a signature was refused. Callers branch on it (certificate verification).
enum class SignatureError {
  kWrongLength,    // not exactly 65 bytes
  kBadRecoveryId,  // v is not 27 or 28
  kHighS,          // s > n/2: the malleable twin of a valid signature
  kMalformed,      // r or s is not in [1, n-1]
  kUnrecoverable,  // no public key recovers from it for this digest
};
std::string_view to_string(SignatureError e);

class Secp256k1 {
 public:
  /// Throws std::runtime_error only if the library cannot make a context (start-up failure).
  Secp256k1();
  ~Secp256k1();
  Secp256k1(const Secp256k1&) = delete;
  Secp256k1& operator=(const Secp256k1&) = delete;

  /// True when 0 < key < n.
  bool is_valid_secret(std::span<const uint8_t, 32> key) const;
  Result<PublicKey> public_key(const SecretKey& key) const;
  /// The 64 bytes x || y of a compressed key; fails if the bytes are not a curve point.
  Result<std::array<uint8_t, 64>> uncompress(const PublicKey& key) const;
  /// Signs a 32-byte digest as is (no further hashing, no message prefix). Low-s, v in {27,28}.
  Result<Signature> sign(const SecretKey& key, const Hash32& digest) const;
  /// Recovers the signer's public key; refuses high-s and everything ecrecover would refuse.
  std::expected<PublicKey, SignatureError> recover(std::span<const uint8_t> signature,
                                                   const Hash32& digest) const;

 private:
  void* ctx_;  // secp256k1_context*
};

}  // namespace relay
