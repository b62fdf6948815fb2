// The rules of the state machine, one rejection reason at a time (issue 2, rules 1-6), through
// CanonicalState over an in-memory store.
#include <gtest/gtest.h>

#include "canonical_state/canonical_state.h"
#include "storage/kv_store.h"
#include "tests/support/fixture.h"
#include "vault/sha256.h"
#include "vault/vault.h"

namespace relay {
namespace {

using namespace test;

class Rules : public ::testing::Test {
 protected:
  Genesis g = test_genesis();
  std::unique_ptr<storage::KvStore> store = storage::make_memory_store();
  std::unique_ptr<CanonicalState> cs = *CanonicalState::open(g, *store);

  BatchStats apply(std::vector<Event> events) {
    auto r = cs->apply_batch(events);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : BatchStats{};
  }
  // Applies one event alone as a batch and returns its rejection reason, if any.
  std::optional<Reason> one(const Event& e) {
    BatchStats s = apply({e});
    for (size_t i = 1; i < s.rejected.size(); ++i)
      if (s.rejected[i]) return Reason(i);
    return std::nullopt;
  }
  Amount bal(uint8_t who, uint32_t asset) { return cs->vault().balance(account(who), asset); }
  static Amount amt(const char* s) { return *Amount::from_decimal(s); }
};

TEST_F(Rules, AppliesDepositToBalanceAndCustody) {
  EXPECT_EQ(one(deposit("alpha", 1, 0, kEthToken, account(1), "5")), std::nullopt);
  EXPECT_EQ(bal(1, 0), amt("5"));
  EXPECT_EQ(cs->vault().custody(0, 0), amt("5"));
  EXPECT_EQ(cs->vault().liabilities(0), amt("5"));
}

TEST_F(Rules, RejectsUnknownChainWithoutStoringIt) {
  EXPECT_EQ(one(deposit("delta", 1, 0, kEthToken, account(1), "5")), Reason::unknown_chain);
  EXPECT_FALSE(cs->cursor(0));
  // The same position on a known chain is still fresh.
  EXPECT_EQ(one(deposit("alpha", 1, 0, kEthToken, account(1), "5")), std::nullopt);
}

TEST_F(Rules, CountsIdenticalEventAsDuplicateWithNoEffect) {
  Event e = deposit("alpha", 1, 0, kEthToken, account(1), "5");
  apply({e});
  BatchStats s = apply({e, e});
  EXPECT_EQ(s.duplicates, 2u);
  EXPECT_EQ(s.applied, 0u);
  EXPECT_EQ(bal(1, 0), amt("5"));
}

TEST_F(Rules, DuplicateInsideOneBatchIsCountedOnce) {
  Event e = deposit("alpha", 1, 0, kEthToken, account(1), "5");
  BatchStats s = apply({e, deposit("alpha", 2, 0, kEthToken, account(1), "1"), e});
  EXPECT_EQ(s.applied, 2u);
  EXPECT_EQ(s.duplicates, 1u);
  EXPECT_EQ(bal(1, 0), amt("6"));
}

TEST_F(Rules, ComparesHexCaseInsensitivelyForDuplicates) {
  Event e = deposit("alpha", 1, 0, kUsdcAlpha, account(1), "5");
  apply({e});
  Event upper = deposit("alpha", 1, 0, "0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", account(1), "5");
  EXPECT_EQ(apply({upper}).duplicates, 1u);
}

TEST_F(Rules, RejectsSamePositionWithDifferentFieldsAsConflict) {
  apply({deposit("alpha", 1, 0, kEthToken, account(1), "5")});
  EXPECT_EQ(one(deposit("alpha", 1, 0, kEthToken, account(1), "6")), Reason::conflict);
  EXPECT_EQ(one(deposit("alpha", 1, 0, kEthToken, account(2), "5")), Reason::conflict);
  EXPECT_EQ(bal(1, 0), amt("5"));
  EXPECT_EQ(bal(2, 0), Amount());
}

TEST_F(Rules, ConflictInsideOneBatch) {
  BatchStats s = apply({deposit("alpha", 1, 0, kEthToken, account(1), "5"),
                        deposit("alpha", 1, 0, kEthToken, account(1), "7")});
  EXPECT_EQ(s.applied, 1u);
  EXPECT_EQ(s.rejected[size_t(Reason::conflict)], 1u);
  EXPECT_EQ(bal(1, 0), amt("5"));
}

TEST_F(Rules, RejectsLowerPositionNeverSeenAsOutOfOrder) {
  apply({deposit("alpha", 5, 3, kEthToken, account(1), "5")});
  EXPECT_EQ(one(deposit("alpha", 5, 2, kEthToken, account(1), "1")), Reason::out_of_order);
  EXPECT_EQ(one(deposit("alpha", 4, 9, kEthToken, account(1), "1")), Reason::out_of_order);
  // Other chains have their own order.
  EXPECT_EQ(one(deposit("beta", 1, 0, kEthToken, account(1), "1")), std::nullopt);
  // Out-of-order events are not stored: the same one again is still out of order, not a dup.
  EXPECT_EQ(one(deposit("alpha", 4, 9, kEthToken, account(1), "1")), Reason::out_of_order);
}

TEST_F(Rules, RejectedEventIsStillStoredAsSeen) {
  // Fails rule 4 (zero amount) but passed rule 3: a second copy is a duplicate.
  Event e = deposit("alpha", 1, 0, kEthToken, account(1), "0");
  EXPECT_EQ(one(e), Reason::zero_amount);
  EXPECT_EQ(apply({e}).duplicates, 1u);
  EXPECT_EQ(one(deposit("alpha", 1, 0, kEthToken, account(1), "3")), Reason::conflict);
}

TEST_F(Rules, RejectsDepositOfUnregisteredToken) {
  EXPECT_EQ(one(deposit("alpha", 1, 0, kUsdcBeta, account(1), "5")), Reason::unknown_asset);
  EXPECT_EQ(one(deposit("gamma", 1, 0, kEthToken, account(1), "5")), Reason::unknown_asset);
}

TEST_F(Rules, RejectsZeroDeposit) {
  EXPECT_EQ(one(deposit("alpha", 1, 0, kEthToken, account(1), "0")), Reason::zero_amount);
}

TEST_F(Rules, NormalizesDepositFromMoreDecimals) {
  // beta USDC has 18 decimals, canonical 6: 10^12 token units = 1 canonical unit.
  EXPECT_EQ(one(deposit("beta", 1, 0, kUsdcBeta, account(1), "2000000000000")), std::nullopt);
  EXPECT_EQ(bal(1, 1), amt("2"));
  EXPECT_EQ(one(deposit("beta", 1, 1, kUsdcBeta, account(1), "2000000000001")), Reason::precision);
  EXPECT_EQ(one(deposit("beta", 1, 2, kUsdcBeta, account(1), "999999999999")), Reason::precision);
  EXPECT_EQ(bal(1, 1), amt("2"));
}

TEST_F(Rules, NormalizesDepositFromFewerDecimals) {
  // gamma USDC has 2 decimals, canonical 6: 1 token unit = 10^4 canonical units.
  EXPECT_EQ(one(deposit("gamma", 1, 0, kUsdcGamma, account(1), "3")), std::nullopt);
  EXPECT_EQ(bal(1, 1), amt("30000"));
  EXPECT_EQ(cs->vault().custody(2, 1), amt("30000"));
}

TEST_F(Rules, DepositOverflowEdgesAt2To128) {
  // Exactly 2^128 - 1 fits.
  EXPECT_EQ(one(deposit("alpha", 1, 0, kUsdcAlpha, account(1), kMax128)), std::nullopt);
  EXPECT_EQ(bal(1, 1), Amount::max());
  // One more unit to the same balance reaches 2^128.
  EXPECT_EQ(one(deposit("alpha", 1, 1, kUsdcAlpha, account(1), "1")), Reason::overflow);
  // Another account: balance fits, but custody on alpha and the asset total would not.
  EXPECT_EQ(one(deposit("alpha", 1, 2, kUsdcAlpha, account(2), "1")), Reason::overflow);
  // Another chain: custody there fits, but the asset's total custody would not.
  EXPECT_EQ(one(deposit("gamma", 1, 0, kUsdcGamma, account(2), "1")), Reason::overflow);
  EXPECT_EQ(bal(2, 1), Amount());
  EXPECT_FALSE(cs->vault().check_invariants());
}

TEST_F(Rules, DepositAmountAt2To128IsOverflowAfterNormalization) {
  EXPECT_EQ(one(deposit("alpha", 1, 0, kUsdcAlpha, account(1), k2to128)), Reason::overflow);
  // 2^128 - 1 token units at 2 decimals is 10^4 times more canonical units: overflow.
  EXPECT_EQ(one(deposit("gamma", 1, 0, kUsdcGamma, account(1), kMax128)), Reason::overflow);
  // 2^128 * 10^12 token units at 18 decimals is exactly 2^128 canonical: overflow, not wrap.
  EXPECT_EQ(one(deposit("beta", 1, 0, kUsdcBeta, account(1),
                        "340282366920938463463374607431768211456000000000000")),
            Reason::overflow);
  // (2^128 - 1) * 10^12 token units: exactly 2^128 - 1 canonical, accepted.
  EXPECT_EQ(one(deposit("beta", 1, 1, kUsdcBeta, account(1),
                        "340282366920938463463374607431768211455000000000000")),
            std::nullopt);
  EXPECT_EQ(bal(1, 1), Amount::max());
}

class Withdrawals : public Rules {
 protected:
  void SetUp() override {
    // account 1 holds 100 USDC units from alpha; beta and gamma have custody too.
    apply({deposit("alpha", 1, 0, kUsdcAlpha, account(1), "100"),
           deposit("beta", 1, 0, kUsdcBeta, account(2), "50000000000000"),  // 50 units
           deposit("gamma", 1, 0, kUsdcGamma, account(3), "1")});           // 10000 units
  }
  WithdrawalId id_of(const std::string& chain, uint64_t block, uint32_t log) {
    return withdrawal_id(g.chains[*g.chain_index(chain)].chain_id, {block, log});
  }
};

TEST_F(Withdrawals, MovesBalanceToPendingAndRecordsTheWithdrawal) {
  EXPECT_EQ(one(withdraw("alpha", 2, 0, account(1), "USDC", "30", "beta")), std::nullopt);
  EXPECT_EQ(bal(1, 1), amt("70"));
  EXPECT_EQ(cs->vault().pending(1, 1), amt("30"));
  const WithdrawalRecord* w = cs->vault().withdrawal(id_of("alpha", 2, 0));
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->amount, amt("30"));
  EXPECT_EQ(w->dest_chain, 1u);
  EXPECT_EQ(w->epoch, 1u);
  EXPECT_FALSE(cs->vault().check_invariants());
}

TEST_F(Withdrawals, IdIsSha256OfOriginChainIdBlockAndLogIndex) {
  // be64(chain id 1) || be64(block 2) || be32(log 0)
  uint8_t msg[20] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0};
  EXPECT_EQ(id_of("alpha", 2, 0), sha256(std::span<const uint8_t>(msg, 20)));
  // Pinned (sha256sum of those 20 bytes), so the Solidity side can rely on it.
  EXPECT_EQ(id_of("alpha", 2, 0).hex(),
            "0x1c1c48ffd83f681fb84a6945ba92edd83f0c57ad07c384c8434b68f0677d0482");
}

