// SumTree: the in-memory liabilities tree of one asset, a sparse Merkle sum tree over 256-bit
// keys (docs/proofs.md, "Liabilities tree"). Compressed: a subtree that holds a single leaf is
// that leaf, and a subtree that holds none is the empty subtree, so a path has ~log2(N) levels.
// The shape depends only on the set of keys, never on the order of updates.
// apply() rehashes only the paths of the changed keys. Owns its nodes (~190 bytes per account:
// a 64-byte cache line per node, ~2.4 nodes per leaf, plus the leaf keys). Move-only. Not
// thread-safe, not even for const reads: prove() uses the tree's own hasher, so the owner
// serialises every call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proofs/inclusion_proof.h"
#include "proofs/sum_tree_hash.h"
#include "vault/amount.h"
#include "vault/result.h"
#include "vault/sha256.h"
#include "vault/types.h"

namespace relay::proofs {

/// The new balance of the leaf at `key` (zero removes it).
struct LeafUpdate {
  Hash32 key;
  Amount balance;
};

class SumTree {
 public:
  explicit SumTree(std::string asset_id);

  const std::string& asset() const { return asset_; }
  Hash32 root() const { return ref(root_).hash; }
  Amount total() const { return ref(root_).sum; }
  size_t size() const { return leaves_; }
  /// Node hashes computed so far (leaves and inner nodes), for benchmarks.
  uint64_t hashes() const { return hashes_; }

  /// Applies `updates` (sorted by key, each key at most once). On success, `undo` (if given)
  /// receives the updates that restore the previous state. When a sum would reach 2^128 the
  /// tree is left as it was and the error says so.
  Result<void> apply(std::span<const LeafUpdate> updates, std::vector<LeafUpdate>* undo = nullptr);

  /// The balance at `key`, zero when absent.
  Amount balance(const Hash32& key) const;
  /// The proof of `account`'s balance (an absence proof when it has none).
  LiabilityProof prove(const AccountId& account) const;
  /// Calls fn(key, balance) for every leaf in key order.
  void for_each_leaf(const std::function<void(const Hash32&, Amount)>& fn) const;

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  // One cache line per node: a commit touches nodes all over the tree, so each is a miss.
  struct alignas(64) Node {
    Hash32 hash;
    Amount sum;
    uint32_t left = kEmpty;   // inner: left child; leaf: index into keys_
    uint32_t right = kEmpty;  // inner: right child; leaf: kEmpty
    bool leaf = false;
  };
  struct Ctx {
    std::vector<LeafUpdate>* undo;
    bool overflow = false;
  };

  NodeRef ref(uint32_t n) const { return n == kEmpty ? NodeRef{empty_, Amount{}} : NodeRef{nodes_[n].hash, nodes_[n].sum}; }
  const Hash32& key_of(uint32_t leaf) const { return keys_[nodes_[leaf].left]; }
  uint32_t update(uint32_t n, size_t depth, std::span<const LeafUpdate> u, Ctx& c);
  uint32_t build(size_t depth, std::span<const LeafUpdate> u, Ctx& c);
  uint32_t new_leaf(const Hash32& key, Amount balance);
  void set_leaf_balance(uint32_t n, Amount balance);
  uint32_t join(uint32_t n, uint32_t l, uint32_t r, Ctx& c);
  uint32_t alloc_node();
  void free_node(uint32_t n);
  void walk(uint32_t n, const std::function<void(const Hash32&, Amount)>& fn) const;

  std::string asset_;
  std::unique_ptr<Sha256> hasher_;  // behind a pointer so the tree can move
  Hash32 tag_;
  Hash32 empty_;
  std::vector<Node> nodes_;
  std::vector<uint32_t> free_nodes_;
  std::vector<Hash32> keys_;  // leaf keys, indexed by Node::left of a leaf
  std::vector<uint32_t> free_keys_;
  uint32_t root_ = kEmpty;
  size_t leaves_ = 0;
  uint64_t hashes_ = 0;
};

}  // namespace relay::proofs
