// The epoch commitment's canonical encoding (abi.encode of fourteen arguments) and hash, pinned by
// tests/vectors/commitment_vectors.json (checked against solc by commitment_solidity_check.mjs
// and against ethers' AbiCoder by the generator), its shape checks, and its JSON form.
#include "proofs/commitment.h"

#include <gtest/gtest.h>

#include "certificate_fixture.h"
#include "proofs/commitment_builder.h"
#include "proofs/commitment_json.h"
#include "proofs/commitment_layout.h"
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

std::string u256_hex(uint64_t v) {
  uint8_t w[32] = {};
  for (int i = 31; i >= 24; --i, v >>= 8) w[i] = static_cast<uint8_t>(v);
  return to_hex(w);
}

TEST(Commitment, EncodingAndHashMatchTheVectors) {
  json v = test::load_vector("commitment_vectors.json");
  ASSERT_GE(v["cases"].size(), 5u);
  for (const json& k : v["cases"]) {
    SCOPED_TRACE(k["name"].get<std::string>());
    EpochCommitment c = from_vector(k["commitment"]);
    EXPECT_EQ(to_hex(encode_commitment(c)), k["encoding"].get<std::string>());
    EXPECT_EQ(commitment_hash(c).hex(), k["hash"].get<std::string>());
  }
}

TEST(Commitment, VectorsHoldTheFourteenFieldsInCommitmentOrder) {
  json v = test::load_vector("commitment_vectors.json");
  std::vector<std::string> expected;
  for (auto n : commitment_layout::kStaticNames) expected.emplace_back(n);
  for (auto n : commitment_layout::kArrayNames) expected.emplace_back(n);
  ASSERT_EQ(expected.size(), 14u);
  // nlohmann::json sorts keys, so the file's order is read from its text.
  const std::string text = test::read_all(std::string(RELAY_SOURCE_DIR) +
                                          "/tests/vectors/commitment_vectors.json");
  size_t at = text.find("\"commitment\"");
  ASSERT_NE(at, std::string::npos);
  for (const std::string& k : expected) {
    const size_t next = text.find("\"" + k + "\"", at);
    ASSERT_NE(next, std::string::npos) << k << " missing or out of order";
    at = next;
  }
  for (const json& k : v["cases"]) EXPECT_EQ(k["commitment"].size(), 14u);
}

