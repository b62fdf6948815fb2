// Amount: an unsigned 128-bit quantity of an asset (canonical base units, or token units where
// said). Every add, subtract and multiply is checked: arithmetic that can overflow or go below
// zero cannot be written unchecked (DESIGN.md "Amounts"). Immutable value type, thread-safe.
#pragma once

#include <compare>
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
  void to_be_bytes(uint8_t out[16]) const;
  static Amount from_be_bytes(const uint8_t in[16]);

 private:
  uint128_t v_ = 0;
};

}  // namespace relay
