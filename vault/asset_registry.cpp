#include "vault/asset_registry.h"

namespace relay {

AssetRegistry::AssetRegistry(const Genesis& genesis) : genesis_(genesis) {
  for (size_t a = 0; a < genesis.assets.size(); ++a)
    for (const auto& t : genesis.assets[a].tokens)
      tokens_.emplace(TokenKey{t.chain, t.address}, TokenRef{a, t.decimals});
}

std::optional<AssetRegistry::TokenRef> AssetRegistry::token(size_t chain,
                                                            const Address& token) const {
  auto it = tokens_.find(TokenKey{chain, token});
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> AssetRegistry::asset(std::string_view id) const {
  return genesis_.asset_index(id);
}

std::expected<Amount, Reason> AssetRegistry::to_canonical(std::string_view digits,
                                                          unsigned token_decimals,
                                                          unsigned asset_decimals) {
  if (token_decimals > asset_decimals) {
    // Dividing by 10^d is exact only when the last d digits are zeros.
    size_t d = token_decimals - asset_decimals;
    if (digits.size() <= d) return std::unexpected(Reason::precision);  // nonzero, below 10^d
    for (size_t i = digits.size() - d; i < digits.size(); ++i)
      if (digits[i] != '0') return std::unexpected(Reason::precision);
    auto v = Amount::from_decimal(digits.substr(0, digits.size() - d));
    if (!v) return std::unexpected(Reason::overflow);
    return *v;
  }
  auto v = Amount::from_decimal(digits);
  if (!v) return std::unexpected(Reason::overflow);
  auto scale = Amount::pow10(asset_decimals - token_decimals);
  if (!scale) return std::unexpected(Reason::overflow);
  auto r = v->checked_mul(*scale);
  if (!r) return std::unexpected(Reason::overflow);
  return *r;
}

namespace {
// 128 x 128 -> 256-bit product, big-endian bytes (schoolbook on 64-bit limbs).
Uint256 mul_wide(uint128_t a, uint128_t b) {
  uint64_t x[2] = {uint64_t(a), uint64_t(a >> 64)}, y[2] = {uint64_t(b), uint64_t(b >> 64)};
  uint64_t r[4] = {0, 0, 0, 0};
  for (int i = 0; i < 2; ++i) {
    uint128_t carry = 0;
    for (int j = 0; j < 2; ++j) {
      uint128_t t = uint128_t(x[i]) * y[j] + r[i + j] + carry;
      r[i + j] = uint64_t(t);
      carry = t >> 64;
    }
    r[i + 2] = uint64_t(carry);
  }
  Uint256 out{};
  for (int limb = 0; limb < 4; ++limb)
    for (int byte = 0; byte < 8; ++byte) out[31 - (limb * 8 + byte)] = uint8_t(r[limb] >> (8 * byte));
  return out;
}
}  // namespace

std::expected<Uint256, Reason> AssetRegistry::to_token_units(Amount canonical,
                                                             unsigned asset_decimals,
                                                             unsigned token_decimals) {
  if (token_decimals >= asset_decimals) {
    auto scale = Amount::pow10(token_decimals - asset_decimals);
    if (!scale) return std::unexpected(Reason::overflow);
    return mul_wide(canonical.raw(), scale->raw());
  }
  auto scale = Amount::pow10(asset_decimals - token_decimals);
  if (!scale) return std::unexpected(Reason::precision);
  if (canonical.raw() % scale->raw() != 0) return std::unexpected(Reason::precision);
  return mul_wide(canonical.raw() / scale->raw(), 1);
}

std::string uint256_to_decimal(const Uint256& v) {
  // Repeated division by 10 over the big-endian bytes.
  Uint256 n = v;
  std::string out;
  bool nonzero = true;
  while (nonzero) {
    unsigned rem = 0;
    nonzero = false;
    for (auto& byte : n) {
      unsigned cur = rem * 256 + byte;
      byte = uint8_t(cur / 10);
      rem = cur % 10;
      if (byte) nonzero = true;
    }
    out.insert(out.begin(), char('0' + rem));
  }
  return out;
}

}  // namespace relay
