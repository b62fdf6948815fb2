// Decimals normalization in both directions, and the token lookup.
#include <gtest/gtest.h>

#include "tests/support/fixture.h"
#include "vault/asset_registry.h"

namespace relay {
namespace {

TEST(AssetRegistry, FindsTokensPerChain) {
  Genesis g = test::test_genesis();
  AssetRegistry r(g);
  auto t = r.token(1, *Address::from_hex(test::kUsdcBeta));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->asset, 1u);
  EXPECT_EQ(t->decimals, 18u);
  EXPECT_FALSE(r.token(0, *Address::from_hex(test::kUsdcBeta)));
  EXPECT_EQ(r.asset("ETH"), 0u);
  EXPECT_FALSE(r.asset("eth"));
}

TEST(AssetRegistry, ToCanonicalDividesExactlyOrRefuses) {
  EXPECT_EQ(AssetRegistry::to_canonical("1500", 8, 6)->to_decimal(), "15");
  EXPECT_EQ(AssetRegistry::to_canonical("1501", 8, 6).error(), Reason::precision);
  EXPECT_EQ(AssetRegistry::to_canonical("99", 8, 6).error(), Reason::precision);
  EXPECT_EQ(AssetRegistry::to_canonical("100", 8, 6)->to_decimal(), "1");
}

TEST(AssetRegistry, ToCanonicalMultipliesWithOverflowCheck) {
  EXPECT_EQ(AssetRegistry::to_canonical("15", 6, 8)->to_decimal(), "1500");
  EXPECT_EQ(AssetRegistry::to_canonical("15", 0, 38).error(), Reason::overflow);
  EXPECT_EQ(AssetRegistry::to_canonical("3", 0, 38)->to_decimal(),
            "300000000000000000000000000000000000000");
  EXPECT_EQ(AssetRegistry::to_canonical("4", 0, 38).error(), Reason::overflow);
}

TEST(AssetRegistry, ToTokenUnitsBothDirections) {
  // More token decimals: multiply, exact, may exceed 2^128.
  auto up = AssetRegistry::to_token_units(Amount::max(), 0, 38);
  ASSERT_TRUE(up);
  EXPECT_EQ(uint256_to_decimal(*up),
            "34028236692093846346337460743176821145500000000000000000000000000000000000000");
  EXPECT_EQ(uint256_to_decimal(*AssetRegistry::to_token_units(Amount(7), 6, 6)), "7");
  // Fewer token decimals: divide, exact only.
  EXPECT_EQ(uint256_to_decimal(*AssetRegistry::to_token_units(Amount(30000), 6, 2)), "3");
  EXPECT_EQ(AssetRegistry::to_token_units(Amount(30001), 6, 2).error(), Reason::precision);
  EXPECT_EQ(uint256_to_decimal(*AssetRegistry::to_token_units(Amount(0), 6, 2)), "0");
}

}  // namespace
}  // namespace relay
