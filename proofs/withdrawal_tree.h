// WithdrawalTree: the per-destination-chain, per-epoch Merkle commitment to the withdrawals
// certified in that epoch, and proofs a contract verifies cheaply (docs/proofs.md
// "Withdrawal commitment"). In short, with H = SHA-256 and || byte concatenation:
//   leaf  = H(0x00 || id (32) || recipient (20) || token (20) || amount (uint256, 32))
//   inner = H(0x01 || left (32) || right (32))
//   root  = H(0x02 || count (uint256, 32) || top (32))
// Leaves are sorted by withdrawal id (ascending bytes; ids are unique), padded with zero hashes
// up to the next power of two, so a proof has exactly depth(count) = ceil(log2(count)) siblings
// and its directions are the bits of the leaf index, lowest first. No node is ever duplicated.
// Immutable once built; thread-safe for concurrent reads.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>
#include <vector>

#include "vault/asset_registry.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay {

/// One certified withdrawal as committed: the amount is in the destination chain's token units.
struct WithdrawalLeaf {
  WithdrawalId id;
  Address recipient;
  Address token;   // the zero address is the chain's native coin
  Uint256 amount;  // big-endian uint256, in the destination chain's token units
  bool operator==(const WithdrawalLeaf&) const = default;
};

struct WithdrawalProof {
  uint64_t index = 0;            // position of the leaf in id order
  uint64_t count = 0;            // number of withdrawals in the tree (bound into the root)
  std::vector<Hash32> siblings;  // bottom-up, exactly withdrawal_tree_depth(count) of them
};

/// Why a proof was refused.
enum class WithdrawalProofError {
  kEmptyTree,        // count is 0: an empty tree proves nothing
  kIndexOutOfRange,  // index >= count
  kWrongLength,      // siblings.size() != withdrawal_tree_depth(count)
  kRootMismatch,     // the recomputed root differs: leaf, index, count or a sibling is wrong
};
std::string_view to_string(WithdrawalProofError e);

Hash32 withdrawal_leaf_hash(const WithdrawalLeaf& leaf);
/// ceil(log2(count)); 0 for count <= 1.
unsigned withdrawal_tree_depth(uint64_t count);
/// The root of the empty set: H(0x02 || 32 zero bytes || 32 zero bytes).
Hash32 empty_withdrawal_root();

class WithdrawalTree {
 public:
  /// Builds the tree over a set of withdrawals in any order; refuses a repeated id.
  static Result<WithdrawalTree> build(std::vector<WithdrawalLeaf> leaves);

  const Hash32& root() const { return root_; }
  size_t size() const { return leaves_.size(); }
  /// The leaves in tree order (ascending id).
  const std::vector<WithdrawalLeaf>& leaves() const { return leaves_; }
  std::optional<size_t> index_of(const WithdrawalId& id) const;
  /// REQUIRES: index < size().
  WithdrawalProof prove(size_t index) const;

 private:
  std::vector<WithdrawalLeaf> leaves_;
  std::vector<std::vector<Hash32>> levels_;  // levels_[0] = padded leaf hashes, back() = {top}
  Hash32 root_;
};

/// Checks that `leaf` is in the tree whose root is `root`. Exactly what the contract does.
std::expected<void, WithdrawalProofError> verify_withdrawal_proof(const Hash32& root,
                                                                  const WithdrawalLeaf& leaf,
                                                                  const WithdrawalProof& proof);

}  // namespace relay
