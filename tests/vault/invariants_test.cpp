// The invariants of DESIGN.md, checked on every transition and on a loaded state: a state that
// breaks one is detected, and every transition from it is refused whole.
#include <gtest/gtest.h>

#include "tests/support/fixture.h"
#include "vault/vault.h"

namespace relay {
namespace {

using namespace test;

Amount amt(const char* s) { return *Amount::from_decimal(s); }

TEST(Invariants, HoldOnTheGenesisState) {
  Genesis g = test_genesis();
  Vault v(g);
  EXPECT_EQ(v.finish_load(), std::nullopt);
  EXPECT_EQ(v.check_invariants(), std::nullopt);
}

TEST(Invariants, DetectsCustodyNotEqualToBalancesPlusPending) {
  Genesis g = test_genesis();
  Vault v(g);
  v.load_balance({account(1), 1}, amt("10"));
  auto broken = v.finish_load();
  ASSERT_TRUE(broken);
  EXPECT_NE(broken->find("asset USDC: custody 0 != balances 10 + pending 0"), std::string::npos)
      << *broken;
}

TEST(Invariants, RefusesEveryTransitionFromABrokenState) {
  Genesis g = test_genesis();
  Vault v(g);
  v.load_balance({account(1), 1}, amt("10"));
  v.load_custody(0, 1, amt("5"), Amount());
  ASSERT_TRUE(v.finish_load());
  // A valid-looking deposit keeps the imbalance, so it is refused, and nothing changes.
  EXPECT_EQ(v.apply(deposit("alpha", 1, 0, kUsdcAlpha, account(2), "1"), 0, 0),
            Reason::invariant_violation);
  EXPECT_EQ(v.balance(account(2), 1), Amount());
  EXPECT_EQ(v.custody(0, 1), amt("5"));
  EXPECT_TRUE(v.changed_balances().empty());
}

TEST(Invariants, DetectsPendingAboveCustodyOnAChain) {
  Genesis g = test_genesis();
  Vault v(g);
  // Totals balance (custody 15 + 5 == balances 10 + pending 10), but beta owes more than it holds.
  v.load_balance({account(1), 1}, amt("10"));
  v.load_custody(0, 1, amt("15"), Amount());
  v.load_custody(1, 1, amt("5"), amt("10"));
  WithdrawalRecord w;
  w.account = account(1);
  w.asset = 1;
  w.amount = amt("10");
  w.dest_chain = 1;
  WithdrawalId id = withdrawal_id(ChainId{1}, {1, 0});
  v.load_withdrawal(id, w);
  auto broken = v.finish_load();
  ASSERT_TRUE(broken);
  EXPECT_NE(broken->find("chain beta, asset USDC: pending 10 exceeds custody 5"), std::string::npos)
      << *broken;
  // Paying it out would take custody below zero: refused whole.
  EXPECT_EQ(v.apply(claim("beta", 1, 0, id), 1, 5), Reason::invariant_violation);
  EXPECT_FALSE(v.withdrawal(id)->claimed);
  EXPECT_EQ(v.pending(1, 1), amt("10"));
}

TEST(Invariants, DetectsPendingThatNoWithdrawalExplains) {
  Genesis g = test_genesis();
  Vault v(g);
  v.load_custody(1, 1, amt("10"), amt("10"));
  auto broken = v.finish_load();
  ASSERT_TRUE(broken);
  EXPECT_NE(broken->find("!= unclaimed withdrawals 0"), std::string::npos) << *broken;
}

TEST(Invariants, DetectsBalancesSummingPast2To128) {
  Genesis g = test_genesis();
  Vault v(g);
  v.load_balance({account(1), 1}, Amount::max());
  v.load_balance({account(2), 1}, amt("1"));
  auto broken = v.finish_load();
  ASSERT_TRUE(broken);
  EXPECT_NE(broken->find("overflow"), std::string::npos) << *broken;
}

TEST(Invariants, HoldAfterEveryTransitionOfAMixedHistory) {
  Genesis g = test_genesis();
  Vault v(g);
  ASSERT_EQ(v.finish_load(), std::nullopt);
  uint64_t block = 1;
  for (int round = 0; round < 50; ++round) {
    AccountId who = account(uint8_t(round % 7));
    v.apply(deposit("alpha", block++, 0, kUsdcAlpha, who, std::to_string(100 + round)), 0, round);
    v.apply(deposit("beta", block++, 0, kUsdcBeta, who, std::to_string(round) + "000000000000"), 1,
            round);
    Event w = withdraw("alpha", block++, 0, who, "USDC", std::to_string(round * 3), "beta");
    if (!v.apply(w, 0, round) && round > 0) {
      // Claim it the epoch after.
      v.apply(claim("beta", block++, 0, withdrawal_id(ChainId{1}, w.pos)), 1, round + 1);
    }
    ASSERT_EQ(v.check_invariants(), std::nullopt) << "after round " << round;
  }
}

}  // namespace
}  // namespace relay
