// Fee choice (adapters/evm/fees.h): the tip from the fee history's rewards, clamped; the max
// fee from the next block's base fee; the cap; and the replacement bump of at least 12.5%.
#include "adapters/evm/fees.h"

#include <gtest/gtest.h>

namespace relay::evm {
namespace {

constexpr uint64_t kGwei = 1'000'000'000;

Amount gwei(uint64_t n) { return Amount(uint128_t(n) * kGwei); }

FeeHistory history(std::vector<uint64_t> base_gwei, std::vector<uint64_t> reward_gwei) {
  FeeHistory h;
  for (auto b : base_gwei) h.base_fee_per_gas.push_back(gwei(b));
  for (auto r : reward_gwei) h.reward.push_back({gwei(r)});
  return h;
}

TEST(Fees, TipIsTheMedianRewardAndMaxFeeTwiceTheNextBaseFeePlusTip) {
  FeePolicy p;
  // Four blocks, then the next block's base fee (12 gwei).
  Fees f = fees_from_history(history({10, 11, 9, 10, 12}, {1, 3, 2, 9}), p);
  EXPECT_EQ(f.max_priority_fee_per_gas, gwei(3));  // the upper median of {1, 2, 3, 9}
  EXPECT_EQ(f.max_fee_per_gas, gwei(2 * 12 + 3));
}

TEST(Fees, TipIsClampedAndMaxFeeCapped) {
  FeePolicy p;
  p.min_priority_fee_per_gas = gwei(2);
  p.max_priority_fee_per_gas = gwei(5);
  p.max_fee_per_gas = gwei(40);
  // Empty blocks (reward 0, as anvil's): the floor.
  EXPECT_EQ(fees_from_history(history({1, 1}, {0}), p).max_priority_fee_per_gas, gwei(2));
  EXPECT_EQ(fees_from_history(history({1, 1}, {50}), p).max_priority_fee_per_gas, gwei(5));
  Fees capped = fees_from_history(history({100, 100}, {3}), p);
  EXPECT_EQ(capped.max_fee_per_gas, gwei(40));
  EXPECT_EQ(capped.max_priority_fee_per_gas, gwei(3));
  // A cap below the tip takes the tip down with it.
  p.max_fee_per_gas = gwei(1);
  Fees low = fees_from_history(history({0, 0}, {3}), p);
  EXPECT_EQ(low.max_fee_per_gas, gwei(1));
  EXPECT_EQ(low.max_priority_fee_per_gas, gwei(1));
  // No rewards asked or given: the floor.
  FeeHistory bare;
  bare.base_fee_per_gas = {gwei(7)};
  p.max_fee_per_gas = gwei(500);
  EXPECT_EQ(fees_from_history(bare, p), (Fees{gwei(2), gwei(16)}));
}

TEST(Fees, ReplacementBumpsBothFieldsByAtLeastAnEighth) {
  FeePolicy p;
  Fees old{gwei(2), gwei(20)};
  auto r = replacement_fees(old, Fees{gwei(1), gwei(10)}, p);  // the market fell: still bumped
  ASSERT_TRUE(r);
  EXPECT_EQ(r->max_priority_fee_per_gas, Amount(2'250'000'000));
  EXPECT_EQ(r->max_fee_per_gas, Amount(22'500'000'000));
  // The market rose past the bump: today's fees.
  r = replacement_fees(old, Fees{gwei(4), gwei(60)}, p);
  EXPECT_EQ(*r, (Fees{gwei(4), gwei(60)}));
  // Rounding up, and at least 1 wei even from zero.
  r = replacement_fees(Fees{Amount(0), Amount(9)}, Fees{}, p);
  EXPECT_EQ(*r, (Fees{Amount(1), Amount(11)}));
  // Beyond the cap: no replacement.
  p.max_fee_per_gas = gwei(22);
  EXPECT_FALSE(replacement_fees(old, Fees{}, p));
}

TEST(Fees, MaxCostSaturates) {
  EXPECT_EQ(max_cost(Fees{gwei(1), gwei(3)}, 100'000), Amount(300'000 * kGwei));
  EXPECT_EQ(max_cost(Fees{Amount(), Amount::max()}, 2), Amount::max());
}

}  // namespace
}  // namespace relay::evm
