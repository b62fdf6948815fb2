// Replay: the epoch loop of `relayctl replay` (and of the crash-test child, which must run
// exactly this code): applies a JSON-lines event log (wire/event_log.h) to a store,
// batch k as epoch k, through the canonical state machine and the epoch committer. Batches the
// store already holds are checked to be the same events (CanonicalState::epoch_digest) and
// skipped, so a killed replay resumes where it stopped; a log shorter than the store's history
// is refused. Commits are pipelined (storage::BackgroundWriter of depth kPipelineDepth) and
// each epoch's events hashed on a worker, as docs/state.md describes.
// Owns the committer, the writer, the worker and the state; the store and genesis must outlive
// it. Not thread-safe: one owner.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <string>

#include "canonical_state/canonical_state.h"
#include "proofs/epoch_committer.h"
#include "storage/background_writer.h"
#include "storage/kv_store.h"
#include "storage/worker.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::node {

/// What a replay did.
struct ReplayOutcome {
  BatchStats applied;    // over the batches it applied (not the skipped ones)
  uint64_t batches = 0;  // batches in the log
  uint64_t skipped = 0;  // batches the store already held
};

class Replay {
 public:
  struct Options {
    /// min_snapshot_deltas and snapshot_ratio are taken from here (writer and worker are the
    /// replay's own).
    CanonicalState::Options state{};
    /// Called every few seconds of a long replay with the batches read and events applied so
    /// far (relayctl prints it to stderr). Reads the clock only for this.
    std::function<void(uint64_t batches, uint64_t applied)> progress;
  };

  /// Opens the committer and the state over `store` (a new store is the genesis state) and
  /// checks that they hold the same number of epochs. `name` is how errors name the store
  /// (the data folder's path). Errors: the state's and committer's refusals (another network,
  /// another format, a folder written without commitments), prefixed with `name`.
  static Result<std::unique_ptr<Replay>> open(const Genesis& genesis, storage::KvStore& store,
                                              std::string name, Options options);
  ~Replay();

  /// Reads the whole log from `events` (named `events_name` in errors) and applies it. Every
  /// error names the log's line and field, or the batch, and means that the store holds the
  /// epochs committed before it (written and synced: a write that failed is what the error
  /// then reports, with "replay again to resume"). After an error this object must not be
  /// used again.
  Result<ReplayOutcome> run(std::istream& events, const std::string& events_name);

  const CanonicalState& state() const { return *state_; }
  const proofs::EpochCommitter& committer() const { return *committer_; }

 private:
  Replay(std::string name, std::unique_ptr<proofs::EpochCommitter> committer,
         storage::KvStore& store, Options options);
  Result<void> close_batch(std::vector<Event>& batch, ReplayOutcome& out);
  /// The error to return: a failed write, if one happened, else `message`.
  Error stop(const std::string& message);

  std::string name_;
  Options options_;
  std::unique_ptr<proofs::EpochCommitter> committer_;
  storage::BackgroundWriter writer_;
  storage::Worker worker_;
  std::unique_ptr<CanonicalState> state_;
};

}  // namespace relay::node
