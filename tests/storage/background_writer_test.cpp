// BackgroundWriter: batches land in order, the caller gets a spare buffer back, the first failed
// write is reported by the next submit()/wait() and nothing after it is written (the store
// always holds a prefix of what was submitted).
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace relay::storage
