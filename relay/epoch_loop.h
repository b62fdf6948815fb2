// EpochLoop: the deterministic middle of the node's pipeline (DESIGN.md "One epoch, end to
// end", steps 2, 3 and 5; docs/node.md "Epochs and the cut"): stored final blocks go into the
// cut engine (relay/cut.h); once an epoch is decided its events are gathered from the chain
// store per chain in genesis order, (block, log index) within a chain, the fold of each chain's
// events is checked against the accumulator at its cut, and the batch is applied by the
// canonical state with the epoch committer, which the cuts are given first (set_next_cuts: they
// are fields of the commitment the node signs), the cuts also under N/c/ in the same batch.
// What it returns is the epoch's commitment for the signer. No clock, no socket.
// On open it rebuilds the engine from the last applied epoch's cuts and the blocks stored after
// them, so a restart continues exactly where the folder stands.
// Owns the committer and the state; the genesis, store and chain store outlive it. Not
// thread-safe: the node loop owns it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "canonical_state/canonical_state.h"
#include "proofs/epoch_committer.h"
#include "relay/chain_store.h"
#include "relay/cut.h"
#include "storage/kv_store.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::node {

class EpochLoop {
 public:
  /// Refuses a genesis without "epochs", and a folder whose epochs were applied without cuts
  /// (by relayctl replay): relayd cannot continue it.
  static Result<std::unique_ptr<EpochLoop>> open(const Genesis& genesis, storage::KvStore& store,
                                                 ChainStore& chains);
  ~EpochLoop();

  /// Blocks just stored for `chain`, continuing what it was given (Ingest::Outcome::stored).
  std::expected<void, CutError> add(uint32_t chain, std::span<const BlockRecord> blocks);

  struct Applied {
    uint64_t epoch = 0;
    EpochCommitment commitment;
    Hash32 hash;
    BatchStats stats;
    uint64_t events = 0;
  };
  /// Applies the next epoch if it is decided (nullopt when it waits). An error is an alarm
  /// (an accumulator that does not fold, a store that fails): nothing was applied.
  Result<std::optional<Applied>> step();
  /// What the next epoch waits for, if it waits.
  std::optional<CutEngine::Waiting> waiting() const;

  const CanonicalState& state() const { return *state_; }
  const proofs::EpochCommitter& committer() const { return *committer_; }
  const CutEngine& engine() const { return *engine_; }

 private:
  EpochLoop(const Genesis& genesis, storage::KvStore& store, ChainStore& chains);
  Result<void> load_engine();

  class CutsObserver;
  const Genesis& genesis_;
  storage::KvStore& store_;
  ChainStore& chains_;
  std::unique_ptr<proofs::EpochCommitter> committer_;
  std::unique_ptr<CutsObserver> observer_;
  std::unique_ptr<CanonicalState> state_;
  std::unique_ptr<CutEngine> engine_;
};

}  // namespace relay::node
