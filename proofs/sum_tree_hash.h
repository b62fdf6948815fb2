// The byte encodings and hashes of the liabilities sum tree (docs/proofs.md, "Liabilities
// tree"): key derivation, asset tag, leaf, inner node and empty subtree. Every preimage is
// fixed-width and starts with a distinct one-byte prefix, so a leaf can never be read as an
// inner node or the empty subtree (and vice versa). Shared by the tree, its proofs and their
// verifier, so prover and verifier cannot drift apart.
// Free functions over a caller-owned Sha256 hasher (not thread-safe: one hasher per thread).
#pragma once

#include <cstdint>

#include "vault/amount.h"
#include "vault/sha256.h"
#include "vault/types.h"

namespace relay::proofs {

inline constexpr uint8_t kLeafPrefix = 0x00;
inline constexpr uint8_t kInnerPrefix = 0x01;
inline constexpr uint8_t kEmptyPrefix = 0x02;
/// A path has one bit per level; keys are 256 bits, so no proof has more siblings than this.
inline constexpr size_t kMaxDepth = 256;
inline constexpr size_t kLeafPreimageSize = 1 + 32 + 32 + 16;        // 81
inline constexpr size_t kInnerPreimageSize = 1 + 32 + 16 + 32 + 16;  // 97
inline constexpr size_t kEmptyPreimageSize = 1 + 32;                 // 33

/// A subtree as its parent commits to it: its hash and the sum of the balances below it.
struct NodeRef {
  Hash32 hash;
  Amount sum;
  bool operator==(const NodeRef&) const = default;
};

/// key = SHA-256(account id): the leaf's path, bit 0 = most significant bit of byte 0.
Hash32 tree_key(Sha256& h, const AccountId& account);
/// asset tag = SHA-256(UTF-8 bytes of the asset's canonical id), binds a leaf to its asset.
Hash32 asset_tag(Sha256& h, std::string_view asset_id);
/// SHA-256(0x00 || asset tag || key || balance as 16 bytes big-endian).
Hash32 leaf_hash(Sha256& h, const Hash32& asset_tag, const Hash32& key, Amount balance);
/// SHA-256(0x01 || left hash || left sum || right hash || right sum), sums 16 bytes big-endian.
Hash32 inner_hash(Sha256& h, const NodeRef& left, const NodeRef& right);
/// SHA-256(0x02 || asset tag): the hash of a subtree that holds no leaf (its sum is 0). Bound to
/// the asset, so that a proof of absence ending at an empty subtree cannot be moved to another
/// asset either.
Hash32 empty_hash(Sha256& h, const Hash32& asset_tag);

/// Bit `i` (0 = most significant of byte 0) of a key: 0 goes left, 1 goes right.
inline unsigned key_bit(const Hash32& key, size_t i) {
  return (key.bytes[i >> 3] >> (7 - (i & 7))) & 1u;
}

}  // namespace relay::proofs
