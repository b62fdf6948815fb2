// The vault calls' ABI encoding (adapters/evm/vault_abi.h) against ethers 6's
// Interface.encodeFunctionData (tests/vectors/transaction_vectors.json), the bool decoder, and
// the naming of reverts (adapters/evm/revert.h), whose list of the vault's errors must be the
// one deploy/contracts/RelayVault.sol declares.
#include "adapters/evm/vault_abi.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "adapters/evm/revert.h"
#include "tests/support/relayctl.h"
#include "vault/hex.h"

namespace relay::evm {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes unhex(const std::string& s) { return *from_hex(s); }

TEST(VaultAbi, CallsMatchEthers) {
  std::ifstream in(RELAY_SOURCE_DIR "/tests/vectors/transaction_vectors.json");
  auto v = nlohmann::json::parse(in);
  ASSERT_GE(v["abi"].size(), 6u);
  for (const auto& c : v["abi"]) {
    std::string fn = c["fn"];
    Bytes got;
    if (fn == "isCommitted") {
      got = encode_is_committed(std::stoull(c["args"][0].is_string() ? c["args"][0].get<std::string>()
                                                                     : std::to_string(c["args"][0].get<uint64_t>())));
    } else {
      std::vector<Bytes> sigs;
      for (const auto& s : c["args"][1]) sigs.push_back(unhex(s));
      Bytes commitment = unhex(c["args"][0]);
      got = fn == "commitEpoch" ? encode_commit_epoch(commitment, sigs)
                                : encode_check_certificate(commitment, sigs);
    }
    EXPECT_EQ(to_hex(got), c["calldata"].get<std::string>()) << c["name"];
  }
}

TEST(VaultAbi, SelectorsAreKeccakOfTheSignature) {
  // Well-known selectors: transfer(address,uint256) and the vault's isCommitted.
  EXPECT_EQ(to_hex(selector("transfer(address,uint256)")), "0xa9059cbb");
  EXPECT_EQ(to_hex(selector("Error(string)")), "0x08c379a0");
  EXPECT_EQ(to_hex(selector("Panic(uint256)")), "0x4e487b71");
}

TEST(VaultAbi, DecodesABoolOrSaysWhatCameBack) {
  Bytes w(32, 0);
  EXPECT_EQ(decode_bool(w).value(), false);
  w[31] = 1;
  EXPECT_EQ(decode_bool(w).value(), true);
  w[31] = 2;
  EXPECT_NE(decode_bool(w).error().message.find("not a bool"), std::string::npos);
  w[31] = 1;
  w[0] = 1;
  EXPECT_FALSE(decode_bool(w));
  auto none = decode_bool({});  // eth_call to an address without code returns 0x
  EXPECT_NE(none.error().message.find("got 0 bytes"), std::string::npos);
  EXPECT_FALSE(decode_bool(Bytes(64, 0)));
}

Bytes word(uint64_t v) {
  Bytes w(32, 0);
  for (int i = 0; i < 8; ++i) w[31 - i] = uint8_t(v >> (8 * i));
  return w;
}

Bytes error_data(const char* signature, std::initializer_list<Bytes> words) {
  auto sel = selector(signature);
  Bytes out(sel.begin(), sel.end());
  for (const auto& w : words) out.insert(out.end(), w.begin(), w.end());
  return out;
}

TEST(Revert, NamesTheVaultsErrorsWithTheirArguments) {
  EXPECT_EQ(describe_revert(error_data("EpochAlreadyCommitted(uint64)", {word(7)})),
            "EpochAlreadyCommitted(epoch=7)");
  EXPECT_EQ(revert_name(error_data("EpochAlreadyCommitted(uint64)", {word(7)})), "EpochAlreadyCommitted");
  EXPECT_EQ(describe_revert(error_data("InsufficientWeight(uint256,uint64)", {word(1), word(3)})),
            "InsufficientWeight(weight=1, quorum=3)");
  Bytes signer = word(0);
  signer[12] = 0xab;
  signer[31] = 0xcd;
  EXPECT_EQ(describe_revert(error_data("UnknownSigner(uint256,address)", {word(2), signer})),
            "UnknownSigner(index=2, signer=0xab000000000000000000000000000000000000cd)");
  EXPECT_EQ(describe_revert(error_data("MalformedCommitment()", {})), "MalformedCommitment()");
  Bytes net(32, 0x11);
  EXPECT_EQ(describe_revert(error_data("WrongNetwork(bytes32)", {net})), "WrongNetwork(networkId=" + to_hex(net) + ")");
}

TEST(Revert, SolidityErrorsAndUnknownData) {
  // Error("no"): offset 32, length 2, "no" padded.
  Bytes s = word(2);
  Bytes text(32, 0);
  text[0] = 'n';
  text[1] = '"';
  EXPECT_EQ(describe_revert(error_data("Error(string)", {word(32), s, text})), "Error(\"n\\x22\")");
  EXPECT_EQ(describe_revert(error_data("Panic(uint256)", {word(0x11)})), "Panic(code=0x11)");
  EXPECT_EQ(describe_revert({}), "no revert data");
  EXPECT_EQ(describe_revert(Bytes{0xde, 0xad, 0xbe, 0xef, 1}), "unknown error 0xdeadbeef (5 bytes of data)");
  EXPECT_EQ(describe_revert(Bytes{0xde, 0xad}), "unknown revert data 0xdead");
  // A known selector with the wrong argument length, or a string running past the data.
  EXPECT_EQ(describe_revert(error_data("InsufficientWeight(uint256,uint64)", {word(1)})).rfind("unknown error", 0), 0u);
  EXPECT_EQ(describe_revert(error_data("Error(string)", {word(32), word(100)})).rfind("unknown error", 0), 0u);
}

// Every `error X(...)` declared in a Solidity file, as "X(type name, ...)".
std::set<std::string> declared_errors(const std::string& path) {
  std::string text = relay::testing::read_text(path);
  std::set<std::string> out;
  std::regex re(R"(\berror\s+(\w+\([^)]*\))\s*;)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

TEST(Revert, KnowsExactlyTheErrorsTheVaultDeclares) {
  auto vault = declared_errors(RELAY_SOURCE_DIR "/deploy/contracts/RelayVault.sol");
  ASSERT_GT(vault.size(), 10u);
  std::set<std::string> known(vault_error_declarations().begin(), vault_error_declarations().end());
  for (const auto& e : vault) EXPECT_TRUE(known.contains(e)) << "revert.cpp lacks " << e;
  for (const auto& e : known) EXPECT_TRUE(vault.contains(e)) << "RelayVault.sol no longer declares " << e;
  // And the test vault's errors (the same declarations).
  for (const auto& e : declared_errors(RELAY_SOURCE_DIR "/tests/adapters/PublishTestVault.sol"))
    EXPECT_TRUE(known.contains(e)) << "revert.cpp lacks " << e;
}

}  // namespace
}  // namespace relay::evm
