// CanonicalState: the deterministic state machine of one node. It applies epoch batches of
// chain events in order, each atomically as one synced LevelDB write batch, deduplicating by
// (chain, block, log index), enforcing per-chain order, recording a receipt for every rejected
// event, and keeping the Vault (balances, custody, pending, withdrawals, invariants). After a
// crash at any point it reopens to exactly the last committed epoch: no event lost or doubled.
// Rules 1-3 of `relayctl replay` live here; rules 4-6 in Vault.
// Not thread-safe: one owner applies batches; the store may be read elsewhere.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "canonical_state/commit_observer.h"
#include "storage/kv_store.h"
#include "vault/event.h"
#include "vault/genesis.h"
#include "vault/reason.h"
#include "vault/result.h"
#include "vault/vault.h"

namespace relay {

namespace storage {
class BackgroundWriter;
class Worker;
}

/// What one or more batches did, counted.
struct BatchStats {
  uint64_t applied = 0;
  uint64_t duplicates = 0;
  std::array<uint64_t, kReasonCount + 1> rejected{};  // indexed by Reason
  uint64_t rejected_total() const;
  void add(const BatchStats& o);
};

/// The record of one rejected event.
struct Receipt {
  uint64_t epoch = 0;
  uint32_t index = 0;  // position in the epoch's event list
  Reason reason{};
  std::string chain;
  EventPosition pos;
  Hash32 event;  // event_identity()
};

/// How a CanonicalState commits (CanonicalState::open).
struct CanonicalStateOptions {
  /// Pipelined commits: a writer over the same store, outliving the state. apply_batch()
  /// hands the epoch's batch to it and returns while it is written, so the next epoch is
  /// applied while the last ones are written and synced; flush() waits for them. open()
  /// waits for the writer first, so a state reopened over it loads every epoch handed to it.
  storage::BackgroundWriter* writer = nullptr;
  /// A thread to hash each epoch's events on (their identities and the event-list digest)
  /// while apply_batch() applies them; without one, apply_batch() hashes them itself first.
  /// It must outlive the state and serve no one else while apply_batch() runs.
  storage::Worker* worker = nullptr;
  /// A new balance snapshot is written once the delta records since the last would reach
  /// snapshot_ratio times the snapshot's records, and at least min_snapshot_deltas
  /// (docs/state.md, "Storage layout"). A higher ratio writes fewer snapshots (each is sorted,
  /// so its bytes do not depend on a folder's restarts) and lets opening read more deltas:
  /// at most about (ratio + 1) times the live balances.
  uint64_t min_snapshot_deltas = uint64_t(1) << 16;
  uint64_t snapshot_ratio = 4;
};

class CanonicalState {
 public:
  using Options = CanonicalStateOptions;

  /// Opens the state in `store` (empty: genesis state), checking that it was made with this
  /// genesis and that every invariant holds. `store` and `genesis` must outlive the state; the
  /// observer, if any, is given every epoch's changes to write in the same batch.
  static Result<std::unique_ptr<CanonicalState>> open(const Genesis& genesis,
                                                      storage::KvStore& store,
                                                      CommitObserver* observer = nullptr,
                                                      Options options = {});

  /// The epoch the next batch will be.
  uint64_t next_epoch() const { return next_epoch_; }

  /// Applies `events`, in order, as epoch next_epoch() and commits it (synced unless `sync` is
  /// false). An error means nothing of the batch was committed, and this object must not be
  /// used again (reopen it from the store).
  /// Pipelined (Options::writer): returns once the batch is applied and handed to the writer;
  /// it is on disk once flush() or, with a writer of depth d, the d-th apply_batch() after it
  /// returns without error. An error may
  /// then be an earlier epoch's failed write: the store holds the epochs before it, and the
  /// state and its observer (told committed(true) at hand-over) must both be reopened.
  Result<BatchStats> apply_batch(std::span<const Event> events, bool sync = true);

  /// Waits until every applied epoch is on disk (at once without a writer). An error means the
  /// write of some epoch failed: the store holds the epochs before it; reopen from the store.
  Result<void> flush();

  const Vault& vault() const { return vault_; }
  const Genesis& genesis() const { return genesis_; }
  /// The last position seen on `chain` (genesis index), if any.
  std::optional<EventPosition> cursor(uint32_t chain) const { return cursors_[chain]; }

