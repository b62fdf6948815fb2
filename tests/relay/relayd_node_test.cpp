// relayd end to end with real processes, real ZeroMQ sockets and real LevelDB: test adapters
// (wire/adapter_client.h, the C++ side of the adapter protocol) feed two chains; the node
// stores the blocks, cuts epochs, applies them, signs once, certifies (alone, or with peers
// over tcp + CURVE), hands certificates to the adapters and shows it all on GET /v1/status.
// A SIGKILLed node restarts where its folder stands and the adapters resume from its tip.
#include <gtest/gtest.h>

#include "proofs/keys_file.h"
#include "relay/certifier.h"
#include "relay/data_folder.h"
#include "tests/proofs/certificate_fixture.h"
#include "tests/relay/chain_builder.h"
#include "tests/relay/node_fixture.h"
#include "tests/relay/relayd_fixture.h"
#include "tests/support/relayctl.h"

namespace relay {
namespace {

using nlohmann::json;
using testing::TempDir;
using test::NodeProcess;
using test::TestAdapter;
using test::node_toml;
using test::kDeadline;

class RelaydNode : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = test::with_epochs(test::genesis_text("relayd-node-test", {1}, {1}, 1), 1000, 10);
    genesis_ = test::parse_or_throw(text_);
    testing::write(dir_, "genesis.json", text_);
    ASSERT_TRUE(write_key_file(dir_ / "validator.key", *make_validator_key(test::fixed_key(1))));
    node_.config = testing::write(
        dir_, "node.toml",
        node_toml("", "[chains.alpha]\nadapter = \"external\"\nendpoint = \"ipc://" + dir_ / "alpha.ipc" +
                          "\"\n[chains.beta]\nadapter = \"external\"\nendpoint = \"ipc://" + dir_ / "beta.ipc" + "\"\n"));
  }
  void connect_adapters() {
    for (size_t c = 0; c < 2; ++c) adapters_[c].connect(ctx_, genesis_, c, "ipc://" + dir_ / (c == 0 ? "alpha.ipc" : "beta.ipc"));
  }

  TempDir dir_;
  std::string text_;
  Genesis genesis_;
  NodeProcess node_;
  net::Context ctx_;
  TestAdapter adapters_[2];
};

