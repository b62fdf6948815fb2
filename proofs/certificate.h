// Certificate: an epoch commitment plus validators' signatures over it, and the offline check
// that any chain or person runs against the network's genesis (docs/proofs.md
// "Verification rules"). Verification recovers each signer, requires distinct members of
// the genesis validator set holding at least the quorum weight, and refuses anything else with
// a specific CertificateErrorKind. Plain value types; verification is thread-safe.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proofs/commitment.h"
#include "proofs/keys.h"
#include "proofs/secp256k1.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay {

struct Certificate {
  EpochCommitment commitment;
  /// Raw bytes as received: length and v are checked by verification, not by construction.
  /// Signers are usually in ascending EVM address order (add_signature keeps it), which lets a
  /// contract refuse duplicates cheaply; verification does not require it.
  std::vector<std::vector<uint8_t>> signatures;
};

enum class CertificateErrorKind {
  kWrongNetwork,         // commitment's network id is not this genesis's
  kMalformedCommitment,  // array lengths disagree with each other or with the genesis, or
                         // the content breaks check_commitment_content (cuts, amounts)
  kWrongLength,          // a signature is not 65 bytes
  kBadRecoveryId,        // a signature's v is not 27 or 28
  kHighS,                // a signature has s > n/2
  kMalformedSignature,   // r or s out of range, or nothing recovers
  kUnknownSigner,        // the recovered key is not a genesis validator (or another network's
                         // domain / another commitment was signed)
  kDuplicateSigner,      // a validator signed twice
  kInsufficientWeight,   // all signatures good, but their weight is below the quorum
};
std::string_view to_string(CertificateErrorKind k);

struct CertificateError {
  CertificateErrorKind kind;
  std::optional<size_t> signature;  // index of the offending signature, when there is one
  std::string message;              // names the signature, the key or the weights
};

/// What a valid certificate proves.
struct VerifiedCertificate {
  Hash32 commitment_hash;
  uint64_t epoch = 0;
  std::vector<size_t> signers;  // indices into genesis.validators, in signature order
  uint64_t weight = 0;          // their total weight, >= genesis.quorum
};

std::expected<VerifiedCertificate, CertificateError> verify_certificate(const Certificate& cert,
                                                                        const Genesis& genesis,
                                                                        const Secp256k1& secp);
/// Same, with a context made for this call.
std::expected<VerifiedCertificate, CertificateError> verify_certificate(const Certificate& cert,
                                                                        const Genesis& genesis);

/// Signs cert.commitment with `key` and inserts the signature in ascending signer-address order.
/// Refuses an invalid key and a second signature by the same key.
Result<void> add_signature(Certificate& cert, const Secp256k1& secp, const SecretKey& key);

}  // namespace relay
