// Helpers shared by the liabilities tests: a deterministic account generator, a model of the
// balances (std::map) and an independent, naive computation of the tree's root straight from
// the definition in docs/proofs.md, to check the incremental tree against.
#pragma once

#include <algorithm>
#include <map>
#include <random>
#include <span>
#include <vector>

#include "canonical_state/commit_observer.h"
#include "vault/genesis.h"
#include "proofs/sum_tree.h"
#include "proofs/sum_tree_hash.h"

namespace relay::proofs::testing {

inline AccountId account_n(uint64_t n) {
  AccountId a;  // a left-padded "EVM address", the degenerate case the hashed key spreads out
  for (int i = 0; i < 8; ++i) a.bytes[31 - i] = uint8_t(n >> (8 * i));
  return a;
}

using Model = std::map<AccountId, Amount>;

/// A genesis with just two assets, USDC (index 0) and ETH (1): all the trees read of it.
inline Genesis two_assets() {
  Genesis g;
  g.assets.resize(2);
  g.assets[0].id.value = "USDC";
  g.assets[1].id.value = "ETH";
  return g;
}

/// An epoch that changes only balances (the liabilities trees read nothing else).
inline EpochChanges epoch_of(uint64_t epoch, std::vector<BalanceChange> balances = {}) {
  EpochChanges c;
  c.epoch = epoch;
  c.balances = std::move(balances);
  return c;
}

/// The updates that set `changes` (account -> balance), sorted by tree key.
inline std::vector<LeafUpdate> updates_of(const Model& changes) {
  Sha256 h;
  std::vector<LeafUpdate> u;
  for (const auto& [a, b] : changes) u.push_back({tree_key(h, a), b});
  std::sort(u.begin(), u.end(), [](const auto& x, const auto& y) { return x.key < y.key; });
  return u;
}

/// The root by the definition: empty -> (E, 0), one leaf -> the leaf, else an inner node
/// over the two halves split by the next key bit.
inline NodeRef reference_node(Sha256& h, const Hash32& tag, std::span<const LeafUpdate> u,
                              size_t depth) {
  if (u.empty()) return {empty_hash(h, tag), Amount{}};
  if (u.size() == 1) return {leaf_hash(h, tag, u[0].key, u[0].balance), u[0].balance};
  auto mid = std::partition_point(u.begin(), u.end(),
                                  [&](const LeafUpdate& x) { return key_bit(x.key, depth) == 0; });
  const size_t m = size_t(mid - u.begin());
  NodeRef l = reference_node(h, tag, u.first(m), depth + 1);
  NodeRef r = reference_node(h, tag, u.subspan(m), depth + 1);
  return {inner_hash(h, l, r), *l.sum.checked_add(r.sum)};
}

inline NodeRef reference_root(const std::string& asset, const Model& balances) {
  Sha256 h;
  Model live;
  for (const auto& [a, b] : balances)
    if (!b.is_zero()) live[a] = b;
  auto u = updates_of(live);
  return reference_node(h, asset_tag(h, asset), u, 0);
}

}  // namespace relay::proofs::testing
