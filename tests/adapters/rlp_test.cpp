// RLP encoding (adapters/evm/rlp.h) against the Ethereum wiki's examples (ethereum.org, "Recursive
// Length Prefix", Examples) and against ethers' encodeRlp on long strings and lists
// (tests/vectors/transaction_vectors.json, written by transaction_vectors.mjs).
#include "adapters/evm/rlp.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "vault/hex.h"

namespace relay::evm::rlp {
namespace {

Bytes str(const std::string& s) { return encode_bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()}); }
std::string hex(const Bytes& b) { return to_hex(b); }

TEST(Rlp, EncodesTheWikiExamples) {
  EXPECT_EQ(hex(str("dog")), "0x83646f67");
  EXPECT_EQ(hex(encode_list({str("cat"), str("dog")})), "0xc88363617483646f67");
  EXPECT_EQ(hex(str("")), "0x80");
  EXPECT_EQ(hex(encode_list({})), "0xc0");
  EXPECT_EQ(hex(encode_uint(uint64_t{0})), "0x80");
  EXPECT_EQ(hex(encode_bytes(Bytes{0x00})), "0x00");  // the byte 0x00 is itself
  EXPECT_EQ(hex(encode_bytes(Bytes{0x0f})), "0x0f");
  EXPECT_EQ(hex(encode_uint(uint64_t{15})), "0x0f");
  EXPECT_EQ(hex(encode_uint(uint64_t{1024})), "0x820400");
  // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
  Bytes empty = encode_list({});
  Bytes one = encode_list({empty});
  EXPECT_EQ(hex(encode_list({empty, one, encode_list({empty, one})})), "0xc7c0c1c0c3c0c1c0");
  // A 56-byte string: the first that needs a length of its length.
  std::string lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
  ASSERT_EQ(lorem.size(), 56u);
  EXPECT_EQ(hex(str(lorem)), "0xb838" + hex(Bytes(lorem.begin(), lorem.end())).substr(2));
}

TEST(Rlp, IntegersAreMinimalBigEndian) {
  EXPECT_EQ(hex(encode_uint(uint64_t{0x7f})), "0x7f");  // one byte below 0x80: itself
  EXPECT_EQ(hex(encode_uint(uint64_t{0x80})), "0x8180");
  EXPECT_EQ(hex(encode_uint(uint64_t{0x100})), "0x820100");
  EXPECT_EQ(hex(encode_uint(UINT64_MAX)), "0x88ffffffffffffffff");
  EXPECT_EQ(hex(encode_uint(Amount())), "0x80");
  EXPECT_EQ(hex(encode_uint(Amount(uint128_t(1) << 64))), "0x89010000000000000000");
  EXPECT_EQ(hex(encode_uint(Amount::max())), "0x90" + std::string(32, 'f'));
}

TEST(Rlp, LengthBoundaries) {
  // 55 bytes: short form; 56: long form with one length byte; 256: two length bytes.
  EXPECT_EQ(encode_bytes(Bytes(55, 0xaa))[0], 0x80 + 55);
  Bytes b56 = encode_bytes(Bytes(56, 0xaa));
  EXPECT_EQ(hex(Bytes(b56.begin(), b56.begin() + 2)), "0xb838");
  Bytes b256 = encode_bytes(Bytes(256, 0xaa));
  EXPECT_EQ(hex(Bytes(b256.begin(), b256.begin() + 3)), "0xb90100");
  EXPECT_EQ(b256.size(), 259u);
  // Lists whose payload (one string: its prefix byte and its bytes) is 55, then 56 bytes.
  Bytes l55 = encode_list({encode_bytes(Bytes(54, 1))});
  EXPECT_EQ(l55[0], 0xc0 + 55);
  Bytes l56 = encode_list({encode_bytes(Bytes(55, 1))});
  EXPECT_EQ(hex(Bytes(l56.begin(), l56.begin() + 2)), "0xf838");
}

// What ethers' encodeRlp gives for the vectors' nested arrays of byte strings.
Bytes encode_json(const nlohmann::json& v) {
  if (v.is_string()) return encode_bytes(*from_hex(v.get<std::string>()));
  std::vector<Bytes> items;
  for (const auto& i : v) items.push_back(encode_json(i));
  return encode_list(items);
}

TEST(Rlp, MatchesEthersOnLongStringsAndLists) {
  std::ifstream in(RELAY_SOURCE_DIR "/tests/vectors/transaction_vectors.json");
  auto vectors = nlohmann::json::parse(in);
  ASSERT_GE(vectors["rlp"].size(), 4u);
  for (const auto& c : vectors["rlp"])
    EXPECT_EQ(hex(encode_json(c["value"])), c["encoding"].get<std::string>()) << c["name"];
}

}  // namespace
}  // namespace relay::evm::rlp
