#include "proofs/inclusion_proof.h"

#include <string>

namespace relay::proofs {
namespace {

std::string sib(size_t i) { return "sibling " + std::to_string(i); }

}  // namespace

Result<void> verify(const LiabilityProof& p, const std::optional<Hash32>& expected_root) {
  Sha256 h;
  const size_t depth = p.siblings.size();
  if (depth > kMaxDepth)
    return fail("proof has " + std::to_string(depth) + " siblings, a path has at most " +
                std::to_string(kMaxDepth));
  if (p.asset.empty()) return fail("asset: empty");

  const Hash32 key = tree_key(h, p.account);
  const Hash32 tag = asset_tag(h, p.asset);
  const Hash32 empty = empty_hash(h, tag);

  // The node the path ends at, depth `depth`.
  NodeRef node;
  bool ends_at_leaf = true;
  if (!p.balance.is_zero()) {
    if (p.other_leaf)
      return fail("other_leaf: present on a proof of a non-zero balance (unused element)");
    node = {leaf_hash(h, tag, key, p.balance), p.balance};
  } else if (p.other_leaf) {
    const OtherLeaf& o = *p.other_leaf;
    if (o.key == key)
      return fail("other_leaf: has the proven account's own key, so it cannot prove absence");
    if (o.balance.is_zero()) return fail("other_leaf: zero balance (the tree holds no zero leaves)");
    for (size_t i = 0; i < depth; ++i)
      if (key_bit(o.key, i) != key_bit(key, i))
        return fail("other_leaf: its key leaves the account's path at bit " + std::to_string(i));
    node = {leaf_hash(h, tag, o.key, o.balance), o.balance};
  } else {
    node = {empty, Amount{}};
    ends_at_leaf = false;
  }

  // Canonical form: the empty subtree is exactly (empty hash, 0) and nothing else has a zero
  // sum (leaves are non-zero). A leaf or an empty subtree next to an empty sibling would have
  // been folded into its parent, so the deepest sibling is never empty.
  for (size_t i = 0; i < depth; ++i) {
    const NodeRef& s = p.siblings[i];
    if (s.sum.is_zero() != (s.hash == empty))
      return fail(sib(i) + ": " +
                  (s.sum.is_zero() ? "zero sum on a non-empty subtree"
                                   : "empty-subtree hash with a non-zero sum"));
  }
  if (depth > 0 && p.siblings[depth - 1].sum.is_zero())
    return fail(sib(depth - 1) + ": empty next to the path's " +
                (ends_at_leaf ? "leaf" : "empty end") +
                " (not the canonical tree: that node would sit one level higher)");

  for (size_t i = depth; i-- > 0;) {
    const NodeRef& s = p.siblings[i];
    auto sum = node.sum.checked_add(s.sum);
    if (!sum) return fail(sib(i) + ": sum overflow (the subtree sums reach 2^128)");
    node.hash = key_bit(key, i) == 0 ? inner_hash(h, node, s) : inner_hash(h, s, node);
    node.sum = *sum;
  }

  if (node.sum != p.total)
    return fail("total mismatch: the path sums to " + node.sum.to_decimal() +
                ", the proof claims " + p.total.to_decimal());
  if (node.hash != p.root)
    return fail("root mismatch: the path hashes to " + node.hash.hex() + ", the proof claims " +
                p.root.hex());
  if (expected_root && *expected_root != p.root)
    return fail("root mismatch: the proof is for root " + p.root.hex() + ", expected " +
                expected_root->hex());
  return {};
}

}  // namespace relay::proofs
