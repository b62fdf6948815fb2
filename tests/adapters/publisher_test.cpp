// The publisher's state machine (adapters/evm/publisher.h) against a scripted node (FakeEvm
// below: the few methods the publisher calls, over an in-memory vault, pool and chain) for what
// a real anvil cannot be made to do on demand: a dead endpoint, another chain, a node that
// times out on eth_sendRawTransaction, a receipt reorged away, a nonce used by someone else, the
// fee cap, and an RPC failure at every call of a publication. evm_publish_test covers the rest
// on a real chain.
#include "adapters/evm/publisher.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/evm/vault_abi.h"
#include "proofs/keccak.h"
#include "tests/adapters/publish_fixture.h"
#include "vault/hex.h"

namespace relay::evm {
namespace {

using namespace testing;

std::string q(uint64_t n) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(n));
  return buf;
}

// What the publisher sees of a chain: a vault that stores epochs, a pool, receipts by hash.
struct FakeEvm {
  uint64_t chain_id = 31337;
  uint64_t head = 100;
  std::optional<uint64_t> finalized;
  std::set<uint64_t> committed;
  uint64_t mined_nonce = 0, pending_nonce = 0;
  std::string balance = "0x8ac7230489e80000";  // 10 ETH
  std::vector<std::string> sent;               // hashes of every accepted raw transaction
  std::map<std::string, json> receipts;        // by hash
  std::vector<std::string> calls;              // methods, in order
  /// Fault injection: when it returns an error, the call fails that way instead.
  std::function<std::optional<RpcError>(const std::string& method)> fail;
  /// Reply to eth_sendRawTransaction with a JSON-RPC error message (e.g. "already known").
  std::string send_error;

