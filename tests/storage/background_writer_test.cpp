// BackgroundWriter: batches land in order, the caller gets a spare buffer back, the first failed
// write is reported by the next submit()/wait() and nothing after it is written (the store
// always holds a prefix of what was submitted), also with several batches queued (depth > 1).
// Blocked callers are awaited through blocked_callers(), never with sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "storage/background_writer.h"
#include "storage/kv_store.h"
#include "tests/support/gated_store.h"

namespace relay::storage {
namespace {

using test::GatedStore;

WriteBatch one(const std::string& k, const std::string& v) {
  WriteBatch b;
  b.put(k, v);
  return b;
}

// Spins (yielding) until `n` submit()/wait() calls are blocked in `w`.
void await_blocked(const BackgroundWriter& w, size_t n) {
  while (w.blocked_callers() != n) std::this_thread::yield();
}

// A memory store that logs each batch's first key and its sync flag, in the order written.
// Only the writer's thread writes; read the log after wait() has returned.
class LoggingStore final : public KvStore {
 public:
  std::unique_ptr<KvStore> inner = make_memory_store();
  std::vector<std::pair<std::string, bool>> log;

  Result<std::optional<std::string>> get(std::string_view key) const override {
    return inner->get(key);
  }
  Result<std::optional<Entry>> ceiling(std::string_view p, std::string_view k) const override {
    return inner->ceiling(p, k);
  }
  Result<void> scan(
      std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return inner->scan(prefix, fn);
  }
  Result<void> write(const WriteBatch& batch, bool sync) override {
    log.emplace_back(std::string(batch.ops().begin()->key), sync);
    return inner->write(batch, sync);
  }
};

TEST(BackgroundWriter, WritesInOrderAndHandsBackAnEmptyBuffer) {
  GatedStore store;
  BackgroundWriter w(store);
  for (int i = 0; i < 20; ++i) {
    WriteBatch b = one("k", std::to_string(i));
    b.put("k" + std::to_string(i), "x");
    ASSERT_TRUE(w.submit(b, true));
    EXPECT_TRUE(b.empty());
  }
  ASSERT_TRUE(w.wait());
  EXPECT_EQ(**store.get("k"), "19");  // the last write of "k" was the last submitted
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(*store.get("k" + std::to_string(i)));
}

TEST(BackgroundWriter, SubmitReturnsWhileTheWriteIsInFlight) {
  GatedStore store;
  BackgroundWriter w(store);
  store.hold();
  WriteBatch b = one("a", "1");
  ASSERT_TRUE(w.submit(b, true));
  store.await_writing();  // the writer is inside write(), and submit() has returned
  EXPECT_TRUE(w.busy());
  EXPECT_FALSE(*store.get("a"));
  store.release();
  ASSERT_TRUE(w.wait());
  EXPECT_FALSE(w.busy());
  EXPECT_EQ(**store.get("a"), "1");
}

TEST(BackgroundWriter, AFailedWriteIsReportedAndNothingAfterItIsWritten) {
  GatedStore store;
  store.fail_from = 1;
  BackgroundWriter w(store);
  WriteBatch a = one("a", "1"), b = one("b", "2"), c = one("c", "3");
  ASSERT_TRUE(w.submit(a, true));
  ASSERT_TRUE(w.submit(b, true));  // a was written; b now in flight, and it fails
  auto r = w.submit(c, true);      // reports b's failure; c is not written
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "disk on fire");
  EXPECT_FALSE(c.empty());  // not taken
  auto again = w.wait();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "disk on fire");
  EXPECT_EQ(**store.get("a"), "1");
  EXPECT_FALSE(*store.get("b"));
  EXPECT_FALSE(*store.get("c"));
  EXPECT_EQ(store.writes, 2);  // a and the failed b: c never reached the store
}

TEST(BackgroundWriter, DefaultDepthIsOneAndASecondSubmitWaitsForTheFirstWrite) {
  GatedStore store;
  BackgroundWriter w(store);
  EXPECT_EQ(w.depth(), 1u);
  store.hold();
  WriteBatch a = one("a", "1"), b = one("b", "2");
  ASSERT_TRUE(w.submit(a, true));
  std::atomic<bool> returned = false;
  std::thread caller([&] {
    EXPECT_TRUE(w.submit(b, true));
    returned = true;
  });
  await_blocked(w, 1);
  EXPECT_FALSE(returned);
  store.release();
  caller.join();
  ASSERT_TRUE(w.wait());
  EXPECT_EQ(w.blocked_callers(), 0u);
  EXPECT_EQ(**store.get("a"), "1");
  EXPECT_EQ(**store.get("b"), "2");
}

TEST(BackgroundWriter, ADepthOfZeroIsTakenAsOne) {
  GatedStore store;
  BackgroundWriter w(store, 0);
  EXPECT_EQ(w.depth(), 1u);
  WriteBatch a = one("a", "1");
  ASSERT_TRUE(w.submit(a, true));
  ASSERT_TRUE(w.wait());
  EXPECT_EQ(**store.get("a"), "1");
}

