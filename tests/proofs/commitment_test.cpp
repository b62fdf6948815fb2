// The epoch commitment's canonical encoding (abi.encode of eight arguments) and hash, pinned by
// tests/vectors/commitment_vectors.json (checked against solc by commitment_solidity_check.mjs),
// its shape checks, and its JSON form.
#include "proofs/commitment.h"

#include <gtest/gtest.h>

#include "certificate_fixture.h"
#include "proofs/commitment_builder.h"
#include "proofs/commitment_json.h"
#include "proofs/withdrawal_tree.h"
#include "vault/sha256.h"

namespace relay {
namespace {

using nlohmann::json;

EpochCommitment from_vector(const json& j) {
  auto c = commitment_from_json(j, "vector");
  if (!c) throw std::runtime_error(c.error().message);
  return *c;
}

std::string word_hex(const std::vector<uint8_t>& bytes, size_t word) {
  return to_hex(std::span<const uint8_t>(bytes).subspan(32 * word, 32));
}

TEST(Commitment, EncodingAndHashMatchTheVectors) {
  json v = test::load_vector("commitment_vectors.json");
  ASSERT_GE(v["cases"].size(), 3u);
  for (const json& k : v["cases"]) {
    SCOPED_TRACE(k["name"].get<std::string>());
    EpochCommitment c = from_vector(k["commitment"]);
    EXPECT_EQ(to_hex(encode_commitment(c)), k["encoding"].get<std::string>());
    EXPECT_EQ(commitment_hash(c).hex(), k["hash"].get<std::string>());
  }
}

TEST(Commitment, EncodingIsAbiEncodeOfEightArguments) {
  Genesis g = test::four_validators();
  EpochCommitment c = test::sample_commitment(g);
  std::vector<uint8_t> e = encode_commitment(c);
  // Head: 3 static words and 5 offsets; tails: length then elements, 32 bytes each.
  ASSERT_EQ(e.size(), 32u * (8 + (1 + 2) + (1 + 2) + (1 + 2) + (1 + 4) + (1 + 2)));
  EXPECT_EQ(word_hex(e, 0), c.network_id.hex());
  EXPECT_EQ(word_hex(e, 1), "0x" + std::string(62, '0') + "07");
  EXPECT_EQ(word_hex(e, 2), c.previous.hex());
  const size_t offsets[] = {0x100, 0x160, 0x1c0, 0x220, 0x2c0};
  for (size_t i = 0; i < 5; ++i) {
    Amount off(offsets[i]);
    uint8_t w[32] = {};
    off.to_be_bytes(w + 16);
    EXPECT_EQ(word_hex(e, 3 + i), to_hex(w)) << "offset of array " << i;
  }
  EXPECT_EQ(word_hex(e, 8), "0x" + std::string(63, '0') + "2");  // heights.length
  EXPECT_EQ(commitment_hash(c), sha256(e));
}

TEST(Commitment, EveryFieldChangesTheHash) {
  Genesis g = test::four_validators();
  const EpochCommitment base = test::sample_commitment(g);
  const Hash32 h = commitment_hash(base);
  std::vector<EpochCommitment> variants(9, base);
  variants[0].network_id.bytes[31] ^= 1;
  variants[1].epoch += 1;
  variants[2].previous.bytes[0] ^= 1;
  variants[3].finalized_heights[1] += 1;
  variants[4].liabilities_roots[0].bytes[5] ^= 1;
  variants[5].liabilities_totals[1] = Amount(2'501);
  variants[6].custody[3] = Amount(501);
  variants[7].withdrawal_roots[1].bytes[9] ^= 1;
  std::swap(variants[8].custody[0], variants[8].custody[1]);  // order within an array counts
  for (size_t i = 0; i < variants.size(); ++i) EXPECT_NE(commitment_hash(variants[i]), h) << i;
}

TEST(Commitment, MovingElementsBetweenArraysChangesTheEncoding) {
  // Injectivity: the same flat sequence of words split differently encodes differently.
  EpochCommitment a, b;
  a.finalized_heights = {1, 2};
  a.custody = {};
  a.withdrawal_roots = {Hash32{}, Hash32{}};
  b.finalized_heights = {1};
  b.withdrawal_roots = {Hash32{}};
  EXPECT_NE(encode_commitment(a), encode_commitment(b));
}

TEST(Commitment, ShapeChecksNameTheField) {
  Genesis g = test::four_validators();
  EpochCommitment c = test::sample_commitment(g);
  EXPECT_TRUE(check_commitment_against(c, g));
  auto bad_custody = c;
  bad_custody.custody.pop_back();
  auto r = check_commitment_shape(bad_custody);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("commitment.custody"), std::string::npos);
  auto bad_totals = c;
  bad_totals.liabilities_totals.push_back(Amount(1));
  EXPECT_FALSE(check_commitment_shape(bad_totals));
  auto bad_wroots = c;
  bad_wroots.withdrawal_roots.pop_back();
  EXPECT_FALSE(check_commitment_shape(bad_wroots));
  auto extra_chain = c;
  extra_chain.finalized_heights.push_back(1);
  extra_chain.withdrawal_roots.push_back(Hash32{});
  extra_chain.custody.resize(6);
  EXPECT_TRUE(check_commitment_shape(extra_chain));
  auto against = check_commitment_against(extra_chain, g);
  ASSERT_FALSE(against);
  EXPECT_NE(against.error().message.find("finalized_heights"), std::string::npos);
}

TEST(CommitmentJson, RoundTripsExactly) {
  Genesis g = test::four_validators();
  EpochCommitment c = test::sample_commitment(g);
  c.liabilities_totals[0] = Amount::max();
  c.epoch = UINT64_MAX;
  auto back = commitment_from_json(json::parse(commitment_to_json(c).dump()), "c");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, c);
}

TEST(CommitmentJson, RefusesUnknownMissingAndOutOfRangeFields) {
  Genesis g = test::four_validators();
  const json good = commitment_to_json(test::sample_commitment(g));
  auto refuse = [&](json j, const std::string& needle) {
    auto r = commitment_from_json(j, "c");
    ASSERT_FALSE(r) << needle;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  };
  json j = good;
  j["extra"] = 1;
  refuse(j, "c.extra: unknown field");
  j = good;
  j.erase("previous");
  refuse(j, "c.previous: missing");
  j = good;
  j["liabilities_totals"][0] = "340282366920938463463374607431768211456";  // 2^128
  refuse(j, "c.liabilities_totals[0]");
  j = good;
  j["custody"][1] = 5;  // a number, not a decimal string
  refuse(j, "c.custody[1]");
  j = good;
  j["finalized_heights"][0] = -1;
  refuse(j, "c.finalized_heights[0]");
  j = good;
  j["network_id"] = "0x1234";
  refuse(j, "c.network_id");
  j = good;
  j["custody"].erase(0);
  refuse(j, "commitment.custody");
}

}  // namespace
}  // namespace relay