  RpcResult<std::string> answer(const std::string& body) {
    json req = json::parse(body);
    std::string m = req["method"];
    const json& p = req["params"];
    calls.push_back(m);
    if (fail)
      if (auto e = fail(m)) return std::unexpected(*e);
    json resp = {{"jsonrpc", "2.0"}, {"id", req["id"]}};
    if (m == "eth_chainId") {
      resp["result"] = q(chain_id);
    } else if (m == "eth_call") {
      auto data = *from_hex(p[0]["data"].get<std::string>());
      auto is = selector("isCommitted(uint64)");
      if (std::equal(is.begin(), is.end(), data.begin())) {
        uint64_t epoch = 0;
        for (int i = 0; i < 8; ++i) epoch = epoch << 8 | data[28 + i];
        resp["result"] = "0x" + std::string(63, '0') + (committed.contains(epoch) ? "1" : "0");
      } else {
        resp["result"] = "0x";
      }
    } else if (m == "eth_estimateGas") {
      resp["result"] = q(100'000);
    } else if (m == "eth_feeHistory") {
      resp["result"] = {{"oldestBlock", q(head - 1)},
                        {"baseFeePerGas", {q(1'000'000'000), q(1'000'000'000), q(1'000'000'000)}},
                        {"reward", {{q(0)}, {q(0)}}}};
    } else if (m == "eth_getTransactionCount") {
      resp["result"] = q(p[1] == "pending" ? pending_nonce : mined_nonce);
    } else if (m == "eth_getBalance") {
      resp["result"] = balance;
    } else if (m == "eth_sendRawTransaction") {
      if (!send_error.empty()) {
        resp["error"] = {{"code", -32000}, {"message", send_error}};
      } else {
        auto raw = *from_hex(p[0].get<std::string>());
        sent.push_back(keccak256(raw).hex());
        resp["result"] = sent.back();
        pending_nonce = mined_nonce + 1;
      }
    } else if (m == "eth_getTransactionReceipt") {
      auto r = receipts.find(p[0]);
      resp["result"] = r == receipts.end() ? json() : r->second;
    } else if (m == "eth_blockNumber") {
      resp["result"] = q(head);
    } else if (m == "eth_getBlockByNumber") {
      if (p[0] != "finalized" || !finalized) {
        resp["result"] = nullptr;
      } else {
        std::string h = "0x" + std::string(64, 'b');
        resp["result"] = {{"number", q(*finalized)}, {"hash", h}, {"parentHash", h},
                          {"timestamp", q(1'800'000'000)}, {"logsBloom", "0x"}};
      }
    } else {
      resp["error"] = {{"code", -32601}, {"message", "method not found"}};
    }
    return resp.dump();
  }

  /// Mines transaction `hash` (the epoch goes in the vault when it succeeds) in a new block.
  void mine(const std::string& hash, uint64_t epoch, bool success = true) {
    ++head;
    ++mined_nonce;
    pending_nonce = std::max(pending_nonce, mined_nonce);
    if (success) committed.insert(epoch);
    char block_hash[67];
    snprintf(block_hash, sizeof block_hash, "0x%064llx", static_cast<unsigned long long>(head));
    receipts[hash] = {{"transactionHash", hash}, {"blockNumber", q(head)}, {"blockHash", block_hash},
                      {"status", success ? "0x1" : "0x0"}, {"gasUsed", q(90'000)},
                      {"effectiveGasPrice", q(1'100'000'000)}};
  }
};

class FakeEvmTransport final : public Transport {
 public:
  explicit FakeEvmTransport(FakeEvm& evm) : evm_(evm) {}
  RpcResult<std::string> post(const std::string& body) override { return evm_.answer(body); }
  const std::string& endpoint() const override { return endpoint_; }

 private:
  FakeEvm& evm_;
  std::string endpoint_ = "http://fake:8545";
};

msg::PublishRequest request(uint64_t epoch) { return test_request(epoch); }

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config.name = "alpha";
    config.chain_id = ChainId{31337};
    config.kind = "evm";
    config.vault = *Address::from_hex("0x5fbdb2315678afecb367f032d93f642f64180aa3");
  }
  Publisher make(PublisherOptions o = {}) { return Publisher(config, key, rpc, o); }

  ChainConfig config;
  PublisherKey key = *make_validator_key(*generate_secret_key());
  FakeEvm evm;
  RpcClient rpc{std::make_unique<FakeEvmTransport>(evm)};
};

TEST_F(PublisherTest, RefusesMalformedRequestsNamingTheField) {
  Publisher p = make();
  auto bad = [&](auto mutate) {
    msg::PublishRequest r = request(7);
    mutate(r);
    auto s = p.submit(r);
    return s ? std::string("accepted") : s.error().message;
  };
  EXPECT_NE(bad([](auto& r) { r.signatures.clear(); }).find("alpha: publish request for epoch 7: no signatures"),
            std::string::npos);
  EXPECT_NE(bad([](auto& r) { r.commitment.resize(40); }).find("commitment: 40 bytes, shorter than its first two words"),
            std::string::npos);
  EXPECT_NE(bad([](auto& r) { r.commitment[40] = 1; }).find("commitment: its epoch word is not a uint64"),
            std::string::npos);
  EXPECT_NE(bad([](auto& r) { r.epoch = 8; }).find("the commitment is epoch 7's"), std::string::npos);
  EXPECT_EQ(p.queued(), 0u);
  ASSERT_TRUE(p.submit(request(7)));
  ASSERT_TRUE(p.submit(request(7)));  // the node re-sends: one job
  EXPECT_EQ(p.queued(), 1u);
}

TEST_F(PublisherTest, ADeadEndpointIsAnRpcAlarmNotACrash) {
  int port = testing::free_port();  // nothing listens there
  RpcClient dead(make_http_transport("http://user:secret@127.0.0.1:" + std::to_string(port) + "/key",
                                     {.timeout = 2000ms, .connect_timeout = 1000ms}));
  Publisher p(config, key, dead);
  ASSERT_TRUE(p.submit(request(7)));
  auto out = p.step(T0);
  EXPECT_TRUE(out.reports.empty());
  ASSERT_EQ(out.alarms.size(), 1u);
  EXPECT_EQ(out.alarms[0].kind, "rpc");
  EXPECT_NE(out.alarms[0].message.find("alpha: http://127.0.0.1:" + std::to_string(port)), std::string::npos)
      << out.alarms[0].message;
  EXPECT_EQ(out.alarms[0].message.find("secret"), std::string::npos);
  EXPECT_EQ(p.queued(), 1u);  // kept, tried again later
  EXPECT_TRUE(p.step(T0 + 10s).alarms.empty());  // raised once
}

TEST_F(PublisherTest, AnEndpointOfAnotherChainGetsNothing) {
  evm.chain_id = 1;
  Publisher p = make();
  ASSERT_TRUE(p.submit(request(7)));
  auto out = p.step(T0);
  ASSERT_EQ(out.alarms.size(), 1u);
  EXPECT_NE(out.alarms[0].message.find("serves chain id 1, the genesis says 31337: nothing is sent"),
            std::string::npos);
  EXPECT_EQ(evm.calls, std::vector<std::string>{"eth_chainId"});
}

TEST_F(PublisherTest, FollowsTheFinalizedTagAndAReceiptReorgedAway) {
  config.finality.finalized_tag = true;
  Publisher p = make();
  ASSERT_TRUE(p.submit(request(7)));
  auto out = p.step(T0);
  ASSERT_EQ(out.reports.at(0).outcome, Outcome::sent);
  std::string h = evm.sent.at(0);
  evm.mine(h, 7);  // block 101; nothing finalized yet
  EXPECT_TRUE(p.step(T0 + 1s).reports.empty());
  evm.finalized = 100;
  EXPECT_TRUE(p.step(T0 + 2s).reports.empty());
  // Reorged away before finality: the receipt is gone, the transaction back in the pool.
  evm.receipts.clear();
  evm.committed.clear();
  evm.mined_nonce = 0;
  EXPECT_TRUE(p.step(T0 + 3s).reports.empty());
  EXPECT_TRUE(p.step(T0 + 4s).reports.empty());
  evm.mine(h, 7);  // mined again, in block 102
  evm.finalized = 102;
  out = p.step(T0 + 5s);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::committed);
  EXPECT_EQ(out.reports[0].block, 102u);
  EXPECT_EQ(evm.sent.size(), 1u);
}

TEST_F(PublisherTest, ASendThatTimesOutIsFollowedAsSentAndReplacedIfItNeverShows) {
  Publisher p = make({.replace_after = 60s});
  ASSERT_TRUE(p.submit(request(7)));
  evm.fail = [&](const std::string& m) -> std::optional<RpcError> {
    if (m != "eth_sendRawTransaction") return std::nullopt;
    evm.fail = nullptr;  // once
    return RpcError{RpcFailure::timeout, "http://fake:8545: no answer within 10000 ms (eth_sendRawTransaction)"};
  };
  auto out = p.step(T0);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::sent);
  EXPECT_NE(out.reports[0].message.find("followed as if sent"), std::string::npos);
  ASSERT_EQ(out.alarms.size(), 1u);
  EXPECT_EQ(out.alarms[0].kind, "rpc");
  EXPECT_TRUE(evm.sent.empty());  // it never reached the pool
  out = p.step(T0 + 61s);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_NE(out.reports[0].message.find("replaces"), std::string::npos);
  ASSERT_EQ(evm.sent.size(), 1u);
  EXPECT_EQ(*out.reports[0].tx_hash, *TxHash::from_hex(evm.sent[0]));
  EXPECT_TRUE(out.alarms.at(0).cleared);  // the node answers again
  evm.mine(evm.sent[0], 7);
  EXPECT_EQ(p.step(T0 + 62s).reports.at(0).outcome, Outcome::committed);
}

TEST_F(PublisherTest, AlreadyKnownIsSent) {
  evm.send_error = "already known";
  Publisher p = make();
  ASSERT_TRUE(p.submit(request(7)));
  auto out = p.step(T0);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::sent);
  EXPECT_TRUE(out.alarms.empty());
}

TEST_F(PublisherTest, ANonceUsedByAnotherTransactionStartsThePublicationOver) {
  Publisher p = make();
  ASSERT_TRUE(p.submit(request(7)));
  ASSERT_EQ(p.step(T0).reports.at(0).outcome, Outcome::sent);
  evm.mined_nonce = evm.pending_nonce = 1;  // someone else's transaction took nonce 0
  auto out = p.step(T0 + 1s);
  ASSERT_EQ(out.alarms.size(), 1u);
  EXPECT_EQ(out.alarms[0].kind, "nonce");
  EXPECT_NE(out.alarms[0].message.find("is the key used elsewhere?"), std::string::npos);
  out = p.step(T0 + 2s);
  ASSERT_EQ(out.reports.at(0).outcome, Outcome::sent);
  EXPECT_NE(out.reports[0].message.find("nonce 1"), std::string::npos) << out.reports[0].message;
  EXPECT_TRUE(out.alarms.at(0).cleared);
}

TEST_F(PublisherTest, AReplacementBeyondTheFeeCapIsAnAlarmAndTheTransactionWaits) {
  PublisherOptions o{.replace_after = 60s};
  o.fees.max_fee_per_gas = Amount(2'150'000'000);  // the first offer is 2.1 gwei: no room for +12.5%
  Publisher p = make(o);
  ASSERT_TRUE(p.submit(request(7)));
  ASSERT_EQ(p.step(T0).reports.at(0).outcome, Outcome::sent);
  auto out = p.step(T0 + 61s);
  EXPECT_TRUE(out.reports.empty());
  ASSERT_EQ(out.alarms.size(), 1u);
  EXPECT_EQ(out.alarms[0].kind, "fee_cap");
  EXPECT_NE(out.alarms[0].message.find("2150000000 wei/gas"), std::string::npos) << out.alarms[0].message;
  EXPECT_EQ(evm.sent.size(), 1u);
  evm.mine(evm.sent[0], 7);
  out = p.step(T0 + 62s);
  EXPECT_EQ(out.reports.at(0).outcome, Outcome::committed);
  EXPECT_TRUE(out.alarms.at(0).cleared);
}

TEST_F(PublisherTest, AnRpcFailureAtAnyCallNeverSendsTwiceAndTheEpochGetsCommitted) {
  // A clean run's calls, then one run per call position with that call failing once.
  size_t clean_calls = 0;
  {
    FakeEvm e;
    RpcClient r{std::make_unique<FakeEvmTransport>(e)};
    Publisher p(config, key, r);
    ASSERT_TRUE(p.submit(request(7)));
    p.step(T0);
    e.mine(e.sent.at(0), 7);
    ASSERT_EQ(p.step(T0 + 1s).reports.at(0).outcome, Outcome::committed);
    clean_calls = e.calls.size();
  }
  for (size_t k = 0; k < clean_calls; ++k) {
    FakeEvm e;
    size_t n = 0;
    e.fail = [&](const std::string&) -> std::optional<RpcError> {
      if (n++ != k) return std::nullopt;
      return RpcError{RpcFailure::connection, "http://fake:8545: connection refused"};
    };
    RpcClient r{std::make_unique<FakeEvmTransport>(e)};
    Publisher p(config, key, r, {.replace_after = 60s, .retry_after = 5s});
    ASSERT_TRUE(p.submit(request(7)));
    std::optional<Outcome> last;
    for (int s = 0; s < 40 && last != Outcome::committed; ++s) {
      if (!e.sent.empty() && !e.receipts.contains(e.sent.back())) e.mine(e.sent.back(), 7);
      for (const auto& rep : p.step(T0 + std::chrono::seconds(10 * s)).reports) last = rep.outcome;
    }
    EXPECT_EQ(last, Outcome::committed) << "failing call " << k;
    EXPECT_EQ(e.sent.size(), 1u) << "failing call " << k;
    EXPECT_EQ(e.committed, std::set<uint64_t>{7}) << "failing call " << k;
  }
}

}  // namespace
}  // namespace relay::evm
