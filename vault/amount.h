// Amount: an unsigned 128-bit quantity of an asset (canonical base units, or token units where
// said). Every add, subtract and multiply is checked: arithmetic that can overflow or go below
// zero cannot be written unchecked (DESIGN.md "Amounts"). Immutable value type, thread-safe.
#pragma once

#include <bit>
#include <compare>
#include <cstring>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay {

__extension__ typedef unsigned __int128 uint128_t;

class Amount {
 public:
  constexpr Amount() = default;
  constexpr explicit Amount(uint128_t v) : v_(v) {}
  static constexpr Amount max() { return Amount(~uint128_t{0}); }

  constexpr uint128_t raw() const { return v_; }
  constexpr bool is_zero() const { return v_ == 0; }
  constexpr auto operator<=>(const Amount&) const = default;

  /// nullopt when the result would reach 2^128.
  std::optional<Amount> checked_add(Amount o) const;
  /// nullopt when the result would be below zero.
  std::optional<Amount> checked_sub(Amount o) const;
  std::optional<Amount> checked_mul(Amount o) const;

  /// 10^n, nullopt when it does not fit (n > 38).
  static std::optional<Amount> pow10(unsigned n);

  /// Parses a plain decimal string ("0".."340282366920938463463374607431768211455"); nullopt
  /// for an empty string, any non-digit, or a value >= 2^128.
  static std::optional<Amount> from_decimal(std::string_view s);
  std::string to_decimal() const;

  /// 16 bytes, big-endian: the fixed-width encoding used in storage, digests and commitments.
  /// Inline, as two byte-swapped words: every stored balance and hashed amount goes through it.
  void to_be_bytes(uint8_t out[16]) const {
    const uint64_t w[2] = {to_be(uint64_t(v_ >> 64)), to_be(uint64_t(v_))};
    std::memcpy(out, w, 16);
  }
  static Amount from_be_bytes(const uint8_t in[16]) {
    uint64_t w[2];
    std::memcpy(w, in, 16);
    return Amount(uint128_t(to_be(w[0])) << 64 | to_be(w[1]));
  }

 private:
  // Big-endian <-> native for one word (its own inverse).
  static constexpr uint64_t to_be(uint64_t v) {
    return std::endian::native == std::endian::little ? std::byteswap(v) : v;
  }
  uint128_t v_ = 0;
};

}  // namespace relay
