#include "proofs/sum_tree.h"

#include <algorithm>
#include <cassert>

namespace relay::proofs {
namespace {

// First update whose key has bit `depth` set: the updates are sorted by key and share the
// bits above `depth`, so those going left come first.
std::span<const LeafUpdate>::size_type split_at(std::span<const LeafUpdate> u, size_t depth) {
  return static_cast<size_t>(
      std::partition_point(u.begin(), u.end(),
                           [depth](const LeafUpdate& x) { return key_bit(x.key, depth) == 0; }) -
      u.begin());
}

}  // namespace

SumTree::SumTree(std::string asset_id)
    : asset_(std::move(asset_id)), hasher_(std::make_unique<Sha256>()) {
  tag_ = asset_tag(*hasher_, asset_);
  empty_ = empty_hash(*hasher_, tag_);
}

Result<void> SumTree::apply(std::span<const LeafUpdate> updates, std::vector<LeafUpdate>* undo) {
  for (size_t i = 1; i < updates.size(); ++i)
    if (!(updates[i - 1].key < updates[i].key))
      return fail("liabilities of " + asset_ + ": updates not sorted by key, or key " +
                  updates[i].key.hex() + " given twice");
  if (updates.empty()) return {};
  std::vector<LeafUpdate> local_undo;
  std::vector<LeafUpdate>& log = undo ? *undo : local_undo;
  log.clear();
  Ctx c{&log};
  root_ = update(root_, 0, updates, c);
  if (!c.overflow) return {};
  // A sum reached 2^128 somewhere. Every node touched lies on the path of a changed key, so
  // restoring the previous balances rehashes all of them; those sums fitted before.
  Ctx back{nullptr};
  root_ = update(root_, 0, log, back);
  assert(!back.overflow);
  log.clear();
  return fail("liabilities of " + asset_ + ": the sum of balances would reach 2^128");
}

uint32_t SumTree::update(uint32_t n, size_t depth, std::span<const LeafUpdate> u, Ctx& c) {
  if (n == kEmpty) {
    if (c.undo)
      for (const auto& x : u)
        if (!x.balance.is_zero()) c.undo->push_back({x.key, Amount{}});
    return build(depth, u, c);
  }
  if (nodes_[n].leaf) {
    const Hash32 key0 = key_of(n);
    const Amount bal0 = nodes_[n].sum;
    if (u.size() == 1 && u[0].key == key0) {  // the common case: a balance changes in place
      if (u[0].balance == bal0) return n;
      if (c.undo) c.undo->push_back({key0, bal0});
      if (u[0].balance.is_zero()) {
        free_node(n);
        return kEmpty;
      }
      set_leaf_balance(n, u[0].balance);
      return n;
    }
    // The leaf gets company (or is replaced): rebuild this subtree from the merged keys.
    std::vector<LeafUpdate> merged;
    merged.reserve(u.size() + 1);
    bool seen = false;
    for (const auto& x : u) {
      if (!seen && key0 < x.key) {
        merged.push_back({key0, bal0});
        seen = true;
      }
      const bool is_old = x.key == key0;
      seen = seen || is_old;
      const Amount old = is_old ? bal0 : Amount{};
      if (c.undo && old != x.balance) c.undo->push_back({x.key, old});
      merged.push_back(x);
    }
    if (!seen) merged.push_back({key0, bal0});
    free_node(n);
    return build(depth, merged, c);
  }
  const size_t mid = split_at(u, depth);
  uint32_t l = nodes_[n].left, r = nodes_[n].right;
  // Both children are read (one to descend, the other's hash and sum for this node's hash):
  // start fetching them now, so the misses overlap the work on the left subtree.
  if (l != kEmpty) __builtin_prefetch(&nodes_[l]);
  if (r != kEmpty) __builtin_prefetch(&nodes_[r]);
  if (mid > 0) l = update(l, depth + 1, u.first(mid), c);
  if (mid < u.size()) r = update(r, depth + 1, u.subspan(mid), c);
  return join(n, l, r, c);
}

uint32_t SumTree::build(size_t depth, std::span<const LeafUpdate> u, Ctx& c) {
  // Zero balances are removals: they make no leaf.
  size_t live = 0;
  const LeafUpdate* one = nullptr;
  for (const auto& x : u)
    if (!x.balance.is_zero()) {
      ++live;
      one = &x;
      if (live > 1) break;
    }
  if (live == 0) return kEmpty;
  if (live == 1) return new_leaf(one->key, one->balance);
  assert(depth < kMaxDepth);  // two distinct 256-bit keys part before the last bit
  const size_t mid = split_at(u, depth);
  const uint32_t l = build(depth + 1, u.first(mid), c);
  const uint32_t r = build(depth + 1, u.subspan(mid), c);
  return join(kEmpty, l, r, c);
}

uint32_t SumTree::join(uint32_t n, uint32_t l, uint32_t r, Ctx& c) {
  // Canonical form: no inner node over two empty subtrees, or over a leaf and an empty one.
  if (l == kEmpty && (r == kEmpty || nodes_[r].leaf)) {
    if (n != kEmpty) free_node(n);
    return r;
  }
  if (r == kEmpty && nodes_[l].leaf) {
    if (n != kEmpty) free_node(n);
    return l;
  }
  if (n == kEmpty) n = alloc_node();
  const NodeRef lr = ref(l), rr = ref(r);
  auto sum = lr.sum.checked_add(rr.sum);
  if (!sum) c.overflow = true;  // apply() restores the previous balances
  Node& node = nodes_[n];
  node.leaf = false;
  node.left = l;
  node.right = r;
  node.sum = sum.value_or(Amount::max());
  node.hash = inner_hash(*hasher_, lr, rr);
  ++hashes_;
  return n;
}

uint32_t SumTree::new_leaf(const Hash32& key, Amount balance) {
  const uint32_t n = alloc_node();
  uint32_t k;
  if (!free_keys_.empty()) {
    k = free_keys_.back();
    free_keys_.pop_back();
    keys_[k] = key;
  } else {
    k = static_cast<uint32_t>(keys_.size());
    keys_.push_back(key);
  }
  nodes_[n].leaf = true;
  nodes_[n].left = k;
  nodes_[n].right = kEmpty;
  ++leaves_;
  set_leaf_balance(n, balance);
  return n;
}

void SumTree::set_leaf_balance(uint32_t n, Amount balance) {
  nodes_[n].sum = balance;
  nodes_[n].hash = leaf_hash(*hasher_, tag_, keys_[nodes_[n].left], balance);
  ++hashes_;
}

uint32_t SumTree::alloc_node() {
  if (!free_nodes_.empty()) {
    const uint32_t n = free_nodes_.back();
    free_nodes_.pop_back();
    return n;
  }
  nodes_.emplace_back();
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void SumTree::free_node(uint32_t n) {
  if (nodes_[n].leaf) {
    free_keys_.push_back(nodes_[n].left);
    --leaves_;
  }
  nodes_[n].leaf = false;
  free_nodes_.push_back(n);
}

Amount SumTree::balance(const Hash32& key) const {
  uint32_t n = root_;
  for (size_t depth = 0; n != kEmpty && !nodes_[n].leaf; ++depth)
    n = key_bit(key, depth) ? nodes_[n].right : nodes_[n].left;
  if (n != kEmpty && key_of(n) == key) return nodes_[n].sum;
  return Amount{};
}

LiabilityProof SumTree::prove(const AccountId& account) const {
  LiabilityProof p;
  p.asset = asset_;
  p.account = account;
  p.root = root();
  p.total = total();
  const Hash32 key = tree_key(*hasher_, account);
  uint32_t n = root_;
  for (size_t depth = 0; n != kEmpty && !nodes_[n].leaf; ++depth) {
    const bool right = key_bit(key, depth);
    p.siblings.push_back(ref(right ? nodes_[n].left : nodes_[n].right));
    n = right ? nodes_[n].right : nodes_[n].left;
  }
  if (n != kEmpty) {
    if (key_of(n) == key)
      p.balance = nodes_[n].sum;
    else
      p.other_leaf = OtherLeaf{key_of(n), nodes_[n].sum};
  }
  return p;
}

void SumTree::for_each_leaf(const std::function<void(const Hash32&, Amount)>& fn) const {
  walk(root_, fn);
}

void SumTree::walk(uint32_t n, const std::function<void(const Hash32&, Amount)>& fn) const {
  if (n == kEmpty) return;
  if (nodes_[n].leaf) {
    fn(key_of(n), nodes_[n].sum);
    return;
  }
  walk(nodes_[n].left, fn);
  walk(nodes_[n].right, fn);
}

}  // namespace relay::proofs
