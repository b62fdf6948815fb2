// The canonical state on a real LevelDB folder: it reopens to exactly what was committed, and a
// folder that is not this network's, or is damaged, is refused with a specific error.
#include <gtest/gtest.h>

#include "canonical_state/canonical_state.h"
#include "canonical_state/codec.h"
#include "storage/kv_store.h"
#include "tests/support/fixture.h"
#include "tests/support/temp_dir.h"

namespace relay {
namespace {

using namespace test;

class Persistence : public ::testing::Test {
 protected:
  Genesis g = test_genesis();
  TempDir dir;

  std::vector<std::vector<Event>> history() {
    return {{deposit("alpha", 1, 0, kUsdcAlpha, account(1), "100"),
             deposit("beta", 1, 0, kUsdcBeta, account(2), "50000000000000")},
            {withdraw("alpha", 2, 0, account(1), "USDC", "30", "beta"),
             deposit("alpha", 2, 1, kEthToken, account(3), "7")},
            {claim("beta", 3, 0, withdrawal_id(ChainId{1}, {2, 0}))}};
  }
};

TEST_F(Persistence, ReopensToTheSameStateAndDigest) {
  Hash32 digest;
  {
    auto store = *storage::open_leveldb(dir.path());
    auto cs = *CanonicalState::open(g, *store);
    for (const auto& b : history()) ASSERT_TRUE(cs->apply_batch(b));
    digest = cs->state_digest();
  }
  auto store = *storage::open_leveldb(dir.path());
  auto cs = CanonicalState::open(g, *store);
  ASSERT_TRUE(cs) << cs.error().message;
  EXPECT_EQ((*cs)->next_epoch(), 3u);
  EXPECT_EQ((*cs)->state_digest(), digest);
  EXPECT_EQ((*cs)->vault().balance(account(1), 1), Amount(70));
  EXPECT_EQ((*cs)->vault().custody(1, 1), Amount(20));
  EXPECT_TRUE((*cs)->vault().withdrawal(withdrawal_id(ChainId{1}, {2, 0}))->claimed);
}

TEST_F(Persistence, HeightsOnlyMoveForwardAcrossRestart) {
  {
    auto store = *storage::open_leveldb(dir.path());
    auto cs = *CanonicalState::open(g, *store);
    for (const auto& b : history()) ASSERT_TRUE(cs->apply_batch(b));
  }
  auto store = *storage::open_leveldb(dir.path());
  auto cs = *CanonicalState::open(g, *store);
  ASSERT_EQ(cs->cursor(0), (EventPosition{2, 1}));
  auto stats = cs->apply_batch(std::vector<Event>{
      deposit("alpha", 1, 0, kUsdcAlpha, account(1), "100"),   // seen: duplicate
      deposit("alpha", 1, 0, kUsdcAlpha, account(1), "999"),   // seen, different: conflict
      deposit("alpha", 1, 5, kUsdcAlpha, account(1), "1"),     // never seen, behind: out of order
      deposit("alpha", 9, 0, kUsdcAlpha, account(1), "1")});   // ahead: applied
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->duplicates, 1u);
  EXPECT_EQ(stats->rejected[size_t(Reason::conflict)], 1u);
  EXPECT_EQ(stats->rejected[size_t(Reason::out_of_order)], 1u);
  EXPECT_EQ(stats->applied, 1u);
  EXPECT_EQ(cs->vault().balance(account(1), 1), Amount(71));
}

// Seen events are stored in groups of up to codec::kSeenGroupMax per chain and epoch: every
// event of a committed epoch, first, last and either side of a group boundary, is still found
// as seen after a restart, and a position between two seen ones is still out of order.
TEST_F(Persistence, EverySeenEventIsFoundAcrossGroupBoundariesAfterRestart) {
  const size_t n = 2 * codec::kSeenGroupMax + 3;  // three groups on alpha in one epoch
  std::vector<Event> batch;
  for (size_t i = 0; i < n; ++i)  // two per block: positions (10 + i/2, 2*(i%2))
    batch.push_back(deposit("alpha", 10 + i / 2, uint32_t(2 * (i % 2)), kUsdcAlpha,
                            account(uint8_t(i % 7)), std::to_string(i + 1)));
  batch.push_back(deposit("beta", 5, 0, kUsdcBeta, account(1), "1000000000000"));
  {
    auto store = *storage::open_leveldb(dir.path());
    auto cs = *CanonicalState::open(g, *store);
    auto stats = cs->apply_batch(batch);
    ASSERT_TRUE(stats);
    ASSERT_EQ(stats->applied, n + 1);
    // Three groups for alpha, one for beta.
    size_t groups = 0;
    ASSERT_TRUE(store->scan(codec::kSeen, [&](std::string_view, std::string_view) {
      return ++groups, true;
    }));
    EXPECT_EQ(groups, 4u);
  }
  auto store = *storage::open_leveldb(dir.path());
  auto cs = *CanonicalState::open(g, *store);
  std::vector<Event> again;
  for (size_t i : {size_t(0), codec::kSeenGroupMax - 1, codec::kSeenGroupMax,
                   codec::kSeenGroupMax + 1, 2 * codec::kSeenGroupMax, n - 1})
    again.push_back(batch[i]);
  Event changed = batch[codec::kSeenGroupMax];
  changed.amount = "424242";
  again.push_back(changed);                                            // conflict
  again.push_back(deposit("alpha", 10, 1, kUsdcAlpha, account(1), "5"));  // between two seen
  again.push_back(deposit("alpha", 9, 0, kUsdcAlpha, account(1), "5"));   // before the first
  again.push_back(batch[n]);                                           // beta's, duplicate
  auto stats = cs->apply_batch(again);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->duplicates, 7u);
  EXPECT_EQ(stats->rejected[size_t(Reason::conflict)], 1u);
  EXPECT_EQ(stats->rejected[size_t(Reason::out_of_order)], 2u);
  EXPECT_EQ(stats->applied, 0u);
}

