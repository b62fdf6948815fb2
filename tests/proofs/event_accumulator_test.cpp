// The vault's event accumulator (docs/node.md "The vault contract"): the C++ fold reproduces,
// step by step, tests/vectors/accumulator_vectors.json, written by ethers 6 (accumulator_vectors
// .mjs) and checked against Solidity on anvil (commitment_solidity_check.mjs); bad events are
// refused with the field and the reason, leaving the accumulator unchanged.
#include "proofs/event_accumulator.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/fixture.h"

namespace relay {
namespace {

using nlohmann::json;

json load() {
  std::ifstream f(std::string(RELAY_SOURCE_DIR) + "/tests/vectors/accumulator_vectors.json");
  EXPECT_TRUE(f.good());
  return json::parse(f);
}

template <class T>
T hex_of(const json& v) {
  auto x = T::from_hex(v.get<std::string>());
  EXPECT_TRUE(x) << v;
  return x ? *x : T{};
}

Event event_of(const json& v) {
  Event e;
  e.chain = "alpha";
  const std::string type = v["type"];
  if (type == "deposit") {
    e.type = EventType::deposit;
    e.token = hex_of<Address>(v["token"]);
    e.account = hex_of<AccountId>(v["account"]);
    e.amount = v["amount"];
  } else if (type == "withdrawal_request") {
    e.type = EventType::withdrawal_request;
    e.account = hex_of<AccountId>(v["account"]);
    e.amount = v["amount"];
    e.dest_chain = v["dest_chain"];
    e.recipient = hex_of<Address>(v["recipient"]);
    e.asset = v["asset"];
  } else {
    EXPECT_EQ(type, "withdrawal_claimed");
    e.type = EventType::withdrawal_claimed;
    e.withdrawal_id = hex_of<Hash32>(v["withdrawal_id"]);
  }
  return e;
}

TEST(EventAccumulator, FoldsTheVectorsStepByStep) {
  const json v = load();
  const Genesis g = test::test_genesis();
  // The vectors name destination chains by the test genesis' names and ids.
  for (auto& [name, id] : v["chains"].items())
    EXPECT_EQ(g.chains[*g.chain_index(name)].chain_id.value, id.get<uint64_t>()) << name;
  ASSERT_GE(v["steps"].size(), 10u);
  EventAccumulator acc;
  for (const json& step : v["steps"]) {
    const Event e = event_of(step["event"]);
    auto record = accumulator_record(e, g);
    ASSERT_TRUE(record) << record.error().message;
    EXPECT_EQ(to_hex(*record), step["record"]) << step["event"];
    ASSERT_TRUE(accumulate(acc, e, g)) << step["event"];
    EXPECT_EQ(acc.count, step["count"].get<uint64_t>());
    EXPECT_EQ(acc.value.hex(), step["accumulator"]) << step["event"];
  }
}

// docs/contract.md "Event accumulator", the example tests/deploy/vault_accumulator_test.mjs
// reads from the real vault's eventState() on anvil.
TEST(EventAccumulator, MatchesTheContractDocExample) {
  const Genesis g = test::test_genesis();
  AccountId sender = *AccountId::from_hex(
      "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  EventAccumulator acc;
  ASSERT_TRUE(accumulate(acc, test::deposit("alpha", 1, 0, test::kEthToken, sender,
                                            "2000000000000000000"), g));
  EXPECT_EQ(acc.value.hex(), "0x2dbcbaff38b29f7081e7fe77edfb126c495851df566b6629f9ad827843a5e2c6");
  Event w = test::withdraw("alpha", 2, 0, sender, "ETH", "500000000000000000", "chain_id:31338");
  w.recipient = *Address::from_hex("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
  ASSERT_TRUE(accumulate(acc, w, g));
  EXPECT_EQ(acc.value.hex(), "0x6dbce876ae28d9d79bb7f3f8a74cba7de5d618068c044b6a8b4042cdfc28bdac");
  Hash32 id;
  id.bytes.fill(0xab);
  ASSERT_TRUE(accumulate(acc, test::claim("alpha", 3, 0, id), g));
  EXPECT_EQ(acc, (EventAccumulator{3, *Hash32::from_hex("0xc1e849edd0e3c63a18d1351aef10c7ef77ae71"
                                                         "358219bb2dca73630e7de92efd")}));
}

TEST(EventAccumulator, StartsAtZero) {
  EventAccumulator acc;
  EXPECT_EQ(acc.count, 0u);
  EXPECT_TRUE(acc.value.is_zero());
  EXPECT_EQ(acc, EventAccumulator{});
}

Event request(std::string amount, std::string asset, std::string dest) {
  Event e;
  e.type = EventType::withdrawal_request;
  e.chain = "alpha";
  e.amount = std::move(amount);
  e.asset = std::move(asset);
  e.dest_chain = std::move(dest);
  return e;
}

struct Bad {
  const char* name;
  Event event;
  const char* error;
};

// Test names and failures show the case's name, not the struct's bytes.
void PrintTo(const Bad& b, std::ostream* os) { *os << b.name; }

class EventAccumulatorRefuses : public ::testing::TestWithParam<Bad> {};

TEST_P(EventAccumulatorRefuses, NamingTheFieldAndLeavingTheAccumulatorUnchanged) {
  const Genesis g = test::test_genesis();
  EventAccumulator acc;
  Event first = test::deposit("alpha", 1, 0, test::kEthToken, test::account(1), "5");
  ASSERT_TRUE(accumulate(acc, first, g));
  const EventAccumulator before = acc;
  auto r = accumulate(acc, GetParam().event, g);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, GetParam().error);
  EXPECT_EQ(acc, before);
}

Event deposit_of(const char* amount) {
  return test::deposit("alpha", 1, 1, test::kEthToken, test::account(1), amount);
}

INSTANTIATE_TEST_SUITE_P(
    Events, EventAccumulatorRefuses,
    ::testing::Values(
        Bad{"DepositAt2to256",
            deposit_of("115792089237316195423570985008687907853269984665640564039457584007913129639936"),
            "amount: \"115792089237316195423570985008687907853269984665640564039457584007913129639936\" "
            "is not a decimal below 2^256"},
        Bad{"DepositNotDecimal", deposit_of("0x10"), "amount: \"0x10\" is not a decimal below 2^256"},
        Bad{"DepositEmpty", deposit_of(""), "amount: \"\" is not a decimal below 2^256"},
        Bad{"RequestAt2to128", request(test::k2to128, "USDC", "beta"),
            "amount: \"340282366920938463463374607431768211456\" is not a decimal below 2^128"},
        Bad{"RequestEmptyAsset", request("1", "", "beta"), "asset: 0 bytes, not 1 to 32"},
        Bad{"RequestAsset33", request("1", std::string(33, 'A'), "beta"),
            "asset: 33 bytes, not 1 to 32"},
        Bad{"UnknownChainName", request("1", "USDC", "delta"),
            "dest_chain: \"delta\" is neither a genesis chain name nor \"chain_id:<n>\""},
        Bad{"ChainIdNotDecimal", request("1", "USDC", "chain_id:0x5"),
            "dest_chain: \"chain_id:0x5\" is neither a genesis chain name nor \"chain_id:<n>\""},
        Bad{"ChainIdLeadingZero", request("1", "USDC", "chain_id:05"),
            "dest_chain: \"chain_id:05\" is neither a genesis chain name nor \"chain_id:<n>\""},
        Bad{"ChainIdEmpty", request("1", "USDC", "chain_id:"),
            "dest_chain: \"chain_id:\" is neither a genesis chain name nor \"chain_id:<n>\""},
        Bad{"ChainIdAt2to64", request("1", "USDC", "chain_id:18446744073709551616"),
            "dest_chain: \"chain_id:18446744073709551616\" is neither a genesis chain name nor "
            "\"chain_id:<n>\""}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(EventAccumulator, AKnownChainIdSpelledAsChainIdFoldsLikeItsName) {
  const Genesis g = test::test_genesis();
  EventAccumulator by_name, by_id;
  ASSERT_TRUE(accumulate(by_name, request("7", "USDC", "beta"), g));
  ASSERT_TRUE(accumulate(by_id, request("7", "USDC", "chain_id:2"), g));
  EXPECT_EQ(by_name, by_id);
}

TEST(EventAccumulator, RefusesACountAtItsLimit) {
  const Genesis g = test::test_genesis();
  EventAccumulator acc{UINT64_MAX, {}};
  auto r = accumulate(acc, deposit_of("1"), g);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "event count: already 2^64 - 1");
  EXPECT_EQ(acc.count, UINT64_MAX);
  EXPECT_TRUE(acc.value.is_zero());
}

}  // namespace
}  // namespace relay
