#include "vault/amount.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

const char* kMax = "340282366920938463463374607431768211455";  // 2^128 - 1

TEST(Amount, ParsesAndPrintsTheFullRange) {
  EXPECT_EQ(Amount::from_decimal("0")->to_decimal(), "0");
  EXPECT_EQ(Amount::from_decimal(kMax)->to_decimal(), kMax);
  EXPECT_EQ(*Amount::from_decimal(kMax), Amount::max());
  EXPECT_EQ(Amount::from_decimal("007")->to_decimal(), "7");
}

TEST(Amount, RefusesTwoToThe128AndNonDigits) {
  EXPECT_FALSE(Amount::from_decimal("340282366920938463463374607431768211456"));
  EXPECT_FALSE(Amount::from_decimal(""));
  EXPECT_FALSE(Amount::from_decimal("-1"));
  EXPECT_FALSE(Amount::from_decimal("1.5"));
  EXPECT_FALSE(Amount::from_decimal(" 1"));
}

TEST(Amount, CheckedArithmeticRefusesWrapping) {
  EXPECT_FALSE(Amount::max().checked_add(Amount(1)));
  EXPECT_EQ(*Amount::max().checked_add(Amount(0)), Amount::max());
  EXPECT_FALSE(Amount(1).checked_sub(Amount(2)));
  EXPECT_EQ(*Amount(2).checked_sub(Amount(2)), Amount(0));
  EXPECT_FALSE(Amount::max().checked_mul(Amount(2)));
  EXPECT_EQ(*Amount::pow10(38), *Amount::from_decimal("100000000000000000000000000000000000000"));
  EXPECT_FALSE(Amount::pow10(39));
}

TEST(Amount, BigEndianBytesRoundTrip) {
  uint8_t b[16];
  Amount a = *Amount::from_decimal("1329227995784915872903807060280344576");  // 2^120
  a.to_be_bytes(b);
  EXPECT_EQ(b[0], 1);
  for (int i = 1; i < 16; ++i) EXPECT_EQ(b[i], 0);
  EXPECT_EQ(Amount::from_be_bytes(b), a);
}

}  // namespace
}  // namespace relay
