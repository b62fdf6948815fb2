// relayd's query API (docs/api.md) on a real relayd process fed by C++ test adapters over ipc:
// an account's balances, a withdrawal with its proof (checked against the certificate the API
// serves, which is verified), solvency, metrics, and the errors (400 naming the parameter, 404).
// Malformed adapter messages are answered with typed Errors, counted, and store nothing.
#include <gtest/gtest.h>

#include "proofs/certificate_json.h"
#include "proofs/keys_file.h"
#include "proofs/withdrawal_tree_json.h"
#include "tests/proofs/certificate_fixture.h"
#include "tests/relay/chain_builder.h"
#include "tests/relay/node_fixture.h"
#include "tests/relay/relayd_fixture.h"
#include "wire/zmq.h"

namespace relay {
namespace {

using nlohmann::json;
using test::kDeadline;
using testing::TempDir;

// 0x000…01 as an EVM address: the account of the deposits below.
const std::string kAddress = "0x0000000000000000000000000000000000000001";

class RelaydApi : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = test::with_epochs(test::genesis_text("relayd-api-test", {1}, {1}, 1), 1000, 10);
    genesis_ = test::parse_or_throw(text_);
    testing::write(dir_, "genesis.json", text_);
    ASSERT_TRUE(write_key_file(dir_ / "validator.key", *make_validator_key(test::fixed_key(1))));
    node_.config = testing::write(
        dir_, "node.toml",
        test::node_toml("", "[chains.alpha]\nadapter = \"external\"\nendpoint = \"ipc://" + dir_ / "alpha.ipc" +
                                "\"\n[chains.beta]\nadapter = \"external\"\nendpoint = \"ipc://" + dir_ / "beta.ipc" +
                                "\"\n"));
    node_.start();
    for (size_t c = 0; c < 2; ++c) {
      adapters_[c].connect(ctx_, genesis_, c, "ipc://" + dir_ / (c == 0 ? "alpha.ipc" : "beta.ipc"));
      adapters_[c].hello();
    }
  }
  // Epoch 0: deposits of 5 ETH on alpha and 4 on beta to kAddress, then its request on beta to
  // withdraw 2 to alpha (alpha's custody covers it: alpha's events are applied first).
  void certify_epoch_0() {
    test::ChainBuilder alpha(genesis_, 0), beta(genesis_, 1);
    Event deposit;
    deposit.type = EventType::deposit;
    deposit.account.bytes[31] = 1;
    deposit.amount = "5";
    Event request;
    request.type = EventType::withdrawal_request;
    request.account.bytes[31] = 1;
    request.asset = "ETH";
    request.amount = "2";
    request.dest_chain = "alpha";
    request.recipient.bytes[19] = 0x77;
    adapters_[0].send(alpha.block_of(1001, {deposit}));
    adapters_[1].send(beta.block(1002, {"4"}));
    adapters_[1].send(beta.block_of(1003, {request}));
    adapters_[0].send(alpha.block(1011));
    adapters_[1].send(beta.block(1012));
    ASSERT_TRUE(node_.wait_until([](const json& s) { return s["certified_epoch"] == 0; })) << node_.status().dump();
  }

  TempDir dir_;
  std::string text_;
  Genesis genesis_;
  test::NodeProcess node_;
  net::Context ctx_;
  test::TestAdapter adapters_[2];
};

