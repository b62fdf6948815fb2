// The EVM publisher on a real chain: a local anvil (tests/adapters/anvil.h) with
// PublishTestVault (the vault's publishing surface; tests/adapters/publish_chain.mjs deploys
// it). Transactions are signed in C++ with fresh publisher keys funded by anvil_setBalance, and
// anvil checks every signature. The publisher is stepped with made-up wall-clock times, so
// "60 s later" takes no time; blocks are mined on demand (anvil_mine, automine off) where a
// test needs a transaction to wait.
#include <set>

#include "tests/adapters/publish_fixture.h"

namespace relay::evm {
namespace {

using namespace testing;

// One anvil and deployment per test (CTest runs each test in its own process).
class EvmPublishTest : public PublishFixture {
 protected:
  static inline PublishChain shared;
  static void SetUpTestSuite() { shared = PublishChain::start("test"); }
  static void TearDownTestSuite() { shared = {}; }
  void SetUp() override {
    if (!shared.anvil) GTEST_SKIP() << "anvil or node missing (scripts/setup installs them), or anvil did not start";
    connect(shared);
  }

  static msg::PublishRequest request(uint64_t epoch, uint64_t not_before = 0) {
    return test_request(epoch, not_before);
  }
  // refuse(epoch, true) from anvil's first account, with a tip that puts it first in a block.
  TxHash refuse(uint64_t epoch) {
    char words[129];
    snprintf(words, sizeof words, "%064llx%064x", static_cast<unsigned long long>(epoch), 1);
    std::string data = chain["refuse"].get<std::string>() + words;
    json h = call("eth_sendTransaction", {{{"from", chain["accounts"][0]}, {"to", chain["vault"]}, {"data", data},
                                           {"maxPriorityFeePerGas", quantity(100'000'000'000)},
                                           {"maxFeePerGas", quantity(200'000'000'000)}}});
    return *TxHash::from_hex(h.get<std::string>());
  }
};

TEST_F(EvmPublishTest, CommitsTheEpochFollowsItToFinalityAndASecondPublisherSendsNothing) {
  config.finality.confirmations = 2;
  PublisherKey key = funded("0x8ac7230489e80000");  // 10 ETH
  Publisher p(config, key, *rpc);
  ASSERT_TRUE(p.submit(request(7)));
  auto out = p.step(T0);
  ASSERT_EQ(out.reports.size(), 1u);
  const msg::PublishReport sent = out.reports[0];
  EXPECT_EQ(sent.outcome, Outcome::sent) << sent.message;
  ASSERT_TRUE(sent.tx_hash);
  EXPECT_TRUE(out.alarms.empty()) << out.alarms[0].message;
  // Anvil mines it (automine) and checked the signature: the sender is the key's.
  ASSERT_TRUE(wait_mined(*sent.tx_hash));
  json tx = call("eth_getTransactionByHash", {sent.tx_hash->hex()});
  EXPECT_EQ(tx["from"], key.address.hex());
  EXPECT_EQ(tx["type"], "0x2");
  EXPECT_TRUE(committed(7));
  uint64_t block = number(tx["blockNumber"]);
  // Not final before two blocks on top of it.
  out = p.step(T0 + 1s);
  EXPECT_TRUE(out.reports.empty());
  call("anvil_mine", {"0x2"});
  out = p.step(T0 + 2s);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::committed) << out.reports[0].message;
  EXPECT_EQ(out.reports[0].tx_hash, sent.tx_hash);
  EXPECT_EQ(out.reports[0].block, block);
  EXPECT_EQ(p.queued(), 0u);

  // Another validator's publisher, handed the same certificate: the chain has it; it sends nothing.
  PublisherKey other = funded("0x8ac7230489e80000");
  Publisher q(config, other, *rpc);
  ASSERT_TRUE(q.submit(request(7)));
  out = q.step(T0 + 30s);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::already_committed) << out.reports[0].message;
  EXPECT_FALSE(out.reports[0].tx_hash);
  EXPECT_EQ(nonce(other.address), 0u);
  EXPECT_EQ(q.queued(), 0u);
}

TEST_F(EvmPublishTest, WaitsForNotBeforeThenReplacesAStuckTransactionWithBumpedFees) {
  PublisherKey key = funded("0x8ac7230489e80000");
  Publisher p(config, key, *rpc, {.replace_after = 60s});
  call("evm_setAutomine", {false});
  ASSERT_TRUE(p.submit(request(8, /*not_before=*/1'800'000'030)));
  EXPECT_TRUE(p.step(T0).reports.empty());  // before not_before: nothing
  EXPECT_EQ(nonce(key.address), 0u);
  auto out = p.step(T0 + 30s);
  ASSERT_EQ(out.reports.size(), 1u);
  ASSERT_EQ(out.reports[0].outcome, Outcome::sent) << out.reports[0].message;
  TxHash first = *out.reports[0].tx_hash;
  json tx1 = call("eth_getTransactionByHash", {first.hex()});
  ASSERT_TRUE(tx1.is_object());
  EXPECT_TRUE(tx1["blockNumber"].is_null());  // in the pool, not mined

  EXPECT_TRUE(p.step(T0 + 60s).reports.empty());  // 30 s in the pool: keep waiting
  out = p.step(T0 + 91s);                          // 61 s: replaced
  ASSERT_EQ(out.reports.size(), 1u);
  ASSERT_EQ(out.reports[0].outcome, Outcome::sent) << out.reports[0].message;
  TxHash second = *out.reports[0].tx_hash;
  EXPECT_NE(second, first);
  EXPECT_NE(out.reports[0].message.find("replaces " + first.hex()), std::string::npos);
  json tx2 = call("eth_getTransactionByHash", {second.hex()});
  EXPECT_EQ(tx2["nonce"], tx1["nonce"]);
  EXPECT_GE(number(tx2["maxFeePerGas"]) * 8, number(tx1["maxFeePerGas"]) * 9);
  EXPECT_GE(number(tx2["maxPriorityFeePerGas"]) * 8, number(tx1["maxPriorityFeePerGas"]) * 9);

  call("evm_mine", json::array());
  out = p.step(T0 + 92s);
  call("evm_setAutomine", {true});
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::committed) << out.reports[0].message;
  EXPECT_EQ(out.reports[0].tx_hash, second);  // the replacement is the one mined
  EXPECT_TRUE(call("eth_getTransactionReceipt", {first.hex()}).is_null());
  EXPECT_TRUE(committed(8));
  EXPECT_EQ(nonce(key.address, "latest"), 1u);
}

TEST_F(EvmPublishTest, ARevertingCertificateIsFailedNamedAndNothingIsSent) {
  ASSERT_TRUE(wait_mined(refuse(9)));
  PublisherKey key = funded("0x8ac7230489e80000");
  Publisher p(config, key, *rpc);
  ASSERT_TRUE(p.submit(request(9)));
  auto out = p.step(T0);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::failed);
  EXPECT_NE(out.reports[0].message.find("InsufficientWeight(weight=1, quorum=99)"), std::string::npos)
      << out.reports[0].message;
  EXPECT_NE(out.reports[0].message.find("nothing sent"), std::string::npos);
  EXPECT_FALSE(out.reports[0].tx_hash);
  EXPECT_EQ(nonce(key.address), 0u);
  EXPECT_FALSE(committed(9));
  EXPECT_EQ(p.queued(), 0u);
}

TEST_F(EvmPublishTest, ARaceLostIsAlreadyCommittedAndARevertedReceiptIsFailedWithItsReason) {
  PublisherKey a = funded("0x8ac7230489e80000"), b = funded("0x8ac7230489e80000");
  Publisher pa(config, a, *rpc), pb(config, b, *rpc);
  call("evm_setAutomine", {false});
  // Both pass the dry run (nothing mined yet) and send; one block holds both, one reverts.
  ASSERT_TRUE(pa.submit(request(10)));
  ASSERT_TRUE(pb.submit(request(10)));
  ASSERT_EQ(pa.step(T0).reports.at(0).outcome, Outcome::sent);
  auto sb = pb.step(T0).reports.at(0);
  ASSERT_EQ(sb.outcome, Outcome::sent) << sb.message;
  call("evm_mine", json::array());
  auto ra = pa.step(T0 + 1s), rb = pb.step(T0 + 1s);
  ASSERT_EQ(ra.reports.size(), 1u);
  ASSERT_EQ(rb.reports.size(), 1u);
  std::multiset<Outcome> outcomes{ra.reports[0].outcome, rb.reports[0].outcome};
  EXPECT_EQ(outcomes, (std::multiset<Outcome>{Outcome::committed,
                                                     Outcome::already_committed}))
      << ra.reports[0].message << " / " << rb.reports[0].message;
  const msg::PublishReport& lost =
      ra.reports[0].outcome == Outcome::already_committed ? ra.reports[0] : rb.reports[0];
  EXPECT_NE(lost.message.find("reverted: another transaction committed the epoch first"), std::string::npos)
      << lost.message;

  // Our transaction passes the dry run, then the vault is told to refuse the epoch by a
  // transaction mined before ours in the same block: the receipt is reverted.
  ASSERT_TRUE(pa.submit(request(11)));
  ASSERT_EQ(pa.step(T0 + 2s).reports.at(0).outcome, Outcome::sent);
  refuse(11);
  call("evm_mine", json::array());
  auto out = pa.step(T0 + 3s);
  call("evm_setAutomine", {true});
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::failed);
  EXPECT_NE(out.reports[0].message.find("reverted: InsufficientWeight(weight=1, quorum=99)"), std::string::npos)
      << out.reports[0].message;
  EXPECT_TRUE(out.reports[0].tx_hash);
  EXPECT_FALSE(committed(11));
}

TEST_F(EvmPublishTest, AnEpochCommittedByAnotherWhileOursWaitsGivesItsNonceToTheNext) {
  PublisherKey a = funded("0x8ac7230489e80000"), b = funded("0x8ac7230489e80000");
  Publisher pa(config, a, *rpc), pb(config, b, *rpc);
  call("evm_setAutomine", {false});
  ASSERT_TRUE(pa.submit(request(12)));
  auto sent = pa.step(T0).reports.at(0);
  ASSERT_EQ(sent.outcome, Outcome::sent);
  // Our transaction leaves the pool unmined (as one a node evicts); another publisher commits.
  call("anvil_dropTransaction", {sent.tx_hash->hex()});
  ASSERT_TRUE(pb.submit(request(12)));
  ASSERT_EQ(pb.step(T0).reports.at(0).outcome, Outcome::sent);
  call("evm_mine", json::array());
  auto out = pa.step(T0 + 1s);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::already_committed) << out.reports[0].message;
  // The next publication takes nonce 0 again (no gap), and is mined.
  ASSERT_TRUE(pa.submit(request(13)));
  out = pa.step(T0 + 2s);
  ASSERT_EQ(out.reports.at(0).outcome, Outcome::sent) << out.reports[0].message;
  EXPECT_NE(out.reports[0].message.find("nonce 0"), std::string::npos) << out.reports[0].message;
  call("evm_mine", json::array());
  out = pa.step(T0 + 3s);
  call("evm_setAutomine", {true});
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::committed) << out.reports[0].message;
  EXPECT_TRUE(committed(13));
  EXPECT_EQ(nonce(a.address, "latest"), 1u);
}

TEST_F(EvmPublishTest, LowBalanceRaisesTheAlarmAndTooLittleFailsBeforeSending) {
  // 0.001 ETH: a few commits' worth, far below 1000 of them.
  PublisherKey key = funded("0x38d7ea4c68000");
  Publisher p(config, key, *rpc, {.low_balance_transactions = 1000});
  ASSERT_TRUE(p.submit(request(14)));
  auto out = p.step(T0);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::sent) << out.reports[0].message;  // still sent
  ASSERT_EQ(out.alarms.size(), 1u);
  EXPECT_EQ(out.alarms[0].kind, "low_balance");
  EXPECT_FALSE(out.alarms[0].cleared);
  EXPECT_NE(out.alarms[0].message.find(key.address.hex()), std::string::npos) << out.alarms[0].message;
  EXPECT_NE(out.alarms[0].message.find("fund it"), std::string::npos);
  ASSERT_TRUE(wait_mined(*out.reports[0].tx_hash));
  out = p.step(T0 + 1s);
  EXPECT_EQ(out.reports.at(0).outcome, Outcome::committed);
  EXPECT_TRUE(out.alarms.empty());  // raised once, not at every step

  // Funded again: the idle check clears the alarm.
  call("anvil_setBalance", {key.address.hex(), "0x3635c9adc5dea00000"});  // 1000 ETH
  out = p.step(T0 + 400s);
  ASSERT_EQ(out.alarms.size(), 1u);
  EXPECT_EQ(out.alarms[0].kind, "low_balance");
  EXPECT_TRUE(out.alarms[0].cleared);

  // 1000 wei cannot pay for one: FAILED, nothing sent.
  PublisherKey poor = funded("0x3e8");
  Publisher q(config, poor, *rpc);
  ASSERT_TRUE(q.submit(request(15)));
  out = q.step(T0);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::failed);
  EXPECT_NE(out.reports[0].message.find("insufficient funds: " + poor.address.hex() + " holds 1000 wei"),
            std::string::npos)
      << out.reports[0].message;
  EXPECT_EQ(nonce(poor.address), 0u);
  EXPECT_FALSE(committed(15));
}

}  // namespace
}  // namespace relay::evm