TEST_F(RelaydNode, CutsAppliesSignsCertifiesAndPublishesEpochsAndRestartsWhereItStood) {
  node_.start();
  connect_adapters();
  test::ChainBuilder alpha(genesis_, 0), beta(genesis_, 1);
  EXPECT_FALSE(adapters_[0].hello().has_tip);
  EXPECT_FALSE(adapters_[1].hello().has_tip);
  adapters_[0].send(alpha.block(1001, {"5"}));
  adapters_[1].send(beta.block(1005, {"7"}));
  ASSERT_TRUE(node_.wait_until([](const json& s) {
    return s["chains"][0]["height"] == 0 && s["chains"][1]["height"] == 0 && s["chains"][0]["adapter"] == "connected";
  })) << node_.status().dump();
  json s = node_.status();
  EXPECT_EQ(s["epoch"]["next"], 0);
  EXPECT_EQ(s["epoch"]["end_time"], 1010);
  EXPECT_EQ(s["epoch"]["waiting_for"], json::array({"alpha", "beta"}));
  EXPECT_TRUE(s["epoch"]["waiting_since"].is_number());
  EXPECT_TRUE(s["certified_epoch"].is_null());

  adapters_[0].send(alpha.block(1015, {"1"}));
  ASSERT_TRUE(node_.wait_until([](const json& st) { return st["epoch"]["waiting_for"] == json::array({"beta"}); }));
  adapters_[1].send(beta.block(1012));
  ASSERT_TRUE(node_.wait_until([](const json& st) { return st["certified_epoch"] == 0; })) << node_.status().dump();
  s = node_.status();
  EXPECT_EQ(s["signed_epoch"], 0);
  EXPECT_EQ(s["epoch"]["next"], 1);
  EXPECT_EQ(s["epoch"]["waiting_for"], json::array({"alpha", "beta"}));
  // The first certificate is every chain's first heartbeat: handed to both adapters.
  auto request = adapters_[0].publish_request(0);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->not_before, 0u) << "validator 0 is epoch 0's designated publisher";
  ASSERT_EQ(request->signatures.size(), 1u);
  ASSERT_TRUE(adapters_[1].publish_request(0));

  // SIGKILL, restart: the adapters resume from the stored tips and the epochs continue.
  node_.process->kill_and_wait();
  node_.start();
  for (auto& a : adapters_) ASSERT_TRUE(a.client->reset());
  msg::Resume ra = adapters_[0].hello();
  EXPECT_TRUE(ra.has_tip);
  EXPECT_EQ(ra.next_height, 2u);
  EXPECT_EQ(ra.tip_hash, alpha.hash_of(1));
  EXPECT_EQ(ra.event_count, 2u);
  EXPECT_EQ(adapters_[1].hello().next_height, 2u);
  adapters_[0].send(alpha.block(1031, {"2"}));
  adapters_[1].send(beta.block(1033, {"3"}));
  ASSERT_TRUE(node_.wait_until([](const json& st) { return st["certified_epoch"] == 2; })) << node_.status().dump();
  EXPECT_EQ(node_.status()["epoch"]["next"], 3);
  EXPECT_EQ(node_.stop(), 0);

  // What the folder holds: a verified certificate per epoch, and the state of the events cut.
  auto folder = node::open_data_folder_read_only(dir_ / "data", genesis_.network_id);
  ASSERT_TRUE(folder) << folder.error().message;
  Secp256k1 secp;
  auto certifier = node::Certifier::open(genesis_, secp, *folder->store, {});
  ASSERT_TRUE(certifier);
  for (uint64_t e = 0; e <= 2; ++e) {
    auto cert = (*certifier)->certificate(e);
    ASSERT_TRUE(cert && *cert) << "epoch " << e;
    EXPECT_TRUE(verify_certificate(**cert, genesis_)) << "epoch " << e;
  }
  folder->store.reset();
  auto solvency = testing::relayctl({"solvency", "--genesis", dir_ / "genesis.json", "--data", dir_ / "data", "--json"});
  json j = testing::json_ok(solvency);
  EXPECT_EQ(j["epochs"], 3);
  EXPECT_EQ(j["assets"]["ETH"]["custody"]["alpha"], "6") << "5 and 1 (epochs 0, 1); the 2 at 1031 is epoch 3's";
  EXPECT_EQ(j["assets"]["ETH"]["custody"]["beta"], "7");
}

TEST_F(RelaydNode, AnAdapterThatHidesALogIsRefusedAndTheChainRaisesAnAlarm) {
  node_.start();
  connect_adapters();
  adapters_[0].hello();
  test::ChainBuilder alpha(genesis_, 0);
  msg::Blocks hidden = alpha.block(1001, {"5", "6"});
  hidden.events.pop_back();
  auto seq = adapters_[0].client->send_blocks(hidden.headers, hidden.events);
  ASSERT_TRUE(seq);
  std::optional<msg::Error> error;
  const auto end = std::chrono::steady_clock::now() + kDeadline;
  while (!error && std::chrono::steady_clock::now() < end) {
    auto got = adapters_[0].client->poll(100);
    ASSERT_TRUE(got);
    for (auto& m : *got)
      if (auto* e = std::get_if<msg::Error>(&m)) error = *e;
  }
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, msg::ErrorCode::accumulator_mismatch);
  ASSERT_TRUE(node_.wait_until([](const json& s) { return !s["alarms"].empty(); }));
  const json alarm = node_.status()["alarms"][0];
  EXPECT_EQ(alarm["kind"], "accumulator_mismatch");
  EXPECT_EQ(alarm["chain"], "alpha");
  EXPECT_NE(alarm["message"].get<std::string>().find("block 0 says count 2"), std::string::npos) << alarm;
  EXPECT_EQ(node_.status()["chains"][0]["refused"]["ACCUMULATOR_MISMATCH"], 1) << node_.status().dump();
  EXPECT_TRUE(node_.status()["chains"][0]["height"].is_null()) << "nothing was stored";
  EXPECT_EQ(node_.stop(), 0);
}

}  // namespace
}  // namespace relay
