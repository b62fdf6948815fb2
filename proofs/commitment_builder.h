// Builds an epoch's commitment from what the node holds once the epoch is applied: the
// canonical state's EpochChanges (custody, pending, certified withdrawals), the liabilities
// roots and totals (proofs/liabilities_trees.h, one per genesis asset), and the epoch's cuts
// (docs/node.md "Epochs and the cut"; the empty cuts and end_time 0 when there is no chain data).
// The withdrawal trees are returned too, for the query API to serve withdrawal proofs. It only
// assembles: whether the content is consistent is commitment_checks.h's question.
// Stateless, thread-safe.
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

/// `end_time` is T_e (unix seconds, 0 without chain data) and `cuts` one cut per genesis chain.
/// Refuses inputs whose sizes do not match the genesis (cuts per chain, custody and pending per
/// chain and asset, one liabilities entry per asset) and withdrawals the trees refuse
/// (docs/proofs.md "Withdrawal commitment").
Result<BuiltCommitment> build_epoch_commitment(const Genesis& genesis, const Hash32& previous,
                                               const EpochChanges& changes,
                                               std::span<const AssetLiabilities> liabilities,
                                               uint64_t end_time,
                                               std::span<const ChainCut> cuts);

}  // namespace relay
