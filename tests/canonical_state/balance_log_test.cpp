// The balances on disk (docs/state.md, "Storage layout"): a snapshot S/s/ and the changes of
// each epoch since it S/d/. With a small snapshot threshold: a snapshot replaces the deltas
// before it and any surplus chunks of the last one, in the same batch; a folder reopened after
// any epoch holds an uninterrupted run's state; reopening does not change which epochs write a
// snapshot, so the stored bytes are the same as without it; damaged records are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

#include "canonical_state/canonical_state.h"
#include "canonical_state/codec.h"
#include "storage/kv_store.h"
#include "tests/support/fixture.h"
#include "tests/support/temp_dir.h"

namespace relay {
namespace {

using namespace test;

constexpr uint64_t kThreshold = 8;
const CanonicalState::Options kSmallSnapshots{.min_snapshot_deltas = kThreshold,
                                              .snapshot_ratio = 2};

// Accounts beyond fixture.h's 256, with varied leading bytes (the snapshot sorts by a prefix).
AccountId many(uint32_t i) {
  AccountId a;
  a.bytes[0] = uint8_t(i * 37);
  a.bytes[12] = 0xee;
  for (int b = 0; b < 4; ++b) a.bytes[31 - b] = uint8_t(i >> (8 * b));
  return a;
}

// Builds the epochs' batches, every event on alpha at a fresh position.
class Script {
 public:
  void epoch() { batches_.emplace_back(); }
  void dep(AccountId who, const char* token, const std::string& amount) {
    batches_.back().push_back(deposit("alpha", block_++, 0, token, who, amount));
  }
  // Requests a USDC (or ETH) withdrawal to alpha; returns its id, to claim later.
  Hash32 wd(AccountId who, const std::string& asset, const std::string& amount) {
    const EventPosition pos{block_++, 0};
    batches_.back().push_back(withdraw("alpha", pos.block, 0, who, asset, amount, "alpha"));
    return withdrawal_id(ChainId{1}, pos);
  }
  void cl(const Hash32& id) { batches_.back().push_back(claim("alpha", block_++, 0, id)); }
  const std::vector<std::vector<Event>>& batches() const { return batches_; }

