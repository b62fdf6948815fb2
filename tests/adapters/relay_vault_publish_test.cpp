// The EVM publisher against the real vault (deploy/contracts/RelayVault.sol, deployed by
// tests/adapters/publish_chain.mjs "relay" for a genesis of three validators, quorum 2): real
// certificates (the 14-field commitment, signed by the contract tests' harness, independent of
// the C++ code) are committed in any order, each becomes isCommitted with its EpochCommitted
// log, a second publisher sends nothing, and a certificate short of quorum is refused by the dry
// run with the vault's own error, nothing sent.
#include "tests/adapters/publish_fixture.h"

namespace relay::evm {
namespace {

using namespace testing;

class RelayVaultPublishTest : public PublishFixture {
 protected:
  static inline PublishChain shared;
  static void SetUpTestSuite() { shared = PublishChain::start("relay"); }
  static void TearDownTestSuite() { shared = {}; }
  void SetUp() override {
    if (!shared.anvil) GTEST_SKIP() << "anvil or node missing (scripts/setup installs them), or anvil did not start";
    connect(shared);
    config.finality.confirmations = 1;  // as publish_chain.mjs's genesis says
  }

  static msg::PublishRequest request(const json& cert) {
    msg::PublishRequest r{cert["epoch"].get<uint64_t>(), *from_hex(cert["commitment"].get<std::string>()), {}, 0};
    for (const auto& s : cert["signatures"]) {
      auto bytes = *from_hex(s.get<std::string>());
      msg::SignatureBytes sig{};
      std::copy(bytes.begin(), bytes.end(), sig.begin());
      r.signatures.push_back(sig);
    }
    return r;
  }

  // Steps `p` (mining a block after each step, so confirmations come) until it reports; the
  // reports of the step that had some.
  std::vector<msg::PublishReport> step_until_report(Publisher& p, WallClock::time_point& now) {
    for (int i = 0; i < 10; ++i) {
      auto out = p.step(now += 1s);
      for (const auto& a : out.alarms) ADD_FAILURE() << a.kind << ": " << a.message;
      if (!out.reports.empty()) return out.reports;
      call("anvil_mine", {"0x1"});
    }
    ADD_FAILURE() << "no report after 10 steps";
    return {};
  }
};

TEST_F(RelayVaultPublishTest, CommitsRealCertificatesInAnyOrderOnceAndRefusesOneShortOfQuorum) {
  PublisherKey key = funded("0x8ac7230489e80000");
  Publisher p(config, key, *rpc);
  WallClock::time_point now = T0;
  for (const auto& cert : chain["certificates"]) {  // epochs 5, then 3
    const uint64_t epoch = cert["epoch"];
    ASSERT_TRUE(p.submit(request(cert)));
    auto sent = step_until_report(p, now);
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_EQ(sent[0].outcome, Outcome::sent) << sent[0].message;
    ASSERT_TRUE(wait_mined(*sent[0].tx_hash));
    auto done = step_until_report(p, now);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].outcome, Outcome::committed) << done[0].message;
    EXPECT_EQ(done[0].tx_hash, sent[0].tx_hash);
    EXPECT_TRUE(committed(epoch));
    // The vault's EpochCommitted(uint64 indexed epoch, ...) is in our transaction's receipt.
    json receipt = call("eth_getTransactionReceipt", {sent[0].tx_hash->hex()});
    ASSERT_EQ(receipt["logs"].size(), 1u);
    char topic[67];
    snprintf(topic, sizeof topic, "0x%064llx", static_cast<unsigned long long>(epoch));
    EXPECT_EQ(receipt["logs"][0]["topics"][1], topic);
    EXPECT_EQ(number(receipt["blockNumber"]), done[0].block);
  }
  EXPECT_EQ(nonce(key.address, "latest"), 2u);

  // Another validator's publisher with the same certificate: the vault has it, nothing is sent.
  PublisherKey other = funded("0x8ac7230489e80000");
  Publisher q(config, other, *rpc);
  ASSERT_TRUE(q.submit(request(chain["certificates"][0])));
  auto out = q.step(now += 1s);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::already_committed) << out.reports[0].message;
  EXPECT_EQ(nonce(other.address), 0u);

  // One signature of weight 1 against quorum 2: the vault's dry run names it; nothing is sent.
  ASSERT_TRUE(q.submit(request(chain["short"])));
  out = q.step(now += 1s);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(out.reports[0].outcome, Outcome::failed);
  EXPECT_NE(out.reports[0].message.find("InsufficientWeight(weight=1, quorum=2)"), std::string::npos)
      << out.reports[0].message;
  EXPECT_EQ(nonce(other.address), 0u);
  EXPECT_FALSE(committed(6));
}

}  // namespace
}  // namespace relay::evm
