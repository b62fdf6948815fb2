// The per-chain withdrawal Merkle tree: vectors (tests/vectors/withdrawals_vectors.json, also
// verified by Solidity in commitment_solidity_check.mjs), proofs for every leaf of every size,
// and refusal of each tampering: leaf fields, sibling, index, count, proof length.
#include "proofs/withdrawal_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "certificate_fixture.h"
#include "proofs/withdrawal_tree_epoch.h"
#include "proofs/withdrawal_tree_json.h"
#include "vault/sha256.h"

namespace relay {
namespace {

using nlohmann::json;

Uint256 u256(uint64_t v) {
  Uint256 out{};
  for (int i = 31; i >= 24; --i, v >>= 8) out[i] = static_cast<uint8_t>(v);
  return out;
}

WithdrawalLeaf make_leaf(uint64_t i) {
  WithdrawalLeaf l;
  Sha256 h;
  h.update("withdrawal").update_be64(i);
  l.id = h.finish();
  l.recipient.bytes.fill(static_cast<uint8_t>(i));
  l.token.bytes.fill(static_cast<uint8_t>(i * 7));
  l.amount = u256(1000 + i);
  return l;
}

std::vector<WithdrawalLeaf> make_leaves(size_t n) {
  std::vector<WithdrawalLeaf> v;
  for (size_t i = 0; i < n; ++i) v.push_back(make_leaf(i));
  return v;
}

std::optional<WithdrawalProofError> error_of(const std::expected<void, WithdrawalProofError>& r) {
  if (r) return std::nullopt;
  return r.error();
}

WithdrawalLeaf leaf_from(const json& j) {
  WithdrawalLeaf l;
  l.id = *WithdrawalId::from_hex(j["id"].get<std::string>());
  l.recipient = *Address::from_hex(j["recipient"].get<std::string>());
  l.token = *Address::from_hex(j["token"].get<std::string>());
  auto amount = relay::from_hex(j["amount_hex"].get<std::string>());
  EXPECT_TRUE(amount && amount->size() == 32);
  std::copy(amount->begin(), amount->end(), l.amount.begin());
  EXPECT_EQ(uint256_to_decimal(l.amount), j["amount"].get<std::string>());
  return l;
}

TEST(WithdrawalTree, MatchesTheVectors) {
  json v = test::load_vector("withdrawals_vectors.json");
  for (const json& k : v["cases"]) {
    SCOPED_TRACE(k["name"].get<std::string>());
    std::vector<WithdrawalLeaf> leaves;
    for (const json& l : k["leaves"]) leaves.push_back(leaf_from(l));
    auto tree = WithdrawalTree::build(leaves);
    ASSERT_TRUE(tree);
    EXPECT_EQ(tree->root().hex(), k["root"].get<std::string>());
    ASSERT_EQ(tree->size(), k["sorted_ids"].size());
    for (size_t i = 0; i < tree->size(); ++i) {
      EXPECT_EQ(tree->leaves()[i].id.hex(), k["sorted_ids"][i].get<std::string>());
      EXPECT_EQ(withdrawal_leaf_hash(tree->leaves()[i]).hex(),
                k["leaf_hashes"][i].get<std::string>());
      const json& p = k["proofs"][i];
      WithdrawalProof proof = tree->prove(i);
      EXPECT_EQ(proof.index, p["index"].get<uint64_t>());
      EXPECT_EQ(proof.count, p["count"].get<uint64_t>());
      ASSERT_EQ(proof.siblings.size(), p["siblings"].size());
      for (size_t s = 0; s < proof.siblings.size(); ++s)
        EXPECT_EQ(proof.siblings[s].hex(), p["siblings"][s].get<std::string>());
      EXPECT_TRUE(verify_withdrawal_proof(tree->root(), tree->leaves()[i], proof));
    }
  }
}

TEST(WithdrawalTree, EmptySetHasADefinedRootThatProvesNothing) {
  auto tree = WithdrawalTree::build({});
  ASSERT_TRUE(tree);
  std::vector<uint8_t> preimage(65, 0);
  preimage[0] = 0x02;
  EXPECT_EQ(tree->root(), sha256(preimage));
  EXPECT_EQ(tree->root(), empty_withdrawal_root());
  WithdrawalProof p;  // count 0
  EXPECT_EQ(error_of(verify_withdrawal_proof(tree->root(), make_leaf(0), p)),
            WithdrawalProofError::kEmptyTree);
}

TEST(WithdrawalTree, ProofsVerifyForEveryLeafOfEverySize) {
  for (size_t n = 1; n <= 40; ++n) {
    auto tree = WithdrawalTree::build(make_leaves(n));
    ASSERT_TRUE(tree);
    for (size_t i = 0; i < n; ++i) {
      WithdrawalProof p = tree->prove(i);
      EXPECT_EQ(p.siblings.size(), withdrawal_tree_depth(n));
      EXPECT_TRUE(verify_withdrawal_proof(tree->root(), tree->leaves()[i], p)) << n << " " << i;
    }
  }
}

TEST(WithdrawalTree, OrdersLeavesByIdWhateverTheInputOrder) {
  auto leaves = make_leaves(13);
  auto a = WithdrawalTree::build(leaves);
  std::mt19937 rng(42);
  std::shuffle(leaves.begin(), leaves.end(), rng);
  auto b = WithdrawalTree::build(leaves);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->root(), b->root());
  EXPECT_TRUE(std::is_sorted(a->leaves().begin(), a->leaves().end(),
                             [](const auto& x, const auto& y) { return x.id < y.id; }));
  for (size_t i = 0; i < leaves.size(); ++i) {
    auto idx = a->index_of(leaves[i].id);
    ASSERT_TRUE(idx);
    EXPECT_EQ(a->leaves()[*idx], leaves[i]);
  }
  EXPECT_FALSE(a->index_of(make_leaf(99).id));
}

TEST(WithdrawalTree, RefusesARepeatedId) {
  auto leaves = make_leaves(4);
  leaves.push_back(leaves[2]);
  leaves.back().amount = u256(1);
  auto t = WithdrawalTree::build(leaves);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("appears twice"), std::string::npos);
}