TEST_F(Withdrawals, RejectsUnknownAsset) {
  EXPECT_EQ(one(withdraw("alpha", 2, 0, account(1), "DAI", "1", "beta")), Reason::unknown_asset);
}

TEST_F(Withdrawals, RejectsZeroAmount) {
  EXPECT_EQ(one(withdraw("alpha", 2, 0, account(1), "USDC", "0", "beta")), Reason::zero_amount);
}

TEST_F(Withdrawals, RejectsAmountAt2To128AsOverflow) {
  EXPECT_EQ(one(withdraw("alpha", 2, 0, account(1), "USDC", k2to128, "beta")), Reason::overflow);
  // 2^128 - 1 parses, and fails later on the balance.
  EXPECT_EQ(one(withdraw("alpha", 2, 1, account(1), "USDC", kMax128, "beta")),
            Reason::insufficient_balance);
}

TEST_F(Withdrawals, RejectsUnknownDestination) {
  EXPECT_EQ(one(withdraw("alpha", 2, 0, account(1), "USDC", "1", "delta")), Reason::unknown_chain);
}

TEST_F(Withdrawals, RejectsAssetWithoutTokenOnDestination) {
  apply({deposit("alpha", 2, 0, kEthToken, account(1), "10")});
  EXPECT_EQ(one(withdraw("alpha", 3, 0, account(1), "ETH", "1", "gamma")),
            Reason::asset_not_on_destination);
}

