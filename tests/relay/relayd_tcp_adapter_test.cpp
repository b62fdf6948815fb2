// An external adapter on a tcp endpoint (docs/adapter-protocol.md "Transport"): relayd binds it
// as a CURVE server whose ZAP allow-list is the chain's adapter_curve_public_key. An adapter with
// that key is served; one with another key never completes the handshake, so nothing it sends
// reaches the node. Real relayd, real ZeroMQ over tcp with CURVE.
#include <gtest/gtest.h>

#include "proofs/keys_file.h"
#include "tests/proofs/certificate_fixture.h"
#include "tests/relay/chain_builder.h"
#include "tests/relay/node_fixture.h"
#include "tests/relay/relayd_fixture.h"
#include "wire/curve_key.h"

namespace relay {
namespace {

using nlohmann::json;
using testing::TempDir;

TEST(RelaydTcpAdapter, OnlyTheConfiguredCurveKeyIsServed) {
  TempDir dir;
  const std::string text = test::with_epochs(test::genesis_text("relayd-tcp-test", {1}, {1}, 1), 1000, 10);
  const Genesis genesis = test::parse_or_throw(text);
  testing::write(dir, "genesis.json", text);
  ASSERT_TRUE(write_key_file(dir / "validator.key", *make_validator_key(test::fixed_key(1))));
  const net::CurveKeyPair node_key = *net::generate_curve_key_pair();
  const net::CurveKeyPair adapter_key = *net::generate_curve_key_pair();
  ASSERT_TRUE(net::write_curve_key_file(dir / "curve.key", node_key));
  const uint16_t port = test::free_port();
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  test::NodeProcess node;
  node.config = testing::write(
      dir, "node.toml",
      test::node_toml("curve_key = \"curve.key\"\n",
                      "[chains.alpha]\nadapter = \"external\"\nendpoint = \"ipc://" + dir / "alpha.ipc" +
                          "\"\n[chains.beta]\nadapter = \"external\"\nendpoint = \"" + endpoint +
                          "\"\nadapter_curve_public_key = \"" + net::to_z85(adapter_key.public_key) + "\"\n"));
  node.start();

  net::Context ctx;
  auto client_with = [&](const net::CurveKeyPair& own) {
    msg::AdapterClientOptions o;
    o.endpoint = endpoint;
    o.curve = net::CurveClient{node_key.public_key, own};
    o.hello.network_id = genesis.network_id;
    o.hello.chain_id = genesis.chains[1].chain_id;
    o.hello.adapter_name = "tcp-test-adapter";
    o.hello.adapter_version = "1";
    return msg::AdapterClient::connect(ctx, genesis, 1, o);
  };
  // Another key: the handshake is refused, the Hello never arrives, no Resume comes back.
  auto stranger = client_with(*net::generate_curve_key_pair());
  ASSERT_TRUE(stranger) << stranger.error().message;
  auto refused = stranger->hello(1000);
  EXPECT_FALSE(refused && std::holds_alternative<msg::Resume>(*refused));
  EXPECT_EQ(node.status()["chains"][1]["adapter"], "disconnected");

  // The configured key: served, and its blocks are stored.
  test::TestAdapter beta;
  auto served = client_with(adapter_key);
  ASSERT_TRUE(served) << served.error().message;
  beta.client.emplace(std::move(*served));
  EXPECT_FALSE(beta.hello().has_tip);
  test::ChainBuilder chain(genesis, 1);
  beta.send(chain.block(1002, {"4"}));
  ASSERT_TRUE(node.wait_until([](const json& s) {
    return s["chains"][1]["height"] == 0 && s["chains"][1]["adapter"] == "connected";
  })) << node.status().dump();
  EXPECT_EQ(node.stop(), 0);
}

}  // namespace
}  // namespace relay