TEST(WithdrawalTree, RefusesTamperedLeafFields) {
  auto tree = *WithdrawalTree::build(make_leaves(7));
  const WithdrawalProof p = tree.prove(3);
  const WithdrawalLeaf good = tree.leaves()[3];
  ASSERT_TRUE(verify_withdrawal_proof(tree.root(), good, p));
  std::vector<WithdrawalLeaf> bad(4, good);
  bad[0].id.bytes[0] ^= 1;
  bad[1].recipient.bytes[19] ^= 1;
  bad[2].token.bytes[0] ^= 0x80;
  bad[3].amount[31] ^= 1;
  for (const auto& l : bad)
    EXPECT_EQ(error_of(verify_withdrawal_proof(tree.root(), l, p)),
              WithdrawalProofError::kRootMismatch);
  // Another leaf of the same tree, with this leaf's proof.
  EXPECT_FALSE(verify_withdrawal_proof(tree.root(), tree.leaves()[4], p));
}

TEST(WithdrawalTree, RefusesTamperedSiblingIndexCountAndLength) {
  auto tree = *WithdrawalTree::build(make_leaves(6));  // depth 3, two padding leaves
  const WithdrawalLeaf leaf = tree.leaves()[2];
  const WithdrawalProof good = tree.prove(2);
  for (size_t s = 0; s < good.siblings.size(); ++s) {
    WithdrawalProof p = good;
    p.siblings[s].bytes[0] ^= 1;
    EXPECT_EQ(error_of(verify_withdrawal_proof(tree.root(), leaf, p)),
              WithdrawalProofError::kRootMismatch);
  }
  WithdrawalProof p = good;
  p.index = 3;  // the direction bits are the index: a wrong index is a wrong path
  EXPECT_EQ(error_of(verify_withdrawal_proof(tree.root(), leaf, p)),
            WithdrawalProofError::kRootMismatch);
  p = good;
  p.index = 2 + 8;  // same low bits, beyond the count
  EXPECT_EQ(error_of(verify_withdrawal_proof(tree.root(), leaf, p)),
            WithdrawalProofError::kIndexOutOfRange);
  p = good;
  p.index = 6;  // a padding position inside the tree's width
  EXPECT_EQ(error_of(verify_withdrawal_proof(tree.root(), leaf, p)),
            WithdrawalProofError::kIndexOutOfRange);
  p = good;
  p.count = 7;  // same depth, other count: the root binds the count
  EXPECT_EQ(error_of(verify_withdrawal_proof(tree.root(), leaf, p)),
            WithdrawalProofError::kRootMismatch);
  p = good;
  p.siblings.push_back(Hash32{});  // one extra element
  EXPECT_EQ(error_of(verify_withdrawal_proof(tree.root(), leaf, p)),
            WithdrawalProofError::kWrongLength);
  p = good;
  p.siblings.pop_back();  // truncated
  EXPECT_EQ(error_of(verify_withdrawal_proof(tree.root(), leaf, p)),
            WithdrawalProofError::kWrongLength);
  p = good;
  p.count = 9;  // a count whose depth is 4, with the extra sibling it needs
  p.siblings.push_back(Hash32{});
  EXPECT_EQ(error_of(verify_withdrawal_proof(tree.root(), leaf, p)),
            WithdrawalProofError::kRootMismatch);
  EXPECT_FALSE(verify_withdrawal_proof(empty_withdrawal_root(), leaf, good));
}

TEST(WithdrawalTree, NoDuplicatedLastNodeMalleability) {
  // Bitcoin-style trees give [a,b,c] and [a,b,c,c] one root. Here ids are unique and the count
  // is bound into the root, so a tree and any extension of it differ.
  auto three = *WithdrawalTree::build(make_leaves(3));
  auto leaves4 = make_leaves(3);
  WithdrawalLeaf copy = three.leaves()[2];
  copy.id.bytes[31] ^= 1;
  leaves4.push_back(copy);
  auto four = *WithdrawalTree::build(leaves4);
  EXPECT_NE(three.root(), four.root());
  // The 3-leaf tree's padding leaf (zero) cannot be proven: index 3 is out of range.
  WithdrawalProof p = three.prove(2);
  p.index = 3;
  EXPECT_FALSE(verify_withdrawal_proof(three.root(), three.leaves()[2], p));
}

