// decode_commitment, the inverse of the canonical encoding: it gives back every vector's
// commitment, and refuses any byte string that is not exactly a canonical encoding (so a
// stored or received commitment always re-encodes, and re-hashes, to the same bytes).
#include "proofs/commitment_decode.h"

#include <gtest/gtest.h>

#include <random>

#include "certificate_fixture.h"
#include "proofs/commitment_json.h"

namespace relay {
namespace {

using nlohmann::json;

std::string refusal(const std::vector<uint8_t>& bytes) {
  auto c = decode_commitment(bytes);
  return c ? std::string("accepted") : c.error().message;
}

TEST(CommitmentDecode, GivesBackEveryVectorsCommitment) {
  json v = test::load_vector("commitment_vectors.json");
  for (const json& k : v["cases"]) {
    SCOPED_TRACE(k["name"].get<std::string>());
    auto expected = commitment_from_json(k["commitment"], "vector");
    ASSERT_TRUE(expected);
    auto c = decode_commitment(test::bytes_of(k["encoding"].get<std::string>()));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(*c, *expected);
  }
}

TEST(CommitmentDecode, RefusesNonCanonicalBytesNamingTheWord) {
  const Genesis g = test::four_validators();
  const std::vector<uint8_t> good = encode_commitment(test::sample_commitment(g));
  ASSERT_TRUE(decode_commitment(good));
  auto with = [&](size_t byte, uint8_t value) {
    std::vector<uint8_t> b = good;
    b[byte] = value;
    return b;
  };
  // epoch (word 1) above 2^64; an offset (word 4) moved; a height (word 9) above 2^64;
  // the heights' length (word 8) one more; a total (word 16) above 2^128.
  EXPECT_NE(refusal(with(32 + 23, 1)).find("word 1: epoch"), std::string::npos);
  EXPECT_NE(refusal(with(4 * 32 + 31, 0x80)).find("word 4: array offset"), std::string::npos);
  EXPECT_NE(refusal(with(9 * 32 + 20, 1)).find("word 9: finalized height"), std::string::npos);
  EXPECT_NE(refusal(with(8 * 32 + 31, 3)).find("word 4: array offset"), std::string::npos);
  EXPECT_NE(refusal(with(16 * 32 + 15, 1)).find("word 16: liabilities total"), std::string::npos)
      << refusal(with(16 * 32 + 15, 1));
  std::vector<uint8_t> longer = good;
  longer.resize(good.size() + 32);
  EXPECT_NE(refusal(longer).find("trailing"), std::string::npos) << refusal(longer);
  std::vector<uint8_t> shorter(good.begin(), good.end() - 32);
  EXPECT_NE(refusal(shorter).find("runs past the end"), std::string::npos) << refusal(shorter);
  std::vector<uint8_t> ragged(good.begin(), good.end() - 1);
  EXPECT_NE(refusal(ragged).find("whole number"), std::string::npos) << refusal(ragged);
  EXPECT_NE(refusal({}).find("whole number"), std::string::npos);
}

TEST(CommitmentDecode, AnyMutationIsRefusedOrReencodesToItself) {
  const Genesis g = test::four_validators();
  const std::vector<uint8_t> good = encode_commitment(test::sample_commitment(g));
  std::mt19937_64 rng(11);
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> b = good;
    for (int k = 0, n = 1 + int(rng() % 3); k < n; ++k)
      b[rng() % b.size()] ^= uint8_t(1 + rng() % 255);
    if (rng() % 8 == 0) b.resize(rng() % (b.size() + 64));
    auto c = decode_commitment(b);
    if (c) {
      EXPECT_EQ(encode_commitment(*c), b) << "accepted bytes must be canonical";
    }
  }
}

}  // namespace
}  // namespace relay
