#include "proofs/certificate.h"

#include <algorithm>

#include "proofs/commitment_checks.h"
#include "proofs/signature.h"

namespace relay {
namespace {

using Kind = CertificateErrorKind;

std::unexpected<CertificateError> refuse(Kind kind, std::optional<size_t> sig, std::string msg) {
  return std::unexpected(CertificateError{kind, sig, std::move(msg)});
}

Kind kind_of(SignatureError e) {
  switch (e) {
    case SignatureError::kWrongLength:
      return Kind::kWrongLength;
    case SignatureError::kBadRecoveryId:
      return Kind::kBadRecoveryId;
    case SignatureError::kHighS:
      return Kind::kHighS;
    case SignatureError::kMalformed:
    case SignatureError::kUnrecoverable:
      return Kind::kMalformedSignature;
  }
  return Kind::kMalformedSignature;
}

}  // namespace

std::string_view to_string(CertificateErrorKind k) {
  switch (k) {
    case Kind::kWrongNetwork:
      return "wrong network";
    case Kind::kMalformedCommitment:
      return "malformed commitment";
    case Kind::kWrongLength:
      return "wrong signature length";
    case Kind::kBadRecoveryId:
      return "bad recovery id";
    case Kind::kHighS:
      return "high-s signature";
    case Kind::kMalformedSignature:
      return "malformed signature";
    case Kind::kUnknownSigner:
      return "unknown signer";
    case Kind::kDuplicateSigner:
      return "duplicate signer";
    case Kind::kInsufficientWeight:
      return "insufficient weight";
  }
  return "unknown certificate error";
}

std::expected<VerifiedCertificate, CertificateError> verify_certificate(const Certificate& cert,
                                                                        const Genesis& genesis,
                                                                        const Secp256k1& secp) {
  const EpochCommitment& c = cert.commitment;
  if (c.network_id != genesis.network_id)
    return refuse(Kind::kWrongNetwork, std::nullopt,
                  "the commitment is for network " + c.network_id.hex() + ", this genesis (" +
                      genesis.network + ") is network " + genesis.network_id.hex());
  if (auto shape = check_commitment_against(c, genesis); !shape)
    return refuse(Kind::kMalformedCommitment, std::nullopt, shape.error().message);
  if (auto content = check_commitment_content(c, genesis); !content)
    return refuse(Kind::kMalformedCommitment, std::nullopt, content.error().message);

  VerifiedCertificate out;
  out.commitment_hash = commitment_hash(c);
  out.epoch = c.epoch;
  std::vector<bool> seen(genesis.validators.size(), false);
  unsigned __int128 weight = 0;
  for (size_t i = 0; i < cert.signatures.size(); ++i) {
    const std::string at = "signature " + std::to_string(i) + ": ";
    auto key = recover_signer(secp, cert.signatures[i], genesis.network_id, out.commitment_hash);
    if (!key) return refuse(kind_of(key.error()), i, at + std::string(to_string(key.error())));
    auto it = std::find_if(genesis.validators.begin(), genesis.validators.end(),
                           [&](const Validator& v) { return v.pubkey == key->bytes; });
    if (it == genesis.validators.end())
      return refuse(Kind::kUnknownSigner, i,
                    at + "recovers to " + key->hex() +
                        ", not a validator of this network (signed for another network or "
                        "another commitment?)");
    size_t v = static_cast<size_t>(it - genesis.validators.begin());
    if (seen[v])
      return refuse(Kind::kDuplicateSigner, i, at + "a second signature by validator " + it->name);
    seen[v] = true;
    out.signers.push_back(v);
    weight += it->weight;  // each weight <= 2^53 (genesis), so 128 bits cannot overflow
  }
  if (weight < genesis.quorum)
    return refuse(Kind::kInsufficientWeight, std::nullopt,
                  "signers hold weight " + std::to_string(static_cast<uint64_t>(weight)) +
                      ", the quorum is " + std::to_string(genesis.quorum));
  out.weight = static_cast<uint64_t>(weight);
  return out;
}

std::expected<VerifiedCertificate, CertificateError> verify_certificate(const Certificate& cert,
                                                                        const Genesis& genesis) {
  Secp256k1 secp;
  return verify_certificate(cert, genesis, secp);
}

Result<void> add_signature(Certificate& cert, const Secp256k1& secp, const SecretKey& key) {
  if (auto shape = check_commitment_shape(cert.commitment); !shape)
    return std::unexpected(shape.error());
  const Hash32 hash = commitment_hash(cert.commitment);
  auto sig = sign_commitment(secp, key, cert.commitment.network_id, hash);
  if (!sig) return std::unexpected(sig.error());
  auto pub = secp.public_key(key);
  if (!pub) return std::unexpected(pub.error());
  auto address_of = [&](std::span<const uint8_t> s) -> std::optional<Address> {
    auto k = recover_signer(secp, s, cert.commitment.network_id, hash);
    if (!k) return std::nullopt;
    auto a = evm_address(secp, *k);
    return a ? std::optional<Address>(*a) : std::nullopt;
  };
  auto mine = evm_address(secp, *pub);
  if (!mine) return std::unexpected(mine.error());
  // Keep ascending signer address; signatures that do not recover sort last.
  auto pos = cert.signatures.begin();
  for (; pos != cert.signatures.end(); ++pos) {
    auto a = address_of(*pos);
    if (a && *a == *mine) return fail("certificate: this key has already signed");
    if (!a || *mine < *a) break;
  }
  for (auto it = pos; it != cert.signatures.end(); ++it)
    if (auto a = address_of(*it); a && *a == *mine)
      return fail("certificate: this key has already signed");
  cert.signatures.insert(pos, std::vector<uint8_t>(sig->bytes.begin(), sig->bytes.end()));
  return {};
}

}  // namespace relay
