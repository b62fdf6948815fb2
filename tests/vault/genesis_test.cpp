// Genesis parsing: a good file parses; each malformed field is refused naming the field and
// the reason.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fixture.h"
#include "vault/genesis.h"
#include "vault/sha256.h"

namespace relay {
namespace {

using nlohmann::json;

json good() { return json::parse(test::kGenesisJson); }

std::string error_of(const json& j) {
  auto g = parse_genesis(j.dump());
  return g ? "" : g.error().message;
}

TEST(Genesis, ParsesTheTestGenesis) {
  auto g = parse_genesis(test::kGenesisJson);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->network, "test-net");
  EXPECT_EQ(g->quorum, 2u);
  ASSERT_EQ(g->chains.size(), 3u);
  EXPECT_EQ(g->chains[1].chain_id.value, 2u);
  EXPECT_TRUE(g->chains[0].finality.finalized_tag);
  EXPECT_EQ(g->chains[1].finality.confirmations, 3u);
  ASSERT_EQ(g->assets.size(), 2u);
  EXPECT_EQ(g->assets[1].token_on(1)->decimals, 18u);
  EXPECT_EQ(g->assets[0].token_on(2), nullptr);
}

TEST(Genesis, NetworkIdIsSha256OfTheFileBytes) {
  std::string text = test::kGenesisJson;
  auto g = parse_genesis(text);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->network_id,
            sha256(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()),
                                            text.size())));
  // Another network: another id, so no signature crosses over.
  auto other = parse_genesis(text + " ");
  ASSERT_TRUE(other);
  EXPECT_NE(other->network_id, g->network_id);
}

TEST(Genesis, RefusesInvalidJson) {
  auto g = parse_genesis("{\"network\": ");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message, "genesis: not valid JSON");
}

struct BadCase {
  const char* name;
  void (*edit)(json&);
  const char* error;
};

class GenesisRefuses : public ::testing::TestWithParam<BadCase> {};

TEST_P(GenesisRefuses, NamingFieldAndReason) {
  json j = good();
  GetParam().edit(j);
  EXPECT_EQ(error_of(j), std::string("genesis: ") + GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, GenesisRefuses,
    ::testing::Values(
        BadCase{"MissingNetwork", [](json& j) { j.erase("network"); }, "network: missing"},
        BadCase{"EmptyValidators", [](json& j) { j["validators"] = json::array(); },
                "validators: must be a non-empty array"},
        BadCase{"ShortPubkey", [](json& j) { j["validators"][1]["pubkey"] = "0x02abcd"; },
                "validators[1].pubkey: must be 0x and a 33-byte compressed secp256k1 key"},
        BadCase{"UncompressedPrefix",
                [](json& j) {
                  std::string k = j["validators"][0]["pubkey"];
                  j["validators"][0]["pubkey"] = "0x04" + k.substr(4);
                },
                "validators[0].pubkey: not a compressed key (must start with 02 or 03)"},
        BadCase{"DuplicateValidatorKey",
                [](json& j) { j["validators"][1]["pubkey"] = j["validators"][0]["pubkey"]; },
                "validators[1].pubkey: duplicate validator key"},
        BadCase{"ZeroWeight", [](json& j) { j["validators"][0]["weight"] = 0; },
                "validators[0].weight: must be between 1 and 9007199254740992"},
        BadCase{"QuorumAboveWeight", [](json& j) { j["quorum"] = 3; },
                "quorum: 3 exceeds the validators' total weight 2"},
        BadCase{"NegativeQuorum", [](json& j) { j["quorum"] = -1; },
                "quorum: must be a non-negative integer"},
        BadCase{"ShortVault", [](json& j) { j["chains"][2]["vault"] = "0x1234"; },
                "chains[2].vault: must be 0x and 20 bytes of hex"},
        BadCase{"UnknownKind", [](json& j) { j["chains"][0]["kind"] = "utxo"; },
                "chains[0].kind: unsupported chain kind \"utxo\""},
        BadCase{"BadFinality", [](json& j) { j["chains"][0]["finality"] = {{"tag", "safe"}}; },
                "chains[0].finality.tag: only \"finalized\" is supported"},
        BadCase{"FinalityBothWays",
                [](json& j) { j["chains"][0]["finality"] = {{"tag", "finalized"}, {"confirmations", 2}}; },
                "chains[0].finality: must be {\"tag\":\"finalized\"} or {\"confirmations\": n}"},
        BadCase{"DuplicateChainId", [](json& j) { j["chains"][1]["chain_id"] = 1; },
                "chains[1].chain_id: duplicate chain id"},
        BadCase{"DuplicateChainName", [](json& j) { j["chains"][1]["name"] = "alpha"; },
                "chains[1].name: duplicate chain name"},
        BadCase{"ChainNameWithSpace", [](json& j) { j["chains"][1]["name"] = "be ta"; },
                "chains[1].name: only letters, digits, '_', '.' and '-' are allowed"},
        BadCase{"DecimalsAbove38", [](json& j) { j["assets"][0]["decimals"] = 39; },
                "assets[0].decimals: must be between 0 and 38"},
        BadCase{"TokenOnUnknownChain",
                [](json& j) {
                  j["assets"][0]["tokens"]["delta"] = {{"address", "0x0000000000000000000000000000000000000000"},
                                                        {"decimals", 18}};
                },
                "assets[0].tokens.delta: no chain of that name"},
        BadCase{"TokenForTwoAssets",
                [](json& j) { j["assets"][1]["tokens"]["alpha"]["address"] = test::kEthToken; },
                "assets[1].tokens.alpha.address: token already registered for another asset on this chain"},
        BadCase{"DuplicateAsset", [](json& j) { j["assets"][1]["id"] = "ETH"; },
                "assets[1].id: duplicate asset id"},
        BadCase{"EmptyAssetId", [](json& j) { j["assets"][1]["id"] = ""; },
                "assets[1].id: must be a non-empty string"},
        BadCase{"AssetIdWithSpace", [](json& j) { j["assets"][1]["id"] = "US DC"; },
                "assets[1].id: 1 to 32 letters, digits, '_', '.' or '-'"},
        BadCase{"AssetIdOver32", [](json& j) { j["assets"][1]["id"] = std::string(33, 'U'); },
                "assets[1].id: 1 to 32 letters, digits, '_', '.' or '-'"},
        BadCase{"TokenDecimalsString",
                [](json& j) { j["assets"][1]["tokens"]["beta"]["decimals"] = "18"; },
                "assets[1].tokens.beta.decimals: must be a non-negative integer"}),
    [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace relay
