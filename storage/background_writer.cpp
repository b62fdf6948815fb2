#include "storage/background_writer.h"

namespace relay::storage {

BackgroundWriter::BackgroundWriter(KvStore& store) : store_(store), thread_([this] { run(); }) {}

BackgroundWriter::~BackgroundWriter() {
  {
    std::unique_lock lock(mu_);
    wait_idle(lock);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BackgroundWriter::wait_idle(std::unique_lock<std::mutex>& lock) {
  ++blocked_;
  cv_.wait(lock, [this] { return !pending_; });
  --blocked_;
}

Result<void> BackgroundWriter::submit(WriteBatch& batch, bool sync) {
  std::unique_lock lock(mu_);
  wait_idle(lock);
  if (error_) return fail(*error_);
  std::swap(inflight_, batch);
  batch.clear();  // the spare buffer the caller gets back (it keeps its capacity)
  sync_ = sync;
  pending_ = true;
  lock.unlock();
  cv_.notify_all();
  return {};
}

Result<void> BackgroundWriter::wait() {
  std::unique_lock lock(mu_);
  wait_idle(lock);
  if (error_) return fail(*error_);
  return {};
}

bool BackgroundWriter::busy() const {
  std::lock_guard lock(mu_);
  return pending_;
}

void BackgroundWriter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return pending_ || stop_; });
    if (!pending_) return;  // stop_, and nothing left to write
    const bool sync = sync_;
    lock.unlock();
    // inflight_ is only touched by submit() while !pending_, so it is ours until we say done.
    auto r = store_.write(inflight_, sync);
    lock.lock();
    if (!r && !error_) error_ = r.error().message;
    pending_ = false;
    cv_.notify_all();
  }
}

}  // namespace relay::storage
