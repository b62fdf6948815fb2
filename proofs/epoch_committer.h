// EpochCommitter: makes every committed epoch carry its epoch commitment (docs/proofs.md "Epoch
// commitment", "Storage of commitments and withdrawals"). It is the canonical state's
// CommitObserver: it owns the LiabilitiesTrees and hands them each epoch first, then builds the
// epoch's commitment (build_epoch_commitment, chained to the previous epoch's hash; zero before
// epoch 0) with the cuts the node gave for that epoch (set_next_cuts; the empty cuts when it
// gave none), checks its content (commitment_checks.h), and puts it, with the epoch's withdrawal
// leaves per destination chain, into the same write batch as the state and the trees. So after a
// crash the state, the trees and the commitments are always at the same epoch, and no stored
// commitment (what a node signs) breaks the checks. On open it loads the trees and the last
// commitment and checks that they agree.
// Owns the trees; keeps a reference to the genesis (which must outlive it) and none to the
// store. Not thread-safe: stage/committed and the reads are serialised by the owner.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "canonical_state/commit_observer.h"
#include "proofs/commitment.h"
#include "proofs/commitment_builder.h"
#include "proofs/liabilities_trees.h"
#include "storage/kv_store.h"
#include "vault/genesis.h"

namespace relay::proofs {

class EpochCommitter final : public CommitObserver {
 public:
  /// Loads the trees and the last commitment from `store` (none in a new store). Refuses a store
  /// whose trees and commitments are at different epochs, and a last commitment that is not of
  /// this genesis or does not match the trees' roots.
  static Result<std::unique_ptr<EpochCommitter>> open(const Genesis& genesis,
                                                      const storage::KvStore& store);

  const LiabilitiesTrees& trees() const { return *trees_; }
  /// How many epochs carry a commitment (the last committed epoch + 1; 0 before the first).
  uint64_t epochs() const { return last_ ? last_->epoch + 1 : 0; }
  /// The last committed epoch's commitment, nullopt before the first.
  const std::optional<EpochCommitment>& last_commitment() const { return last_; }
  /// Its hash: the next epoch's `previous` (32 zero bytes before the first epoch).
  const Hash32& last_hash() const { return last_hash_; }
  /// Refuses, naming both counts, when the canonical state has committed another number of
  /// epochs than this holds commitments for (a folder written by something else, or before
  /// commitments were kept).
  Result<void> check_state_epochs(uint64_t state_epochs) const;

  /// The chain data of the next epoch (docs/node.md "Epochs and the cut"). The node calls this
  /// before CanonicalState::apply_batch() applies epoch `epoch`, with `end_time` = T_e of the
  /// genesis schedule (unix seconds: EpochSchedule::end_time(epoch)) and `cuts` = one ChainCut
  /// per genesis chain, in genesis order (the empty cut, ChainCut{}, for a chain not cut yet).
  /// The epoch's commitment then carries them. Checked at once, before anything is applied,
  /// so that a refusal leaves the state usable; the error starts "set_next_cuts: epoch N: " and
  /// names the field and chain:
  ///   - `epoch` is not the next epoch to commit (epochs()), or not one cut per chain;
  ///   - end_time is not T_epoch, or a cut is malformed (a zero hash with other fields set, an
  ///     event count of 0 with a nonzero accumulator or the reverse, a timestamp after
  ///     end_time): check_commitment_cuts;
  ///   - a cut does not extend the last commitment's cut of that chain, end_time is not after
  ///     its end_time: check_cuts_follow.
  /// After a refusal the next stage() refuses too (nothing is committed with cuts the node did
  /// not mean), until a call that succeeds. stage() also refuses the epoch when the state applied
  /// an event from a block above a chain's cut (events beyond the cut were applied), and when the
  /// whole commitment fails check_commitment_content (amounts). The cuts stay set until their
  /// epoch is committed, so a discarded epoch is staged again with them; a second call replaces
  /// them. Without any call (relayctl replay, which has no chain data) an epoch's commitment
  /// carries the empty cuts and end_time 0, which stage() refuses once an earlier commitment
  /// carried cuts.
  Result<void> set_next_cuts(uint64_t epoch, uint64_t end_time, std::vector<ChainCut> cuts);

  Result<void> stage(const EpochChanges& changes, storage::WriteBatch& batch) override;
  void committed(bool ok) override;

 private:
  EpochCommitter(const Genesis& genesis, std::unique_ptr<LiabilitiesTrees> trees,
                 std::optional<EpochCommitment> last, const Hash32& last_hash)
      : genesis_(genesis),
        trees_(std::move(trees)),
        last_(std::move(last)),
        last_hash_(last_hash) {}

  const Genesis& genesis_;
  std::unique_ptr<LiabilitiesTrees> trees_;
  std::optional<EpochCommitment> last_;
  Hash32 last_hash_;
  struct Pending {
    EpochCommitment commitment;
    Hash32 hash;
  };
  std::optional<Pending> pending_;
  struct NextCuts {
    uint64_t epoch = 0;
    uint64_t end_time = 0;
    std::vector<ChainCut> cuts;
    std::optional<std::string> refused;  // why set_next_cuts refused them
  };
  std::optional<NextCuts> next_cuts_;
  Result<void> check_next_cuts(const EpochChanges& changes) const;
  std::vector<AssetLiabilities> liabilities_;  // scratch, reused from epoch to epoch
};

}  // namespace relay::proofs