 private:
  uint64_t block_ = 1;
  std::vector<std::vector<Event>> batches_;
};

// The expected balance log after each epoch (see history()).
struct Layout {
  std::optional<uint64_t> snapshot;
  uint32_t chunks = 0;
  std::vector<uint64_t> deltas;
};

// Ten epochs: balances emptied (and claimed), re-deposited in the same epoch and the next,
// created and emptied in one epoch; a snapshot of 2 chunks (1306 balances) later replaced by
// one of 1 chunk.
std::vector<std::vector<Event>> history() {
  Script s;
  std::vector<Hash32> ids;
  // 0: six changes (A5 created and emptied): a delta, under the threshold of 8.
  s.epoch();
  s.dep(account(0), kUsdcAlpha, "100");
  s.dep(account(1), kUsdcAlpha, "50");
  s.dep(account(2), kUsdcAlpha, "70");
  s.dep(account(3), kEthToken, "9");
  s.dep(account(4), kUsdcAlpha, "5");
  s.dep(account(5), kUsdcAlpha, "10");
  ids.push_back(s.wd(account(5), "USDC", "10"));
  // 1: five more (6 + 5 >= 8): a snapshot of A0, A2, A4, A6.
  s.epoch();
  ids.push_back(s.wd(account(1), "USDC", "50"));  // emptied
  ids.push_back(s.wd(account(2), "USDC", "70"));  // emptied and re-deposited in the same epoch
  s.dep(account(2), kUsdcAlpha, "30");
  const Hash32 a3 = s.wd(account(3), "ETH", "9");  // emptied, re-deposited in the next epoch
  s.dep(account(6), kUsdcAlpha, "1");
  s.dep(account(0), kUsdcAlpha, "1");
  // 2: claims, and two re-deposits: a delta.
  s.epoch();
  for (const Hash32& id : ids) s.cl(id);
  s.cl(a3);
  s.dep(account(3), kEthToken, "4");
  s.dep(account(1), kUsdcAlpha, "2");
  // 3: 1300 new balances: a snapshot of 1306, in 2 chunks.
  s.epoch();
  for (uint32_t i = 100; i < 1400; ++i) s.dep(many(i), kUsdcAlpha, std::to_string(i % 7 + 1));
  // 4-6: deltas of 2, 1200 and 1200 records (2402 < 2 * 1306).
  s.epoch();
  s.dep(account(4), kUsdcAlpha, "1");
  const Hash32 a0 = s.wd(account(0), "USDC", "101");
  s.epoch();
  std::vector<Hash32> emptied;
  for (uint32_t i = 100; i < 1300; ++i)
    emptied.push_back(s.wd(many(i), "USDC", std::to_string(i % 7 + 1)));
  s.epoch();
  for (uint32_t i = 100; i < 1300; ++i) s.dep(many(i), kUsdcAlpha, "3");
  // 7: the same 1200 emptied again (3602 >= 2612): a snapshot of 105 balances, 1 chunk.
  s.epoch();
  for (uint32_t i = 100; i < 1300; ++i) emptied.push_back(s.wd(many(i), "USDC", "3"));
  s.cl(a0);
  // 8: a delta; 9: claims only, no balance changes: no delta.
  s.epoch();
  s.dep(account(5), kUsdcAlpha, "1");
  s.epoch();
  for (const Hash32& id : emptied) s.cl(id);
  return s.batches();
}

const std::vector<Layout> kLayouts = {
    {std::nullopt, 0, {0}}, {1, 1, {}},        {1, 1, {2}}, {3, 2, {}},  {3, 2, {4}},
    {3, 2, {4, 5}},         {3, 2, {4, 5, 6}}, {7, 1, {}},  {7, 1, {8}}, {7, 1, {8}},
};

// The balance log as stored, checking each chunk's form on the way.
Layout read_layout(const storage::KvStore& store,
                   std::vector<std::pair<BalanceKey, Amount>>* snapshot = nullptr) {
  Layout l;
  auto snap = store.get(codec::kMetaSnapshot);
  EXPECT_TRUE(snap);
  if (snap && *snap) {
    codec::Reader r(**snap);
    l.snapshot = r.be64();
    EXPECT_TRUE(r.done());
  }
  auto records = [](std::string_view v, auto&& fn) {
    EXPECT_EQ(v.size() % codec::kBalanceRecordSize, 0u);
    EXPECT_GT(v.size(), 0u);
    EXPECT_LE(v.size(), codec::kBalanceChunkMax * codec::kBalanceRecordSize);
    for (size_t at = 0; at + codec::kBalanceRecordSize <= v.size();
         at += codec::kBalanceRecordSize) {
      codec::Reader r(v.substr(at, codec::kBalanceRecordSize));
      BalanceKey k;
      k.asset = r.be32();
      k.account = r.bytes<AccountId>();
      fn(k, r.amount());
    }
  };
  std::vector<std::pair<BalanceKey, Amount>> snap_records;
  EXPECT_TRUE(store.scan(codec::kSnapshot, [&](std::string_view k, std::string_view v) {
    EXPECT_EQ(std::string(k), codec::snapshot_key(l.chunks)) << "chunks 0, 1, 2, ...";
    ++l.chunks;
    records(v, [&](const BalanceKey& key, Amount a) { snap_records.emplace_back(key, a); });
    return true;
  }));
  EXPECT_TRUE(store.scan(codec::kDelta, [&](std::string_view k, std::string_view) {
    codec::Reader r(k.substr(codec::kDelta.size()));
    const uint64_t e = r.be64();
    if (l.deltas.empty() || l.deltas.back() != e) l.deltas.push_back(e);
    return true;
  }));
  // Every chunk but the last is full; the records in (asset, account) order, none zero.
  if (l.chunks) {
    EXPECT_GT(snap_records.size(), (l.chunks - 1) * codec::kBalanceChunkMax);
  }
  for (size_t i = 0; i < snap_records.size(); ++i) {
    EXPECT_FALSE(snap_records[i].second.is_zero());
    if (i) {
      EXPECT_LT(snap_records[i - 1].first, snap_records[i].first);
    }
  }
  if (snapshot) *snapshot = std::move(snap_records);
  return l;
}

// Every "S/" key and value, in key order.
std::vector<std::pair<std::string, std::string>> state_records(const storage::KvStore& store) {
  std::vector<std::pair<std::string, std::string>> out;
  EXPECT_TRUE(store.scan("S/", [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return true;
  }));
  return out;
}

TEST(BalanceLog, SnapshotsReplaceDeltasAndTheFolderReopensToAnUninterruptedRun) {
  const Genesis g = test_genesis();
  const auto batches = history();
  ASSERT_EQ(batches.size(), kLayouts.size());
  TempDir dir;
  // The uninterrupted run, in memory, with the default threshold (no snapshot at all): the
  // state does not depend on how the balances are stored.
  auto mem = storage::make_memory_store();
  auto ref = *CanonicalState::open(g, *mem);
  for (size_t k = 0; k < batches.size(); ++k) {
    SCOPED_TRACE("epoch " + std::to_string(k));
    auto stats = ref->apply_batch(batches[k]);
    ASSERT_TRUE(stats) << stats.error().message;
    ASSERT_EQ(stats->applied, batches[k].size()) << "every event of the script applies";
    {
      auto store = *storage::open_leveldb(dir.path());
      auto cs = CanonicalState::open(g, *store, nullptr, kSmallSnapshots);
      ASSERT_TRUE(cs) << cs.error().message;
      ASSERT_EQ((*cs)->next_epoch(), k);
      ASSERT_TRUE((*cs)->apply_batch(batches[k]));
    }
    auto store = *storage::open_leveldb(dir.path());
    auto cs = CanonicalState::open(g, *store, nullptr, kSmallSnapshots);
    ASSERT_TRUE(cs) << cs.error().message;
    EXPECT_EQ((*cs)->next_epoch(), k + 1);
    EXPECT_EQ((*cs)->state_digest(), ref->state_digest());
    EXPECT_EQ((*cs)->vault().sorted_balances(), ref->vault().sorted_balances());

    std::vector<std::pair<BalanceKey, Amount>> snapshot;
    const Layout l = read_layout(*store, &snapshot);
    EXPECT_EQ(l.snapshot, kLayouts[k].snapshot);
    EXPECT_EQ(l.chunks, kLayouts[k].chunks);
    EXPECT_EQ(l.deltas, kLayouts[k].deltas);
    // A snapshot written by this epoch is exactly the balances after it.
    if (l.snapshot == k) {
      EXPECT_EQ(snapshot, ref->vault().sorted_balances());
    }
  }
  const Vault& v = ref->vault();
  EXPECT_EQ(v.balance(account(0), 1), Amount(0));
  EXPECT_EQ(v.balance(account(1), 1), Amount(2));
  EXPECT_EQ(v.balance(account(2), 1), Amount(30));
  EXPECT_EQ(v.balance(account(3), 0), Amount(4));
  EXPECT_EQ(v.balance(account(5), 1), Amount(1));
  EXPECT_EQ(v.balance(many(100), 1), Amount(0));
  EXPECT_EQ(v.balance(many(1399), 1), Amount(1399 % 7 + 1));
  EXPECT_EQ(v.sorted_balances().size(), 106u);
}

// Two folders fed the same batches, one closed and reopened in the middle (between two
// snapshots, with deltas pending, so the reopened log decides the next snapshot), and one
// reopened after every epoch: every state record is the same, byte for byte.
TEST(BalanceLog, AReopenedFolderWritesTheSameBytesAsAnUninterruptedOne) {
  const Genesis g = test_genesis();
  const auto batches = history();
  auto run = [&](const std::string& path, const std::set<size_t>& reopen_after) {
    auto store = *storage::open_leveldb(path);
    auto cs = *CanonicalState::open(g, *store, nullptr, kSmallSnapshots);
    for (size_t k = 0; k < batches.size(); ++k) {
      EXPECT_TRUE(cs->apply_batch(batches[k]));
      if (reopen_after.count(k)) {
        cs.reset();
        store.reset();
        store = *storage::open_leveldb(path);
        auto reopened = CanonicalState::open(g, *store, nullptr, kSmallSnapshots);
        EXPECT_TRUE(reopened) << reopened.error().message;
        cs = std::move(*reopened);
      }
    }
    return state_records(*store);
  };
  TempDir a, b, c;
  const auto uninterrupted = run(a.path(), {});
  EXPECT_EQ(run(b.path(), {5}), uninterrupted);
  std::set<size_t> every;
  for (size_t k = 0; k < batches.size(); ++k) every.insert(k);
  EXPECT_EQ(run(c.path(), every), uninterrupted);
  // And the in-memory store, with the same threshold, holds the same bytes.
  auto mem = storage::make_memory_store();
  auto cs = *CanonicalState::open(g, *mem, nullptr, kSmallSnapshots);
  for (const auto& batch : batches) ASSERT_TRUE(cs->apply_batch(batch));
  EXPECT_EQ(state_records(*mem), uninterrupted);
}

// A folder after epochs 0-4: a snapshot at epoch 3 of 2 chunks, a delta at epoch 4.
class DamagedBalanceLog : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto batches = history();
    store_ = *storage::open_leveldb(dir_.path());
    auto cs = *CanonicalState::open(g_, *store_, nullptr, kSmallSnapshots);
    for (size_t k = 0; k <= 4; ++k) ASSERT_TRUE(cs->apply_batch(batches[k]));
    const Layout l = read_layout(*store_);
    ASSERT_EQ(l.snapshot, std::optional<uint64_t>(3));
    ASSERT_EQ(l.chunks, 2u);
    ASSERT_EQ(l.deltas, std::vector<uint64_t>{4});
  }
  void change(const std::function<void(storage::WriteBatch&)>& fn) {
    storage::WriteBatch wb;
    fn(wb);
    ASSERT_TRUE(store_->write(wb, true));
  }
  std::string get(const std::string& key) { return **store_->get(key); }
  // The error of opening the folder as it now is ("" if it opens).
  std::string open_error() {
    auto cs = CanonicalState::open(g_, *store_, nullptr, kSmallSnapshots);
    return cs ? "" : cs.error().message;
  }

