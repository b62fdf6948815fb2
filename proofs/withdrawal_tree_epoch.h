// The withdrawal commitment of one epoch: from the withdrawals the canonical state certified in
// it (EpochChanges, canonical_state/commit_observer.h) to one WithdrawalTree per destination
// chain, whose roots go into the epoch commitment's withdrawalRoots. Stateless, thread-safe.
#pragma once

#include <vector>

#include "canonical_state/commit_observer.h"
#include "proofs/withdrawal_tree.h"
#include "vault/result.h"

namespace relay {

/// The leaf a certified withdrawal becomes (its asset and destination are implied by the token
/// and by which chain's tree holds it).
WithdrawalLeaf withdrawal_leaf(const CertifiedWithdrawal& w);

/// One tree per chain, in genesis order (empty trees for chains with no withdrawal this epoch).
/// Refuses a destination chain index >= chain_count and a withdrawal id repeated on a chain.
Result<std::vector<WithdrawalTree>> epoch_withdrawal_trees(const EpochChanges& changes,
                                                           size_t chain_count);

}  // namespace relay
