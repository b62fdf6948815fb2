// The liabilities sum tree: incremental updates match a rebuild and the definition, proofs
// verify for every account, absence proofs, removals, overflow refusal.
#include "proofs/sum_tree.h"

#include <gtest/gtest.h>

#include <random>

#include "liabilities_test_util.h"

namespace relay::proofs {
namespace {

using testing::account_n;
using testing::Model;
using testing::reference_root;
using testing::updates_of;

TEST(SumTree, EmptyTreeHasEmptyHashAndZeroTotal) {
  SumTree t("USDC");
  Sha256 h;
  EXPECT_EQ(t.root(), empty_hash(h, asset_tag(h, "USDC")));
  EXPECT_TRUE(t.total().is_zero());
  auto p = t.prove(account_n(1));
  EXPECT_TRUE(p.siblings.empty());
  EXPECT_TRUE(verify(p, t.root()).has_value());
}

TEST(SumTree, IncrementalEpochsMatchRebuildAndDefinitionAndEveryProofVerifies) {
  std::mt19937_64 rng(7);
  SumTree t("ETH");
  Model model;
  const uint64_t accounts = 600;
  for (int epoch = 0; epoch < 25; ++epoch) {
    Model changes;
    const int n = int(rng() % 150) + 1;
    for (int i = 0; i < n; ++i) {
      const uint64_t a = rng() % accounts;
      // about a quarter of the changes empty an account
      changes[account_n(a)] = rng() % 4 == 0 ? Amount{} : Amount{uint128_t(rng() % 1'000'000 + 1)};
    }
    ASSERT_TRUE(t.apply(updates_of(changes)).has_value());
    for (const auto& [a, b] : changes) model[a] = b;

    SumTree fresh("ETH");
    Model live;
    for (const auto& [a, b] : model)
      if (!b.is_zero()) live[a] = b;
    ASSERT_TRUE(fresh.apply(updates_of(live)).has_value());
    ASSERT_EQ(t.root(), fresh.root()) << "epoch " << epoch;
    ASSERT_EQ(t.size(), live.size());
    const NodeRef ref = reference_root("ETH", model);
    ASSERT_EQ(t.root(), ref.hash);
    ASSERT_EQ(t.total(), ref.sum);
  }
  for (uint64_t a = 0; a < accounts; ++a) {
    auto p = t.prove(account_n(a));
    EXPECT_EQ(p.balance, model.contains(account_n(a)) ? model[account_n(a)] : Amount{});
    auto ok = verify(p, t.root());
    EXPECT_TRUE(ok.has_value()) << "account " << a << ": " << ok.error().message;
  }
}

TEST(SumTree, ShapeDoesNotDependOnUpdateOrder) {
  Model all;
  for (uint64_t a = 0; a < 200; ++a) all[account_n(a)] = Amount{uint128_t(a + 1)};
  SumTree at_once("X"), one_by_one("X");
  ASSERT_TRUE(at_once.apply(updates_of(all)).has_value());
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    ASSERT_TRUE(one_by_one.apply(updates_of(Model{{it->first, it->second}})).has_value());
  EXPECT_EQ(at_once.root(), one_by_one.root());
}

TEST(SumTree, RemovingEveryBalanceGivesTheEmptyTree) {
  SumTree t("X");
  Model all, zero;
  for (uint64_t a = 0; a < 100; ++a) {
    all[account_n(a)] = Amount{uint128_t(5)};
    zero[account_n(a)] = Amount{};
  }
  ASSERT_TRUE(t.apply(updates_of(all)).has_value());
  ASSERT_TRUE(t.apply(updates_of(zero)).has_value());
  EXPECT_EQ(t.root(), SumTree("X").root());
  EXPECT_EQ(t.size(), 0u);
}

TEST(SumTree, RemovalCollapsesTheSurvivingLeafUpward) {
  SumTree t("X"), only("X");
  ASSERT_TRUE(t.apply(updates_of({{account_n(1), Amount{7}}, {account_n(2), Amount{9}}})));
  ASSERT_TRUE(t.apply(updates_of({{account_n(2), Amount{}}})));
  ASSERT_TRUE(only.apply(updates_of({{account_n(1), Amount{7}}})));
  EXPECT_EQ(t.root(), only.root());
  EXPECT_TRUE(t.prove(account_n(1)).siblings.empty());  // the single leaf is the root
}

TEST(SumTree, AbsentAccountsGetVerifiableZeroProofsBothKinds) {
  SumTree t("X");
  Model all;
  for (uint64_t a = 0; a < 300; ++a) all[account_n(a)] = Amount{uint128_t(a + 1)};
  ASSERT_TRUE(t.apply(updates_of(all)));
  int ends_at_leaf = 0, ends_empty = 0;
  for (uint64_t a = 1000; a < 1400; ++a) {
    auto p = t.prove(account_n(a));
    ASSERT_TRUE(p.balance.is_zero());
    (p.other_leaf ? ends_at_leaf : ends_empty)++;
    auto ok = verify(p, t.root());
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
  }
  EXPECT_GT(ends_at_leaf, 0);
  EXPECT_GT(ends_empty, 0);
}

TEST(SumTree, RefusesUpdatesOutOfKeyOrder) {
  SumTree t("X");
  auto u = updates_of({{account_n(1), Amount{1}}, {account_n(2), Amount{2}}});
  std::swap(u[0], u[1]);
  EXPECT_FALSE(t.apply(u).has_value());
  u[1] = u[0];
  EXPECT_FALSE(t.apply(u).has_value());
}

TEST(SumTree, SumReaching2To128IsRefusedAndTheTreeIsUnchanged) {
  SumTree t("X");
  const Amount half{uint128_t(1) << 127};
  ASSERT_TRUE(t.apply(updates_of({{account_n(1), half}, {account_n(2), Amount{5}}})));
  const Hash32 before = t.root();
  auto r = t.apply(updates_of({{account_n(3), half}, {account_n(4), Amount{1}}}));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("2^128"), std::string::npos) << r.error().message;
  EXPECT_EQ(t.root(), before);
  EXPECT_EQ(t.size(), 2u);
  Sha256 h;
  EXPECT_TRUE(t.balance(tree_key(h, account_n(3))).is_zero());
  EXPECT_TRUE(verify(t.prove(account_n(1)), before).has_value());
  EXPECT_TRUE(verify(t.prove(account_n(3)), before).has_value());
  // Up to the limit is fine: 2^128 - 1 in total.
  ASSERT_TRUE(t.apply(updates_of({{account_n(2), Amount{half.raw() - 1}}})));
  EXPECT_EQ(t.total(), Amount::max());
}

TEST(SumTree, UndoLogRestoresThePreviousRoot) {
  SumTree t("X");
  Model all;
  for (uint64_t a = 0; a < 100; ++a) all[account_n(a)] = Amount{uint128_t(a + 1)};
  ASSERT_TRUE(t.apply(updates_of(all)));
  const Hash32 before = t.root();
  Model changes;
  for (uint64_t a = 50; a < 150; ++a) changes[account_n(a)] = a % 3 ? Amount{} : Amount{uint128_t(a)};
  std::vector<LeafUpdate> undo;
  ASSERT_TRUE(t.apply(updates_of(changes), &undo));
  ASSERT_NE(t.root(), before);
  ASSERT_TRUE(t.apply(undo));
  EXPECT_EQ(t.root(), before);
}

}  // namespace
}  // namespace relay::proofs
