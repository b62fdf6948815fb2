#include "proofs/withdrawal_tree.h"

#include <algorithm>

#include "vault/sha256.h"

namespace relay {
namespace {

constexpr uint8_t kLeafPrefix = 0x00, kInnerPrefix = 0x01, kRootPrefix = 0x02;

Hash32 leaf_hash(Sha256& h, const WithdrawalLeaf& leaf) {
  return h.update_u8(kLeafPrefix)
      .update(leaf.id.bytes)
      .update(leaf.recipient.bytes)
      .update(leaf.token.bytes)
      .update(leaf.amount)
      .finish();
}

Hash32 inner(Sha256& h, const Hash32& left, const Hash32& right) {
  return h.update_u8(kInnerPrefix).update(left.bytes).update(right.bytes).finish();
}

Hash32 root_of(Sha256& h, uint64_t count, const Hash32& top) {
  uint8_t word[32] = {};
  for (int i = 31; i >= 24; --i, count >>= 8) word[i] = static_cast<uint8_t>(count);
  return h.update_u8(kRootPrefix).update(word).update(top.bytes).finish();
}

}  // namespace

Hash32 withdrawal_leaf_hash(const WithdrawalLeaf& leaf) {
  Sha256 h;
  return leaf_hash(h, leaf);
}

std::string_view to_string(WithdrawalProofError e) {
  switch (e) {
    case WithdrawalProofError::kEmptyTree:
      return "the tree is empty";
    case WithdrawalProofError::kIndexOutOfRange:
      return "leaf index out of range";
    case WithdrawalProofError::kWrongLength:
      return "proof length differs from the tree depth";
    case WithdrawalProofError::kRootMismatch:
      return "recomputed root differs";
  }
  return "unknown withdrawal proof error";
}

unsigned withdrawal_tree_depth(uint64_t count) {
  unsigned d = 0;
  while (d < 64 && (uint64_t{1} << d) < count) ++d;
  return d;
}

Hash32 empty_withdrawal_root() {
  Sha256 h;
  return root_of(h, 0, Hash32{});
}

Result<WithdrawalTree> WithdrawalTree::build(std::vector<WithdrawalLeaf> leaves) {
  std::sort(leaves.begin(), leaves.end(),
            [](const WithdrawalLeaf& a, const WithdrawalLeaf& b) { return a.id < b.id; });
  for (size_t i = 1; i < leaves.size(); ++i)
    if (leaves[i].id == leaves[i - 1].id)
      return fail("withdrawals: id " + leaves[i].id.hex() + " appears twice");
  WithdrawalTree t;
  t.leaves_ = std::move(leaves);
  Sha256 h;
  if (t.leaves_.empty()) {
    t.root_ = root_of(h, 0, Hash32{});
    return t;
  }
  const size_t width = size_t{1} << withdrawal_tree_depth(t.leaves_.size());
  std::vector<Hash32> level(width);  // padding leaves stay all-zero
  for (size_t i = 0; i < t.leaves_.size(); ++i) level[i] = leaf_hash(h, t.leaves_[i]);
  t.levels_.push_back(std::move(level));
  while (t.levels_.back().size() > 1) {
    const std::vector<Hash32>& below = t.levels_.back();
    std::vector<Hash32> above(below.size() / 2);
    for (size_t i = 0; i < above.size(); ++i) above[i] = inner(h, below[2 * i], below[2 * i + 1]);
    t.levels_.push_back(std::move(above));
  }
  t.root_ = root_of(h, t.leaves_.size(), t.levels_.back()[0]);
  return t;
}

std::optional<size_t> WithdrawalTree::index_of(const WithdrawalId& id) const {
  auto it =
      std::lower_bound(leaves_.begin(), leaves_.end(), id,
                       [](const WithdrawalLeaf& l, const WithdrawalId& k) { return l.id < k; });
  if (it == leaves_.end() || it->id != id) return std::nullopt;
  return static_cast<size_t>(it - leaves_.begin());
}

WithdrawalProof WithdrawalTree::prove(size_t index) const {
  WithdrawalProof p;
  p.index = index;
  p.count = leaves_.size();
  for (size_t level = 0; level + 1 < levels_.size(); ++level, index >>= 1)
    p.siblings.push_back(levels_[level][index ^ 1]);
  return p;
}

std::expected<void, WithdrawalProofError> verify_withdrawal_proof(const Hash32& root,
                                                                  const WithdrawalLeaf& leaf,
                                                                  const WithdrawalProof& proof) {
  if (proof.count == 0) return std::unexpected(WithdrawalProofError::kEmptyTree);
  if (proof.index >= proof.count) return std::unexpected(WithdrawalProofError::kIndexOutOfRange);
  if (proof.siblings.size() != withdrawal_tree_depth(proof.count))
    return std::unexpected(WithdrawalProofError::kWrongLength);
  Sha256 h;
  Hash32 node = leaf_hash(h, leaf);
  uint64_t index = proof.index;
  for (const Hash32& sibling : proof.siblings) {
    node = (index & 1) ? inner(h, sibling, node) : inner(h, node, sibling);
    index >>= 1;
  }
  if (root_of(h, proof.count, node) != root)
    return std::unexpected(WithdrawalProofError::kRootMismatch);
  return {};
}

}  // namespace relay
