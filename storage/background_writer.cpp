#include "storage/background_writer.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace relay::storage {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

BackgroundWriter::BackgroundWriter(KvStore& store, size_t depth)
    : store_(store), slots_(std::max<size_t>(depth, 1)), thread_([this] { run(); }) {}

BackgroundWriter::~BackgroundWriter() {
  {
    std::unique_lock lock(mu_);
    block_until(lock, [this] { return pending_ == 0; });
    stop_ = true;
  }
  work_cv_.notify_one();
  thread_.join();
}

template <class Ready>
void BackgroundWriter::block_until(std::unique_lock<std::mutex>& lock, Ready ready) {
  if (ready()) return;  // no clock read, and not counted, when nothing is in the way
  ++blocked_;
  const auto t0 = Clock::now();
  done_cv_.wait(lock, ready);
  stats_.caller_wait_seconds += seconds_since(t0);
  --blocked_;
}

Result<void> BackgroundWriter::submit(WriteBatch& batch, bool sync) {
  std::unique_lock lock(mu_);
  // After a failure nothing is pending (the writer drops the queue), so this does not block.
  block_until(lock, [this] { return pending_ < slots_.size(); });
  if (error_) return fail(*error_);
  Slot& slot = slots_[(head_ + pending_) % slots_.size()];
  std::swap(slot.batch, batch);
  batch.clear();  // the spare buffer the caller gets back (it keeps its capacity)
  slot.sync = sync;
  ++pending_;
  lock.unlock();
  work_cv_.notify_one();
  return {};
}

Result<void> BackgroundWriter::wait() {
  std::unique_lock lock(mu_);
  block_until(lock, [this] { return pending_ == 0; });
  if (error_) return fail(*error_);
  return {};
}

bool BackgroundWriter::busy() const {
  std::lock_guard lock(mu_);
  return pending_ > 0;
}

BackgroundWriter::Stats BackgroundWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void BackgroundWriter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return pending_ > 0 || stop_; });
    if (pending_ == 0) return;  // stop_, and nothing left to write
    // slots_[head_] stays pending until we advance head_, so submit() leaves it alone.
    const Slot& slot = slots_[head_];
    lock.unlock();
    const auto t0 = Clock::now();
    auto r = store_.write(slot.batch, slot.sync);
    const double took = seconds_since(t0);
    lock.lock();
    stats_.write_seconds += took;
    if (r) {
      ++stats_.writes;
      head_ = (head_ + 1) % slots_.size();
      --pending_;
    } else {
      if (!error_) error_ = r.error().message;
      // Drop the failed batch and every one queued behind it: writing a later batch would
      // leave a gap on disk. Their buffers go back to the free slots as they are.
      head_ = (head_ + pending_) % slots_.size();
      pending_ = 0;
    }
    done_cv_.notify_all();
  }
}

}  // namespace relay::storage
