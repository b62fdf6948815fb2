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
  EXPECT_TRUE(g->chains[2].finality.instant);
  EXPECT_EQ(g->chains[2].finality.confirmations, 0u);
  EXPECT_FALSE(g->chains[1].finality.instant);
  EXPECT_EQ(g->chains[0].start_block, 0u);  // the default
  EXPECT_FALSE(g->epochs);                  // optional; relayd requires it
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

TEST(Genesis, RefusesInvalidJsonNamingLineAndColumn) {
  auto g = parse_genesis("{\n  \"network\": \"n\",\n  \"quorum\": 1,,\n}\n");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message,
            "genesis: not valid JSON at line 3, column 15: syntax error while parsing object key "
            "- unexpected ','; expected string literal");
}

TEST(Genesis, RefusesARepeatedKeyNamingIt) {
  // nlohmann alone would keep the second "kind"; two readers could then disagree.
  std::string text = test::kGenesisJson;
  const std::string kind = R"("kind": "evm",)";
  text.insert(text.find(kind), kind);
  auto g = parse_genesis(text);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message, "genesis: chains[0].kind: repeated key");
}

TEST(Genesis, ReadsEpochsAndStartBlock) {
  json j = good();
  j["epochs"] = {{"start_time", 1764470000}, {"seconds", 10}};
  j["chains"][1]["start_block"] = 4096;
  auto g = parse_genesis(j.dump());
  ASSERT_TRUE(g) << g.error().message;
  ASSERT_TRUE(g->epochs);
  EXPECT_EQ(*g->epochs, (EpochSchedule{1764470000, 10}));
  EXPECT_EQ(g->epochs->end_time(0), 1764470010u);
  EXPECT_EQ(g->epochs->end_time(7), 1764470080u);
  EXPECT_EQ(g->chains[1].start_block, 4096u);
  EXPECT_EQ(g->chains[0].start_block, 0u);
}

TEST(Genesis, EpochEndTimeRefusesOverflow) {
  EpochSchedule s{UINT64_MAX - 25, 10};
  EXPECT_EQ(s.end_time(0), UINT64_MAX - 15);
  EXPECT_EQ(s.end_time(1), UINT64_MAX - 5);
  EXPECT_EQ(s.end_time(2), std::nullopt);  // start_time + 30 > 2^64 - 1
  EpochSchedule one{0, 1};
  EXPECT_EQ(one.end_time(UINT64_MAX - 1), UINT64_MAX);
  EXPECT_EQ(one.end_time(UINT64_MAX), std::nullopt);  // e + 1 overflows
  EpochSchedule big{0, uint64_t{1} << 32};
  EXPECT_EQ(big.end_time((uint64_t{1} << 32) - 2), ((uint64_t{1} << 32) - 1) << 32);
  EXPECT_EQ(big.end_time(uint64_t{1} << 32), std::nullopt);  // (e + 1) * seconds overflows
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
                "chains[0].finality: must be one of {\"tag\": \"finalized\"}, {\"confirmations\": "
                "n} with n >= 1, or {\"instant\": true}"},
        BadCase{"FinalityUnknownForm", [](json& j) { j["chains"][0]["finality"] = {{"blocks", 2}}; },
                "chains[0].finality: must be one of {\"tag\": \"finalized\"}, {\"confirmations\": "
                "n} with n >= 1, or {\"instant\": true}"},
        BadCase{"ZeroConfirmationsNamesInstant",
                [](json& j) { j["chains"][1]["finality"] = {{"confirmations", 0}}; },
                "chains[1].finality.confirmations: must be at least 1; for a chain whose blocks "
                "are final when they appear, write {\"instant\": true}"},
        BadCase{"NegativeConfirmations",
                [](json& j) { j["chains"][1]["finality"] = {{"confirmations", -2}}; },
                "chains[1].finality.confirmations: must be a non-negative integer"},
        BadCase{"InstantFalse", [](json& j) { j["chains"][2]["finality"] = {{"instant", false}}; },
                "chains[2].finality.instant: must be true (a chain without instant finality "
                "takes {\"tag\": \"finalized\"} or {\"confirmations\": n})"},
        BadCase{"InstantString", [](json& j) { j["chains"][2]["finality"] = {{"instant", "true"}}; },
                "chains[2].finality.instant: must be true (a chain without instant finality "
                "takes {\"tag\": \"finalized\"} or {\"confirmations\": n})"},
        BadCase{"NegativeStartBlock", [](json& j) { j["chains"][0]["start_block"] = -1; },
                "chains[0].start_block: must be a non-negative integer"},
        BadCase{"StartBlockString", [](json& j) { j["chains"][0]["start_block"] = "0x10"; },
                "chains[0].start_block: must be a non-negative integer"},
        BadCase{"EpochsNotObject", [](json& j) { j["epochs"] = 10; },
                "epochs: must be an object"},
        BadCase{"EpochsMissingSeconds", [](json& j) { j["epochs"] = {{"start_time", 5}}; },
                "epochs.seconds: missing"},
        BadCase{"EpochsZeroSeconds",
                [](json& j) { j["epochs"] = {{"start_time", 5}, {"seconds", 0}}; },
                "epochs.seconds: must be between 1 and 18446744073709551615"},
        BadCase{"EpochsNegativeStart",
                [](json& j) { j["epochs"] = {{"start_time", -5}, {"seconds", 1}}; },
                "epochs.start_time: must be a non-negative integer"},
        BadCase{"EpochsUnknownKey",
                [](json& j) { j["epochs"] = {{"start_time", 5}, {"seconds", 1}, {"length", 2}}; },
                "epochs.length: unknown field"},
        BadCase{"EpochsNeverEnd",
                [](json& j) {
                  j["epochs"] = {{"start_time", UINT64_MAX - 1}, {"seconds", 2}};
                },
                "epochs: start_time + seconds exceeds 2^64 - 1: no epoch could ever end"},
        BadCase{"UnknownTopLevelField", [](json& j) { j["epoch"] = 1; }, "epoch: unknown field"},
        BadCase{"UnknownChainField", [](json& j) { j["chains"][1]["startblock"] = 1; },
                "chains[1].startblock: unknown field"},
        BadCase{"UnknownValidatorField", [](json& j) { j["validators"][0]["power"] = 1; },
                "validators[0].power: unknown field"},
        BadCase{"UnknownAssetField", [](json& j) { j["assets"][0]["symbol"] = "E"; },
                "assets[0].symbol: unknown field"},
        BadCase{"UnknownTokenField",
                [](json& j) { j["assets"][1]["tokens"]["beta"]["symbol"] = "U"; },
                "assets[1].tokens.beta.symbol: unknown field"},
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
