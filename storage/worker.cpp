#include "storage/worker.h"

#include <cassert>
#include <utility>

namespace relay::storage {

Worker::Worker() : thread_([this] { run(); }) {}

Worker::~Worker() {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !busy_; });
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Worker::start(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    assert(!busy_ && "Worker::start: the last job was not waited for");
    job_ = std::move(job);
    error_ = nullptr;
    busy_ = true;
  }
  cv_.notify_all();
}

void Worker::wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !busy_; });
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void Worker::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return busy_ || stop_; });
    if (!busy_) return;  // stop_, and no job left
    lock.unlock();
    // job_ is only touched by start() while !busy_, so it is ours until we say done.
    std::exception_ptr error;
    try {
      job_();
    } catch (...) {
      error = std::current_exception();
    }
    job_ = nullptr;  // its captures go now, not at the next start()
    lock.lock();
    error_ = error;
    busy_ = false;
    cv_.notify_all();
  }
}

}  // namespace relay::storage
