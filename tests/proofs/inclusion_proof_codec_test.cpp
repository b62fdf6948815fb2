// JSON and binary encodings of liabilities proofs: round trips, and strict decoding that
// refuses unknown, missing, mistyped and out-of-range fields, naming them.
#include "proofs/inclusion_proof_codec.h"

#include <gtest/gtest.h>

#include "liabilities_test_util.h"
#include "proofs/sum_tree.h"

namespace relay::proofs {
namespace {

using nlohmann::json;
using testing::account_n;
using testing::Model;
using testing::updates_of;

class CodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Model all;
    for (uint64_t a = 0; a < 300; ++a) all[account_n(a)] = Amount{uint128_t(1) << 100 | a};
    ASSERT_TRUE(tree.apply(updates_of(all)));
    present = tree.prove(account_n(7));
    for (uint64_t a = 1000;; ++a)
      if (auto p = tree.prove(account_n(a)); p.other_leaf) {
        absent = p;
        break;
      }
  }
  void refused_json(const json& j, const std::string& what) {
    auto r = proof_from_json(j);
    ASSERT_FALSE(r.has_value()) << j.dump();
    EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
  }
  SumTree tree{"USDC"};
  LiabilityProof present, absent;
};

TEST_F(CodecTest, JsonRoundTripsAndStillVerifies) {
  for (const auto& p : {present, absent}) {
    auto back = proof_from_json(json::parse(to_json(p).dump()));
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(*back, p);
    EXPECT_TRUE(verify(*back, tree.root()));
  }
}

TEST_F(CodecTest, BinaryRoundTripsAndHasTheDocumentedSize) {
  for (const auto& p : {present, absent}) {
    auto bytes = to_bytes(p);
    EXPECT_EQ(bytes.size(), 3 + p.asset.size() + 98 + 48 * p.siblings.size() +
                                (p.other_leaf ? 48 : 0));
    auto back = proof_from_bytes(bytes);
    ASSERT_TRUE(back.has_value()) << back.error().message;
    EXPECT_EQ(*back, p);
  }
}

TEST_F(CodecTest, BinaryRefusesTruncationAndTrailingBytes) {
  auto bytes = to_bytes(present);
  for (size_t n : {size_t(0), size_t(2), size_t(50), bytes.size() - 1}) {
    auto r = proof_from_bytes(std::span(bytes).first(n));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_NE(r.error().message.find("truncated"), std::string::npos);
  }
  bytes.push_back(0);
  auto r = proof_from_bytes(bytes);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("trailing"), std::string::npos);
}

TEST_F(CodecTest, JsonRefusesUnknownFields) {
  auto j = to_json(present);
  j["path_bits"] = "0101";
  refused_json(j, "path_bits: unknown field");
  j = to_json(present);
  j["siblings"][0]["depth"] = 1;
  refused_json(j, "siblings[0].depth: unknown field");
}

TEST_F(CodecTest, JsonRefusesMissingAndMistypedFields) {
  for (const char* f : {"version", "asset", "account", "key", "balance", "root", "total", "siblings"}) {
    auto j = to_json(present);
    j.erase(f);
    refused_json(j, std::string(f) + ": missing");
  }
  auto j = to_json(present);
  j["balance"] = 5;
  refused_json(j, "balance: not a string");
  j = to_json(present);
  j["total"] = "340282366920938463463374607431768211456";  // 2^128
  refused_json(j, "total: not a decimal string below 2^128");
  j = to_json(present);
  j["siblings"][1]["sum"] = "-1";
  refused_json(j, "siblings[1].sum");
  j = to_json(present);
  j["root"] = "0x1234";
  refused_json(j, "root: not 0x and 64 hex digits");
  j = to_json(present);
  j["asset"] = std::string(256, 'A');
  refused_json(j, "asset: empty or longer than 255 bytes");
  j = to_json(present);
  j["version"] = 2;
  refused_json(j, "version");
  refused_json(json::array(), "not an object");
}

TEST_F(CodecTest, JsonRefusesKeyNotDerivedFromAccount) {
  auto j = to_json(present);
  j["account"] = account_n(8).hex();
  refused_json(j, "key: not SHA-256 of the account");
}

TEST_F(CodecTest, JsonRefusesTooManySiblingsBeforeReadingThem) {
  auto j = to_json(present);
  while (j["siblings"].size() < 300) j["siblings"].push_back(j["siblings"][0]);
  refused_json(j, "proof has 300 siblings, a path has at most 256");
}

}  // namespace
}  // namespace relay::proofs
