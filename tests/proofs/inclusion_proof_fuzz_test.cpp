// Randomly mutated proofs (binary bytes and JSON text) never crash the decoders or the
// verifier, and are never accepted unless they decode to the genuine proof. A bounded,
// deterministic stand-in for a libFuzzer target, run with every test build (and under ASan).
#include <gtest/gtest.h>

#include <random>

#include "liabilities_test_util.h"
#include "proofs/inclusion_proof_codec.h"
#include "proofs/sum_tree.h"

namespace relay::proofs {
namespace {

using testing::account_n;
using testing::Model;
using testing::updates_of;

class FuzzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Model all;
    for (uint64_t a = 0; a < 200; ++a) all[account_n(a)] = Amount{uint128_t(a * 977 + 1)};
    ASSERT_TRUE(tree.apply(updates_of(all)));
    proofs = {tree.prove(account_n(3)), tree.prove(account_n(500)), tree.prove(account_n(501))};
  }
  SumTree tree{"ETH"};
  std::vector<LiabilityProof> proofs;
};

TEST_F(FuzzTest, MutatedBinaryProofsAreNeverAcceptedUnlessGenuine) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 3000; ++round) {
    const LiabilityProof& genuine = proofs[size_t(round) % proofs.size()];
    std::vector<uint8_t> b = to_bytes(genuine);
    const int edits = 1 + int(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 3) {
        case 0: b[rng() % b.size()] ^= uint8_t(1u << (rng() % 8)); break;
        case 1: b.resize(rng() % (b.size() + 1)); break;
        default: b.insert(b.begin() + long(rng() % (b.size() + 1)), uint8_t(rng())); break;
      }
      if (b.empty()) break;
    }
    auto p = proof_from_bytes(b);
    if (!p) continue;
    if (verify(*p, tree.root())) {
      EXPECT_EQ(*p, genuine) << "round " << round;
    }
  }
}

TEST_F(FuzzTest, MutatedJsonProofsAreNeverAcceptedUnlessGenuine) {
  std::mt19937_64 rng(12);
  const std::string alphabet = "0123456789abcdefx\"{}[],:-. ";
  for (int round = 0; round < 1500; ++round) {
    const LiabilityProof& genuine = proofs[size_t(round) % proofs.size()];
    std::string s = to_json(genuine).dump();
    s[rng() % s.size()] = alphabet[rng() % alphabet.size()];
    nlohmann::json j = nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) continue;
    auto p = proof_from_json(j);
    if (!p) continue;
    if (verify(*p, tree.root())) {
      EXPECT_EQ(*p, genuine) << s;
    }
  }
}

}  // namespace
}  // namespace relay::proofs
