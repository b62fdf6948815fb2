// Pipelined commits (CanonicalState with a storage::BackgroundWriter): the next epoch is applied
// while the last is still being written, and still finds that epoch's events as seen; the
// result equals an unpipelined run byte for byte; a failed write stops the state, and the store
// keeps exactly the epochs before it.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "canonical_state/canonical_state.h"
#include "storage/background_writer.h"
#include "storage/kv_store.h"
#include "tests/support/fixture.h"
#include "tests/support/gated_store.h"
#include "tests/support/workload.h"

namespace relay {
namespace {

using namespace test;

TEST(Pipelined, TheNextEpochSeesTheEventsOfTheOneStillBeingWritten) {
  Genesis g = test_genesis();
  GatedStore store;
  storage::BackgroundWriter writer(store);
  auto cs = *CanonicalState::open(g, store, nullptr, {.writer = &writer});
  const Event first = deposit("alpha", 1, 0, kUsdcAlpha, account(1), "100");
  store.hold();
  ASSERT_TRUE(cs->apply_batch(std::vector<Event>{first}));
  store.await_writing();  // epoch 0 is held inside the store's write: not in the store yet
  EXPECT_FALSE(*cs->epoch_digest(0));

  Event changed = first;
  changed.amount = "999";
  const std::vector<Event> second = {
      first,                                                   // duplicate of epoch 0's
      changed,                                                 // conflict with it
      deposit("alpha", 0, 9, kUsdcAlpha, account(1), "1")};    // never seen, behind
  // Epoch 1 is applied while epoch 0 is held; apply_batch then waits to hand it over. Only
  // once it waits (its lookups done, epoch 0 still not in the store) is the write let go.
  auto pending = std::async(std::launch::async, [&] { return cs->apply_batch(second); });
  while (writer.blocked_callers() == 0) std::this_thread::yield();
  EXPECT_FALSE(*cs->epoch_digest(0));
  store.release();
  auto stats = pending.get();
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->duplicates, 1u);
  EXPECT_EQ(stats->rejected[size_t(Reason::conflict)], 1u);
  EXPECT_EQ(stats->rejected[size_t(Reason::out_of_order)], 1u);
  EXPECT_EQ(cs->vault().balance(account(1), 1), Amount(100));
}

// A writer of depth 3 holds three epochs unwritten: the fourth still finds the events of each
// (kept in memory until the writer must have written them), and only then the store's.
TEST(Pipelined, WithADeeperWriterEveryEpochNotYetWrittenIsStillSeen) {
  Genesis g = test_genesis();
  GatedStore store;
  storage::BackgroundWriter writer(store, 3);
  auto cs = *CanonicalState::open(g, store, nullptr, {.writer = &writer});
  std::vector<Event> seen;
  store.hold();
  for (uint64_t k = 0; k < 3; ++k) {  // none of these blocks: the writer takes three
    seen.push_back(deposit("alpha", 10 + k, 0, kUsdcAlpha, account(1), "100"));
    ASSERT_TRUE(cs->apply_batch(std::vector<Event>{seen.back()}));
  }
  store.await_writing();
  EXPECT_FALSE(*cs->epoch_digest(0));  // epoch 0 is held inside the store's write

  std::vector<Event> fourth = seen;  // duplicates of epochs 0-2, then a conflict with each
  for (Event e : seen) {
    e.amount = "1";
    fourth.push_back(e);
  }
  auto pending = std::async(std::launch::async, [&] { return cs->apply_batch(fourth); });
  while (writer.blocked_callers() == 0) std::this_thread::yield();
  EXPECT_FALSE(*cs->epoch_digest(0));  // looked up while none of the three was written
  store.release();
  auto stats = pending.get();
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->duplicates, 3u);
  EXPECT_EQ(stats->rejected[size_t(Reason::conflict)], 3u);

  // Epochs 0-3 are now on disk or in memory; a fifth epoch's lookups reach the store too.
  ASSERT_TRUE(cs->flush());
  auto fifth = cs->apply_batch(seen);
  ASSERT_TRUE(fifth);
  EXPECT_EQ(fifth->duplicates, 3u);
  EXPECT_EQ(cs->vault().balance(account(1), 1), Amount(300));
}

TEST(Pipelined, EqualsAnUnpipelinedRunAndReopensToIt) {
  Genesis g = *parse_genesis(testing::kWorkloadGenesis);
  testing::WorkloadSpec spec;
  spec.seed = 11;
  spec.accounts = 200;
  spec.batches = 12;
  spec.events_per_batch = 400;
  const auto w = testing::make_workload(spec);

  auto plain_store = storage::make_memory_store();
  auto plain = *CanonicalState::open(g, *plain_store);
  BatchStats plain_total;
  for (const auto& b : w.batches) plain_total.add(*plain->apply_batch(b));

  GatedStore store;
  Hash32 digest;
  {
    storage::BackgroundWriter writer(store);
    auto cs = *CanonicalState::open(g, store, nullptr, {.writer = &writer});
    BatchStats total;
    for (const auto& b : w.batches) {
      auto s = cs->apply_batch(b);
      ASSERT_TRUE(s) << s.error().message;
      total.add(*s);
    }
    ASSERT_TRUE(cs->flush());
    EXPECT_EQ(total.applied, plain_total.applied);
    EXPECT_EQ(total.duplicates, plain_total.duplicates);
    EXPECT_EQ(total.rejected, plain_total.rejected);
    EXPECT_GT(total.duplicates, 0u);
    digest = cs->state_digest();
    EXPECT_EQ(digest, plain->state_digest());
  }
  auto reopened = CanonicalState::open(g, *store.inner);
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_EQ((*reopened)->state_digest(), digest);
  EXPECT_EQ((*reopened)->next_epoch(), spec.batches);
}

TEST(Pipelined, AFailedWriteStopsTheStateAndTheStoreKeepsTheEpochsBeforeIt) {
  Genesis g = test_genesis();
  GatedStore store;
  store.fail_from = 1;  // epoch 1's write fails
  Hash32 after_epoch_0;
  {
    storage::BackgroundWriter writer(store);
    auto cs = *CanonicalState::open(g, store, nullptr, {.writer = &writer});
    ASSERT_TRUE(cs->apply_batch(std::vector<Event>{
        deposit("alpha", 1, 0, kUsdcAlpha, account(1), "100")}));
    after_epoch_0 = cs->state_digest();
    ASSERT_TRUE(cs->apply_batch(std::vector<Event>{
        deposit("alpha", 2, 0, kUsdcAlpha, account(1), "5")}));  // handed over; fails later
    auto r = cs->apply_batch(std::vector<Event>{
        deposit("alpha", 3, 0, kUsdcAlpha, account(1), "5")});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "disk on fire");
    EXPECT_FALSE(cs->flush());
    auto again = cs->apply_batch(std::vector<Event>{});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message, "canonical state unusable after a failed commit; reopen it");
  }
  auto reopened = *CanonicalState::open(g, *store.inner);
  EXPECT_EQ(reopened->next_epoch(), 1u);
  EXPECT_EQ(reopened->state_digest(), after_epoch_0);
}

TEST(Pipelined, AWriterOfAnotherStoreIsRefused) {
  Genesis g = test_genesis();
  GatedStore store, other;
  storage::BackgroundWriter writer(other);
  auto cs = CanonicalState::open(g, store, nullptr, {.writer = &writer});
  ASSERT_FALSE(cs);
  EXPECT_EQ(cs.error().message, "the background writer writes another store than the state's");
}

}  // namespace
}  // namespace relay
