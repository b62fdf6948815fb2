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
    std::string key(codec::kBalance), v;
    codec::put_be32(key, 1);
    codec::put_bytes(key, account(77));
    codec::put_amount(v, Amount(5));
    wb.put(key, v);
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
  wb.put("S/b/whatever", "x");
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
