// The LevelDB keys and values of the liabilities trees, all under "P/L/" (docs/proofs.md,
// "Storage"). Fixed-width big-endian fields, so a scan of a prefix returns leaves in key order.
// Stateless helpers, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vault/types.h"

namespace relay::proofs::liabilities_keys {

inline constexpr std::string_view kAssets = "P/L/a/";  // + be32 asset index -> asset id
inline constexpr std::string_view kRoots = "P/L/r/";   // + be32 index -> root | total | leaves
inline constexpr std::string_view kLeaves = "P/L/l/";  // + be32 index + key -> account | balance
inline constexpr std::string_view kEpoch = "P/L/e";    // -> be64 last committed epoch
inline constexpr size_t kLeafKeySize = 6 + 4 + 32;      // kLeaves + asset + key

inline std::string be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}
inline std::string be64(uint64_t v) { return be32(uint32_t(v >> 32)) + be32(uint32_t(v)); }
inline uint64_t read_be(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | uint8_t(c);
  return v;
}
inline std::string asset_key(size_t asset) { return std::string(kAssets) + be32(uint32_t(asset)); }
inline std::string root_key(size_t asset) { return std::string(kRoots) + be32(uint32_t(asset)); }
inline std::string leaf_prefix(size_t asset) {
  return std::string(kLeaves) + be32(uint32_t(asset));
}
inline std::string leaf_key(size_t asset, const Hash32& key) {
  std::string k = leaf_prefix(asset);
  k.append(reinterpret_cast<const char*>(key.bytes.data()), 32);
  return k;
}

}  // namespace relay::proofs::liabilities_keys
