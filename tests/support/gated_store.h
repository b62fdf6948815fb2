// GatedStore: an in-memory KvStore for tests of pipelined writes. Its writes can be held (the
// writing thread blocks inside write() until release()), awaited, and made to fail from the
// n-th on.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

#include "storage/kv_store.h"

namespace relay::test {

// A memory store whose writes can be held until released, and made to fail from the n-th on.
class GatedStore final : public storage::KvStore {
 public:
  std::unique_ptr<storage::KvStore> inner = storage::make_memory_store();
  int fail_from = -1;  // the 0-based write that fails (and every later one)
  int writes = 0;

  void hold() {
    std::lock_guard l(mu_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard l(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }
  bool writing() {  // a write is blocked in hold
    std::lock_guard l(mu_);
    return waiting_;
  }
  void await_writing() {
    std::unique_lock l(mu_);
    cv_.wait(l, [&] { return waiting_; });
  }

  Result<std::optional<std::string>> get(std::string_view key) const override {
    return inner->get(key);
  }
  Result<std::optional<Entry>> ceiling(std::string_view p, std::string_view k) const override {
    return inner->ceiling(p, k);
  }
  Result<void> scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn)
      const override {
    return inner->scan(prefix, fn);
  }
  Result<void> write(const storage::WriteBatch& batch, bool sync) override {
    {
      std::unique_lock l(mu_);
      waiting_ = true;
      cv_.notify_all();
      cv_.wait(l, [&] { return !held_; });
      waiting_ = false;
    }
    if (fail_from >= 0 && writes++ >= fail_from) return fail("disk on fire");
    return inner->write(batch, sync);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false, waiting_ = false;
};

}  // namespace relay::test
