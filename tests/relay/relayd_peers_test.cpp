// Three relayd validators (quorum 2 of 3) gossiping over tcp with CURVE (docs/node.md "Peers"),
// each fed the same chains by its own C++ test adapters over ipc: they certify together; one
// SIGKILLed and restarted signs nothing twice and loses nothing; malformed peer messages are
// dropped and counted, and a key that is no peer's is refused. Real processes, sockets, LevelDB.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>

#include "proofs/keys_file.h"
#include "relay/certifier.h"
#include "relay/data_folder.h"
#include "relay/sign_record.h"
#include "tests/proofs/certificate_fixture.h"
#include "tests/relay/chain_builder.h"
#include "tests/relay/node_fixture.h"
#include "tests/relay/relayd_fixture.h"
#include "wire/curve_key.h"

namespace relay {
namespace {

using nlohmann::json;
using testing::TempDir;

class RelaydPeers : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = test::with_epochs(test::genesis_text("relayd-peers-test", {1, 2, 3}, {1, 1, 1}, 2), 1000, 10);
    genesis_ = test::parse_or_throw(text_);
    for (int i = 0; i < 3; ++i) {
      keys_.push_back(*net::generate_curve_key_pair());
      ports_.push_back(test::free_port());
    }
    for (int i = 0; i < 3; ++i) configure(i);
    for (int i = 0; i < 3; ++i) start(i);
  }
  std::string folder(int i) const { return dir_ / ("v" + std::to_string(i + 1)); }
  void configure(int i) {
    const std::string d = folder(i);
    std::filesystem::create_directory(d);
    testing::write(dir_, "v" + std::to_string(i + 1) + "/genesis.json", text_);
    ASSERT_TRUE(write_key_file(d + "/validator.key", *make_validator_key(test::fixed_key(uint8_t(i + 1)))));
    ASSERT_TRUE(net::write_curve_key_file(d + "/curve.key", keys_[i]));
    std::string peers = "[peers]\nlisten = \"tcp://127.0.0.1:" + std::to_string(ports_[i]) + "\"\n";
    for (int j = 0; j < 3; ++j)
      if (j != i)
        peers += "[[peers.peer]]\nname = \"v" + std::to_string(j + 1) + "\"\naddress = \"tcp://127.0.0.1:" +
                 std::to_string(ports_[j]) + "\"\ncurve_public_key = \"" + net::to_z85(keys_[j].public_key) + "\"\n";
    nodes_[i].config = testing::write(
        dir_, "v" + std::to_string(i + 1) + "/node.toml",
        test::node_toml("curve_key = \"curve.key\"\n",
                        "[chains.alpha]\nadapter = \"external\"\nendpoint = \"ipc://" + d + "/alpha.ipc\"\n"
                        "[chains.beta]\nadapter = \"external\"\nendpoint = \"ipc://" + d + "/beta.ipc\"\n",
                        peers));
  }
  // Starts validator i and connects its adapters (Hello); returns their Resumes.
  std::array<msg::Resume, 2> start(int i) {
    nodes_[i].start();
    std::array<msg::Resume, 2> out;
    for (size_t c = 0; c < 2; ++c) {
      adapters_[i][c] = test::TestAdapter();
      adapters_[i][c].connect(ctx_, genesis_, c, "ipc://" + folder(i) + (c == 0 ? "/alpha.ipc" : "/beta.ipc"));
      out[c] = adapters_[i][c].hello();
    }
    return out;
  }
  // Epoch e's blocks (e = 0, 1), the same for every validator: a deposit on each chain, then a
  // block past T_e on each.
  void feed(int i, uint64_t e) {
    // Epoch 1 holds block 1 (past T_0 = 1010) and block 2; block 3 (past T_1 = 1020) closes it.
    test::ChainBuilder a(genesis_, 0), b(genesis_, 1);
    std::vector<msg::Blocks> am = {a.block(1001, {"5"}), a.block(1011), a.block(1015, {"2"}), a.block(1021)};
    std::vector<msg::Blocks> bm = {b.block(1003, {"7"}), b.block(1012), b.block(1016, {"1"}), b.block(1022)};
    for (size_t k = 2 * e; k < 2 * e + 2; ++k) {
      adapters_[i][0].send(am[k]);
      adapters_[i][1].send(bm[k]);
    }
  }
  bool certified(int i, uint64_t e) {
    return nodes_[i].wait_until([e](const json& s) { return s["certified_epoch"] == e; });
  }

  TempDir dir_;
  std::string text_;
  Genesis genesis_;
  std::vector<net::CurveKeyPair> keys_;
  std::vector<uint16_t> ports_;
  std::array<test::NodeProcess, 3> nodes_;
  net::Context ctx_;
  std::array<std::array<test::TestAdapter, 2>, 3> adapters_;
};

