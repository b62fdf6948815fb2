// CommitObserver: lets a component that derives data from the state (the liabilities Merkle
// sum trees in proofs/, say) write it in the same atomic LevelDB batch as the epoch it derives
// from, so the two can never disagree after a crash. The canonical state calls stage() once per
// epoch, before its batch is committed, then committed() with whether the commit succeeded.
// Keys an observer writes must start with its own prefix (proofs/: "P/"); the canonical state
// keeps to "S/".
#pragma once

#include <cstdint>
#include <vector>

#include "storage/kv_store.h"
#include "vault/amount.h"
#include "vault/asset_registry.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay {

/// The final balance of one (account, asset) touched in the epoch (zero when emptied).
struct BalanceChange {
  AccountId account;
  size_t asset = 0;  // index into Genesis::assets
  Amount balance;
};

/// A withdrawal requested (and so certified) in the epoch, as its destination pays it out.
struct CertifiedWithdrawal {
  WithdrawalId id;
  size_t dest_chain = 0;  // index into Genesis::chains
  size_t asset = 0;
  Address recipient;
  Address token;          // the asset's token on the destination chain
  Uint256 token_amount;   // in that token's units (big-endian)
};

struct EpochChanges {
  uint64_t epoch = 0;
  // Each (account, asset) at most once, grouped by asset in asset order; within an asset in
  // the order the balances first changed in the epoch (deterministic, not sorted by account).
  std::vector<BalanceChange> balances;
  std::vector<CertifiedWithdrawal> withdrawals;  // requested this epoch, in request order
  // Per chain: the block of the last event the state has applied from it, in this epoch or
  // before (0: none). Not the epoch's cut (the node gives the cuts to the commitment: proofs/
  // epoch_committer.h), but no cut may be below it.
  std::vector<uint64_t> heights;
  std::vector<Amount> custody;  // after the epoch, per chain and asset: [chain * assets + asset]
  // After the epoch, per destination chain and asset, [chain * assets + asset]: certified
  // withdrawals to that chain not yet claimed (Vault::pending), canonical base units.
  std::vector<Amount> pending;
};

class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  /// Adds the observer's writes for this epoch to `batch`. An error aborts the epoch's commit.
  virtual Result<void> stage(const EpochChanges& changes, storage::WriteBatch& batch) = 0;
  /// The batch staged last was durably committed (ok) or discarded (!ok). With pipelined
  /// commits (CanonicalState::Options::writer), ok means handed to the writer: a later write
  /// failure is reported by the state, and the observer must then be reopened with it.
  virtual void committed(bool ok) = 0;
};

}  // namespace relay
