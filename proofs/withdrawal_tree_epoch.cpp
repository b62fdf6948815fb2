#include "proofs/withdrawal_tree_epoch.h"

#include <string>

namespace relay {

WithdrawalLeaf withdrawal_leaf(const CertifiedWithdrawal& w) {
  return WithdrawalLeaf{w.id, w.recipient, w.token, w.token_amount};
}

Result<std::vector<WithdrawalTree>> epoch_withdrawal_trees(const EpochChanges& changes,
                                                           size_t chain_count) {
  std::vector<std::vector<WithdrawalLeaf>> per_chain(chain_count);
  for (size_t i = 0; i < changes.withdrawals.size(); ++i) {
    const CertifiedWithdrawal& w = changes.withdrawals[i];
    if (w.dest_chain >= chain_count)
      return fail("epoch " + std::to_string(changes.epoch) + " withdrawal " + w.id.hex() +
                  ": destination chain " + std::to_string(w.dest_chain) + " out of range");
    per_chain[w.dest_chain].push_back(withdrawal_leaf(w));
  }
  std::vector<WithdrawalTree> trees;
  trees.reserve(chain_count);
  for (size_t c = 0; c < chain_count; ++c) {
    auto t = WithdrawalTree::build(std::move(per_chain[c]));
    if (!t)
      return fail("epoch " + std::to_string(changes.epoch) + " chain " + std::to_string(c) + ": " +
                  t.error().message);
    trees.push_back(std::move(*t));
  }
  return trees;
}

}  // namespace relay
