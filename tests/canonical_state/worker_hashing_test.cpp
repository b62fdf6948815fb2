// CanonicalState hashing its events on a storage::Worker (Options::worker): the result is the
// same, epoch by epoch, as without one (stats, state digest, event-list digest, receipts), also
// pipelined; a duplicate or conflict is told apart by identity wherever the earlier event is —
// earlier in the batch, in the epoch still being written, or only in the store — and its
// receipt names the rejected event's own identity and index; an apply_batch that fails half
// way leaves the worker idle and usable.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>
#include <tuple>

#include "canonical_state/canonical_state.h"
#include "storage/background_writer.h"
#include "storage/kv_store.h"
#include "storage/worker.h"
#include "tests/support/fixture.h"
#include "tests/support/failing_reads_store.h"
#include "tests/support/gated_store.h"
#include "tests/support/workload.h"
#include "vault/sha256.h"

namespace relay {
namespace {

using namespace test;


void expect_same_stats(const BatchStats& a, const BatchStats& b) {
  EXPECT_EQ(a.applied, b.applied);
  EXPECT_EQ(a.duplicates, b.duplicates);
  EXPECT_EQ(a.rejected, b.rejected);
}

void expect_same_receipts(const std::vector<Receipt>& a, const std::vector<Receipt>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("receipt " + std::to_string(i));
    EXPECT_EQ(a[i].epoch, b[i].epoch);
    EXPECT_EQ(a[i].index, b[i].index);
    EXPECT_EQ(a[i].reason, b[i].reason);
    EXPECT_EQ(a[i].chain, b[i].chain);
    EXPECT_EQ(a[i].pos, b[i].pos);
    EXPECT_EQ(a[i].event, b[i].event);
  }
}

// The receipt of events[index] rejected for `reason` in `epoch`, as the state should write it.
Receipt receipt_of(uint64_t epoch, const std::vector<Event>& events, uint32_t index,
                   Reason reason) {
  const Event& e = events[index];
  return Receipt{epoch, index, reason, e.chain, e.pos, identity(e)};
}

std::vector<Receipt> receipts(const CanonicalState& cs, uint64_t epoch) {
  auto r = cs.receipts(epoch);
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : std::vector<Receipt>{};
}

// The workload with every other repeated observation of a position changed (its account), so
// that the history holds conflicts as well as duplicates: in the same batch and across batches.
testing::Workload with_conflicts(testing::Workload w) {
  std::set<std::tuple<std::string, uint64_t, uint32_t>> seen;
  unsigned repeats = 0;
  for (auto& batch : w.batches) {
    for (Event& e : batch) {
      if (seen.insert({e.chain, e.pos.block, e.pos.log_index}).second) continue;
      if (++repeats % 2 == 0) e.account.bytes[0] ^= 0x01;
    }
  }
  return w;
}

struct EpochResult {
  BatchStats stats;
  Hash32 state;
  std::optional<Hash32> digest;
  std::vector<Receipt> receipts;
};

// Applies every batch of `w`, epoch k from batch k, and returns each epoch's result.
std::vector<EpochResult> run(const Genesis& g, storage::KvStore& store, const testing::Workload& w,
                             CanonicalState::Options options) {
  auto cs = CanonicalState::open(g, store, nullptr, options);
  EXPECT_TRUE(cs) << cs.error().message;
  if (!cs) return {};
  std::vector<EpochResult> out;
  for (const auto& b : w.batches) {
    auto s = (*cs)->apply_batch(b);
    EXPECT_TRUE(s) << s.error().message;
    if (!s) return {};
    out.push_back({*s, (*cs)->state_digest(), {}, {}});
  }
  auto flushed = (*cs)->flush();  // pipelined: every epoch in the store before reading them
  EXPECT_TRUE(flushed) << flushed.error().message;
  for (uint64_t k = 0; k < out.size(); ++k) {
    auto d = (*cs)->epoch_digest(k);
    EXPECT_TRUE(d) << d.error().message;
    if (d) out[k].digest = *d;
    out[k].receipts = receipts(**cs, k);
  }
  return out;
}

testing::Workload workload(uint64_t seed) {
  testing::WorkloadSpec spec;
  spec.seed = seed;
  spec.accounts = 200;
  spec.batches = 10;
  spec.events_per_batch = 500;
  spec.duplicates_per_mille = 60;
  spec.rejects_per_mille = 30;
  return with_conflicts(testing::make_workload(spec));
}

TEST(WorkerHashing, EqualsARunWithoutAWorkerEpochByEpoch) {
  const Genesis g = *parse_genesis(testing::kWorkloadGenesis);
  const auto w = workload(21);

  auto plain_store = storage::make_memory_store();
  const auto plain = run(g, *plain_store, w, {});

  storage::Worker worker;
  auto store = storage::make_memory_store();
  const auto hashed = run(g, *store, w, {.worker = &worker});

  GatedStore piped_store;
  std::vector<EpochResult> piped;
  {
    storage::BackgroundWriter writer(piped_store);
    piped = run(g, piped_store, w, {.writer = &writer, .worker = &worker});
  }

  ASSERT_EQ(plain.size(), w.batches.size());
  ASSERT_EQ(hashed.size(), w.batches.size());
  ASSERT_EQ(piped.size(), w.batches.size());
  BatchStats total;
  size_t receipts_seen = 0;
  for (size_t k = 0; k < w.batches.size(); ++k) {
    SCOPED_TRACE("epoch " + std::to_string(k));
    for (const auto* other :
         std::initializer_list<const std::vector<EpochResult>*>{&hashed, &piped}) {
      const EpochResult& r = (*other)[k];
      expect_same_stats(r.stats, plain[k].stats);
      EXPECT_EQ(r.state, plain[k].state);
      EXPECT_EQ(r.digest, plain[k].digest);
      expect_same_receipts(r.receipts, plain[k].receipts);
    }
    // The digest hashed on the worker is the event-list digest of the batch.
    EXPECT_EQ(hashed[k].digest, CanonicalState::events_digest(w.batches[k]));
    // Every receipt names its own event: its identity, position and chain.
    for (const Receipt& rc : hashed[k].receipts) {
      ASSERT_LT(rc.index, w.batches[k].size());
      const Event& e = w.batches[k][rc.index];
      EXPECT_EQ(rc.event, identity(e));
      EXPECT_EQ(rc.pos, e.pos);
      EXPECT_EQ(rc.chain, e.chain);
    }
    EXPECT_EQ(hashed[k].receipts.size(), hashed[k].stats.rejected_total());
    receipts_seen += hashed[k].receipts.size();
    total.add(hashed[k].stats);
  }
  // The workload exercises what the worker's identities decide.
  EXPECT_GT(total.duplicates, 0u);
  EXPECT_GT(total.rejected[size_t(Reason::conflict)], 0u);
  EXPECT_GT(receipts_seen, 0u);
}

TEST(WorkerHashing, ClassifiesRepeatsEarlierInTheSameBatch) {
  const Genesis g = test_genesis();
  const Event d = deposit("alpha", 5, 0, kUsdcAlpha, account(1), "100");
  Event d_changed = d;
  d_changed.amount = "101";
  const Event z = deposit("gamma", 2, 0, kUsdcGamma, account(4), "0");  // rule 4 rejects it
  Event z_changed = z;
  z_changed.account = account(5);
  const std::vector<Event> batch = {
      d,                                                     // 0 applied
      deposit("alpha", 5, 1, kUsdcAlpha, account(2), "50"),  // 1 applied
      d,                                                     // 2 duplicate of 0
      d_changed,                                             // 3 conflict with 0
      deposit("alpha", 4, 0, kUsdcAlpha, account(3), "1"),   // 4 out of order, never seen
      deposit("gamma", 1, 0, kUsdcGamma, account(3), "5"),   // 5 applied
      z,                                                     // 6 zero amount, but seen
      z,                                                     // 7 duplicate of 6
      z_changed,                                             // 8 conflict with 6
  };
  const std::vector<Receipt> expected = {
      receipt_of(0, batch, 3, Reason::conflict),
      receipt_of(0, batch, 4, Reason::out_of_order),
      receipt_of(0, batch, 6, Reason::zero_amount),
      receipt_of(0, batch, 8, Reason::conflict),
  };
  storage::Worker worker;
  for (storage::Worker* wk : {static_cast<storage::Worker*>(nullptr), &worker}) {
    SCOPED_TRACE(wk ? "with a worker" : "without a worker");
    auto store = storage::make_memory_store();
    auto cs = *CanonicalState::open(g, *store, nullptr, {.worker = wk});
    auto s = cs->apply_batch(batch);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->applied, 3u);
    EXPECT_EQ(s->duplicates, 2u);
    EXPECT_EQ(s->rejected[size_t(Reason::conflict)], 2u);
    EXPECT_EQ(s->rejected[size_t(Reason::out_of_order)], 1u);
    EXPECT_EQ(s->rejected[size_t(Reason::zero_amount)], 1u);
    EXPECT_EQ(s->rejected_total(), 4u);
    EXPECT_EQ(cs->vault().balance(account(1), 1), Amount(100));  // neither repeat applied
    expect_same_receipts(receipts(*cs, 0), expected);
    EXPECT_EQ(*cs->epoch_digest(0), CanonicalState::events_digest(batch));
  }
}

