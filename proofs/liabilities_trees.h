// LiabilitiesTrees: the liabilities commitment of the node, one SumTree per genesis asset
// (docs/proofs.md, "Liabilities tree" and "Storage"). It is a CommitObserver: the canonical
// state hands it each epoch's changed balances, it updates the trees incrementally and puts
// their leaves and roots into the epoch's own write batch, so after a crash the trees always
// match the committed balances. On open it rebuilds each tree from its stored leaves and
// checks the result against the stored root.
// Owns its trees; keeps no reference to the store. Not thread-safe: stage/committed and the
// reads are serialised by the owner (the canonical state's commit loop).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "canonical_state/commit_observer.h"
#include "proofs/sum_tree.h"
#include "storage/kv_store.h"
#include "vault/genesis.h"

namespace relay::proofs {

class LiabilitiesTrees final : public CommitObserver {
 public:
  /// Loads the trees of the genesis assets from `store` (empty trees in a new store). The
  /// assets stored under P/L/ must be the genesis assets, in order (new ones may follow).
  static Result<std::unique_ptr<LiabilitiesTrees>> open(const Genesis& genesis,
                                                        const storage::KvStore& store);
  /// Loads only the tree of `asset_id` as stored (no genesis needed; for offline tools). The
  /// error says whether the store holds no trees at all or not that asset.
  static Result<SumTree> load_asset(const storage::KvStore& store, std::string_view asset_id);
  /// The asset ids stored under P/L/, in genesis order (empty when the store holds no trees).
  static Result<std::vector<std::string>> stored_assets(const storage::KvStore& store);

  size_t asset_count() const { return trees_.size(); }
  const SumTree& tree(size_t asset) const { return trees_.at(asset); }
  std::optional<size_t> asset_index(std::string_view asset_id) const;
  /// The last committed epoch, nullopt before the first.
  std::optional<uint64_t> epoch() const { return epoch_; }
  Result<LiabilityProof> prove(const AccountId& account, std::string_view asset_id) const;

  Result<void> stage(const EpochChanges& changes, storage::WriteBatch& batch) override;
  void committed(bool ok) override;

 private:
  explicit LiabilitiesTrees(std::vector<SumTree> trees, std::optional<uint64_t> epoch)
      : trees_(std::move(trees)), epoch_(epoch) {}
  void roll_back();

  std::vector<SumTree> trees_;
  std::optional<uint64_t> epoch_;
  struct Pending {
    uint64_t epoch;
    std::vector<std::pair<size_t, std::vector<LeafUpdate>>> undo;  // per asset, in order
  };
  std::optional<Pending> pending_;
  // Scratch buffers reused from epoch to epoch (an epoch may touch 10^5 leaves).
  struct Change {
    uint64_t hi;  // the key's first 8 bytes, big-endian: decides the order almost always
    Hash32 key;
    Amount balance;
    const AccountId* account;
  };
  std::vector<Change> group_;
  std::vector<LeafUpdate> updates_;
};

}  // namespace relay::proofs
