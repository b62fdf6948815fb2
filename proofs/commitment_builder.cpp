#include "proofs/commitment_builder.h"

#include <string>

#include "proofs/withdrawal_tree_epoch.h"

namespace relay {

Result<BuiltCommitment> build_epoch_commitment(const Genesis& genesis, const Hash32& previous,
                                               const EpochChanges& changes,
                                               std::span<const AssetLiabilities> liabilities,
                                               uint64_t end_time,
                                               std::span<const ChainCut> cuts) {
  const size_t chains = genesis.chains.size(), assets = genesis.assets.size();
  const std::string at = "epoch " + std::to_string(changes.epoch) + ": ";
  const std::string cells = std::to_string(chains) + " chains x " + std::to_string(assets) +
                            " assets";
  if (cuts.size() != chains)
    return fail(at + std::to_string(cuts.size()) + " cuts for " + std::to_string(chains) +
                " chains");
  if (changes.custody.size() != chains * assets)
    return fail(at + std::to_string(changes.custody.size()) + " custody entries for " + cells);
  if (changes.pending.size() != chains * assets)
    return fail(at + std::to_string(changes.pending.size()) + " pending entries for " + cells);
  if (liabilities.size() != assets)
    return fail(at + std::to_string(liabilities.size()) + " liabilities roots for " +
                std::to_string(assets) + " assets");
  auto trees = epoch_withdrawal_trees(changes, chains);
  if (!trees) return std::unexpected(trees.error());

  BuiltCommitment out;
  EpochCommitment& c = out.commitment;
  c.network_id = genesis.network_id;
  c.epoch = changes.epoch;
  c.previous = previous;
  c.end_time = end_time;
  c.set_cuts(cuts);
  for (const AssetLiabilities& l : liabilities) {
    c.liabilities_roots.push_back(l.root);
    c.liabilities_totals.push_back(l.total);
  }
  c.custody = changes.custody;  // the same chain-major layout
  c.pending = changes.pending;
  for (const WithdrawalTree& t : *trees) c.withdrawal_roots.push_back(t.root());
  out.withdrawal_trees = std::move(*trees);
  return out;
}

}  // namespace relay