namespace relay {
namespace {

// The vectors above are also what real Solidity computes: abi.encode, sha256, the withdrawal
// proof check and ecrecover, compiled by the pinned solc and run on anvil. Needs the npm tools
// that scripts/setup installs; skipped without them.
TEST(Commitment, SolidityAgreesWithTheVectors) {
  const std::string root = RELAY_SOURCE_DIR;
  if (std::system("command -v node >/dev/null 2>&1") != 0) GTEST_SKIP() << "node not installed";
  if (!std::filesystem::exists(root + "/node_modules/.bin/anvil") ||
      !std::filesystem::exists(root + "/node_modules/solc"))
    GTEST_SKIP() << "npm tools not installed (scripts/setup)";
  test::TempDir dir;
  const std::string log = dir.file("out");
  int status = std::system(
      ("node " + root + "/tests/vectors/commitment_solidity_check.mjs >" + log + " 2>&1").c_str());
  EXPECT_EQ(status, 0) << test::read_all(log);
  EXPECT_NE(test::read_all(log).find("solidity agrees with every vector"), std::string::npos);
}

}  // namespace
}  // namespace relay

namespace relay {
namespace {

TEST(CommitmentBuilder, TakesHeightsCustodyAndWithdrawalRootsFromTheEpoch) {
  Genesis g = test::four_validators();  // 2 chains, 2 assets
  EpochChanges changes;
  changes.epoch = 9;
  changes.heights = {100, 200};
  changes.custody = {Amount(1), Amount(2), Amount(3), Amount(4)};
  CertifiedWithdrawal w;
  w.id = test::hash_of_byte(0x77);
  w.dest_chain = 1;
  w.token_amount[31] = 5;
  changes.withdrawals.push_back(w);
  const AssetLiabilities liabilities[] = {{test::hash_of_byte(0xa1), Amount(10)},
                                          {test::hash_of_byte(0xa2), Amount(20)}};
  auto built = build_epoch_commitment(g, test::hash_of_byte(0x99), changes, liabilities);
  ASSERT_TRUE(built) << built.error().message;
  const EpochCommitment& c = built->commitment;
  EXPECT_EQ(c.network_id, g.network_id);
  EXPECT_EQ(c.epoch, 9u);
  EXPECT_EQ(c.previous, test::hash_of_byte(0x99));
  EXPECT_EQ(c.finalized_heights, changes.heights);
  EXPECT_EQ(c.custody_at(1, 0), Amount(3));
  EXPECT_EQ(c.liabilities_roots[1], test::hash_of_byte(0xa2));
  EXPECT_EQ(c.liabilities_totals[0], Amount(10));
  EXPECT_EQ(c.withdrawal_roots[0], empty_withdrawal_root());
  ASSERT_EQ(built->withdrawal_trees.size(), 2u);
  EXPECT_EQ(c.withdrawal_roots[1], built->withdrawal_trees[1].root());
  EXPECT_EQ(built->withdrawal_trees[1].size(), 1u);
  EXPECT_TRUE(check_commitment_against(c, g));

  auto short_heights = changes;
  short_heights.heights.pop_back();
  EXPECT_FALSE(build_epoch_commitment(g, Hash32{}, short_heights, liabilities));
  auto short_custody = changes;
  short_custody.custody.pop_back();
  EXPECT_FALSE(build_epoch_commitment(g, Hash32{}, short_custody, liabilities));
  EXPECT_FALSE(build_epoch_commitment(g, Hash32{}, changes,
                                      std::span<const AssetLiabilities>(liabilities, 1)));
}

}  // namespace
}  // namespace relay
