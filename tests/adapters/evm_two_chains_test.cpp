// Two real chains at once — anvils with chain ids 31337 (alpha: two confirmations) and 31338
// (beta: the "finalized" tag), each with the real vault and a token and the native and ERC-20
// deposits of tests/adapters/evm_chain.mjs — watched side by side as the adapter's loop would:
// every event is yielded exactly once and only once its block is final; a reorg of blocks not
// yet final changes nothing yielded (the new fork's events come instead); a reorg that changes
// a block already yielded halts that chain with the alarm, and the other chain goes on.
#include <gtest/gtest.h>

#include "adapters/evm/watcher.h"
#include "proofs/keccak.h"
#include "tests/adapters/anvil.h"
#include "vault/genesis.h"

namespace relay::evm {
namespace {

using json = nlohmann::json;
using namespace testing;

// A chain under watch: its anvil, what evm_chain.mjs put there, its watcher, what it yielded.
struct Watched {
  std::unique_ptr<Anvil> anvil;
  json setup;
  std::unique_ptr<Watcher> watcher;
  std::vector<Event> events;
  std::vector<FinalBlock> headers;

  uint64_t latest() const {
    auto n = anvil->call("eth_blockNumber", "[]");
    return n ? std::stoull(n->get<std::string>(), nullptr, 16) : 0;
  }
  // Steps until caught up; every block yielded must be final (two blocks on top) when yielded.
  void catch_up() {
    for (;;) {
      uint64_t final_now = latest() - 2;
      auto r = watcher->step();
      ASSERT_TRUE(r) << r.error().message;
      if (!*r) return;
      EXPECT_LE((*r)->to(), final_now) << "a block yielded before it was final";
      events.insert(events.end(), (*r)->events.begin(), (*r)->events.end());
      headers.insert(headers.end(), (*r)->headers.begin(), (*r)->headers.end());
    }
  }
  void mine(int n) { anvil->call("anvil_mine", "[\"0x" + std::to_string(n) + "\"]"); }
  std::string account(size_t i) const { return setup["accounts"][i].get<std::string>(); }
  // A native deposit of `wei` from accounts[i] for itself, as a transaction JSON.
  json deposit_tx(size_t i, uint64_t wei) const {
    static const std::string sig = "deposit(bytes32)";
    Hash32 h = keccak256({reinterpret_cast<const uint8_t*>(sig.data()), sig.size()});
    std::string data = to_hex(std::span<const uint8_t>(h.bytes.data(), 4)) + std::string(24, '0') +
                       account(i).substr(2);
    char value[32];
    snprintf(value, sizeof value, "0x%llx", static_cast<unsigned long long>(wei));
    return {{"from", account(i)}, {"to", setup["vault"]}, {"value", value}, {"input", data}};
  }
};

class EvmTwoChainsTest : public ::testing::Test {
 protected:
  Watched alpha, beta;
  Genesis genesis;

  void SetUp() override {
    if (!have_anvil_and_node()) GTEST_SKIP() << "anvil or node missing (scripts/setup installs them)";
    alpha.anvil = Anvil::start(31337);
    beta.anvil = Anvil::start(31338);
    ASSERT_TRUE(alpha.anvil && beta.anvil) << "anvil did not start";
    // Both deployments at once (each is a node process of about a second).
    relay::testing::Process pa({RELAY_NODE, RELAY_SOURCE_DIR "/tests/adapters/evm_chain.mjs", alpha.anvil->url});
    relay::testing::Process pb({RELAY_NODE, RELAY_SOURCE_DIR "/tests/adapters/evm_chain.mjs", beta.anvil->url});
    for (auto [w, p] : {std::pair{&alpha, &pa}, std::pair{&beta, &pb}}) {
      auto r = p->wait();
      ASSERT_EQ(r.exit_code, 0) << "evm_chain.mjs failed: " << r.err;
      w->setup = json::parse(r.out);
    }
    std::string text = R"({"network": "two-chains", "quorum": 1,
  "validators": [{"name": "v1", "weight": 1,
    "pubkey": "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"}],
  "chains": [
    {"name": "alpha", "chain_id": 31337, "kind": "evm", "vault": ")" +
                       alpha.setup["vault"].get<std::string>() +
                       R"(", "finality": {"confirmations": 2}},
    {"name": "beta", "chain_id": 31338, "kind": "evm", "vault": ")" +
                       beta.setup["vault"].get<std::string>() + R"(", "finality": {"tag": "finalized"}}],
  "assets": [{"id": "ETH", "decimals": 18, "tokens": {
      "alpha": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18},
      "beta": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18}}}]})";
    auto g = parse_genesis(text);
    ASSERT_TRUE(g) << g.error().message;
    genesis = *g;
    size_t index = 0;
    for (Watched* w : {&alpha, &beta}) {
      std::vector<std::unique_ptr<Transport>> ts;
      ts.push_back(make_http_transport(w->anvil->url));
      w->watcher = std::make_unique<Watcher>(genesis, index++, std::move(ts), 0, WatchOptions{});
    }
  }

  static std::vector<std::pair<uint64_t, uint32_t>> positions(const std::vector<Event>& es) {
    std::vector<std::pair<uint64_t, uint32_t>> out;
    for (const auto& e : es) out.emplace_back(e.pos.block, e.pos.log_index);
    return out;
  }
  static std::vector<std::pair<uint64_t, uint32_t>> expected(const json& setup) {
    std::vector<std::pair<uint64_t, uint32_t>> out;
    for (const auto& e : setup["events"]) out.emplace_back(e["block"], e["log_index"]);
    return out;
  }
};