TEST(BackgroundWriter, WithDepthTwoTwoSubmitsReturnWhileHeldAndAThirdBlocks) {
  GatedStore store;
  BackgroundWriter w(store, 2);
  EXPECT_EQ(w.depth(), 2u);
  store.hold();
  WriteBatch a = one("a", "1"), b = one("b", "2"), c = one("c", "3");
  ASSERT_TRUE(w.submit(a, true));  // would hang here or below if submit() blocked
  ASSERT_TRUE(w.submit(b, true));
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(b.empty());
  store.await_writing();  // a is being written, b queued behind it
  EXPECT_TRUE(w.busy());
  EXPECT_EQ(w.blocked_callers(), 0u);
  std::atomic<bool> returned = false;
  std::thread caller([&] {
    EXPECT_TRUE(w.submit(c, true));
    returned = true;
  });
  await_blocked(w, 1);
  EXPECT_FALSE(returned);
  EXPECT_FALSE(*store.get("a"));
  store.release();
  caller.join();
  EXPECT_TRUE(c.empty());
  ASSERT_TRUE(w.wait());
  EXPECT_FALSE(w.busy());
  EXPECT_EQ(**store.get("a"), "1");
  EXPECT_EQ(**store.get("b"), "2");
  EXPECT_EQ(**store.get("c"), "3");
  const auto stats = w.stats();
  EXPECT_EQ(stats.writes, 3u);
  EXPECT_GT(stats.write_seconds, 0);        // a's write was held
  EXPECT_GT(stats.caller_wait_seconds, 0);  // c's submit was blocked
}

TEST(BackgroundWriter, WithDepthThreeManyBatchesAreWrittenInSubmissionOrder) {
  LoggingStore store;
  BackgroundWriter w(store, 3);
  WriteBatch b;
  std::vector<std::pair<std::string, bool>> submitted;
  for (int i = 0; i < 500; ++i) {
    const std::string key = "k" + std::to_string(i);
    const bool sync = i % 3 == 0;
    b.put(key, "x");
    b.put("last", std::to_string(i));
    ASSERT_TRUE(w.submit(b, sync));
    ASSERT_TRUE(b.empty());
    submitted.emplace_back(key, sync);
  }
  ASSERT_TRUE(w.wait());
  EXPECT_EQ(store.log, submitted);  // each batch once, in order, with its own sync flag
  EXPECT_EQ(**store.get("last"), "499");
  EXPECT_EQ(w.stats().writes, 500u);
}

TEST(BackgroundWriter, AFailureWithTwoBatchesQueuedWritesNeitherOfThem) {
  GatedStore store;
  store.fail_from = 1;
  BackgroundWriter w(store, 3);
  WriteBatch a = one("a", "1");
  ASSERT_TRUE(w.submit(a, true));
  ASSERT_TRUE(w.wait());  // a is on disk
  store.hold();
  WriteBatch b = one("b", "2"), c = one("c", "3"), d = one("d", "4"), e = one("e", "5");
  ASSERT_TRUE(w.submit(b, true));
  ASSERT_TRUE(w.submit(c, true));
  ASSERT_TRUE(w.submit(d, true));
  store.await_writing();  // b is being written (and will fail), c and d queued behind it
  store.release();
  auto r = w.submit(e, true);  // reports b's failure; e is not taken
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "disk on fire");
  EXPECT_FALSE(e.empty());
  for (int i = 0; i < 2; ++i) {  // sticky: every later call reports it
    auto again = w.wait();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message, "disk on fire");
    auto refused = w.submit(e, true);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "disk on fire");
  }
  EXPECT_FALSE(w.busy());
  EXPECT_EQ(**store.get("a"), "1");
  for (const char* k : {"b", "c", "d", "e"}) EXPECT_FALSE(*store.get(k)) << k;
  EXPECT_EQ(store.writes, 2);  // a and the failed b: c and d were dropped unwritten
  EXPECT_EQ(w.stats().writes, 1u);
}

TEST(BackgroundWriter, StatsCountWritesAndNeverGoDown) {
  GatedStore store;
  BackgroundWriter w(store, 2);
  EXPECT_EQ(w.stats().writes, 0u);
  BackgroundWriter::Stats last = w.stats();
  WriteBatch b;
  for (int i = 0; i < 50; ++i) {
    b.put("k", std::to_string(i));
    ASSERT_TRUE(w.submit(b, false));
    const auto now = w.stats();  // read while the writer is updating them
    EXPECT_GE(now.writes, last.writes);
    EXPECT_GE(now.write_seconds, last.write_seconds);
    EXPECT_GE(now.caller_wait_seconds, last.caller_wait_seconds);
    EXPECT_LE(now.writes, uint64_t(i + 1));
    EXPECT_GE(now.writes + 2, uint64_t(i + 1));  // at most depth pending
    last = now;
  }
  ASSERT_TRUE(w.wait());
  const auto done = w.stats();
  EXPECT_EQ(done.writes, 50u);
  EXPECT_GE(done.write_seconds, last.write_seconds);
  EXPECT_GE(done.caller_wait_seconds, last.caller_wait_seconds);
}

}  // namespace
}  // namespace relay::storage