  const Genesis g_ = test_genesis();
  TempDir dir_;
  std::unique_ptr<storage::KvStore> store_;
};

TEST_F(DamagedBalanceLog, TheUndamagedFolderOpens) { EXPECT_EQ(open_error(), ""); }

TEST_F(DamagedBalanceLog, RefusesAFolderWithoutAStorageFormat) {
  change([](storage::WriteBatch& wb) { wb.del(codec::kMetaFormat); });
  const std::string e = open_error();
  EXPECT_NE(e.find("an older storage format"), std::string::npos) << e;
}

TEST_F(DamagedBalanceLog, RefusesAFolderOfAnotherStorageFormat) {
  for (uint32_t version : {1u, codec::kFormatVersion + 1}) {
    change([&](storage::WriteBatch& wb) {
      std::string v;
      codec::put_be32(v, version);
      wb.put(codec::kMetaFormat, v);
    });
    const std::string e = open_error();
    EXPECT_NE(e.find("storage format " + std::to_string(version)), std::string::npos) << e;
  }
}

TEST_F(DamagedBalanceLog, RefusesADeltaAtOrBeforeTheSnapshot) {
  const std::string delta = get(codec::delta_key(4, 0));
  for (uint64_t epoch : {3u, 2u}) {
    change([&](storage::WriteBatch& wb) { wb.put(codec::delta_key(epoch, 0), delta); });
    EXPECT_EQ(open_error(), "data folder is corrupt: bad balance delta record") << epoch;
    change([&](storage::WriteBatch& wb) { wb.del(codec::delta_key(epoch, 0)); });
  }
  EXPECT_EQ(open_error(), "");
}

