// Certifier: turns validators' signatures into epoch certificates (DESIGN.md "Gossip and
// certify"; docs/node.md "Peers"; docs/proofs.md "Certificate"). Per epoch it knows this node's
// own commitment (set_own, after the node signed it) and counts the signatures that recover to
// genesis validators for that commitment's hash; at quorum weight it forms the certificate, its
// signatures in ascending signer address order, checks it with verify_certificate and stores it
// under N/q/ + be64(epoch) (synced). A valid signature or certificate for another hash of an
// epoch is evidence: stored under N/x/ + be64(epoch) + signer (synced), after which the node
// signs nothing (relay/sign_record.h checks N/x/) and the caller raises the `equivocation`
// alarm with both hashes. Signatures and certificates for an epoch whose own commitment is not
// known yet are held (at most Limits::max_held, each checked to recover to a validator) and
// judged when set_own comes.
// Record formats (big-endian lengths):
//   N/q/: be32 len ‖ commitment encoding ‖ be32 n ‖ n × signature (65)
//   N/x/: u8 kind (1 signature, 2 certificate) ‖ their hash (32) ‖ our hash (32) ‖ signature (65)
// The genesis, secp context and store outlive it. Not thread-safe: one owner (the node loop).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proofs/certificate.h"
#include "proofs/secp256k1.h"
#include "storage/kv_store.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::node {

enum class Verdict {
  kCounted,           // a valid signature for our hash, added to the epoch's weight
  kDuplicate,         // this validator's signature for this epoch is already counted or held
  kHeld,              // for an epoch whose own commitment is not known yet: kept, judged later
  kCertified,         // it completed the quorum (or was a valid certificate): stored
  kAlreadyCertified,  // the epoch has its certificate already (for our hash): nothing to do
  kEquivocation,      // valid, for another hash: evidence stored, signing halted (alarm)
  kRejected,          // malformed, not a validator's, or the held bound is reached
};
const char* to_string(Verdict v);

struct Outcome {
  Verdict verdict;
  uint64_t epoch = 0;
  std::string message;                     // names the signer, epoch, hashes or the reason
  std::optional<Certificate> certificate;  // kCertified: the certificate stored
};

class Certifier {
 public:
  struct Limits {
    size_t max_held = 1024;  // signatures and certificates kept for epochs not computed yet
  };

  /// Reads which epochs hold certificates and whether evidence is stored. Errors: the store's.
  static Result<std::unique_ptr<Certifier>> open(const Genesis& genesis, const Secp256k1& secp,
                                                 storage::KvStore& store, Limits limits);

  /// This node's commitment for its epoch and its own signature over it (from Signer). Counts
  /// it, then judges what was held for that epoch. Returns an outcome per judged item (the
  /// last kCertified one, if any, carries the certificate). A second call for an epoch is
  /// ignored (empty result) when it is the same commitment; another one is refused (kRejected).
  std::vector<Outcome> set_own(const EpochCommitment& commitment, const Signature& own);

  /// A peer's signature over `hash` as epoch `epoch`'s commitment.
  Outcome add_signature(uint64_t epoch, const Hash32& hash, std::span<const uint8_t> signature);
  /// A peer's certificate.
  Outcome add_certificate(const Certificate& cert);

  /// Evidence of equivocation is stored: the node must not sign.
  bool halted() const { return halted_; }
  /// The highest epoch holding a certificate, if any.
  std::optional<uint64_t> highest_certified() const { return highest_certified_; }
  /// The stored certificate of `epoch`, if any (decoded and checked against the genesis).
  Result<std::optional<Certificate>> certificate(uint64_t epoch) const;
  size_t held() const { return held_.size(); }

 private:
  Certifier(const Genesis& genesis, const Secp256k1& secp, storage::KvStore& store, Limits limits);

  struct Epoch {
    EpochCommitment commitment;
    Hash32 hash;
    std::map<size_t, Signature> signatures;  // by validator index
    uint64_t weight = 0;
  };
  struct Held {
    uint64_t epoch;
    Hash32 hash;
    size_t validator;  // for a signature
    std::vector<uint8_t> signature;
    std::optional<Certificate> cert;  // for a certificate
  };
  /// The validator whose key made `sig` over `hash` in this network, or an error message.
  std::expected<size_t, std::string> signer_of(std::span<const uint8_t> sig,
                                               const Hash32& hash) const;
  Outcome judge_signature(uint64_t epoch, const Hash32& hash, size_t validator,
                          std::span<const uint8_t> sig);
  Outcome judge_certificate(const Certificate& cert, const Hash32& hash);
  Outcome form_certificate(uint64_t epoch, Epoch& e);
  Outcome store_certificate(const Certificate& cert, uint64_t epoch);
  Outcome store_evidence(uint64_t epoch, uint8_t kind, const Hash32& theirs, const Hash32& ours,
                         size_t validator, std::span<const uint8_t> sig);
  /// Our hash for `epoch`: the own commitment's, or the stored certificate's.
  Result<std::optional<Hash32>> our_hash(uint64_t epoch) const;

  const Genesis& genesis_;
  const Secp256k1& secp_;
  storage::KvStore& store_;
  Limits limits_;
  std::vector<Address> addresses_;    // per validator
  std::map<uint64_t, Epoch> epochs_;  // own commitments not yet certified
  std::deque<Held> held_;
  bool halted_ = false;
  std::optional<uint64_t> highest_certified_;
};

}  // namespace relay::node