TEST_F(EvmTwoChainsTest, EachEventOnceAfterFinalityAndAReorgOfAFinalBlockHaltsOnlyItsChain) {
  // Setup ends at block 8 on both: blocks 7 and 8 are not final yet.
  for (Watched* w : {&alpha, &beta}) {
    w->catch_up();
    EXPECT_EQ(w->headers.back().height, 6u);
    EXPECT_EQ(w->events.size(), 3u);  // block 5's two deposits (native, ERC-20), block 6's request
  }
  EXPECT_EQ(alpha.events[0].chain, "alpha");
  EXPECT_EQ(beta.events[0].chain, "beta");
  EXPECT_TRUE(alpha.events[0].token.is_zero());                              // native
  EXPECT_EQ(alpha.events[1].token.hex(), alpha.setup["token"].get<std::string>());  // ERC-20
  EXPECT_EQ(beta.events[1].token.hex(), beta.setup["token"].get<std::string>());
  for (Watched* w : {&alpha, &beta}) {
    w->mine(1);
    w->catch_up();  // block 7
    w->mine(1);
    w->catch_up();  // block 8
    EXPECT_EQ(positions(w->events), expected(w->setup));  // each exactly once, in order
    EXPECT_EQ(w->headers.size(), 9u);
    EXPECT_EQ(w->headers.back().event_count, 5u);
  }

  // alpha: a deposit in block 11, not final when a reorg replaces it with another deposit.
  // Latest is 10 (8 final and read).
  ASSERT_TRUE(alpha.anvil->call("eth_sendTransaction", json::array({alpha.deposit_tx(3, 5)}).dump()));
  // Automine answers with the hash and may mine a moment later: wait for block 11.
  ASSERT_TRUE(wait_until([&] { return alpha.latest() == 11u; })) << alpha.latest();
  alpha.catch_up();  // up to 9
  EXPECT_EQ(alpha.headers.back().height, 9u);
  auto reorged = alpha.anvil->call(
      "anvil_reorg", json::array({1, json::array({json::array({alpha.deposit_tx(4, 6), 0})})}).dump());
  ASSERT_TRUE(reorged);
  alpha.mine(2);
  alpha.catch_up();
  ASSERT_EQ(alpha.events.size(), 6u);
  const Event& y = alpha.events.back();
  EXPECT_EQ(y.pos.block, 11u);
  EXPECT_EQ(y.amount, "6");  // the new fork's deposit; the replaced one (5 wei) never yielded
  EXPECT_EQ(y.account.hex(), "0x" + std::string(24, '0') + alpha.account(4).substr(2));
  EXPECT_FALSE(alpha.watcher->halted());
  EXPECT_TRUE(alpha.watcher->take_alarms().empty());

  // beta: a reorg four blocks deep replaces blocks already yielded as final: halt and alarm.
  beta.mine(2);
  beta.catch_up();
  uint64_t yielded = beta.headers.back().height;
  ASSERT_EQ(yielded, beta.latest() - 2);
  ASSERT_TRUE(beta.anvil->call(
      "anvil_reorg", json::array({4, json::array({json::array({beta.deposit_tx(3, 1), 0})})}).dump()));
  auto r = beta.watcher->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("final block " + std::to_string(yielded) + " was read as"),
            std::string::npos)
      << r.error().message;
  EXPECT_TRUE(beta.watcher->halted());
  auto alarms = beta.watcher->take_alarms();
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].kind, "reorg");
  beta.mine(3);
  EXPECT_FALSE(beta.watcher->step());  // stays halted

  // alpha goes on.
  ASSERT_TRUE(alpha.anvil->call("eth_sendTransaction", json::array({alpha.deposit_tx(5, 7)}).dump()));
  alpha.mine(2);
  alpha.catch_up();
  ASSERT_EQ(alpha.events.size(), 7u);
  EXPECT_EQ(alpha.events.back().amount, "7");
}

}  // namespace
}  // namespace relay::evm
