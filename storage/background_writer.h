// BackgroundWriter: writes a store's batches on a thread of its own, one at a time, strictly in
// the order they were submitted, so that the caller computes the next batch while earlier ones
// are written and synced (a pipelined commit: with the default depth of 1, epoch k+1 is applied
// in memory while epoch k goes to disk).
//
// Up to `depth` batches may be pending (submitted and not yet written: queued, or being
// written); submit() blocks only while `depth` are. Hence when submit() returns without error,
// every batch but the last depth-1 submitted before it is written; a batch is durable once
// `depth` later submit() calls, or one wait(), have returned without error.
//
// Errors are sticky. The first failed write is returned by the next submit() or wait(), and by
// every call after it; the batches queued behind the failed one are dropped unwritten, and no
// later batch is taken. So what is on disk is always a prefix of what was submitted, whatever
// the depth — but with depth > 1 a submit() that returned without error does not mean its batch
// will be written: only a later call without error says that.
//
// Buffers are recycled: the writer owns `depth` batch buffers, and submit() swaps the caller's
// batch with a free one, cleared, so the caller's next batch reuses its capacity.
//
// Thread-safety: one caller thread calls submit() and wait(); the writes happen on the writer's
// own thread. busy(), blocked_callers() and stats() may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/kv_store.h"
#include "vault/result.h"

namespace relay::storage {

/// The depth relayctl replay writes with (and the benchmark's pipelined runs): a snapshot epoch
/// writes several times an ordinary epoch's bytes, and with a few epochs of slack the applying
/// thread does not wait for it (bench/state_bench.cpp, its "waited" figure).
inline constexpr size_t kPipelineDepth = 4;

class BackgroundWriter {
 public:
  /// `depth`: how many batches may be pending at once (1: one write in flight, and submit()
  /// waits for it). A depth of 0 is taken as 1.
  explicit BackgroundWriter(KvStore& store, size_t depth = 1);
  /// Waits until every pending batch is written (or dropped after a failure).
  ~BackgroundWriter();
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;

  /// Waits while `depth` batches are pending, then queues `batch` to be written after every
  /// batch submitted before it (taken by swapping it with one of the writer's free buffers,
  /// which the caller gets back, cleared). Returns the error of an earlier write if one failed;
  /// `batch` is then not taken.
  Result<void> submit(WriteBatch& batch, bool sync);

  /// Waits until every submitted batch is written. The first error if one failed.
  Result<void> wait();

  /// The store it writes.
  KvStore& store() const { return store_; }
  /// How many batches may be pending at once (at least 1).
  size_t depth() const { return slots_.size(); }

  /// Whether any batch is pending (queued, or being written).
  bool busy() const;
  /// How many submit()/wait() calls are blocked waiting for writes to finish (for tests that
  /// need to know the caller has got that far).
  size_t blocked_callers() const { return blocked_.load(); }

  struct Stats {
    uint64_t writes = 0;             // batches written (store.write returned without error)
    double write_seconds = 0;        // wall time spent inside store.write, failed calls too
    double caller_wait_seconds = 0;  // time callers spent blocked in submit() and wait()
  };
  /// A consistent snapshot; every field only grows.
  Stats stats() const;

 private:
  struct Slot {
    WriteBatch batch;
    bool sync = true;
  };

  void run();
  /// Blocks the caller until `ready()`, counting it in blocked_ and its time in stats_.
  template <class Ready>
  void block_until(std::unique_lock<std::mutex>& lock, Ready ready);

  KvStore& store_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // to the writer: a batch was queued, or stop_
  std::condition_variable done_cv_;  // to callers: a write finished
  // A ring of depth buffers: slots_[head_ .. head_+pending_) (mod depth) are the pending
  // batches in submission order, slots_[head_] the one being written; the rest are free (they
  // keep a written or dropped batch until submit() hands them out, cleared). The writer reads
  // slots_[head_] without the lock: submit() only touches free slots.
  std::vector<Slot> slots_;
  size_t head_ = 0;
  size_t pending_ = 0;
  bool stop_ = false;
  std::optional<std::string> error_;  // the first failure, sticky
  Stats stats_;
  std::atomic<size_t> blocked_{0};
  std::thread thread_;  // last: started once everything above is set up
};

}  // namespace relay::storage