  /// SHA-256 over the whole state in a canonical encoding (docs/state.md): equal for equal
  /// histories on any machine.
  Hash32 state_digest() const;

  /// The digest of the event list committed as `epoch` (nullopt if not committed). Reads the
  /// store: when pipelined, call flush() first to see the last epochs.
  Result<std::optional<Hash32>> epoch_digest(uint64_t epoch) const;
  /// The digest of an event list, as epoch_digest() records it.
  static Hash32 events_digest(std::span<const Event> events);

  /// Receipts of the events rejected in `epoch`, in order. Reads the store, as epoch_digest().
  Result<std::vector<Receipt>> receipts(uint64_t epoch) const;

 private:
  CanonicalState(const Genesis& genesis, storage::KvStore& store, CommitObserver* observer,
                 Options options);
  Result<void> load();
  /// The identity stored for an event seen at `pos` on `chain` in a committed epoch, if any.
  Result<std::optional<Hash32>> find_seen(uint32_t chain, EventPosition pos) const;

  const Genesis& genesis_;
  storage::KvStore& store_;
  CommitObserver* observer_;
  storage::BackgroundWriter* writer_;
  storage::Worker* worker_;
  uint64_t min_snapshot_deltas_;
  uint64_t snapshot_ratio_;
  Vault vault_;
  uint64_t next_epoch_ = 0;
  Hash32 history_;  // chains every committed epoch's event-list digest
  std::vector<std::optional<EventPosition>> cursors_;
  bool fresh_ = true;
  bool poisoned_ = false;
  storage::WriteBatch batch_;  // apply_batch's, kept so its buffer is not regrown every epoch
  // Per chain, the events stored as seen by an epoch, in increasing position. The epochs the
  // writer may not have written yet (the last `depth` handed to it) keep theirs here: a lookup
  // finds them here while the store may not show them yet.
  struct Seen {
    EventPosition pos;
    uint32_t index;   // in its epoch's event list
    Hash32 identity;  // filled in once the epoch's identities are computed
  };
  using SeenList = std::vector<std::vector<Seen>>;
  std::deque<SeenList> inflight_seen_;  // oldest first
  SeenList batch_seen_;   // apply_batch's, reused
  EpochChanges changes_;  // apply_batch's, reused
  struct Lookahead {             // apply_batch's first pass, per event
    uint32_t chain;              // genesis index, or UINT32_MAX for an unknown chain
    std::optional<BalanceKey> key;
  };
  std::vector<Lookahead> lookahead_;
  std::vector<Hash32> identities_;  // apply_batch's: each event's event_identity()
  /// An event whose outcome needs identities, settled once they are computed: rejected for
  /// `reason`, or (no reason) at or below its chain's cursor, a duplicate or a conflict of the
  /// event seen there: the one at `seen_index` in this batch, else the identity `seen`.
  struct Deferred {
    uint32_t index;
    std::optional<Reason> reason;
    uint32_t seen_index;
    Hash32 seen;
  };
  std::vector<Deferred> deferred_;  // apply_batch's, reused
  // The balances on disk: a snapshot, and the changes of each epoch since (docs/state.md).
  struct BalanceLog {
    std::optional<uint64_t> snapshot_epoch;
    uint64_t snapshot_entries = 0;
    uint32_t snapshot_chunks = 0;
    uint64_t delta_entries = 0;                             // records in the deltas
    std::vector<std::pair<uint64_t, uint32_t>> deltas;      // (epoch, chunks), in epoch order
  };
  BalanceLog balance_log_;
  /// What an epoch's write did to the log: a new snapshot (of `entries` records in `chunks`
  /// chunks) or a delta (of `entries` records in `chunks` chunks, none when nothing changed).
  struct BalanceLogUpdate {
    bool snapshot = false;
    uint64_t entries = 0;
    uint32_t chunks = 0;
  };
  /// Adds the epoch's balance changes to `wb`, as a delta or, once the deltas outgrow the
  /// snapshot, as a new snapshot replacing them.
  BalanceLogUpdate write_balances(uint64_t epoch, std::span<const BalanceChange> changes,
                                  storage::WriteBatch& wb) const;
};

}  // namespace relay