TEST_F(RelaydApi, ServesBalancesWithdrawalsWithProofsCertificatesAndSolvency) {
  certify_epoch_0();
  auto [code, acc] = node_.get("/v1/accounts/" + kAddress);
  ASSERT_EQ(code, 200) << acc.dump();
  EXPECT_EQ(acc["account"], "0x" + std::string(62, '0') + "01");
  EXPECT_EQ(acc["epoch"], 0);
  EXPECT_EQ(acc["balances"]["ETH"], "7");
  EXPECT_EQ(acc["balances"]["USDC"], "0");
  EXPECT_EQ(node_.get("/v1/accounts/" + kAddress + "?certified=true").second["balances"]["ETH"], "7");

  auto [cc, cert_json] = node_.get("/v1/certificates/0");
  ASSERT_EQ(cc, 200) << cert_json.dump();
  auto cert = certificate_from_json(cert_json.dump());
  ASSERT_TRUE(cert) << cert.error().message;
  ASSERT_TRUE(verify_certificate(*cert, genesis_));

  auto [wc, w] = node_.get("/v1/withdrawals?account=" + kAddress);
  ASSERT_EQ(wc, 200) << w.dump();
  ASSERT_EQ(w["withdrawals"].size(), 1u) << w.dump();
  const json& one = w["withdrawals"][0];
  EXPECT_EQ(one["amount"], "2");
  EXPECT_EQ(one["asset"], "ETH");
  EXPECT_EQ(one["dest_chain"], "alpha");
  EXPECT_EQ(one["epoch"], 0);
  EXPECT_EQ(one["state"], "certified");
  EXPECT_EQ(one["token_amount"], "2");
  EXPECT_EQ(one["committed_on"], json::array());
  auto proof = withdrawal_proof_from_json(one["proof"]);
  ASSERT_TRUE(proof) << proof.error().message;
  EXPECT_EQ(proof->root, cert->commitment.withdrawal_roots[0]) << "alpha's root in the certified commitment";
  EXPECT_TRUE(verify_withdrawal_proof(proof->root, proof->leaf, proof->proof));
  EXPECT_EQ(node_.get("/v1/withdrawals?chain=beta").second["withdrawals"], json::array());

  // The chain reports the epoch committed: the withdrawal and the chain say so.
  ASSERT_TRUE(adapters_[0].client->send(msg::CommittedOnChain{0, commitment_hash(cert->commitment), 20, Hash32{}}));
  ASSERT_TRUE(node_.wait_until([](const json& s) { return s["chains"][0]["committed_epoch"] == 0; }));
  EXPECT_TRUE(node_.status()["chains"][1]["committed_epoch"].is_null());
  EXPECT_EQ(node_.get("/v1/withdrawals?epoch=0").second["withdrawals"][0]["committed_on"], json::array({"alpha"}));

  auto [sc, solvency] = node_.get("/v1/solvency");
  ASSERT_EQ(sc, 200);
  for (const char* block : {"live", "certified"}) {
    const json& s = solvency[block];
    EXPECT_EQ(s["epoch"], 0) << block;
    const json& eth = s["assets"][0];
    EXPECT_EQ(eth["id"], "ETH");
    EXPECT_EQ(eth["custody"]["alpha"], "5");
    EXPECT_EQ(eth["custody"]["beta"], "4");
    EXPECT_EQ(eth["pending"]["alpha"], "2");
    EXPECT_EQ(eth["balances"], "7");
    EXPECT_EQ(eth["pending_total"], "2");
    EXPECT_EQ(eth["liabilities"], "9");
    EXPECT_EQ(eth["surplus"], "0");
    EXPECT_EQ(eth["invariants_ok"], true);
  }
  const std::string metrics = node_.get_text("/metrics");
  EXPECT_NE(metrics.find("\nrelay_epoch_certified 0\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("relay_chain_height{chain=\"beta\"} 2\n"), std::string::npos) << metrics;
  EXPECT_EQ(node_.stop(), 0);
}

TEST_F(RelaydApi, RefusesBadParametersNamingThemAndAnswers404ForWhatItLacks) {
  auto expect_error = [&](const std::string& path, int status, const std::string& code, const std::string& names) {
    auto [got, body] = node_.get(path);
    EXPECT_EQ(got, status) << path << ": " << body.dump();
    EXPECT_EQ(body["error"]["code"], code) << path;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(names), std::string::npos) << path << ": " << body.dump();
  };
  expect_error("/v1/accounts/0x12", 400, "bad_request", "account");
  expect_error("/v1/accounts/" + kAddress + "?certified=maybe", 400, "bad_request", "certified");
  expect_error("/v1/accounts/" + kAddress + "?at=1", 400, "bad_request", "\"at\"");
  expect_error("/v1/withdrawals", 400, "bad_request", "account, chain, epoch");
  expect_error("/v1/withdrawals?chain=gamma", 400, "bad_request", "chain");
  expect_error("/v1/withdrawals?epoch=-1", 400, "bad_request", "epoch");
  expect_error("/v1/withdrawals?epoch=18446744073709551616", 400, "bad_request", "epoch");
  expect_error("/v1/certificates/x", 400, "bad_request", "epoch");
  expect_error("/v1/certificates/0", 404, "not_found", "none is certified yet");
  expect_error("/v1/accounts/" + kAddress + "?certified=true", 404, "not_found", "no epoch is certified");
  expect_error("/v2/anything", 404, "not_found", "/v2/anything");
  EXPECT_EQ(node_.stop(), 0);
}

TEST_F(RelaydApi, MalformedAdapterMessagesGetTypedErrorsAreCountedAndStoreNothing) {
  auto raw = net::DealerSocket::connect(ctx_, "ipc://" + dir_ / "alpha.ipc", {});
  ASSERT_TRUE(raw) << raw.error().message;
  const std::vector<uint8_t> garbage = {0xff, 0xff, 0xff, 0x01};
  ASSERT_TRUE(raw->send(garbage));
  // A Blocks without a Hello on this connection: HELLO_FIRST.
  test::ChainBuilder alpha(genesis_, 0);
  const msg::Blocks b = alpha.block(1001, {"5"});
  ASSERT_TRUE(raw->send(msg::encode(msg::AdapterMessage{b}, genesis_)));
  std::vector<msg::ErrorCode> codes;
  const auto end = std::chrono::steady_clock::now() + kDeadline;
  while (codes.size() < 2 && std::chrono::steady_clock::now() < end) {
    auto got = raw->receive(100);
    ASSERT_TRUE(got) << got.error().message;
    if (!*got) continue;
    auto m = msg::decode_node_message((*got)->body);
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_TRUE(std::holds_alternative<msg::Error>(*m));
    codes.push_back(std::get<msg::Error>(*m).code);
  }
  ASSERT_EQ(codes, (std::vector<msg::ErrorCode>{msg::ErrorCode::malformed, msg::ErrorCode::hello_first}));
  ASSERT_TRUE(node_.wait_until([](const json& s) {
    return s["chains"][0]["refused"]["MALFORMED"] == 1 && s["chains"][0]["refused"]["HELLO_FIRST"] == 1;
  })) << node_.status().dump();
  EXPECT_TRUE(node_.status()["chains"][0]["height"].is_null()) << "nothing was stored";
  const std::string metrics = node_.get_text("/metrics");
  EXPECT_NE(metrics.find("relay_adapter_refused_total{chain=\"alpha\",code=\"MALFORMED\"} 1"), std::string::npos) << metrics;
  // The node goes on: the real adapter's session is untouched.
  test::ChainBuilder fresh(genesis_, 0);
  adapters_[0].send(fresh.block(1001, {"5"}));
  ASSERT_TRUE(node_.wait_until([](const json& s) { return s["chains"][0]["height"] == 0; }));
  EXPECT_EQ(node_.stop(), 0);
}

}  // namespace
}  // namespace relay