TEST_F(Withdrawals, RejectsAmountNotRepresentableOnDestination) {
  // gamma has 2 decimals: canonical amounts must be multiples of 10^4 there.
  EXPECT_EQ(one(withdraw("alpha", 2, 0, account(1), "USDC", "5", "gamma")), Reason::precision);
  apply({deposit("alpha", 3, 0, kUsdcAlpha, account(1), "20000")});
  EXPECT_EQ(one(withdraw("alpha", 4, 0, account(1), "USDC", "10000", "gamma")), std::nullopt);
  // beta has more decimals: any canonical amount is representable.
  EXPECT_EQ(one(withdraw("alpha", 5, 0, account(1), "USDC", "7", "beta")), std::nullopt);
}

TEST_F(Withdrawals, RejectsWithdrawalAboveBalance) {
  EXPECT_EQ(one(withdraw("alpha", 2, 0, account(1), "USDC", "101", "alpha")),
            Reason::insufficient_balance);
  EXPECT_EQ(bal(1, 1), amt("100"));
}

TEST_F(Withdrawals, RejectsWithdrawalAboveDestinationLiquidity) {
  // beta custody is 50; 40 pending leaves 10.
  EXPECT_EQ(one(withdraw("alpha", 2, 0, account(1), "USDC", "40", "beta")), std::nullopt);
  EXPECT_EQ(one(withdraw("alpha", 2, 1, account(1), "USDC", "11", "beta")),
            Reason::insufficient_liquidity);
  EXPECT_EQ(one(withdraw("alpha", 2, 2, account(1), "USDC", "10", "beta")), std::nullopt);
  EXPECT_EQ(cs->vault().pending(1, 1), amt("50"));
}