// Epoch 0 of the in-flight and store tests, and the epoch after it that repeats its events.
struct RepeatCase {
  Event d = deposit("alpha", 1, 0, kUsdcAlpha, account(1), "100");
  Event z = deposit("alpha", 1, 1, kUsdcAlpha, account(2), "0");  // rejected, but seen
  std::vector<Event> first = {d, z};
  std::vector<Event> repeats() const {
    Event d_changed = d;
    d_changed.amount = "999";
    Event z_changed = z;
    z_changed.account = account(3);
    return {
        d,                                                    // 0 duplicate
        d_changed,                                            // 1 conflict
        z,                                                    // 2 duplicate
        z_changed,                                            // 3 conflict
        deposit("alpha", 0, 9, kUsdcAlpha, account(1), "1"),  // 4 out of order, never seen
        deposit("alpha", 2, 0, kUsdcAlpha, account(1), "7"),  // 5 applied
    };
  }
  std::vector<Receipt> expected(uint64_t epoch) const {
    const auto r = repeats();
    return {receipt_of(epoch, r, 1, Reason::conflict), receipt_of(epoch, r, 3, Reason::conflict),
            receipt_of(epoch, r, 4, Reason::out_of_order)};
  }
  static void check(const BatchStats& s) {
    EXPECT_EQ(s.applied, 1u);
    EXPECT_EQ(s.duplicates, 2u);
    EXPECT_EQ(s.rejected[size_t(Reason::conflict)], 2u);
    EXPECT_EQ(s.rejected[size_t(Reason::out_of_order)], 1u);
    EXPECT_EQ(s.rejected_total(), 3u);
  }
};

