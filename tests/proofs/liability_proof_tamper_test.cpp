// The verifier refuses every tampered liabilities proof, and names what failed. Closes the
// known ways proofs of liabilities have been broken (issue 3): Maxwell's total-only parent,
// wrapping sums, a leaf passed off as an inner node, duplicated nodes, paths too long or too
// short, extra or unused elements, a proof moved to another asset or account.
#include <gtest/gtest.h>

#include "liabilities_test_util.h"
#include "proofs/inclusion_proof.h"
#include "proofs/sum_tree.h"

namespace relay::proofs {
namespace {

using testing::account_n;
using testing::Model;
using testing::updates_of;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Model all;
    for (uint64_t a = 0; a < 1000; ++a) all[account_n(a)] = Amount{uint128_t(1000 + a)};
    ASSERT_TRUE(tree.apply(updates_of(all)));
    good = tree.prove(account_n(42));
    ASSERT_GE(good.siblings.size(), 5u);
    ASSERT_TRUE(verify(good, tree.root()));
  }
  // Expects a refusal whose message contains `what`.
  static void refused(const LiabilityProof& p, const std::string& what,
                      std::optional<Hash32> root = std::nullopt) {
    auto r = verify(p, root);
    ASSERT_FALSE(r.has_value()) << "tampered proof accepted, expected: " << what;
    EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
  }
  SumTree tree{"USDC"};
  LiabilityProof good;
};

TEST_F(TamperTest, RefusesProofWithTamperedBalance) {
  auto p = good;
  p.balance = Amount{p.balance.raw() + 1};
  refused(p, "mismatch");
  p.balance = Amount{};  // claiming a present account is absent
  refused(p, "mismatch");
}

TEST_F(TamperTest, RefusesProofWithTamperedSiblingHash) {
  for (size_t i = 0; i < good.siblings.size(); ++i) {
    auto p = good;
    p.siblings[i].hash.bytes[7] ^= 1;
    // An empty sibling that stops being empty is caught before any hashing.
    refused(p, good.siblings[i].sum.is_zero() ? "zero sum on a non-empty subtree" : "root mismatch");
  }
}

TEST_F(TamperTest, RefusesProofWithTamperedSiblingSum) {
  // Maxwell: shrinking a sibling's sum to shrink the total must break the root.
  for (size_t i = 0; i < good.siblings.size(); ++i) {
    auto p = good;
    if (good.siblings[i].sum.is_zero()) {  // an empty sibling cannot carry a sum
      p.siblings[i].sum = Amount{1};
      p.total = Amount{p.total.raw() + 1};
      refused(p, "empty-subtree hash with a non-zero sum");
      continue;
    }
    p.siblings[i].sum = Amount{p.siblings[i].sum.raw() - 1};
    p.total = Amount{p.total.raw() - 1};
    refused(p, "root mismatch");
  }
}

TEST_F(TamperTest, RefusesProofForAnotherAccount) {
  auto p = good;
  p.account = account_n(43);
  refused(p, "mismatch");
}

TEST_F(TamperTest, RefusesProofPassedOffForAnotherAsset) {
  auto p = good;
  p.asset = "USDT";
  // The leaf no longer folds to the root; or, when the path has empty siblings, those are
  // the other asset's empty hash and are caught first.
  auto r = verify(p);
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(r.error().message.find("root mismatch") != std::string::npos ||
              r.error().message.find("zero sum on a non-empty subtree") != std::string::npos)
      << r.error().message;
}

TEST_F(TamperTest, RefusesAbsenceProofMovedToAnotherAsset) {
  // Both kinds: ending at another leaf (the leaf binds the asset) and at an empty subtree
  // (the empty hash binds it). Found by the mutation test before the empty hash did.
  int both = 0;
  for (uint64_t a = 5000; a < 7000 && both != 3; ++a) {
    auto p = tree.prove(account_n(a));
    const int kind = p.other_leaf ? 1 : 2;
    if (both & kind) continue;
    both |= kind;
    ASSERT_TRUE(verify(p));
    p.asset = "USDT";
    refused(p, "mismatch");
  }
  EXPECT_EQ(both, 3);
  auto p = SumTree("USDC").prove(account_n(1));  // the empty tree
  p.asset = "USDT";
  refused(p, "root mismatch");
}

TEST_F(TamperTest, RefusesWrongRootAndWrongTotal) {
  auto p = good;
  p.root.bytes[0] ^= 0x80;
  refused(p, "root mismatch");
  p = good;
  p.total = Amount{p.total.raw() + 1};
  refused(p, "total mismatch");
  Hash32 other = tree.root();
  other.bytes[31] ^= 1;
  refused(good, "expected", other);
}

TEST_F(TamperTest, RefusesTruncatedPath) {
  // Either the fold misses the root, or the new deepest sibling is empty (non-canonical).
  for (size_t cut = 1; cut < good.siblings.size(); ++cut) {
    auto p = good;
    p.siblings.resize(good.siblings.size() - cut);
    refused(p, good.siblings[p.siblings.size() - 1].sum.is_zero() ? "not the canonical tree"
                                                                   : "mismatch");
    p = good;
    p.siblings.erase(p.siblings.begin(), p.siblings.begin() + long(cut));
    refused(p, "");
  }
}

