// LiabilitiesTrees as a CommitObserver: stages into the epoch's batch, commits or rolls back,
// reopens from a real LevelDB folder with the same roots, refuses a store that does not match.
#include "proofs/liabilities_trees.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "liabilities_test_util.h"
#include "proofs/liabilities_keys.h"

namespace relay::proofs {
namespace {

using testing::account_n;
using testing::reference_root;

using testing::two_assets;

// A random epoch: changes sorted by (asset, account) as the canonical state gives them.
EpochChanges random_epoch(uint64_t epoch, std::mt19937_64& rng, size_t accounts, size_t n) {
  std::map<std::pair<size_t, AccountId>, Amount> m;
  for (size_t i = 0; i < n; ++i)
    m[{rng() % 2, account_n(rng() % accounts)}] =
        rng() % 5 == 0 ? Amount{} : Amount{uint128_t(rng() % 1'000'000'000 + 1)};
  EpochChanges c = testing::epoch_of(epoch);
  for (const auto& [k, b] : m) c.balances.push_back({k.second, k.first, b});
  return c;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() /
           (name + "-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            std::to_string(std::random_device{}()));
  std::filesystem::remove_all(d);
  return d;
}

TEST(LiabilitiesTrees, StagedEpochsMatchTheDefinitionAndReopenFromLevelDb) {
  const auto dir = temp_dir("liab-reopen");
  const Genesis g = two_assets();
  std::map<AccountId, Amount> model[2];
  Hash32 roots[2];
  {
    auto store = storage::open_leveldb(dir.string());
    ASSERT_TRUE(store) << store.error().message;
    auto trees = LiabilitiesTrees::open(g, **store);
    ASSERT_TRUE(trees) << trees.error().message;
    std::mt19937_64 rng(3);
    for (uint64_t e = 1; e <= 12; ++e) {
      auto c = random_epoch(e, rng, 400, 200);
      storage::WriteBatch batch;
      ASSERT_TRUE((*trees)->stage(c, batch));
      for (const auto& b : c.balances) batch.put("S/" + b.account.hex(), "state");  // beside the state
      ASSERT_TRUE((*store)->write(batch, false));
      (*trees)->committed(true);
      for (const auto& b : c.balances) model[b.asset][b.account] = b.balance;
    }
    for (size_t a = 0; a < 2; ++a) {
      const NodeRef ref = reference_root(g.assets[a].id.value, model[a]);
      EXPECT_EQ((*trees)->tree(a).root(), ref.hash);
      EXPECT_EQ((*trees)->tree(a).total(), ref.sum);
      roots[a] = ref.hash;
    }
    EXPECT_EQ((*trees)->epoch(), 12u);
    for (const auto& [k, v] : model[1]) {
      auto p = (*trees)->prove(k, "ETH");
      ASSERT_TRUE(p);
      EXPECT_EQ(p->balance, v);
      EXPECT_TRUE(verify(*p, roots[1]));
    }
  }
  auto store = storage::open_leveldb(dir.string());
  ASSERT_TRUE(store);
  auto trees = LiabilitiesTrees::open(g, **store);
  ASSERT_TRUE(trees) << trees.error().message;
  EXPECT_EQ((*trees)->tree(0).root(), roots[0]);
  EXPECT_EQ((*trees)->tree(1).root(), roots[1]);
  EXPECT_EQ((*trees)->epoch(), 12u);
  auto one = LiabilitiesTrees::load_asset(**store, "ETH");
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->root(), roots[1]);
  // Every key it wrote is under P/L/.
  (*store)->scan("", [](std::string_view k, std::string_view) {
    EXPECT_TRUE(k.starts_with("P/L/") || k.starts_with("S/")) << k;
    return true;
  });
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST(LiabilitiesTrees, DiscardedEpochRollsBackToTheCommittedRoots) {
  auto store = storage::make_memory_store();
  auto trees = LiabilitiesTrees::open(two_assets(), *store);
  ASSERT_TRUE(trees);
  std::mt19937_64 rng(5);
  storage::WriteBatch b1;
  ASSERT_TRUE((*trees)->stage(random_epoch(1, rng, 100, 80), b1));
  ASSERT_TRUE(store->write(b1, false));
  (*trees)->committed(true);
  const Hash32 r0 = (*trees)->tree(0).root(), r1 = (*trees)->tree(1).root();
  storage::WriteBatch b2;
  ASSERT_TRUE((*trees)->stage(random_epoch(2, rng, 100, 80), b2));
  ASSERT_NE((*trees)->tree(0).root(), r0);
  (*trees)->committed(false);
  EXPECT_EQ((*trees)->tree(0).root(), r0);
  EXPECT_EQ((*trees)->tree(1).root(), r1);
  EXPECT_EQ((*trees)->epoch(), 1u);
  storage::WriteBatch b3;  // the same epoch number may be staged again after a discard
  EXPECT_TRUE((*trees)->stage(random_epoch(2, rng, 100, 80), b3));
}

TEST(LiabilitiesTrees, RefusesStageTwiceReplayedEpochAndUnknownAsset) {
  auto store = storage::make_memory_store();
  auto trees = LiabilitiesTrees::open(two_assets(), *store);
  ASSERT_TRUE(trees);
  std::mt19937_64 rng(9);
  storage::WriteBatch b;
  ASSERT_TRUE((*trees)->stage(random_epoch(4, rng, 10, 5), b));
  auto twice = (*trees)->stage(random_epoch(5, rng, 10, 5), b);
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("neither committed nor discarded"), std::string::npos);
  (*trees)->committed(true);
  auto replay = (*trees)->stage(random_epoch(4, rng, 10, 5), b);
  ASSERT_FALSE(replay);
  EXPECT_NE(replay.error().message.find("not after the last committed epoch 4"), std::string::npos);
  EpochChanges bad = testing::epoch_of(5, {{account_n(1), 0, Amount{1}}, {account_n(1), 7, Amount{1}}});
  const Hash32 r0 = (*trees)->tree(0).root();
  auto unknown = (*trees)->stage(bad, b);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("asset index 7"), std::string::npos);
  EXPECT_EQ((*trees)->tree(0).root(), r0);  // the part already applied was rolled back
}

TEST(LiabilitiesTrees, OverflowInOneAssetLeavesEveryTreeUnchanged) {
  auto store = storage::make_memory_store();
  auto trees = LiabilitiesTrees::open(two_assets(), *store);
  ASSERT_TRUE(trees);
  const Amount big{uint128_t(1) << 127};
  storage::WriteBatch b;
  ASSERT_TRUE((*trees)->stage(testing::epoch_of(1, {{account_n(1), 1, big}}), b));
  (*trees)->committed(true);
  const Hash32 r0 = (*trees)->tree(0).root(), r1 = (*trees)->tree(1).root();
  auto r = (*trees)->stage(testing::epoch_of(2, {{account_n(1), 0, Amount{9}}, {account_n(2), 1, big}}), b);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("2^128"), std::string::npos);
  EXPECT_EQ((*trees)->tree(0).root(), r0);
  EXPECT_EQ((*trees)->tree(1).root(), r1);
}

TEST(LiabilitiesTrees, RefusesStoreWhoseAssetsDifferFromTheGenesis) {
  auto store = storage::make_memory_store();
  {
    auto trees = LiabilitiesTrees::open(two_assets(), *store);
    storage::WriteBatch b;
    ASSERT_TRUE((*trees)->stage(testing::epoch_of(1, {{account_n(1), 0, Amount{1}}}), b));
    ASSERT_TRUE(store->write(b, false));
  }
  Genesis g = two_assets();
  std::swap(g.assets[0], g.assets[1]);
  auto r = LiabilitiesTrees::open(g, *store);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("asset 0 is USDC in the store but ETH in the genesis"),
            std::string::npos) << r.error().message;
  auto none = LiabilitiesTrees::load_asset(*store, "DOGE");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("unknown asset DOGE"), std::string::npos);
  auto empty = LiabilitiesTrees::load_asset(*storage::make_memory_store(), "USDC");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("no liabilities trees"), std::string::npos);
}

TEST(LiabilitiesTrees, DetectsLeavesThatDoNotMatchTheStoredRoot) {
  auto store = storage::make_memory_store();
  {
    auto trees = LiabilitiesTrees::open(two_assets(), *store);
    storage::WriteBatch b;
    ASSERT_TRUE((*trees)->stage(testing::epoch_of(1, {{account_n(1), 0, Amount{1}}, {account_n(2), 0, Amount{2}}}), b));
    ASSERT_TRUE(store->write(b, false));
  }
  storage::WriteBatch corrupt;
  Sha256 h;
  corrupt.del(liabilities_keys::leaf_key(0, tree_key(h, account_n(2))));
  ASSERT_TRUE(store->write(corrupt, false));
  auto r = LiabilitiesTrees::open(two_assets(), *store);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("store corrupt"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace relay::proofs
