// BackgroundWriter: writes a store's batches on a thread of its own, one at a time, in the
// order they were submitted, so that the caller computes the next batch while the last one is
// written and synced (a pipelined commit: with one write in flight, epoch k+1 is applied in
// memory while epoch k goes to disk). A batch is durable once a later submit() or wait() has
// returned without error; the first failure is returned by the next submit() or wait(), and
// every batch after a failed one is refused, so what is on disk is always a prefix of what was
// submitted.
// Thread-safety: one caller thread uses it; the writes happen on its own thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "storage/kv_store.h"
#include "vault/result.h"

namespace relay::storage {

class BackgroundWriter {
 public:
  explicit BackgroundWriter(KvStore& store);
  /// Waits for the write in flight.
  ~BackgroundWriter();
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;

  /// Waits for the previous write to finish, then starts writing `batch` (taken by swapping
  /// it with the writer's spare buffer, which the caller gets back, cleared). Returns the
  /// error of an earlier write if one failed; `batch` is then not written.
  Result<void> submit(WriteBatch& batch, bool sync);

  /// Waits until every submitted batch is written. The first error if one failed.
  Result<void> wait();

  /// The store it writes.
  KvStore& store() const { return store_; }

  /// Whether a batch is being written now.
  bool busy() const;
  /// How many submit()/wait() calls are waiting for the write in flight (for tests that need
  /// to know the caller has got that far).
  size_t blocked_callers() const { return blocked_.load(); }

 private:
  void run();
  void wait_idle(std::unique_lock<std::mutex>& lock);

  KvStore& store_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  WriteBatch inflight_;  // the batch being written, when pending_
  bool pending_ = false;
  bool sync_ = true;
  bool stop_ = false;
  std::optional<std::string> error_;  // the first failure, sticky
  std::atomic<size_t> blocked_{0};
  std::thread thread_;                // last: started once everything above is set up
};

}  // namespace relay::storage