TEST(WorkerHashing, ClassifiesRepeatsOfTheEpochStillBeingWritten) {
  const Genesis g = test_genesis();
  const RepeatCase c;
  const auto second = c.repeats();
  GatedStore store;
  storage::Worker worker;
  storage::BackgroundWriter writer(store);
  auto cs = *CanonicalState::open(g, store, nullptr, {.writer = &writer, .worker = &worker});
  store.hold();
  ASSERT_TRUE(cs->apply_batch(c.first));
  store.await_writing();  // epoch 0 is held inside the store's write: not in the store yet
  EXPECT_FALSE(*cs->epoch_digest(0));
  // Epoch 1 is applied (and its identities hashed) while epoch 0 is held; it then waits to
  // hand itself over, and only then is epoch 0's write let go.
  auto pending = std::async(std::launch::async, [&] { return cs->apply_batch(second); });
  while (writer.blocked_callers() == 0) std::this_thread::yield();
  EXPECT_FALSE(*cs->epoch_digest(0));  // every lookup of epoch 1 was made without it
  store.release();
  auto s = pending.get();
  ASSERT_TRUE(s) << s.error().message;
  RepeatCase::check(*s);
  ASSERT_TRUE(cs->flush());
  expect_same_receipts(receipts(*cs, 0), {receipt_of(0, c.first, 1, Reason::zero_amount)});
  expect_same_receipts(receipts(*cs, 1), c.expected(1));
  EXPECT_EQ(*cs->epoch_digest(1), CanonicalState::events_digest(second));
  EXPECT_EQ(cs->vault().balance(account(1), 1), Amount(107));
}

TEST(WorkerHashing, ClassifiesRepeatsFoundOnlyInTheStore) {
  const Genesis g = test_genesis();
  const RepeatCase c;
  const auto second = c.repeats();
  auto store = storage::make_memory_store();
  storage::Worker worker;
  {
    auto cs = *CanonicalState::open(g, *store, nullptr, {.worker = &worker});
    ASSERT_TRUE(cs->apply_batch(c.first));
  }
  // Reopened: nothing of epoch 0 is held in memory, every lookup goes to the store.
  auto cs = *CanonicalState::open(g, *store, nullptr, {.worker = &worker});
  auto s = cs->apply_batch(second);
  ASSERT_TRUE(s) << s.error().message;
  RepeatCase::check(*s);
  expect_same_receipts(receipts(*cs, 1), c.expected(1));
}

