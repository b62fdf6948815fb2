// Strong types for the domain values that cross interfaces (STYLE.md, point 5): fixed-size
// byte strings (Hash32, AccountId, Address, TxHash, WithdrawalId), ChainId and AssetId. Never
// pass these as bare strings or integers. Immutable value types, thread-safe.
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "vault/hex.h"

namespace relay {

template <size_t N, class Tag>
struct FixedBytes {
  std::array<uint8_t, N> bytes{};

  static constexpr size_t size() { return N; }
  /// Compared 8 bytes at a time, inline: hash-table probes and sorts of accounts and ids are on
  /// the hot path of every event, and a call to memcmp per comparison cost more than the
  /// comparison. <=> is byte order (what memcmp gives), via big-endian words.
  bool operator==(const FixedBytes& o) const {
    size_t i = 0;
    for (; i + 8 <= N; i += 8) {
      uint64_t a, b;
      std::memcpy(&a, bytes.data() + i, 8);
      std::memcpy(&b, o.bytes.data() + i, 8);
      if (a != b) return false;
    }
    for (; i < N; ++i)
      if (bytes[i] != o.bytes[i]) return false;
    return true;
  }
  std::strong_ordering operator<=>(const FixedBytes& o) const {
    size_t i = 0;
    for (; i + 8 <= N; i += 8) {
      uint64_t a, b;
      std::memcpy(&a, bytes.data() + i, 8);
      std::memcpy(&b, o.bytes.data() + i, 8);
      if (a != b) {
        if constexpr (std::endian::native == std::endian::little)
          return __builtin_bswap64(a) <=> __builtin_bswap64(b);
        else
          return a <=> b;
      }
    }
    for (; i < N; ++i)
      if (bytes[i] != o.bytes[i]) return bytes[i] <=> o.bytes[i];
    return std::strong_ordering::equal;
  }
  bool is_zero() const {
    for (uint8_t b : bytes) if (b) return false;
    return true;
  }
  std::span<const uint8_t, N> span() const { return bytes; }
  std::string hex() const { return to_hex(bytes); }

  /// Exactly N bytes of "0x"-prefixed hex, any case; nullopt otherwise.
  static std::optional<FixedBytes> from_hex(std::string_view s) {
    if (s.size() != 2 + 2 * N) return std::nullopt;
    auto v = relay::from_hex(s);
    if (!v) return std::nullopt;
    FixedBytes out;
    std::memcpy(out.bytes.data(), v->data(), N);
    return out;
  }
  static FixedBytes from_span(std::span<const uint8_t> s) {
    FixedBytes out;
    std::memcpy(out.bytes.data(), s.data(), N);
    return out;
  }
};

struct HashTag {};
struct AccountTag {};
struct AddressTag {};

using Hash32 = FixedBytes<32, HashTag>;        // a SHA-256 (or Keccak-256) digest
using AccountId = FixedBytes<32, AccountTag>;  // a user's account in the unified vault
using Address = FixedBytes<20, AddressTag>;    // an EVM address (token, vault, recipient)
using TxHash = Hash32;
using WithdrawalId = Hash32;

/// A chain's numeric id as the genesis gives it (EIP-155 chain id on EVM chains).
struct ChainId {
  uint64_t value = 0;
  auto operator<=>(const ChainId&) const = default;
};

/// An asset's canonical id from the genesis ("USDC", "ETH").
struct AssetId {
  std::string value;
  auto operator<=>(const AssetId&) const = default;
};

}  // namespace relay

template <size_t N, class Tag>
struct std::hash<relay::FixedBytes<N, Tag>> {
  size_t operator()(const relay::FixedBytes<N, Tag>& b) const noexcept {
    // Mix every 8-byte word: account ids are often left-padded EVM addresses (12 zero bytes).
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i + 8 <= N; i += 8) {
      uint64_t w;
      std::memcpy(&w, b.bytes.data() + i, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdULL;
      h ^= h >> 33;
    }
    if constexpr (N % 8 != 0) {
      uint64_t w = 0;
      std::memcpy(&w, b.bytes.data() + N - N % 8, N % 8);
      h = (h ^ w) * 0xff51afd7ed558ccdULL;
      h ^= h >> 33;
    }
    return static_cast<size_t>(h);
  }
};
template <>
struct std::hash<relay::ChainId> {
  size_t operator()(relay::ChainId c) const noexcept { return std::hash<uint64_t>{}(c.value); }
};
template <>
struct std::hash<relay::AssetId> {
  size_t operator()(const relay::AssetId& a) const noexcept {
    return std::hash<std::string>{}(a.value);
  }
};
