// What a CanonicalState must refuse rather than get wrong: an object whose apply_batch failed
// half way (a store read failed after some events were applied in memory) is not used again —
// a retry would apply those events a second time; and a folder whose withdrawal record no
// longer names the withdrawal its origin position makes (a damaged id) is refused on open
// instead of loading a state with a withdrawal no claim can reach; and a state reopened over a
// writer that still holds the last one's epochs loads them all, not an older prefix.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "canonical_state/canonical_state.h"
#include "canonical_state/codec.h"
#include "storage/background_writer.h"
#include "storage/kv_store.h"
#include "storage/worker.h"
#include "tests/support/failing_reads_store.h"
#include "tests/support/gated_store.h"
#include "tests/support/fixture.h"
#include "tests/support/temp_dir.h"

namespace relay {
namespace {

using namespace test;


// Epoch 1 applies a deposit, then meets a repeat of epoch 0's event below the cursor, whose
// lookup in the store fails: apply_batch returns the error with the deposit already in the
// vault. The object must then refuse every later batch (as after a failed write), not apply
// the deposit a second time when the batch is retried.
void retry_after_failed_lookup(storage::Worker* worker) {
  const Genesis g = test_genesis();
  FailingReadsStore store;
  auto cs = *CanonicalState::open(g, store, nullptr, {.worker = worker});
  const Event first = deposit("alpha", 5, 0, kUsdcAlpha, account(1), "100");
  ASSERT_TRUE(cs->apply_batch(std::vector<Event>{first}));
  const std::vector<Event> second = {deposit("alpha", 6, 0, kUsdcAlpha, account(2), "50"),
                                     deposit("alpha", 1, 0, kUsdcAlpha, account(3), "7")};
  store.fail_reads = true;
  ASSERT_FALSE(cs->apply_batch(second));
  store.fail_reads = false;

  auto retried = cs->apply_batch(second);
  if (retried) {
    // What a retry on the same object does today: the deposit counted twice.
    ADD_FAILURE() << "apply_batch accepted a batch after an earlier one failed half way; "
                     "account 2's balance is now "
                  << cs->vault().balance(account(2), 1).to_decimal() << " for one deposit of 50";
  }
}

TEST(StateIntegrity, AnApplyBatchThatFailedHalfWayLeavesTheStateRefusingMore) {
  retry_after_failed_lookup(nullptr);
}

TEST(StateIntegrity, AnApplyBatchThatFailedHalfWayWithAWorkerLeavesTheStateRefusingMore) {
  storage::Worker worker;
  retry_after_failed_lookup(&worker);
}

// A byte of a stored (unclaimed) request's id flipped: the record no longer names the
// withdrawal its origin chain and position make, so no claim can ever reach it, and the
// state digest differs from every other relay's. The folder must be refused on open.
TEST(StateIntegrity, RefusesAWithdrawalRecordWhoseIdIsNotItsOrigins) {
  const Genesis g = test_genesis();
  TempDir dir;
  auto store = *storage::open_leveldb(dir.path());
  {
    auto cs = *CanonicalState::open(g, *store);
    ASSERT_TRUE(cs->apply_batch(
        std::vector<Event>{deposit("alpha", 1, 0, kUsdcAlpha, account(1), "1000")}));
    auto s = cs->apply_batch(
        std::vector<Event>{withdraw("alpha", 2, 0, account(1), "USDC", "1", "alpha")});
    ASSERT_TRUE(s);
    ASSERT_EQ(s->applied, 1u);
  }
  const std::string key = codec::epoch_chunk_key(codec::kWithdrawal, 1, 0);
  std::string chunk = **store->get(key);
  ASSERT_EQ(chunk.size(), codec::kWithdrawalRecordSize);
  chunk[0] ^= 1;  // the id's first byte
  storage::WriteBatch wb;
  wb.put(key, chunk);
  ASSERT_TRUE(store->write(wb, true));

  auto cs = CanonicalState::open(g, *store);
  EXPECT_FALSE(cs) << "a withdrawal record whose id is not SHA-256(origin chain id, block, log) "
                      "was loaded";
  if (!cs) {
    EXPECT_EQ(cs.error().message, "data folder is corrupt: bad withdrawal record");
  }
}

// The documented recovery after an apply_batch error is to reopen the state from the store. With
// a writer of depth > 1 the old state's last epochs may still be queued in it: opening must
// wait for them (or refuse), not load the older prefix the store shows meanwhile — the new
// state would then number its next epoch as one the writer is about to write, and its batch
// would overwrite that epoch's records and move S/m/epoch backwards.
TEST(StateIntegrity, ReopeningOverABusyWriterLoadsEveryEpochHandedToIt) {
  const Genesis g = test_genesis();
  GatedStore store;
  storage::BackgroundWriter writer(store, 2);
  store.hold();
  {
    auto a = *CanonicalState::open(g, store, nullptr, {.writer = &writer});
    ASSERT_TRUE(a->apply_batch(std::vector<Event>{deposit("alpha", 1, 0, kUsdcAlpha, account(1), "100")}));
    ASSERT_TRUE(a->apply_batch(std::vector<Event>{deposit("alpha", 2, 0, kUsdcAlpha, account(1), "100")}));
    store.await_writing();  // epoch 0 is inside the store's write, epoch 1 queued
  }  // `a` is given up (as after an error), its two epochs still in the writer

  // A thread of its own rather than std::async: GCC 12 -O2 warns (free-nonheap-object, a false
  // positive) on a future of this result type.
  std::unique_ptr<CanonicalState> opened;
  std::string error;
  std::atomic<bool> done = false;
  std::thread opening([&] {
    if (auto r = CanonicalState::open(g, store, nullptr, {.writer = &writer}))
      opened = std::move(*r);
    else
      error = r.error().message;
    done = true;
  });
  // Either open() waits for the writer (then it is blocked in it) or it has already loaded.
  while (writer.blocked_callers() == 0 && !done) std::this_thread::yield();
  store.release();
  opening.join();
  ASSERT_TRUE(opened) << error;
  CanonicalState& b = *opened;
  EXPECT_EQ(b.next_epoch(), 2u) << "opened at a prefix older than what the writer holds";

  ASSERT_TRUE(b.apply_batch(std::vector<Event>{deposit("alpha", 3, 0, kUsdcAlpha, account(1), "100")}));
  ASSERT_TRUE(b.flush());
  auto c = CanonicalState::open(g, store);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ((*c)->next_epoch(), 3u);
  EXPECT_EQ((*c)->vault().balance(account(1), 1), Amount(300));
  EXPECT_EQ((*c)->state_digest(), b.state_digest());
}

}  // namespace
}  // namespace relay
