// AssetRegistry: the genesis assets indexed for the hot path — which asset a token address on
// a chain is, and the conversions between token units (the chain's decimals) and canonical
// units (the asset's decimals). Built once from a Genesis that must outlive it; immutable, so
// thread-safe.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vault/amount.h"
#include "vault/genesis.h"
#include "vault/reason.h"

namespace relay {

/// An unsigned 256-bit amount as 32 big-endian bytes (a token amount on an EVM chain).
using Uint256 = std::array<uint8_t, 32>;
std::string uint256_to_decimal(const Uint256& v);

class AssetRegistry {
 public:
  explicit AssetRegistry(const Genesis& genesis);

  struct TokenRef {
    size_t asset;
    unsigned decimals;  // the token's
  };
  /// The asset a token is on `chain`, nullopt when not registered there.
  std::optional<TokenRef> token(size_t chain, const Address& token) const;
  std::optional<size_t> asset(std::string_view id) const;
  const Genesis& genesis() const { return genesis_; }

  /// Token units (decimal digits, any size) to canonical units: `precision` when the token has
  /// more decimals than the asset and the amount is not an exact multiple; `overflow` when the
  /// result reaches 2^128.
  static std::expected<Amount, Reason> to_canonical(std::string_view token_digits,
                                                    unsigned token_decimals,
                                                    unsigned asset_decimals);
  /// Canonical units to token units: `precision` when the token has fewer decimals than the
  /// asset and the amount is not an exact multiple. With both at most kMaxDecimals the result
  /// always fits in 256 bits.
  static std::expected<Uint256, Reason> to_token_units(Amount canonical, unsigned asset_decimals,
                                                       unsigned token_decimals);

 private:
  struct TokenKey {
    size_t chain;
    Address address;
    bool operator==(const TokenKey&) const = default;
  };
  struct TokenKeyHash {
    size_t operator()(const TokenKey& k) const {
      return std::hash<Address>{}(k.address) ^ (k.chain * 0x9e3779b97f4a7c15ULL);
    }
  };
  const Genesis& genesis_;
  // Looked up twice per deposit on the hot path: open addressing, one probe in cache.
  absl::flat_hash_map<TokenKey, TokenRef, TokenKeyHash> tokens_;
};

}  // namespace relay