TEST_F(RelaydPeers, ThreeValidatorsCertifyEachEpochTogether) {
  for (int i = 0; i < 3; ++i) feed(i, 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(certified(i, 0)) << "v" << i + 1 << ": " << nodes_[i].status().dump();
  // Each saw the others' signatures.
  ASSERT_TRUE(nodes_[0].wait_until([](const json& s) {
    return s["peers"].size() == 2 && s["peers"][0]["last_signature_epoch"] == 0 && s["peers"][1]["last_signature_epoch"] == 0;
  })) << nodes_[0].status().dump();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(nodes_[i].stop(), 0);
  for (int i = 0; i < 3; ++i) {
    auto f = node::open_data_folder_read_only(folder(i) + "/data", genesis_.network_id);
    ASSERT_TRUE(f) << f.error().message;
    Secp256k1 secp;
    auto certifier = node::Certifier::open(genesis_, secp, *f->store, {});
    ASSERT_TRUE(certifier);
    auto cert = (*certifier)->certificate(0);
    ASSERT_TRUE(cert && *cert);
    auto v = verify_certificate(**cert, genesis_);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_GE(v->signers.size(), 2u);
  }
}

TEST_F(RelaydPeers, AValidatorKilledAndRestartedSignsNothingTwiceAndLosesNothing) {
  for (int i = 0; i < 3; ++i) feed(i, 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(certified(i, 0)) << "v" << i + 1 << ": " << nodes_[i].status().dump();
  nodes_[2].process->kill_and_wait();
  // v1 and v2 reach the quorum of epoch 1 without v3.
  for (int i = 0; i < 2; ++i) feed(i, 1);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(certified(i, 1)) << "v" << i + 1 << ": " << nodes_[i].status().dump();
  // v3 restarts where its folder stands: its adapters resume after the blocks it acknowledged.
  std::array<msg::Resume, 2> resume = start(2);
  for (const msg::Resume& r : resume) {
    EXPECT_TRUE(r.has_tip);
    EXPECT_EQ(r.next_height, 2u);
    EXPECT_EQ(r.event_count, 1u);
  }
  EXPECT_EQ(nodes_[2].status()["signed_epoch"], 0);
  feed(2, 1);
  ASSERT_TRUE(certified(2, 1)) << nodes_[2].status().dump();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(nodes_[i].stop(), 0);

  // v3 signed each epoch once, the commitment every validator certified; all hold one state.
  std::string digest;
  for (int i = 0; i < 3; ++i) {
    auto f = node::open_data_folder_read_only(folder(i) + "/data", genesis_.network_id);
    ASSERT_TRUE(f) << f.error().message;
    Secp256k1 secp;
    auto certifier = node::Certifier::open(genesis_, secp, *f->store, {});
    ASSERT_TRUE(certifier);
    node::Signer signer(*f->store, secp, test::fixed_key(uint8_t(i + 1)), genesis_.network_id);
    auto records = signer.records_from(0);
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 2u) << "v" << i + 1;
    for (const node::SignRecord& r : *records) {
      auto cert = (*certifier)->certificate(r.epoch);
      ASSERT_TRUE(cert && *cert) << "v" << i + 1 << " epoch " << r.epoch;
      EXPECT_EQ(r.commitment_hash, commitment_hash((*cert)->commitment)) << "v" << i + 1 << " epoch " << r.epoch;
      EXPECT_TRUE(verify_certificate(**cert, genesis_));
    }
    f->store.reset();
    json s = testing::json_ok(testing::relayctl({"solvency", "--genesis", folder(i) + "/genesis.json", "--data",
                                                 folder(i) + "/data", "--json"}));
    EXPECT_EQ(s["epochs"], 2);
    EXPECT_EQ(s["assets"]["ETH"]["custody"]["alpha"], "7");
    if (i == 0) digest = s["state_digest"];
    EXPECT_EQ(s["state_digest"], digest) << "v" << i + 1;
  }
}

TEST_F(RelaydPeers, MalformedPeerMessagesAreDroppedAndCountedAndAStrangersKeyIsRefused) {
  // As v2 (its key), garbage to v1; then a stranger's key, which the handshake refuses.
  net::SocketOptions as_v2;
  as_v2.curve_client = net::CurveClient{keys_[0].public_key, keys_[1]};
  auto impostor = net::DealerSocket::connect(ctx_, "tcp://127.0.0.1:" + std::to_string(ports_[0]), as_v2);
  ASSERT_TRUE(impostor) << impostor.error().message;
  ASSERT_TRUE(impostor->send(std::vector<uint8_t>{0x0a, 0xff, 0xff}));
  ASSERT_TRUE(impostor->send(std::vector<uint8_t>{}));  // an empty PeerMessage: no body
  net::SocketOptions stranger;
  stranger.curve_client = net::CurveClient{keys_[0].public_key, *net::generate_curve_key_pair()};
  auto other = net::DealerSocket::connect(ctx_, "tcp://127.0.0.1:" + std::to_string(ports_[0]), stranger);
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->send(std::vector<uint8_t>{0x0a, 0x00}));
  // A counter's value in /metrics (-1 when absent).
  auto metric = [&](const std::string& name) {
    const std::string text = nodes_[0].get_text("/metrics");
    const size_t at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stoll(text.substr(at + name.size() + 2));
  };
  EXPECT_TRUE(nodes_[0].wait_until([&](const json&) { return metric("relay_peer_dropped_total") == 2; }))
      << nodes_[0].get_text("/metrics");
  // The stranger's DEALER retries its handshake: refused each time, at least once.
  EXPECT_TRUE(nodes_[0].wait_until([&](const json&) { return metric("relay_peer_refused_total") >= 1; }))
      << nodes_[0].get_text("/metrics");
  // v1 goes on certifying with its real peers.
  for (int i = 0; i < 3; ++i) feed(i, 0);
  ASSERT_TRUE(certified(0, 0)) << nodes_[0].status().dump();
  EXPECT_NE(nodes_[0].process->stderr_so_far().find("peer message dropped"), std::string::npos);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(nodes_[i].stop(), 0);
}

}  // namespace
}  // namespace relay
