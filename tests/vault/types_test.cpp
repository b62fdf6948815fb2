// FixedBytes orders like memcmp over its bytes (the word-at-a-time comparison must not change
// any sort order: state digests, withdrawal trees and storage keys depend on it), for sizes
// that are and are not multiples of 8.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "vault/types.h"

namespace relay {
namespace {

template <class T>
void orders_like_memcmp() {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20000; ++round) {
    T a, b;
    for (auto& x : a.bytes) x = uint8_t(rng());
    b = a;
    // Differ in one byte (or none), anywhere, so every word and the tail are exercised.
    const size_t at = rng() % (T::size() + 1);
    if (at < T::size()) b.bytes[at] = uint8_t(rng());
    const int m = std::memcmp(a.bytes.data(), b.bytes.data(), T::size());
    const auto c = a <=> b;
    EXPECT_EQ(m < 0, c < 0);
    EXPECT_EQ(m == 0, c == 0);
    EXPECT_EQ(m > 0, c > 0);
    EXPECT_EQ(m == 0, a == b);
  }
}

TEST(FixedBytes, OrdersLikeMemcmp) {
  orders_like_memcmp<AccountId>();  // 32 bytes
  orders_like_memcmp<Address>();    // 20: two words and a 4-byte tail
}

TEST(FixedBytes, HighByteDecidesBeforeLowerOnes) {
  Hash32 a, b;
  a.bytes[0] = 1;
  b.bytes[7] = 0xff;  // same first word except byte 0
  b.bytes[31] = 0xff;
  EXPECT_LT(b, a);
  EXPECT_GT(a, b);
}

}  // namespace
}  // namespace relay