TEST_F(DamagedBalanceLog, RefusesADeltaChunkWithoutTheOnesBeforeIt) {
  const std::string delta = get(codec::delta_key(4, 0));
  change([&](storage::WriteBatch& wb) {
    wb.del(codec::delta_key(4, 0));
    wb.put(codec::delta_key(4, 1), delta);
  });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad balance delta record");
}

TEST_F(DamagedBalanceLog, RefusesASnapshotChunkWithAZeroAmount) {
  std::string chunk = get(codec::snapshot_key(1));
  // The last record's amount, its last 16 bytes.
  std::fill(chunk.end() - 16, chunk.end(), '\0');
  change([&](storage::WriteBatch& wb) { wb.put(codec::snapshot_key(1), chunk); });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad balance snapshot record");
}

TEST_F(DamagedBalanceLog, RefusesAMissingSnapshotChunk) {
  change([&](storage::WriteBatch& wb) { wb.del(codec::snapshot_key(0)); });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad balance snapshot record");
}

TEST_F(DamagedBalanceLog, RefusesSnapshotChunksWithoutASnapshotEpoch) {
  change([&](storage::WriteBatch& wb) { wb.del(codec::kMetaSnapshot); });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad balance snapshot record");
}

TEST_F(DamagedBalanceLog, RefusesASnapshotEpochNotYetCommitted) {
  change([&](storage::WriteBatch& wb) {
    std::string v;
    codec::put_be64(v, 5);  // the next epoch
    wb.put(codec::kMetaSnapshot, v);
  });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad snapshot epoch record");
}

}  // namespace
}  // namespace relay
