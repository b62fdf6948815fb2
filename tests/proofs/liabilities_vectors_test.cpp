// Pins the liabilities tree to tests/vectors/liabilities_usdc.json, written from the spec
// alone by an independent Python reference (tests/vectors/liabilities_vectors.py): hashes,
// root, total, proofs byte for byte as JSON, and the tampered proofs every verifier refuses.
#include <gtest/gtest.h>

#include <fstream>

#include "proofs/inclusion_proof_codec.h"
#include "proofs/sum_tree.h"

namespace relay::proofs {
namespace {

using nlohmann::json;

json load() {
  std::ifstream f(std::string(RELAY_SOURCE_DIR) + "/tests/vectors/liabilities_usdc.json");
  EXPECT_TRUE(f.good());
  return json::parse(f);
}

TEST(LiabilitiesVectors, HashesRootTotalAndProofsMatchTheReference) {
  const json v = load();
  const std::string asset = v["asset"];
  Sha256 h;
  const Hash32 tag = asset_tag(h, asset);
  EXPECT_EQ(tag.hex(), v["asset_tag"]);
  EXPECT_EQ(empty_hash(h, tag).hex(), v["empty_hash"]);

  SumTree tree(asset);
  std::vector<LeafUpdate> leaves;
  for (const auto& l : v["leaves"]) {
    const AccountId a = *AccountId::from_hex(l["account"].get<std::string>());
    const Amount b = *Amount::from_decimal(l["balance"].get<std::string>());
    const Hash32 key = tree_key(h, a);
    EXPECT_EQ(key.hex(), l["key"]);
    EXPECT_EQ(leaf_hash(h, tag, key, b).hex(), l["leaf_hash"]);
    leaves.push_back({key, b});
  }
  std::sort(leaves.begin(), leaves.end(), [](auto& x, auto& y) { return x.key < y.key; });
  ASSERT_TRUE(tree.apply(leaves));
  EXPECT_EQ(tree.root().hex(), v["root"]);
  EXPECT_EQ(tree.total().to_decimal(), v["total"]);

  for (const auto& expected : v["proofs"]) {
    const AccountId a = *AccountId::from_hex(expected["account"].get<std::string>());
    EXPECT_EQ(to_json(tree.prove(a)), expected);
    auto parsed = proof_from_json(expected);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_TRUE(verify(*parsed, tree.root()));
  }
  for (const char* small : {"empty_tree", "single_leaf"}) {
    auto parsed = proof_from_json(v[small]["proof"]);
    ASSERT_TRUE(parsed) << parsed.error().message;
    auto ok = verify(*parsed, *Hash32::from_hex(v[small]["root"].get<std::string>()));
    EXPECT_TRUE(ok) << small << ": " << ok.error().message;
  }
}

TEST(LiabilitiesVectors, RefusesEveryInvalidProofWithTheNamedReason) {
  const json v = load();
  ASSERT_FALSE(v["invalid_proofs"].empty());
  for (const auto& c : v["invalid_proofs"]) {
    auto parsed = proof_from_json(c["proof"]);
    ASSERT_TRUE(parsed) << c["why"];
    auto r = verify(*parsed);
    ASSERT_FALSE(r) << c["why"] << " was accepted";
    EXPECT_NE(r.error().message.find(c["error_contains"].get<std::string>()), std::string::npos)
        << c["why"] << ": " << r.error().message;
  }
}

}  // namespace
}  // namespace relay::proofs