TEST_F(Persistence, ADamagedSeenGroupIsAnErrorNotANewEvent) {
  {
    auto store = *storage::open_leveldb(dir.path());
    auto cs = *CanonicalState::open(g, *store);
    ASSERT_TRUE(cs->apply_batch(history()[0]));
    // alpha's group (one event at 1/0, so also its last) loses its last byte.
    storage::WriteBatch wb;
    std::string key = codec::seen_key(0, {1, 0});
    auto v = store->get(key);
    ASSERT_TRUE(v && *v);
    wb.put(key, (*v)->substr(0, (*v)->size() - 1));
    ASSERT_TRUE(store->write(wb, true));
  }
  auto store = *storage::open_leveldb(dir.path());
  auto cs = *CanonicalState::open(g, *store);
  auto r = cs->apply_batch(std::vector<Event>{history()[0][0]});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "data folder is corrupt: bad seen-event record");
}

TEST_F(Persistence, RefusesAFolderOfAnotherNetwork) {
  {
    auto store = *storage::open_leveldb(dir.path());
    auto cs = *CanonicalState::open(g, *store);
    ASSERT_TRUE(cs->apply_batch(history()[0]));
  }
  Genesis other = *parse_genesis(std::string(kGenesisJson) + "\n");
  auto store = *storage::open_leveldb(dir.path());
  auto cs = CanonicalState::open(other, *store);
  ASSERT_FALSE(cs);
  EXPECT_EQ(cs.error().message,
            "data folder belongs to another network (its genesis differs from this one)");
}

TEST_F(Persistence, RefusesAFolderWhoseStoredStateBreaksAnInvariant) {
  {
    auto store = *storage::open_leveldb(dir.path());
    auto cs = *CanonicalState::open(g, *store);
    ASSERT_TRUE(cs->apply_batch(history()[0]));
    // A balance that no custody backs, written behind the state machine's back.
    storage::WriteBatch wb;
    std::string v;
    codec::put_balance_record(v, 1, account(77), Amount(5));
    wb.put(codec::delta_key(0, 1), v);
    ASSERT_TRUE(store->write(wb, true));
  }
  auto store = *storage::open_leveldb(dir.path());
  auto cs = CanonicalState::open(g, *store);
  ASSERT_FALSE(cs);
  EXPECT_NE(cs.error().message.find("data folder breaks an invariant: asset USDC"),
            std::string::npos)
      << cs.error().message;
}

TEST_F(Persistence, RefusesATruncatedRecord) {
  {
    auto store = *storage::open_leveldb(dir.path());
    auto cs = *CanonicalState::open(g, *store);
    ASSERT_TRUE(cs->apply_batch(history()[0]));
    storage::WriteBatch wb;
    std::string key(codec::kCustody);
    codec::put_be32(key, 0);
    codec::put_be32(key, 1);
    wb.put(key, "short");
    ASSERT_TRUE(store->write(wb, true));
  }
  auto store = *storage::open_leveldb(dir.path());
  auto cs = CanonicalState::open(g, *store);
  ASSERT_FALSE(cs);
  EXPECT_EQ(cs.error().message, "data folder is corrupt: bad custody record");
}

TEST_F(Persistence, RefusesStateRecordsWithoutANetworkId) {
  auto store = *storage::open_leveldb(dir.path());
  storage::WriteBatch wb;
  wb.put("S/d/whatever", "x");
  ASSERT_TRUE(store->write(wb, true));
  auto cs = CanonicalState::open(g, *store);
  ASSERT_FALSE(cs);
  EXPECT_EQ(cs.error().message, "data folder holds state records but no network id");
}

TEST_F(Persistence, SecondProcessCannotOpenALockedFolder) {
  auto first = storage::open_leveldb(dir.path());
  ASSERT_TRUE(first);
  auto second = storage::open_leveldb(dir.path());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("cannot open data folder " + dir.path()),
            std::string::npos);
}

}  // namespace
}  // namespace relay
