// decode_commitment, the inverse of the canonical encoding: it gives back every vector's
// commitment, and refuses any byte string that is not exactly a canonical encoding (so a
// stored or received commitment always re-encodes, and re-hashes, to the same bytes).
#include "proofs/commitment_decode.h"

#include <gtest/gtest.h>

#include <random>

#include "certificate_fixture.h"
#include "proofs/commitment_json.h"
#include "proofs/commitment_layout.h"

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

TEST(CommitmentDecode, RefusesNonCanonicalBytesNamingTheWordAndTheField) {
  const Genesis g = test::four_validators();
  const std::vector<uint8_t> good = encode_commitment(test::sample_commitment(g));
  ASSERT_TRUE(decode_commitment(good));
  // The sample (C = A = 2) in words: 0-3 static, 4-13 offsets, then each array's length and
  // elements: cut_heights 14, cut_hashes 17, cut_timestamps 20, event_counts 23,
  // event_accumulators 26, liabilities_roots 29, liabilities_totals 32, custody 35, pending 40,
  // withdrawal_roots 45; 48 words.
  ASSERT_EQ(good.size(), 48u * 32);
  auto with = [&](size_t byte, uint8_t value) {
    std::vector<uint8_t> b = good;
    b[byte] = value;
    return b;
  };
  auto expect = [](const std::vector<uint8_t>& b, const std::string& needle) {
    const std::string r = refusal(b);
    EXPECT_NE(r.find(needle), std::string::npos) << needle << "\n got: " << r;
  };
  // 64-bit words with a bit set above 2^64 (byte 23 of the word), 128-bit ones above 2^128.
  expect(with(1 * 32 + 23, 1), "word 1: epoch does not fit in 64 bits");
  expect(with(3 * 32 + 23, 1), "word 3: end_time does not fit in 64 bits");
  expect(with(15 * 32 + 20, 1), "word 15: cut_heights[0] does not fit in 64 bits");
  expect(with(22 * 32 + 0, 1), "word 22: cut_timestamps[1] does not fit in 64 bits");
  expect(with(24 * 32 + 23, 0x80), "word 24: event_counts[0] does not fit in 64 bits");
  expect(with(34 * 32 + 15, 1), "word 34: liabilities_totals[1] does not fit in 128 bits");
  expect(with(36 * 32 + 0, 1), "word 36: custody[0] does not fit in 128 bits");
  expect(with(44 * 32 + 15, 1), "word 44: pending[3] does not fit in 128 bits");
  // Every offset moved is named by its array.
  const size_t starts[] = {14, 17, 20, 23, 26, 29, 32, 35, 40, 45};
  for (size_t a = 0; a < 10; ++a) {
    const std::string name(commitment_layout::kArrayNames[a]);
    expect(with((4 + a) * 32 + 31, uint8_t(good[(4 + a) * 32 + 31] + 32)),
           "word " + std::to_string(4 + a) + ": offset of " + name + " is not " +
               std::to_string(32 * starts[a]));
    expect(with((4 + a) * 32 + 8, 1), "word " + std::to_string(4 + a) + ": offset of " + name);
    // A length one more moves the next array (or leaves one word missing at the end).
    const std::string after = a + 1 < 10 ? "word " + std::to_string(5 + a) + ": offset of " +
                                               std::string(commitment_layout::kArrayNames[a + 1])
                                         : "word 45: length of withdrawal_roots runs past the end";
    expect(with(starts[a] * 32 + 31, uint8_t(good[starts[a] * 32 + 31] + 1)), after);
    // A length beyond the bytes.
    expect(with(starts[a] * 32 + 30, 0xff),
           "word " + std::to_string(starts[a]) + ": length of " + name + " runs past the end");
  }
  // Lengths that are consistent in the bytes but not with each other: the field is named.
  EpochCommitment short_pending = test::sample_commitment(g);
  short_pending.pending.pop_back();
  expect(encode_commitment(short_pending), "commitment.pending: 3 entries, expected 2 chains x 2");
  EpochCommitment short_acc = test::sample_commitment(g);
  short_acc.event_accumulators.pop_back();
  expect(encode_commitment(short_acc), "commitment.event_accumulators: 1 entries, expected 2");
  // Whole words and nothing after the last array.
  std::vector<uint8_t> longer = good;
  longer.resize(good.size() + 32);
  expect(longer, "1 trailing words after the last array (withdrawal_roots)");
  std::vector<uint8_t> shorter(good.begin(), good.end() - 32);
  expect(shorter, "word 45: length of withdrawal_roots runs past the end");
  std::vector<uint8_t> ragged(good.begin(), good.end() - 1);
  expect(ragged, "whole number");
  expect({}, "0 bytes, not a whole number of 32-byte words of at least 24");
  // The eight-field commitment of older relays (13 words with every array empty) is refused.
  expect(std::vector<uint8_t>(13 * 32), "of at least 24");
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