TEST(WorkerHashing, ClassifiesRepeatsInTheStoreAndInFlightInOneEpoch) {
  // Epoch 0 is in the store, epoch 1 in flight (held), and epoch 2 repeats events of both,
  // spread over several seen-record groups (codec.h, kSeenGroupMax), and positions between
  // them that were never seen.
  const Genesis g = test_genesis();
  std::vector<Event> e0, e1, e2;
  for (uint32_t i = 0; i < 300; ++i)
    e0.push_back(deposit("alpha", 10 + i, 0, kUsdcAlpha, account(uint8_t(i)), "3"));
  for (uint32_t i = 0; i < 100; ++i)
    e1.push_back(deposit("alpha", 1000 + i, 0, kUsdcAlpha, account(uint8_t(i)), "5"));
  uint64_t dup = 0, conflict = 0, out_of_order = 0;
  auto repeat = [&](const Event& e, uint32_t i) {
    if (i % 7 == 0) {
      Event changed = e;
      changed.amount = "4";
      e2.push_back(changed);
      ++conflict;
    } else if (i % 5 == 0) {
      e2.push_back(e);
      ++dup;
    } else if (i % 11 == 0) {
      Event never = e;
      never.pos.log_index = 1;  // between two seen positions
      e2.push_back(never);
      ++out_of_order;
    }
  };
  for (uint32_t i = 0; i < e0.size(); ++i) repeat(e0[i], i);
  // Not epoch 1's last: one past it is above the cursor, and would be applied.
  for (uint32_t i = 0; i + 1 < e1.size(); ++i) repeat(e1[i], i);

  auto run_three = [&](CanonicalState& cs, GatedStore* held, storage::BackgroundWriter* writer) {
    ASSERT_TRUE(cs.apply_batch(e0));
    ASSERT_TRUE(cs.flush());  // epoch 0 in the store before epoch 1's write is held
    if (held) held->hold();
    ASSERT_TRUE(cs.apply_batch(e1));  // waits for epoch 0's write, then hands epoch 1 over
    if (held) held->await_writing();
    auto pending = std::async(std::launch::async, [&] { return cs.apply_batch(e2); });
    if (writer) {
      while (writer->blocked_callers() == 0) std::this_thread::yield();
      EXPECT_FALSE(*cs.epoch_digest(1));  // epoch 2 was applied while epoch 1 was held
      held->release();
    }
    auto s = pending.get();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->applied, 0u);
    EXPECT_EQ(s->duplicates, dup);
    EXPECT_EQ(s->rejected[size_t(Reason::conflict)], conflict);
    EXPECT_EQ(s->rejected[size_t(Reason::out_of_order)], out_of_order);
    ASSERT_TRUE(cs.flush());
  };

  auto plain_store = storage::make_memory_store();
  auto plain = *CanonicalState::open(g, *plain_store);
  run_three(*plain, nullptr, nullptr);

  GatedStore store;
  storage::Worker worker;
  storage::BackgroundWriter writer(store);
  auto cs = *CanonicalState::open(g, store, nullptr, {.writer = &writer, .worker = &worker});
  run_three(*cs, &store, &writer);

  EXPECT_EQ(cs->state_digest(), plain->state_digest());
  const auto got = receipts(*cs, 2);
  expect_same_receipts(got, receipts(*plain, 2));
  ASSERT_EQ(got.size(), conflict + out_of_order);
  for (const Receipt& rc : got) {
    EXPECT_EQ(rc.event, identity(e2[rc.index]));
    EXPECT_EQ(rc.reason, e2[rc.index].pos.log_index == 1 ? Reason::out_of_order : Reason::conflict);
  }
}