TEST_F(TamperTest, RefusesExtraSiblings) {
  Sha256 h;
  auto p = good;
  p.siblings.push_back({tree.root(), Amount{1}});
  refused(p, "mismatch");
  p = good;
  p.siblings.insert(p.siblings.begin(), NodeRef{empty_hash(h, asset_tag(h, "USDC")), Amount{}});
  refused(p, "mismatch");
  p = good;
  p.siblings.push_back({empty_hash(h, asset_tag(h, "USDC")), Amount{}});  // leaf pushed one level down
  refused(p, "not the canonical tree");
}

TEST_F(TamperTest, RefusesMoreSiblingsThanKeyBits) {
  auto p = good;
  p.siblings.resize(257, good.siblings[0]);
  refused(p, "proof has 257 siblings, a path has at most 256");
}

TEST_F(TamperTest, RefusesUnusedOtherLeafOnInclusionProof) {
  auto p = good;
  p.other_leaf = OtherLeaf{tree.root(), Amount{1}};
  refused(p, "other_leaf");
}

TEST_F(TamperTest, RefusesNonCanonicalSiblings) {
  Sha256 h;
  auto p = good;
  p.siblings[0].sum = Amount{};
  refused(p, "zero sum");
  p = good;
  p.siblings[0].hash = empty_hash(h, asset_tag(h, "USDC"));
  refused(p, "empty-subtree hash");
}

TEST_F(TamperTest, SiblingSumsNear2To128AreRefusedNotWrapped) {
  // A sibling sum chosen so that adding it wraps to the real total: refused as an overflow.
  auto p = good;
  const size_t last = p.siblings.size() - 1;
  p.siblings[last].sum = Amount{~uint128_t(0) - p.balance.raw() + 1};
  refused(p, "sibling " + std::to_string(last) + ": sum overflow");
}

TEST_F(TamperTest, AbsentProofCannotBeForgedForPresentAccount) {
  // Take a genuine absence proof that ends at account 42's own leaf and try to reuse it.
  for (uint64_t a = 5000; a < 20000; ++a) {
    auto p = tree.prove(account_n(a));
    if (!p.other_leaf) continue;
    Sha256 h;
    if (p.other_leaf->key != tree_key(h, account_n(42))) continue;
    p.account = account_n(42);
    refused(p, "own key");
    return;
  }
  // None landed on 42's leaf: build the forgery directly from 42's own proof.
  auto p = good;
  Sha256 h;
  p.other_leaf = OtherLeaf{tree_key(h, good.account), good.balance};
  p.balance = Amount{};
  refused(p, "own key");
}

TEST_F(TamperTest, AbsentProofRefusesOtherLeafOffThePath) {
  for (uint64_t a = 5000; a < 6000; ++a) {
    auto p = tree.prove(account_n(a));
    if (!p.other_leaf || p.siblings.empty()) continue;
    p.other_leaf->key.bytes[0] ^= 0x80;  // leaves the path at bit 0
    refused(p, "leaves the account's path at bit 0");
    return;
  }
  FAIL() << "no absence proof ending at a leaf";
}

TEST(LeafVsInner, LeafCanNeverBePassedOffAsInnerNode) {
  // Two leaves: root = inner(A, B). An attacker tries to present the root's preimage as a
  // leaf (the 64-byte-leaf trick): a leaf whose fields are the inner node's children.
  Sha256 h;
  uint64_t b = 2;  // an account whose key parts from account 1's at bit 0
  while (key_bit(tree_key(h, account_n(b)), 0) == key_bit(tree_key(h, account_n(1)), 0)) ++b;
  SumTree t("X");
  ASSERT_TRUE(t.apply(updates_of({{account_n(1), Amount{3}}, {account_n(b), Amount{4}}})));
  auto pa = t.prove(account_n(1));
  ASSERT_EQ(pa.siblings.size(), 1u);
  const Hash32 ka = tree_key(h, account_n(1));
  const NodeRef la{leaf_hash(h, asset_tag(h, "X"), ka, Amount{3}), Amount{3}};
  const NodeRef sib = pa.siblings[0];
  const NodeRef left = key_bit(ka, 0) ? sib : la, right = key_bit(ka, 0) ? la : sib;
  ASSERT_EQ(inner_hash(h, left, right), t.root());
  // Same bytes under the leaf prefix, whatever fields an attacker picks, hash differently:
  // the prefixes differ and the preimages have different fixed widths (81 vs 97 bytes).
  EXPECT_NE(leaf_hash(h, left.hash, right.hash, right.sum), t.root());
  EXPECT_NE(kLeafPreimageSize, kInnerPreimageSize);
  // A proof claiming a leaf sits at the root (no siblings) with the whole total is refused.
  LiabilityProof forged;
  forged.asset = "X";
  forged.account = account_n(1);
  forged.balance = t.total();
  forged.root = t.root();
  forged.total = t.total();
  EXPECT_FALSE(verify(forged, t.root()).has_value());
}

TEST(DuplicatedNode, ProofThatDuplicatesTheLastNodeIsRefused) {
  SumTree t("X");
  ASSERT_TRUE(t.apply(updates_of({{account_n(1), Amount{3}}})));
  auto p = t.prove(account_n(1));
  ASSERT_TRUE(verify(p, t.root()));
  Sha256 h;
  const NodeRef leaf{t.root(), Amount{3}};
  p.siblings.push_back(leaf);  // the Bitcoin odd-level trick: pair the node with itself
  p.total = Amount{6};
  p.root = inner_hash(h, leaf, leaf);
  EXPECT_FALSE(verify(p, t.root()).has_value());
}

}  // namespace
}  // namespace relay::proofs
