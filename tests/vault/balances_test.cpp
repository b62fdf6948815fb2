// The balance table: prefetch() is only a hint, a rejected deposit leaves no trace, and the
// amounts and the changed list survive the table growing and emptied entries being dropped.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/fixture.h"
#include "vault/vault.h"

namespace relay {
namespace {

using namespace test;

constexpr uint32_t kAlpha = 0;
constexpr uint32_t kUsdc = 1;

Amount amt(const std::string& s) { return *Amount::from_decimal(s); }

AccountId many(uint32_t n) {  // distinct accounts, beyond account()'s 256
  AccountId a;
  a.bytes[0] = 0x5a;
  for (int i = 0; i < 4; ++i) a.bytes[28 + i] = static_cast<uint8_t>(n >> (8 * (3 - i)));
  return a;
}

std::vector<std::pair<BalanceKey, Amount>> changed(const Vault& v) {
  std::vector<std::pair<BalanceKey, Amount>> out;
  for (uint32_t i : v.changed_balances())
    out.emplace_back(v.balance_slots()[i].first, v.balance_slots()[i].second.amount);
  return out;
}

TEST(Balances, PrefetchChangesNoState) {
  Genesis g = test_genesis();
  Vault v(g);
  ASSERT_EQ(v.apply(deposit("alpha", 1, 0, kUsdcAlpha, account(1), "50"), kAlpha, 0), std::nullopt);
  const auto balances = v.sorted_balances();
  const auto changes = changed(v);

  // The keys of what apply() would look up, and nothing for what it would not.
  EXPECT_EQ(v.balance_key(deposit("alpha", 2, 0, kUsdcAlpha, account(1), "5"), kAlpha),
            (BalanceKey{account(1), kUsdc}));
  EXPECT_EQ(v.balance_key(withdraw("alpha", 2, 3, account(2), "USDC", "5", "beta"), kAlpha),
            (BalanceKey{account(2), kUsdc}));
  EXPECT_FALSE(v.balance_key(deposit("gamma", 2, 2, kEthToken, account(3), "5"), 2));
  EXPECT_FALSE(v.balance_key(withdraw("alpha", 2, 4, account(4), "DOGE", "5", "beta"), kAlpha));
  EXPECT_FALSE(v.balance_key(claim("beta", 2, 5, withdrawal_id(ChainId{1}, {2, 3})), 1));

  for (auto stage : {Vault::Prefetch::index, Vault::Prefetch::balance}) {
    v.prefetch(BalanceKey{account(1), kUsdc}, stage);  // known
    v.prefetch(BalanceKey{account(2), kUsdc}, stage);  // new
    v.prefetch(BalanceKey{account(9), 77}, stage);     // not even an asset
  }

  EXPECT_EQ(v.sorted_balances(), balances);
  EXPECT_EQ(changed(v), changes);
  EXPECT_EQ(v.balance(account(2), kUsdc), Amount());
  EXPECT_EQ(v.custody(kAlpha, kUsdc), amt("50"));
  EXPECT_TRUE(v.sorted_withdrawals().empty());
  EXPECT_EQ(v.check_invariants(), std::nullopt);
}

TEST(Balances, RejectedFirstDepositOfANewAccountLeavesNoEntry) {
  Genesis g = test_genesis();
  Vault v(g);
  ASSERT_EQ(v.apply(deposit("alpha", 1, 0, kUsdcAlpha, account(1), kMax128), kAlpha, 0),
            std::nullopt);
  // The total custody of USDC would reach 2^128.
  EXPECT_EQ(v.apply(deposit("alpha", 1, 1, kUsdcAlpha, account(2), "1"), kAlpha, 0),
            Reason::overflow);
  EXPECT_EQ(v.balance(account(2), kUsdc), Amount());
  ASSERT_EQ(v.sorted_balances().size(), 1u);
  ASSERT_EQ(v.changed_balances().size(), 1u);
  EXPECT_EQ(v.balance_slots()[v.changed_balances()[0]].first.account, account(1));

  // And after clear_changes(): still nothing listed, nothing stored.
  v.clear_changes();
  EXPECT_EQ(v.apply(deposit("alpha", 1, 2, kUsdcAlpha, account(3), "1"), kAlpha, 0),
            Reason::overflow);
  EXPECT_TRUE(v.changed_balances().empty());
  EXPECT_EQ(v.sorted_balances().size(), 1u);
  EXPECT_EQ(v.check_invariants(), std::nullopt);
}

TEST(Balances, ManyAccountsKeepTheirAmountsAndChangesAsTheTableGrows) {
  Genesis g = test_genesis();
  Vault v(g);
  constexpr uint32_t kAccounts = 5000;  // many growths of the index and of the slots
  for (uint32_t i = 0; i < kAccounts; ++i)
    ASSERT_EQ(
        v.apply(deposit("alpha", i, 0, kUsdcAlpha, many(i), std::to_string(i + 1)), kAlpha, 0),
        std::nullopt);
  // A second deposit to early accounts is listed once, where it first changed.
  for (uint32_t i = 0; i < 10; ++i)
    ASSERT_EQ(v.apply(deposit("alpha", i, 1, kUsdcAlpha, many(i), "1000"), kAlpha, 0),
              std::nullopt);

  auto c = changed(v);
  ASSERT_EQ(c.size(), kAccounts);
  for (uint32_t i = 0; i < kAccounts; ++i) {
    EXPECT_EQ(c[i].first, (BalanceKey{many(i), kUsdc}));
    EXPECT_EQ(c[i].second, amt(std::to_string(i + 1 + (i < 10 ? 1000 : 0))));
    ASSERT_EQ(v.balance(many(i), kUsdc), c[i].second);
  }
  v.clear_changes();
  EXPECT_TRUE(v.changed_balances().empty());

  // Empty every third account; clear_changes() drops those entries and keeps the others.
  for (uint32_t i = 0; i < kAccounts; i += 3)
    ASSERT_EQ(v.apply(withdraw("alpha", kAccounts + i, 0, many(i), "USDC",
                               v.balance(many(i), kUsdc).to_decimal(), "alpha"),
                      kAlpha, 1),
              std::nullopt);
  EXPECT_EQ(v.changed_balances().size(), (kAccounts + 2) / 3);
  for (uint32_t i : v.changed_balances()) EXPECT_TRUE(v.balance_slots()[i].second.amount.is_zero());
  v.clear_changes();
  EXPECT_EQ(v.sorted_balances().size(), kAccounts - (kAccounts + 2) / 3);
  for (uint32_t i = 0; i < kAccounts; ++i) {
    Amount want = i % 3 == 0 ? Amount() : amt(std::to_string(i + 1 + (i < 10 ? 1000 : 0)));
    ASSERT_EQ(v.balance(many(i), kUsdc), want) << i;
  }
  EXPECT_EQ(v.check_invariants(), std::nullopt);

  // An emptied account can deposit again, and is listed as changed.
  ASSERT_EQ(v.apply(deposit("alpha", 1, 9, kUsdcAlpha, many(3), "7"), kAlpha, 2), std::nullopt);
  ASSERT_EQ(changed(v).size(), 1u);
  EXPECT_EQ(changed(v)[0], (std::pair{BalanceKey{many(3), kUsdc}, amt("7")}));
  EXPECT_EQ(v.check_invariants(), std::nullopt);
}

}  // namespace
}  // namespace relay