TEST(WorkerHashing, AFailedLookupLeavesTheWorkerIdleAndUsable) {
  const Genesis g = test_genesis();
  FailingReadsStore store;
  storage::Worker worker;
  const Event first = deposit("alpha", 1, 0, kUsdcAlpha, account(1), "100");
  // Event 0 repeats epoch 0's and is looked up in the store, which fails; the events after it
  // (the last with megabyte amounts, which only the hashing reads) keep the worker hashing
  // while apply_batch returns early.
  std::vector<Event> second = {first};
  for (uint32_t i = 0; i < 20000; ++i)
    second.push_back(deposit("alpha", 2 + i / 4, i % 4, kUsdcAlpha, account(uint8_t(i)), "1"));
  for (uint32_t i = 0; i < 8; ++i)  // rejected (overflow) once applied
    second.push_back(
        deposit("alpha", 10000 + i, 0, kUsdcAlpha, account(9), "1" + std::string(1 << 20, '0')));
  {
    auto cs = *CanonicalState::open(g, store, nullptr, {.worker = &worker});
    ASSERT_TRUE(cs->apply_batch(std::vector<Event>{first}));
    store.fail_reads = true;
    auto r = cs->apply_batch(second);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "disk unreadable");

    // The worker is idle: a new job starts (start() asserts the last was waited for) and runs.
    bool ran = false;
    worker.start([&] { ran = true; });
    worker.wait();
    EXPECT_TRUE(ran);
  }
  // Nothing of epoch 1 was committed; reopened with the same worker, it applies as it would
  // have without the failure.
  store.fail_reads = false;
  auto cs = *CanonicalState::open(g, store, nullptr, {.worker = &worker});
  EXPECT_EQ(cs->next_epoch(), 1u);
  auto s = cs->apply_batch(second);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->duplicates, 1u);
  EXPECT_EQ(s->applied, 20000u);
  EXPECT_EQ(s->rejected[size_t(Reason::overflow)], 8u);

  auto plain_store = storage::make_memory_store();
  auto plain = *CanonicalState::open(g, *plain_store);
  ASSERT_TRUE(plain->apply_batch(std::vector<Event>{first}));
  auto ps = plain->apply_batch(second);
  ASSERT_TRUE(ps);
  expect_same_stats(*s, *ps);
  EXPECT_EQ(cs->state_digest(), plain->state_digest());
  expect_same_receipts(receipts(*cs, 1), receipts(*plain, 1));
}

TEST(WorkerHashing, OneWorkerServesTwoStatesTakingTurns) {
  const Genesis g = *parse_genesis(testing::kWorkloadGenesis);
  const auto a = workload(31), b = workload(32);
  auto plain_a_store = storage::make_memory_store(), plain_b_store = storage::make_memory_store();
  const auto plain_a = run(g, *plain_a_store, a, {});
  const auto plain_b = run(g, *plain_b_store, b, {});

  storage::Worker worker;
  auto sa = storage::make_memory_store(), sb = storage::make_memory_store();
  auto ca = *CanonicalState::open(g, *sa, nullptr, {.worker = &worker});
  auto cb = *CanonicalState::open(g, *sb, nullptr, {.worker = &worker});
  for (size_t k = 0; k < a.batches.size(); ++k) {
    SCOPED_TRACE("epoch " + std::to_string(k));
    auto ra = ca->apply_batch(a.batches[k]);
    auto rb = cb->apply_batch(b.batches[k]);
    ASSERT_TRUE(ra && rb);
    expect_same_stats(*ra, plain_a[k].stats);
    expect_same_stats(*rb, plain_b[k].stats);
    EXPECT_EQ(ca->state_digest(), plain_a[k].state);
    EXPECT_EQ(cb->state_digest(), plain_b[k].state);
    expect_same_receipts(receipts(*ca, k), plain_a[k].receipts);
    expect_same_receipts(receipts(*cb, k), plain_b[k].receipts);
  }
}

TEST(WorkerHashing, AnEmptyBatchWithAWorker) {
  const Genesis g = test_genesis();
  storage::Worker worker;
  auto store = storage::make_memory_store(), plain_store = storage::make_memory_store();
  auto cs = *CanonicalState::open(g, *store, nullptr, {.worker = &worker});
  auto plain = *CanonicalState::open(g, *plain_store);
  for (int i = 0; i < 2; ++i) {
    auto s = cs->apply_batch(std::vector<Event>{});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->applied + s->duplicates + s->rejected_total(), 0u);
    ASSERT_TRUE(plain->apply_batch(std::vector<Event>{}));
  }
  EXPECT_EQ(*cs->epoch_digest(1), CanonicalState::events_digest({}));
  EXPECT_EQ(cs->state_digest(), plain->state_digest());
}

}  // namespace
}  // namespace relay