TEST(Commitment, EncodingIsAbiEncodeOfFourteenArguments) {
  Genesis g = test::four_validators();
  EpochCommitment c = test::sample_commitment(g);
  std::vector<uint8_t> e = encode_commitment(c);
  // Head: 4 static words and 10 offsets; tails: length then elements, 32 bytes each. C = A = 2:
  // eight arrays of 2 and two (custody, pending) of 4, so 32 * (24 + 6C + 2A + 2CA) bytes.
  ASSERT_EQ(e.size(), 32u * (14 + 8 * (1 + 2) + 2 * (1 + 4)));
  ASSERT_EQ(e.size(), 32u * (24 + 6 * 2 + 2 * 2 + 2 * 4));
  EXPECT_EQ(word_hex(e, 0), c.network_id.hex());
  EXPECT_EQ(word_hex(e, 1), u256_hex(7));
  EXPECT_EQ(word_hex(e, 2), c.previous.hex());
  EXPECT_EQ(word_hex(e, 3), u256_hex(c.end_time));
  const size_t offsets[] = {0x1c0, 0x220, 0x280, 0x2e0, 0x340, 0x3a0, 0x400, 0x460, 0x500, 0x5a0};
  for (size_t i = 0; i < 10; ++i)
    EXPECT_EQ(word_hex(e, 4 + i), u256_hex(offsets[i])) << "offset of array " << i;
  // Each tail: its length, then its elements.
  EXPECT_EQ(word_hex(e, 14), u256_hex(2));  // cut_heights.length
  EXPECT_EQ(word_hex(e, 15), u256_hex(120));
  EXPECT_EQ(word_hex(e, 16), u256_hex(4410));
  EXPECT_EQ(word_hex(e, 18), c.cut_hashes[0].hex());
  EXPECT_EQ(word_hex(e, 21), u256_hex(c.cut_timestamps[0]));
  EXPECT_EQ(word_hex(e, 24), u256_hex(5));  // event_counts[0]
  EXPECT_EQ(word_hex(e, 28), c.event_accumulators[1].hex());
  EXPECT_EQ(word_hex(e, 0x460 / 32), u256_hex(4));  // custody.length
  EXPECT_EQ(word_hex(e, 0x500 / 32 + 3), u256_hex(100'000));  // pending[2]: chain 1, asset 0
  EXPECT_EQ(word_hex(e, 0x5a0 / 32 + 2), c.withdrawal_roots[1].hex());
  EXPECT_EQ(commitment_hash(c), sha256(e));
}

TEST(Commitment, EveryFieldChangesTheHash) {
  Genesis g = test::four_validators();
  const EpochCommitment base = test::sample_commitment(g);
  const Hash32 h = commitment_hash(base);
  std::vector<EpochCommitment> variants(16, base);
  variants[0].network_id.bytes[31] ^= 1;
  variants[1].epoch += 1;
  variants[2].previous.bytes[0] ^= 1;
  variants[3].end_time += 1;
  variants[4].cut_heights[1] += 1;
  variants[5].cut_hashes[0].bytes[3] ^= 1;
  variants[6].cut_timestamps[1] -= 1;
  variants[7].event_counts[0] += 1;
  variants[8].event_accumulators[1].bytes[31] ^= 1;
  variants[9].liabilities_roots[0].bytes[5] ^= 1;
  variants[10].liabilities_totals[1] = Amount(2'401);
  variants[11].custody[3] = Amount(501);
  variants[12].pending[1] = Amount(101);
  variants[13].withdrawal_roots[1].bytes[9] ^= 1;
  std::swap(variants[14].custody[0], variants[14].custody[1]);  // order within an array counts
  std::swap(variants[15].cut_timestamps, variants[15].event_counts);  // and which array it is
  for (size_t i = 0; i < variants.size(); ++i) EXPECT_NE(commitment_hash(variants[i]), h) << i;
}

TEST(Commitment, MovingElementsBetweenArraysChangesTheEncoding) {
  // Injectivity: the same flat sequence of words split differently encodes differently.
  EpochCommitment a, b;
  a.cut_heights = {1, 2};
  a.withdrawal_roots = {Hash32{}, Hash32{}};
  b.cut_heights = {1};
  b.withdrawal_roots = {Hash32{}};
  EXPECT_NE(encode_commitment(a), encode_commitment(b));
  EpochCommitment p = test::sample_commitment(test::four_validators()), q = p;
  q.custody.swap(q.pending);  // the same words in the two chain x asset arrays, swapped
  EXPECT_NE(encode_commitment(p), encode_commitment(q));
}

TEST(Commitment, SetCutsAndCutAreInverse) {
  EpochCommitment c;
  const ChainCut cuts[] = {{}, {0, test::hash_of_byte(1), 5, 0, Hash32{}},
                           {9, test::hash_of_byte(2), 7, 3, test::hash_of_byte(3)}};
  c.set_cuts(cuts);
  ASSERT_EQ(c.chain_count(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(c.cut(i), cuts[i]) << i;
  EXPECT_TRUE(c.cut(0).is_empty());
  EXPECT_FALSE(c.cut(1).is_empty()) << "a cut at a real block 0 has its block's hash";
  EXPECT_EQ(c.event_counts, (std::vector<uint64_t>{0, 0, 3}));
  c.set_cuts({});
  EXPECT_EQ(c.chain_count(), 0u);
  EXPECT_TRUE(c.cut_hashes.empty() && c.event_accumulators.empty());
}

TEST(Commitment, ShapeChecksNameTheField) {
  Genesis g = test::four_validators();
  const EpochCommitment c = test::sample_commitment(g);
  EXPECT_TRUE(check_commitment_against(c, g));
  // Every array one entry short (or, for cut_heights, which sets C, one long) is named.
  std::vector<std::string> names(commitment_layout::kArrayNames.begin(),
                                 commitment_layout::kArrayNames.end());
  for (size_t i = 0; i < names.size(); ++i) {
    EpochCommitment bad = c;
    size_t k = 0;
    commitment_layout::for_each_array(bad, [&](std::string_view, auto& a) {
      if (k++ != i) return;
      if (i == 0)
        a.push_back(a.back());
      else
        a.pop_back();
    });
    auto r = check_commitment_shape(bad);
    ASSERT_FALSE(r) << names[i];
    // cut_heights sets C and liabilities_roots sets A: changing them makes the next array of
    // that kind the one that disagrees.
    const std::string named = i == 0 ? "cut_hashes" : i == 5 ? "liabilities_totals" : names[i];
    EXPECT_NE(r.error().message.find("commitment." + named + ":"), std::string::npos)
        << r.error().message;
  }
  auto extra_chain = c;
  extra_chain.set_cuts(std::vector<ChainCut>(3));
  extra_chain.withdrawal_roots.push_back(Hash32{});
  extra_chain.custody.resize(6);
  extra_chain.pending.resize(6);
  EXPECT_TRUE(check_commitment_shape(extra_chain));
  auto against = check_commitment_against(extra_chain, g);
  ASSERT_FALSE(against);
  EXPECT_NE(against.error().message.find("commitment.cut_heights: 3 entries, but the genesis has 2"),
            std::string::npos)
      << against.error().message;
  auto extra_asset = c;
  extra_asset.liabilities_roots.push_back(Hash32{});
  extra_asset.liabilities_totals.push_back(Amount(0));
  extra_asset.custody.resize(6);
  extra_asset.pending.resize(6);
  EXPECT_TRUE(check_commitment_shape(extra_asset));
  against = check_commitment_against(extra_asset, g);
  ASSERT_FALSE(against);
  EXPECT_NE(against.error().message.find("commitment.liabilities_roots"), std::string::npos);
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

TEST(CommitmentJson, WritesTheFieldsInCommitmentOrder) {
  const auto j = commitment_to_json(test::sample_commitment(test::four_validators()));
  std::vector<std::string> keys, expected;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  for (auto n : commitment_layout::kStaticNames) expected.emplace_back(n);
  for (auto n : commitment_layout::kArrayNames) expected.emplace_back(n);
  EXPECT_EQ(keys, expected);
  EXPECT_TRUE(j["end_time"].is_number_unsigned());
  EXPECT_TRUE(j["cut_timestamps"][0].is_number_unsigned());
  EXPECT_TRUE(j["event_counts"][0].is_number_unsigned());
  EXPECT_TRUE(j["pending"][0].is_string()) << "amounts are decimal strings";
  EXPECT_TRUE(j["cut_hashes"][0].is_string());
}

TEST(CommitmentJson, RefusesUnknownMissingAndOutOfRangeFields) {
  Genesis g = test::four_validators();
  const json good = json::parse(commitment_to_json(test::sample_commitment(g)).dump());
  ASSERT_TRUE(commitment_from_json(good, "c"));
  auto refuse = [&](json j, const std::string& needle) {
    auto r = commitment_from_json(j, "c");
    ASSERT_FALSE(r) << needle;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  };
  json j = good;
  j["extra"] = 1;
  refuse(j, "c.extra: unknown field");
  j = good;
  j["finalized_heights"] = json::array({1, 2});  // the eight-field commitment's name
  refuse(j, "c.finalized_heights: unknown field");
  // Every one of the fourteen fields, missing, is named.
  for (auto n : commitment_layout::kStaticNames) {
    j = good;
    j.erase(std::string(n));
    refuse(j, "c." + std::string(n) + ": missing");
  }
  for (auto n : commitment_layout::kArrayNames) {
    j = good;
    j.erase(std::string(n));
    refuse(j, "c." + std::string(n) + ": missing");
    j = good;
    j[std::string(n)] = "[]";
    refuse(j, "c." + std::string(n) + ": must be an array");
  }
  // Each element type out of range or mistyped, in every field of that type.
  for (const char* k : {"cut_heights", "cut_timestamps", "event_counts"}) {
    j = good;
    j[k][1] = -1;
    refuse(j, std::string("c.") + k + "[1]: must be a non-negative integer below 2^64");
    j = good;
    j[k][0] = "5";
    refuse(j, std::string("c.") + k + "[0]");
    j = good;
    j[k][0] = 1.5;
    refuse(j, std::string("c.") + k + "[0]");
  }
  for (const char* k : {"epoch", "end_time"}) {
    j = good;
    j[k] = -3;
    refuse(j, std::string("c.") + k + ": must be a non-negative integer below 2^64");
    j = good;
    j[k] = json::parse("18446744073709551616");  // 2^64: a double to nlohmann
    refuse(j, std::string("c.") + k);
  }
  for (const char* k : {"liabilities_totals", "custody", "pending"}) {
    j = good;
    j[k][0] = "340282366920938463463374607431768211456";  // 2^128
    refuse(j, std::string("c.") + k + "[0]: must be a decimal integer below 2^128");
    j = good;
    j[k][1] = 5;  // a number, not a decimal string
    refuse(j, std::string("c.") + k + "[1]: must be a decimal string");
  }
  for (const char* k : {"cut_hashes", "event_accumulators", "liabilities_roots",
                        "withdrawal_roots"}) {
    j = good;
    j[k][1] = "0x1234";
    refuse(j, std::string("c.") + k + "[1]: must be 0x and 32 bytes of hex");
  }
  j = good;
  j["network_id"] = "0x1234";
  refuse(j, "c.network_id");
  j = good;
  j["previous"] = 0;
  refuse(j, "c.previous: must be a 0x-hex string");
  // Lengths that disagree are named by field.
  j = good;
  j["custody"].erase(0);
  refuse(j, "commitment.custody");
  j = good;
  j["pending"].push_back("0");
  refuse(j, "commitment.pending: 5 entries, expected 2 chains x 2 assets");
  j = good;
  j["event_accumulators"].erase(0);
  refuse(j, "commitment.event_accumulators: 1 entries, expected 2 chains");
  refuse(json::array(), "c: must be an object");
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

TEST(CommitmentBuilder, TakesCutsCustodyPendingAndWithdrawalRootsFromTheEpoch) {
  Genesis g = test::four_validators();  // 2 chains, 2 assets
  EpochChanges changes;
  changes.epoch = 9;
  changes.heights = {100, 200};
  changes.custody = {Amount(1), Amount(2), Amount(3), Amount(4)};
  changes.pending = {Amount(0), Amount(1), Amount(2), Amount(0)};
  CertifiedWithdrawal w;
  w.id = test::hash_of_byte(0x77);
  w.dest_chain = 1;
  w.token_amount[31] = 5;
  changes.withdrawals.push_back(w);
  const AssetLiabilities liabilities[] = {{test::hash_of_byte(0xa1), Amount(10)},
                                          {test::hash_of_byte(0xa2), Amount(20)}};
  const ChainCut cuts[] = {{100, test::hash_of_byte(0xc1), 1764470090, 4, test::hash_of_byte(0xd1)},
                           {}};
  const uint64_t end_time = 1764470100;
  auto built =
      build_epoch_commitment(g, test::hash_of_byte(0x99), changes, liabilities, end_time, cuts);
  ASSERT_TRUE(built) << built.error().message;
  const EpochCommitment& c = built->commitment;
  EXPECT_EQ(c.network_id, g.network_id);
  EXPECT_EQ(c.epoch, 9u);
  EXPECT_EQ(c.previous, test::hash_of_byte(0x99));
  EXPECT_EQ(c.end_time, end_time);
  EXPECT_EQ(c.cut(0), cuts[0]);
  EXPECT_TRUE(c.cut(1).is_empty());
  EXPECT_EQ(c.cut_heights, (std::vector<uint64_t>{100, 0}))
      << "the cuts' heights, not the state's applied heights";
  EXPECT_EQ(c.custody_at(1, 0), Amount(3));
  EXPECT_EQ(c.pending_at(1, 0), Amount(2));
  EXPECT_EQ(c.pending_at(0, 1), Amount(1));
  EXPECT_EQ(c.liabilities_roots[1], test::hash_of_byte(0xa2));
  EXPECT_EQ(c.liabilities_totals[0], Amount(10));
  EXPECT_EQ(c.withdrawal_roots[0], empty_withdrawal_root());
  ASSERT_EQ(built->withdrawal_trees.size(), 2u);
  EXPECT_EQ(c.withdrawal_roots[1], built->withdrawal_trees[1].root());
  EXPECT_EQ(built->withdrawal_trees[1].size(), 1u);
  EXPECT_TRUE(check_commitment_against(c, g));

  auto refused = [&](const EpochChanges& ch, std::span<const AssetLiabilities> l,
                     std::span<const ChainCut> k, const std::string& needle) {
    auto r = build_epoch_commitment(g, Hash32{}, ch, l, end_time, k);
    ASSERT_FALSE(r) << needle;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  };
  refused(changes, liabilities, std::span<const ChainCut>(cuts, 1), "1 cuts for 2 chains");
  auto short_custody = changes;
  short_custody.custody.pop_back();
  refused(short_custody, liabilities, cuts, "3 custody entries for 2 chains x 2 assets");
  auto short_pending = changes;
  short_pending.pending.pop_back();
  refused(short_pending, liabilities, cuts, "3 pending entries for 2 chains x 2 assets");
  refused(changes, std::span<const AssetLiabilities>(liabilities, 1), cuts,
          "1 liabilities roots for 2 assets");
}

}  // namespace
}  // namespace relay
