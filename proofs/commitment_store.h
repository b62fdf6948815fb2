// Read access to the epoch commitments and withdrawal leaves that EpochCommitter writes into the
// data folder (docs/proofs.md "Storage of commitments and withdrawals"), for the node on
// start-up and for offline tools (relayctl commitment, withdrawal-proof). Every record read is
// checked: a commitment must decode canonically and, for the last epoch, hash to the stored
// head; a chain's withdrawal leaves must rebuild the commitment's withdrawal root.
// Stateless functions over a store that may be read concurrently; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proofs/commitment.h"
#include "proofs/withdrawal_tree.h"
#include "proofs/withdrawal_tree_json.h"
#include "storage/kv_store.h"
#include "vault/result.h"

namespace relay::proofs {

/// The last committed epoch and its commitment hash.
struct CommitmentHead {
  uint64_t epoch = 0;
  Hash32 hash;
};

/// A commitment as stored: its canonical bytes, the commitment they decode to, their hash.
struct StoredCommitment {
  EpochCommitment commitment;
  std::vector<uint8_t> encoding;
  Hash32 hash;
};

/// A withdrawal proof out of the store, with the destination chain whose tree holds it.
struct LocatedWithdrawalProof {
  size_t chain = 0;  // genesis index of the destination chain
  WithdrawalProofDocument document;
};

/// The head record; nullopt when the store holds no commitment. Refuses, by name, a folder
/// whose commitments are of another format than commitment_keys::kFormatVersion (none: the
/// eight-field commitments of older relays).
Result<std::optional<CommitmentHead>> load_commitment_head(const storage::KvStore& store);

/// The commitment of `epoch`. Errors name the case: the store holds no commitments at all, or
/// not that epoch (with the range it holds), or a record that is corrupt.
Result<StoredCommitment> load_commitment(const storage::KvStore& store, uint64_t epoch);

/// The withdrawal tree of `chain` in the stored commitment's epoch, rebuilt from its leaves and
/// checked against the commitment's withdrawal root for that chain.
Result<WithdrawalTree> load_withdrawal_tree(const storage::KvStore& store,
                                            const StoredCommitment& stored, size_t chain);

/// The proof of withdrawal `id` in the tree of its destination chain for `epoch`. The error says
/// when the epoch certified no withdrawal with that id.
Result<LocatedWithdrawalProof> prove_stored_withdrawal(const storage::KvStore& store,
                                                       uint64_t epoch, const WithdrawalId& id);

/// The record of a chain's leaves, in tree order: kLeafSize bytes per leaf.
std::string withdrawal_leaves_record(std::span<const WithdrawalLeaf> leaves);

}  // namespace relay::proofs
