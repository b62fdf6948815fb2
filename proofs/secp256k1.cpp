#include "proofs/secp256k1.h"

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace relay {
namespace {
secp256k1_context* ctx_of(void* p) { return static_cast<secp256k1_context*>(p); }

bool fill_random(uint8_t* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = getrandom(out + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    got += static_cast<size_t>(r);
  }
  return true;
}
}  // namespace

std::string_view to_string(SignatureError e) {
  switch (e) {
    case SignatureError::kWrongLength:
      return "wrong length (a signature is 65 bytes r||s||v)";
    case SignatureError::kBadRecoveryId:
      return "bad recovery id (v must be 27 or 28)";
    case SignatureError::kHighS:
      return "high s (only low-s signatures are accepted)";
    case SignatureError::kMalformed:
      return "malformed (r or s not in [1, n-1])";
    case SignatureError::kUnrecoverable:
      return "no public key recovers from this signature";
  }
  return "unknown signature error";
}

Secp256k1::Secp256k1() : ctx_(secp256k1_context_create(SECP256K1_CONTEXT_NONE)) {
  if (ctx_ == nullptr) throw std::runtime_error("secp256k1: cannot create a context");
  uint8_t seed[32];
  if (!fill_random(seed, sizeof seed) || !secp256k1_context_randomize(ctx_of(ctx_), seed)) {
    secp256k1_context_destroy(ctx_of(ctx_));
    throw std::runtime_error("secp256k1: cannot randomize the context");
  }
  explicit_bzero(seed, sizeof seed);
}

Secp256k1::~Secp256k1() { secp256k1_context_destroy(ctx_of(ctx_)); }

bool Secp256k1::is_valid_secret(std::span<const uint8_t, 32> key) const {
  return secp256k1_ec_seckey_verify(ctx_of(ctx_), key.data()) == 1;
}

Result<PublicKey> Secp256k1::public_key(const SecretKey& key) const {
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_create(ctx_of(ctx_), &pk, key.expose_secret().data()))
    return fail("secret key: not a valid secp256k1 key (must be between 1 and n-1)");
  PublicKey out;
  size_t len = out.bytes.size();
  secp256k1_ec_pubkey_serialize(ctx_of(ctx_), out.bytes.data(), &len, &pk, SECP256K1_EC_COMPRESSED);
  return out;
}

Result<std::array<uint8_t, 64>> Secp256k1::uncompress(const PublicKey& key) const {
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_parse(ctx_of(ctx_), &pk, key.bytes.data(), key.bytes.size()))
    return fail("public key " + key.hex() + ": not a point on secp256k1");
  uint8_t full[65];
  size_t len = sizeof full;
  secp256k1_ec_pubkey_serialize(ctx_of(ctx_), full, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
  std::array<uint8_t, 64> out;
  std::memcpy(out.data(), full + 1, 64);  // drop the 0x04 tag
  return out;
}

Result<Signature> Secp256k1::sign(const SecretKey& key, const Hash32& digest) const {
  secp256k1_ecdsa_recoverable_signature sig;
  // nullptr nonce function: RFC 6979 deterministic nonces. libsecp256k1 always signs low-s.
  if (!secp256k1_ecdsa_sign_recoverable(ctx_of(ctx_), &sig, digest.bytes.data(),
                                        key.expose_secret().data(), nullptr, nullptr))
    return fail("secret key: not a valid secp256k1 key (must be between 1 and n-1)");
  Signature out;
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx_of(ctx_), out.bytes.data(), &recid,
                                                          &sig);
  // Recovery ids 2 and 3 (r >= n as an x coordinate) have probability ~2^-127 and cannot be
  // expressed to ecrecover; refuse rather than emit a signature no contract accepts.
  if (recid != 0 && recid != 1) return fail("signature: recovery id not expressible as v");
  out.bytes[64] = static_cast<uint8_t>(27 + recid);
  return out;
}

std::expected<PublicKey, SignatureError> Secp256k1::recover(std::span<const uint8_t> signature,
                                                            const Hash32& digest) const {
  if (signature.size() != Signature::size()) return std::unexpected(SignatureError::kWrongLength);
  uint8_t v = signature[64];
  if (v != 27 && v != 28) return std::unexpected(SignatureError::kBadRecoveryId);
  secp256k1_ecdsa_recoverable_signature rsig;
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx_of(ctx_), &rsig, signature.data(),
                                                           v - 27))
    return std::unexpected(SignatureError::kMalformed);  // r or s >= n
  secp256k1_ecdsa_signature plain;
  secp256k1_ecdsa_recoverable_signature_convert(ctx_of(ctx_), &plain, &rsig);
  // normalize() returns 1 when the input was high-s. ecrecover itself accepts high s, so the
  // contract must make the same check (docs/proofs.md "Signatures").
  if (secp256k1_ecdsa_signature_normalize(ctx_of(ctx_), nullptr, &plain))
    return std::unexpected(SignatureError::kHighS);
  bool zero_r = true, zero_s = true;
  for (size_t i = 0; i < 32; ++i) {
    zero_r = zero_r && signature[i] == 0;
    zero_s = zero_s && signature[32 + i] == 0;
  }
  if (zero_r || zero_s) return std::unexpected(SignatureError::kMalformed);
  secp256k1_pubkey pk;
  if (!secp256k1_ecdsa_recover(ctx_of(ctx_), &pk, &rsig, digest.bytes.data()))
    return std::unexpected(SignatureError::kUnrecoverable);
  PublicKey out;
  size_t len = out.bytes.size();
  secp256k1_ec_pubkey_serialize(ctx_of(ctx_), out.bytes.data(), &len, &pk, SECP256K1_EC_COMPRESSED);
  return out;
}

}  // namespace relay
