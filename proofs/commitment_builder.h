// Builds an epoch's commitment from what the node holds once the epoch is applied: the
// canonical state's EpochChanges (heights, custody, certified withdrawals) and the liabilities
// roots and totals (proofs/liabilities_trees.h, one per genesis asset). The withdrawal trees are
// returned too, for the query API to serve withdrawal proofs. Stateless, thread-safe.
#pragma once

#include <span>
#include <vector>

#include "canonical_state/commit_observer.h"
#include "proofs/commitment.h"
#include "proofs/withdrawal_tree.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay {

/// One asset's liabilities commitment: its sum tree's root and total.
struct AssetLiabilities {
  Hash32 root;
  Amount total;
};

struct BuiltCommitment {
  EpochCommitment commitment;
  std::vector<WithdrawalTree> withdrawal_trees;  // per chain, genesis order
};

/// Refuses inputs whose sizes do not match the genesis (heights and custody per chain, one
/// liabilities entry per asset) and withdrawals the trees refuse (docs/proofs.md).
Result<BuiltCommitment> build_epoch_commitment(const Genesis& genesis, const Hash32& previous,
                                               const EpochChanges& changes,
                                               std::span<const AssetLiabilities> liabilities);

}  // namespace relay
