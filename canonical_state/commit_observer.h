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
#include "vault/result.h"
#include "vault/types.h"

namespace relay {

/// The final balance of one (account, asset) touched in the epoch (zero when emptied).
struct BalanceChange {
  AccountId account;
  size_t asset = 0;  // index into Genesis::assets
  Amount balance;
};

struct EpochChanges {
  uint64_t epoch = 0;
  std::vector<BalanceChange> balances;  // sorted by (asset, account), each pair at most once
};

class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  /// Adds the observer's writes for this epoch to `batch`. An error aborts the epoch's commit.
  virtual Result<void> stage(const EpochChanges& changes, storage::WriteBatch& batch) = 0;
  /// The batch staged last was durably committed (ok) or discarded (!ok).
  virtual void committed(bool ok) = 0;
};

}  // namespace relay