TEST(WithdrawalTree, DepthIsCeilLog2) {
  EXPECT_EQ(withdrawal_tree_depth(0), 0u);
  EXPECT_EQ(withdrawal_tree_depth(1), 0u);
  EXPECT_EQ(withdrawal_tree_depth(2), 1u);
  EXPECT_EQ(withdrawal_tree_depth(3), 2u);
  EXPECT_EQ(withdrawal_tree_depth(4), 2u);
  EXPECT_EQ(withdrawal_tree_depth(5), 3u);
  EXPECT_EQ(withdrawal_tree_depth(uint64_t{1} << 40), 40u);
  EXPECT_EQ(withdrawal_tree_depth((uint64_t{1} << 40) + 1), 41u);
  EXPECT_EQ(withdrawal_tree_depth(UINT64_MAX), 64u);
}

}  // namespace
}  // namespace relay

namespace relay {
namespace {

TEST(EpochWithdrawalTrees, OneTreePerDestinationChainInGenesisOrder) {
  EpochChanges changes;
  changes.epoch = 3;
  for (uint64_t i = 0; i < 5; ++i) {
    CertifiedWithdrawal w;
    WithdrawalLeaf l = make_leaf(i);
    w.id = l.id;
    w.recipient = l.recipient;
    w.token = l.token;
    w.token_amount = l.amount;
    w.dest_chain = i % 2 == 0 ? 0 : 2;  // chain 1 gets none
    changes.withdrawals.push_back(w);
  }
  auto trees = epoch_withdrawal_trees(changes, 3);
  ASSERT_TRUE(trees) << trees.error().message;
  ASSERT_EQ(trees->size(), 3u);
  EXPECT_EQ((*trees)[0].size(), 3u);
  EXPECT_EQ((*trees)[1].root(), empty_withdrawal_root());
  EXPECT_EQ((*trees)[2].size(), 2u);
  auto direct = WithdrawalTree::build({make_leaf(1), make_leaf(3)});
  EXPECT_EQ((*trees)[2].root(), direct->root());

  changes.withdrawals[1].dest_chain = 3;
  auto bad = epoch_withdrawal_trees(changes, 3);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("out of range"), std::string::npos);
}

}  // namespace
}  // namespace relay

namespace relay {
namespace {

TEST(WithdrawalProofJson, RoundTripsAndVerifies) {
  auto tree = *WithdrawalTree::build(make_leaves(5));
  WithdrawalProofDocument doc{tree.root(), tree.leaves()[4], tree.prove(4)};
  doc.leaf.amount.fill(0xff);  // 2^256 - 1 survives the decimal form
  auto back = withdrawal_proof_from_json(json::parse(withdrawal_proof_to_json(doc).dump()));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->root, doc.root);
  EXPECT_EQ(back->leaf, doc.leaf);
  EXPECT_EQ(back->proof.index, 4u);
  EXPECT_EQ(back->proof.count, 5u);
  EXPECT_EQ(back->proof.siblings, doc.proof.siblings);
  doc.leaf = tree.leaves()[4];
  auto genuine = withdrawal_proof_from_json(withdrawal_proof_to_json(doc));
  ASSERT_TRUE(genuine);
  EXPECT_TRUE(verify_withdrawal_proof(genuine->root, genuine->leaf, genuine->proof));
}

TEST(WithdrawalProofJson, RefusesUnknownFieldsWrongWidthsAndHugeAmounts) {
  auto tree = *WithdrawalTree::build(make_leaves(3));
  const json good = withdrawal_proof_to_json({tree.root(), tree.leaves()[0], tree.prove(0)});
  auto refuse = [](const json& j, const std::string& needle) {
    auto r = withdrawal_proof_from_json(j);
    ASSERT_FALSE(r) << needle;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  };
  json j = good;
  j["extra"] = true;
  refuse(j, "withdrawal_proof.extra: unknown field");
  j = good;
  j["leaf"]["recipient"] = "0x1234";
  refuse(j, "withdrawal_proof.leaf.recipient");
  j = good;
  // 2^256 exactly
  j["leaf"]["amount"] =
      "115792089237316195423570985008687907853269984665640564039457584007913129639936";
  refuse(j, "withdrawal_proof.leaf.amount");
  j = good;
  j["leaf"]["amount"] = "-1";
  refuse(j, "withdrawal_proof.leaf.amount");
  j = good;
  j["index"] = -1;
  refuse(j, "withdrawal_proof.index");
  j = good;
  j["siblings"][0] = 7;
  refuse(j, "withdrawal_proof.siblings[0]");
  EXPECT_EQ(uint256_to_decimal(*uint256_from_decimal("12345678901234567890123456789012345678901")),
            "12345678901234567890123456789012345678901");
}

}  // namespace
}  // namespace relay
