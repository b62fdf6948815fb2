#include "vault/amount.h"

namespace relay {

std::optional<Amount> Amount::checked_add(Amount o) const {
  uint128_t r;
  if (__builtin_add_overflow(v_, o.v_, &r)) return std::nullopt;
  return Amount(r);
}

std::optional<Amount> Amount::checked_sub(Amount o) const {
  if (o.v_ > v_) return std::nullopt;
  return Amount(v_ - o.v_);
}

std::optional<Amount> Amount::checked_mul(Amount o) const {
  uint128_t r;
  if (__builtin_mul_overflow(v_, o.v_, &r)) return std::nullopt;
  return Amount(r);
}

std::optional<Amount> Amount::pow10(unsigned n) {
  if (n > 38) return std::nullopt;
  uint128_t r = 1;
  for (unsigned i = 0; i < n; ++i) r *= 10;
  return Amount(r);
}

std::optional<Amount> Amount::from_decimal(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint128_t r = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (__builtin_mul_overflow(r, uint128_t{10}, &r)) return std::nullopt;
    if (__builtin_add_overflow(r, uint128_t(c - '0'), &r)) return std::nullopt;
  }
  return Amount(r);
}

std::string Amount::to_decimal() const {
  if (v_ == 0) return "0";
  char buf[40];
  int i = 40;
  uint128_t v = v_;
  while (v != 0) {
    buf[--i] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  return std::string(buf + i, buf + 40);
}

}  // namespace relay
