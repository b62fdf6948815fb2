// Signer: the validator key behind the node's slashing protection (DESIGN.md "Sign once", after
// EIP-3076's signing record). Before a signature leaves the node, (epoch, commitment hash,
// signature) is written under N/s/ + be64(epoch) and synced; asking to sign another hash for an
// epoch already signed is refused (an alarm: the node computed two commitments for one epoch);
// after a crash the stored signature is what the node sends again, never a new one. Once
// evidence of equivocation is stored (N/x/, relay/certifier.h) it signs nothing more.
// Record value: commitment hash (32) ‖ signature (65, r ‖ s ‖ v; docs/proofs.md "Signatures").
// Owns its copy of the key; the store, secp context outlive it. Not thread-safe: one owner.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "proofs/keys.h"
#include "proofs/secp256k1.h"
#include "storage/kv_store.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay::node {

struct SignRecord {
  uint64_t epoch = 0;
  Hash32 commitment_hash;
  Signature signature;
  bool operator==(const SignRecord&) const = default;
};

enum class SignRefusal {
  kOtherHashSigned,  // this epoch was signed for another commitment hash (alarm)
  kHalted,           // evidence of equivocation is stored: the node signs nothing
  kStorage,          // the record could not be read or written and synced: nothing sent
  kMalformedRecord,  // a stored record is not 97 bytes
  kBadKey,           // the secret key cannot sign
};
const char* to_string(SignRefusal r);

struct SignError {
  SignRefusal kind;
  std::string message;  // names the epoch and, for kOtherHashSigned, both hashes
};

class Signer {
 public:
  Signer(storage::KvStore& store, const Secp256k1& secp, const SecretKey& key,
         const Hash32& network_id)
      : store_(store), secp_(secp), key_(key), network_id_(network_id) {}

  /// The signature to send for `epoch`'s commitment `hash` (docs/proofs.md "Signatures": over
  /// SHA-256(network id ‖ hash)). `fresh` says whether it was made by this call (and its
  /// record written and synced before returning) or read from the stored record.
  struct Signed {
    SignRecord record;
    bool fresh = false;
  };
  std::expected<Signed, SignError> sign_once(uint64_t epoch, const Hash32& hash);

  /// The stored record of `epoch`, if any.
  std::expected<std::optional<SignRecord>, SignError> record(uint64_t epoch) const;
  /// Every stored record from `epoch` on, in epoch order (what is re-sent until certified).
  std::expected<std::vector<SignRecord>, SignError> records_from(uint64_t epoch) const;
  /// Whether evidence of equivocation is stored (N/x/): then sign_once refuses.
  std::expected<bool, SignError> halted() const;

 private:
  storage::KvStore& store_;
  const Secp256k1& secp_;
  SecretKey key_;
  Hash32 network_id_;
};

}  // namespace relay::node
