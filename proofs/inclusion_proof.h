// LiabilityProof: the proof that an account holds a given balance of one asset (zero for an
// absent account) under a liabilities root and total, and its verifier (docs/proofs.md,
// "Proof" and "Verification"). Plain value type, thread-safe to share; verify() uses its own
// hasher.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "proofs/sum_tree_hash.h"
#include "vault/amount.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay::proofs {

/// A leaf on the proven account's path that belongs to another account: it shows that the
/// proven account is absent (balance 0), because in the tree a subtree that holds a single
/// leaf is that leaf.
struct OtherLeaf {
  Hash32 key;      // the other account's tree key (SHA-256 of its id; the id is not revealed)
  Amount balance;  // non-zero: the tree holds no zero leaves
  bool operator==(const OtherLeaf&) const = default;
};

struct LiabilityProof {
  std::string asset;     // canonical asset id, as in the genesis
  AccountId account;
  Amount balance;        // 0: the account is absent from the tree
  Hash32 root;           // the liabilities root the proof claims
  Amount total;          // the sum of every balance of the asset under that root
  /// Siblings along the path from the root down: siblings[i] is the sibling of the path's
  /// node at depth i + 1. The path's direction at depth i is bit i of SHA-256(account).
  std::vector<NodeRef> siblings;
  /// Only for a zero balance whose path ends at another account's leaf (otherwise the path
  /// ends at an empty subtree, or at the account's own leaf when the balance is non-zero).
  std::optional<OtherLeaf> other_leaf;

  bool operator==(const LiabilityProof&) const = default;
};

/// Checks that the proof holds: recomputes the path from the account's key, refusing any
/// malformed or non-canonical element, every sum that would reach 2^128, and a root or total
/// other than the claimed ones; with `expected_root`, also that the claimed root is it. The
/// error names what failed ("sibling 3: sum overflow", "root mismatch: ...").
Result<void> verify(const LiabilityProof& proof,
                    const std::optional<Hash32>& expected_root = std::nullopt);

}  // namespace relay::proofs
