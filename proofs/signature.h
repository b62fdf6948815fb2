// Validator signatures over epoch commitments (docs/proofs.md "Signatures").
// The signed digest binds the commitment hash to the network: the network id (SHA-256 of the
// genesis file) is the domain separator, so a signature made for one network never verifies on
// another. A Solidity contract rebuilds it as sha256(abi.encodePacked(networkId, commitmentHash))
// and calls ecrecover(digest, v, r, s). Stateless functions, thread-safe.
#pragma once

#include <expected>
#include <span>

#include "proofs/keys.h"
#include "proofs/secp256k1.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay {

/// SHA-256(network_id (32 bytes) || commitment_hash (32 bytes)): the 32 bytes that are signed.
Hash32 signing_digest(const Hash32& network_id, const Hash32& commitment_hash);

/// Signs a commitment hash under a network's domain. Fails only for an invalid secret key.
Result<Signature> sign_commitment(const Secp256k1& secp, const SecretKey& key,
                                  const Hash32& network_id, const Hash32& commitment_hash);

/// The public key that made `signature` over this commitment hash under this network's domain
/// (a signature from another domain recovers to an unrelated key). Refuses what ecrecover
/// refuses, and high-s.
std::expected<PublicKey, SignatureError> recover_signer(const Secp256k1& secp,
                                                        std::span<const uint8_t> signature,
                                                        const Hash32& network_id,
                                                        const Hash32& commitment_hash);

}  // namespace relay
