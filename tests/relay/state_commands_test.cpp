// relayctl solvency and receipts, run as an operator runs them, on a folder made by replay.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/relayctl.h"

namespace relay {
namespace {

using nlohmann::json;

const std::string kGenesis = RELAY_SOURCE_DIR "/deploy/devnet/genesis.json";
const std::string kEvents = RELAY_SOURCE_DIR "/deploy/devnet/events.jsonl";

class StateCommands : public ::testing::Test {
 protected:
  test::TempDir dir;
  std::string data = dir / "data";
  void SetUp() override {
    auto r = testing::relayctl(
        {"replay", "--genesis", kGenesis, "--events", kEvents, "--data", data, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST_F(StateCommands, SolvencyReportsCustodyLiabilitiesAndSurplusPerAsset) {
  auto r = testing::relayctl({"solvency", "--genesis", kGenesis, "--data", data, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["epochs"], 2);
  EXPECT_EQ(j["invariants_ok"], true);
  const json& usdc = j["assets"]["USDC"];
  EXPECT_EQ(usdc["custody"]["alpha"], "2500000000");
  EXPECT_EQ(usdc["custody"]["beta"], "900000000");
  EXPECT_EQ(usdc["pending"]["beta"], "400000000");
  EXPECT_EQ(usdc["total_custody"], "3400000000");
  EXPECT_EQ(usdc["liabilities"], "3400000000");
  EXPECT_EQ(usdc["surplus"], "0");
  // The same digest the replay printed.
  auto replayed = testing::relayctl(
      {"replay", "--genesis", kGenesis, "--events", kEvents, "--data", data, "--json"});
  EXPECT_EQ(json::parse(replayed.out)["state_digest"], j["state_digest"]);
}

TEST_F(StateCommands, ReceiptsListEachRejectedEventWithItsReason) {
  auto r = testing::relayctl({"receipts", "--genesis", kGenesis, "--data", data,
                                 "--epoch", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["reason"], "insufficient_balance");
  EXPECT_EQ(j[0]["chain"], "beta");
  EXPECT_EQ(j[0]["block"], 8);
  EXPECT_EQ(j[1]["reason"], "unknown_chain");
  EXPECT_EQ(j[1]["index"], 2);
  // Epoch 0 rejected the deposit that lost precision.
  auto r0 = testing::relayctl({"receipts", "--genesis", kGenesis, "--data", data,
                                  "--epoch", "0", "--json"});
  EXPECT_EQ(json::parse(r0.out)[0]["reason"], "precision");
}

TEST_F(StateCommands, RefuseANegativeEpochAndAMissingFolder) {
  auto r = testing::relayctl(
      {"receipts", "--genesis", kGenesis, "--data", data, "--epoch", "-1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--epoch: -1 is not an epoch number"), std::string::npos) << r.err;
  auto m = testing::relayctl(
      {"solvency", "--genesis", RELAY_SOURCE_DIR "/no/such/genesis.json", "--data", data});
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_NE(m.err.find("no/such/genesis.json"), std::string::npos) << m.err;
}

}  // namespace
}  // namespace relay