TEST_F(Withdrawals, ClaimReducesPendingAndCustodyOnDestination) {
  apply({withdraw("alpha", 2, 0, account(1), "USDC", "30", "beta")});
  EXPECT_EQ(one(claim("beta", 5, 0, id_of("alpha", 2, 0))), std::nullopt);
  EXPECT_EQ(cs->vault().pending(1, 1), Amount());
  EXPECT_EQ(cs->vault().custody(1, 1), amt("20"));
  EXPECT_TRUE(cs->vault().withdrawal(id_of("alpha", 2, 0))->claimed);
  EXPECT_EQ(cs->vault().liabilities(1), amt("10120"));
  EXPECT_FALSE(cs->vault().check_invariants());
}

TEST_F(Withdrawals, RejectsClaimOfUnknownWithdrawal) {
  EXPECT_EQ(one(claim("beta", 5, 0, id_of("alpha", 9, 9))), Reason::unknown_withdrawal);
}

TEST_F(Withdrawals, RejectsClaimOnAnotherChain) {
  apply({withdraw("alpha", 2, 0, account(1), "USDC", "30", "beta")});
  EXPECT_EQ(one(claim("gamma", 5, 0, id_of("alpha", 2, 0))), Reason::wrong_chain);
}

TEST_F(Withdrawals, RejectsSecondClaim) {
  apply({withdraw("alpha", 2, 0, account(1), "USDC", "30", "beta")});
  EXPECT_EQ(one(claim("beta", 5, 0, id_of("alpha", 2, 0))), std::nullopt);
  EXPECT_EQ(one(claim("beta", 5, 1, id_of("alpha", 2, 0))), Reason::already_claimed);
  EXPECT_EQ(cs->vault().custody(1, 1), amt("20"));
}

TEST_F(Withdrawals, RejectsClaimInTheEpochOfTheRequest) {
  BatchStats s = apply({withdraw("alpha", 2, 0, account(1), "USDC", "30", "beta"),
                        claim("beta", 5, 0, id_of("alpha", 2, 0))});
  EXPECT_EQ(s.rejected[size_t(Reason::not_yet_certified)], 1u);
  // The claim was stored as seen; a later, different claim event is accepted next epoch.
  EXPECT_EQ(one(claim("beta", 6, 0, id_of("alpha", 2, 0))), std::nullopt);
}

TEST_F(Withdrawals, RecordsAReceiptForEveryRejection) {
  uint64_t epoch = cs->next_epoch();
  apply({withdraw("alpha", 2, 0, account(1), "USDC", "1000", "beta"),
         deposit("omega", 1, 0, kEthToken, account(1), "1"),
         deposit("alpha", 3, 0, kEthToken, account(1), "1"),
         claim("beta", 5, 0, id_of("alpha", 9, 9))});
  auto receipts = cs->receipts(epoch);
  ASSERT_TRUE(receipts);
  ASSERT_EQ(receipts->size(), 3u);
  EXPECT_EQ((*receipts)[0].reason, Reason::insufficient_balance);
  EXPECT_EQ((*receipts)[0].index, 0u);
  EXPECT_EQ((*receipts)[1].reason, Reason::unknown_chain);
  EXPECT_EQ((*receipts)[1].chain, "omega");
  EXPECT_EQ((*receipts)[2].reason, Reason::unknown_withdrawal);
  EXPECT_EQ((*receipts)[2].index, 3u);
  EXPECT_EQ((*receipts)[2].pos, (EventPosition{5, 0}));
}

}  // namespace
}  // namespace relay
