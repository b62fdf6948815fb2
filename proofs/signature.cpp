#include "proofs/signature.h"

#include "vault/sha256.h"

namespace relay {

Hash32 signing_digest(const Hash32& network_id, const Hash32& commitment_hash) {
  Sha256 h;
  h.update(network_id.bytes).update(commitment_hash.bytes);
  return h.finish();
}

Result<Signature> sign_commitment(const Secp256k1& secp, const SecretKey& key,
                                  const Hash32& network_id, const Hash32& commitment_hash) {
  return secp.sign(key, signing_digest(network_id, commitment_hash));
}

std::expected<PublicKey, SignatureError> recover_signer(const Secp256k1& secp,
                                                        std::span<const uint8_t> signature,
                                                        const Hash32& network_id,
                                                        const Hash32& commitment_hash) {
  return secp.recover(signature, signing_digest(network_id, commitment_hash));
}

}  // namespace relay
