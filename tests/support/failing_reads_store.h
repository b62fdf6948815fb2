// FailingReadsStore: an in-memory KvStore whose reads fail while `fail_reads` is set (writes
// still succeed), for tests of what a state does when a lookup fails part way through a batch.
#pragma once

#include <atomic>
#include <memory>

#include "storage/kv_store.h"

namespace relay::test {

class FailingReadsStore final : public storage::KvStore {
 public:
  std::unique_ptr<storage::KvStore> inner = storage::make_memory_store();
  std::atomic<bool> fail_reads = false;

  Result<std::optional<std::string>> get(std::string_view key) const override {
    if (fail_reads) return fail("disk unreadable");
    return inner->get(key);
  }
  Result<std::optional<Entry>> ceiling(std::string_view p, std::string_view k) const override {
    if (fail_reads) return fail("disk unreadable");
    return inner->ceiling(p, k);
  }
  Result<void> scan(
      std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    if (fail_reads) return fail("disk unreadable");
    return inner->scan(prefix, fn);
  }
  Result<void> write(const storage::WriteBatch& batch, bool sync) override {
    return inner->write(batch, sync);
  }
};

}  // namespace relay::test
