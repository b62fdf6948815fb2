// relayctl network-id: the network id is SHA-256 of the genesis file's exact bytes (checked
// against coreutils' sha256sum, an implementation independent of ours), whitespace included;
// an invalid genesis gets no id.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/relayctl.h"

namespace relay {
namespace {

const std::string kGenesis = RELAY_SOURCE_DIR "/deploy/devnet/genesis.json";

// "0x" and sha256sum's digest of the file.
std::string sha256sum(const std::string& path) {
  auto r = testing::run_process({"/usr/bin/sha256sum", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return "0x" + r.out.substr(0, 64);
}

TEST(NetworkId, PrintsTheSha256OfTheFileBytes) {
  auto r = testing::relayctl({"network-id", "--genesis", kGenesis});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, sha256sum(kGenesis) + "\n");
}

TEST(NetworkId, JsonAddsTheNetworkNameAndByteLength) {
  auto j = testing::json_ok(testing::relayctl({"network-id", "--genesis", kGenesis, "--json"}));
  EXPECT_EQ(j["network_id"], sha256sum(kGenesis));
  EXPECT_EQ(j["network"], "relay-devnet");
  EXPECT_EQ(j["bytes"], testing::read_text(kGenesis).size());
}

TEST(NetworkId, WhitespaceCountsNoCanonicalization) {
  testing::TempDir dir;
  const std::string text = testing::read_text(kGenesis);
  std::string spaced = testing::write(dir, "spaced.json", text + "\n");
  auto a = testing::json_ok(testing::relayctl({"network-id", "--genesis", kGenesis, "--json"}));
  auto b = testing::json_ok(testing::relayctl({"network-id", "--genesis", spaced, "--json"}));
  EXPECT_EQ(b["network_id"], sha256sum(spaced));
  EXPECT_NE(b["network_id"], a["network_id"]);  // same JSON value, another network
  EXPECT_EQ(b["bytes"], a["bytes"].get<size_t>() + 1);
  EXPECT_EQ(b["network"], a["network"]);
}

TEST(NetworkId, RefusesAnInvalidGenesisNamingTheFileAndTheField) {
  testing::TempDir dir;
  std::string text = testing::read_text(kGenesis);
  text.insert(text.find("\"quorum\""), "\"quorum\": 1,\n  ");
  std::string bad = testing::write(dir, "bad.json", text);
  auto r = testing::relayctl({"network-id", "--genesis", bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "relayctl: " + bad + ": genesis: quorum: repeated key\n");

  auto missing = testing::relayctl({"network-id", "--genesis", dir / "none.json"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.json"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace relay
