// The EVM watcher on a real anvil (the real vault and token of tests/adapters/evm_chain.mjs)
// through tests/adapters/fault_proxy.mjs, which alters the node's answers by rule: whatever the
// faults — on the wire, in eth_getLogs, in one of three endpoints — the watcher yields exactly
// the chain's events (compared with a direct read), or nothing and an alarm. Time for backoffs
// and Retry-After comes from a clock the test moves; only the timeout test waits for real.
#include <gtest/gtest.h>

#include <regex>

#include "adapters/evm/watcher.h"
#include "tests/adapters/anvil.h"
#include "tests/support/relayctl.h"
#include "tests/support/subprocess.h"
#include "vault/genesis.h"

namespace relay::evm {
namespace {

using json = nlohmann::json;
using namespace testing;

// One anvil per test process (CTest runs each test alone): blocks 1..8 hold the setup and its
// five vault events, two more blocks make them all final (two confirmations).
class EvmFaultProxyTest : public ::testing::Test {
 protected:
  static inline std::unique_ptr<Anvil> anvil;
  static inline json chain;
  static inline std::string genesis_text;

  static void SetUpTestSuite() {
    anvil = Anvil::start();
    if (!anvil) return;
    auto c = put_vault_activity(anvil->url);
    if (!c) {
      ADD_FAILURE() << c.error();
      anvil.reset();
      return;
    }
    chain = *c;
    anvil->call("anvil_mine", R"(["0x2"])");
    genesis_text = R"({"network": "proxy-test", "quorum": 1,
  "validators": [{"name": "v1", "weight": 1,
    "pubkey": "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"}],
  "chains": [
    {"name": "alpha", "chain_id": 31337, "kind": "evm", "vault": ")" +
                   chain["vault"].get<std::string>() + R"(", "finality": {"confirmations": 2}},
    {"name": "beta", "chain_id": 31338, "kind": "evm",
     "vault": ")" + chain["vault"].get<std::string>() + R"(", "finality": {"tag": "finalized"}}],
  "assets": [{"id": "ETH", "decimals": 18, "tokens": {
      "alpha": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18}}}]})";
  }
  static void TearDownTestSuite() { anvil.reset(); }

  void SetUp() override {
    if (!anvil) GTEST_SKIP() << "anvil or node missing (scripts/setup installs them), or anvil did not start";
    genesis = *parse_genesis(genesis_text);
  }

  std::unique_ptr<Watcher> watcher(const std::vector<std::string>& urls, WatchOptions o = {},
                                   std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                                   size_t chain_index = 0) {
    std::vector<std::unique_ptr<Transport>> ts;
    for (const auto& u : urls)
      ts.push_back(make_http_transport(u, {.timeout = timeout, .connect_timeout = timeout}));
    o.clock = [this] { return now; };
    o.seed = 3;
    return std::make_unique<Watcher>(genesis, chain_index, std::move(ts), 0, o);
  }

  struct Read {
    std::vector<Event> events;
    std::vector<FinalBlock> headers;
    std::vector<WatchError> errors;
  };
  // Steps until caught up, waiting out temporary errors on the test clock.
  Read read_all(Watcher& w, int tries = 30) {
    Read out;
    for (;;) {
      auto r = w.step();
      if (!r) {
        out.errors.push_back(r.error());
        if (halts(r.error().kind) || int(out.errors.size()) >= tries) return out;
        now += r.error().retry_in;
        continue;
      }
      if (!*r) return out;
      out.events.insert(out.events.end(), (*r)->events.begin(), (*r)->events.end());
      out.headers.insert(out.headers.end(), (*r)->headers.begin(), (*r)->headers.end());
    }
  }
  // What the chain holds, read directly from anvil.
  Read truth() {
    auto w = watcher({anvil->url});
    Read r = read_all(*w);
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.events.size(), 5u);
    return r;
  }
  void expect_same(const Read& got, const Read& want) {
    ASSERT_EQ(got.events.size(), want.events.size());
    for (size_t i = 0; i < want.events.size(); ++i) EXPECT_EQ(got.events[i], want.events[i]) << i;
    EXPECT_EQ(got.headers, want.headers);
  }

  Genesis genesis;
  std::chrono::steady_clock::time_point now{};
};

TEST_F(EvmFaultProxyTest, FaultsOnTheWireAreWaitedOutAndNothingIsMissed) {
  Read want = truth();
  ASSERT_EQ(want.headers.size(), 9u);  // blocks 0..8
  EXPECT_EQ(want.headers.back().event_count, 5u);
  auto proxy = FaultProxy::start(anvil->url);
  ASSERT_TRUE(proxy);
  ASSERT_TRUE(proxy->rules({{"status", {{{"code", 429}, {"retryAfter", 1}}, {{"code", 503}}}},
                            {"delayMs", {3000}},
                            {"truncate", 1},
                            {"garbage", 1}}));
  // 1.5 s: far above anvil's answer on a loaded machine (at 400 ms an ordinary answer timed out
  // once under a load of 8 on 2 cores), far below the delayed one.
  auto w = watcher({proxy->url}, {}, std::chrono::milliseconds(1500));
  Read got = read_all(*w);
  expect_same(got, want);
  ASSERT_EQ(got.errors.size(), 5u);
  EXPECT_EQ(got.errors[0].retry_in, std::chrono::milliseconds(1000));  // Retry-After: 1
  EXPECT_NE(got.errors[0].message.find("HTTP status 429"), std::string::npos) << got.errors[0].message;
  EXPECT_NE(got.errors[1].message.find("HTTP status 503"), std::string::npos);
  EXPECT_NE(got.errors[2].message.find("no answer within 1500 ms"), std::string::npos)
      << got.errors[2].message;
  for (const auto& e : got.errors) EXPECT_EQ(e.kind, WatchFailure::rpc) << e.message;
  auto h = w->health()[0];
  EXPECT_EQ(h.errors_by_kind["http_status"], 2u);
  EXPECT_EQ(h.errors_by_kind["timeout"], 1u);
  EXPECT_TRUE(h.up);

  // Another chain's node behind the same URL: the watcher halts before reading anything.
  ASSERT_TRUE(proxy->rules({{"chainId", 1}}));
  auto other = watcher({proxy->url});
  auto r = other->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::wrong_chain);
  EXPECT_TRUE(other->halted());

  // "finalized" answered with an error before anything is final: nothing final yet.
  ASSERT_TRUE(proxy->rules({{"chainId", 31338}, {"finalizedError", true}}));
  auto young = watcher({proxy->url}, {}, std::chrono::milliseconds(2000), /*chain_index=*/1);
  auto y = young->step();
  ASSERT_TRUE(y) << y.error().message;
  EXPECT_FALSE(*y);
}

TEST_F(EvmFaultProxyTest, LogsLeftOutOrRefusedAreNeverTakenForAnEmptyRange) {
  Read want = truth();
  auto proxy = FaultProxy::start(anvil->url);
  ASSERT_TRUE(proxy);
  struct Case {
    const char* name;
    json rules;
  } cases[] = {
      {"a silent cap", {{"capLogs", 2}}},
      {"blocks served before their logs", {{"emptyAbove", {{"block", 5}, {"answers", 3}}}}},
      {"topic lists answered with nothing", {{"topicsBreak", true}}},
      {"more than 2 results", {{"maxResults", 2}}},
      {"block range too large", {{"maxBlockRange", 2}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(proxy->rules(c.rules));
    auto w = watcher({proxy->url}, {.max_range = 8});
    Read got = read_all(*w);
    expect_same(got, want);
  }
}

TEST_F(EvmFaultProxyTest, AHiddenLogIsCaughtAtTheCheckpointAndNothingIsEmitted) {
  Read want = truth();
  auto proxy = FaultProxy::start(anvil->url);
  ASSERT_TRUE(proxy);
  // Block 5: the native deposit (log 0), the token's Transfer (1), the token deposit (2). The
  // block keeps a vault log, so its bloom says nothing: only the vault's count does.
  ASSERT_TRUE(proxy->rules({{"hideLogs", {{{"block", 5}, {"logIndex", 2}}}}}));
  auto w = watcher({proxy->url}, {.max_range = 16});
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::accumulator_mismatch);
  EXPECT_NE(r.error().message.find("block 8: the vault's eventState() is count 5"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(w->next_block(), 0u);
  auto alarms = w->take_alarms();
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].kind, "accumulator_mismatch");
  // Smaller ranges: those before block 5 pass; none holding block 5 ever does.
  for (int i = 0; i < 6; ++i) {
    now += std::chrono::seconds(60);
    auto s = w->step();
    if (s && *s) {
      EXPECT_LT((*s)->to(), 5u);
    }
  }
  EXPECT_LE(w->next_block(), 5u);
  ASSERT_TRUE(proxy->rules(json::object()));
  now += std::chrono::seconds(60);
  Read rest = read_all(*w);
  EXPECT_EQ(rest.events.size(), 5u);
  EXPECT_EQ(rest.events[1], want.events[1]);
  EXPECT_EQ(rest.headers.back(), want.headers.back());
}

TEST_F(EvmFaultProxyTest, TwoOfThreeEndpointsAgreeAndTheOneThatLiesIsNamed) {
  Read want = truth();
  auto liar = FaultProxy::start(anvil->url);
  auto honest1 = FaultProxy::start(anvil->url);
  auto honest2 = FaultProxy::start(anvil->url);
  ASSERT_TRUE(liar && honest1 && honest2);
  std::string other_hash = "0x" + std::string(64, 'e');
  std::string amount = "0x" + std::string(63, '0') + "7";
  struct Lie {
    const char* name;
    json rules;
    const char* shows;
  } lies[] = {
      {"alters an amount", {{"alterData", {{{"block", 8}, {"logIndex", 0}, {"data", amount}}}}}, "eventState()"},
      {"hides a log", {{"hideLogs", {{{"block", 5}, {"logIndex", 2}}}}}, "is count 5"},
      {"swaps a block hash", {{"swapBlockHash", {{{"block", 6}, {"hash", other_hash}}}}}, "block 7 names parent"},
  };
  for (const Lie& lie : lies) {
    SCOPED_TRACE(lie.name);
    ASSERT_TRUE(liar->rules(lie.rules));
    auto w = watcher({liar->url, honest1->url, honest2->url}, {.agree = 2});
    Read got = read_all(*w);
    EXPECT_TRUE(got.errors.empty()) << got.errors.front().message;
    expect_same(got, want);
    bool named = false;
    for (const auto& a : w->take_alarms())
      if (a.kind == "rpc_disagreement" && a.message.find(liar->url + ": ") != std::string::npos &&
          a.message.find(lie.shows) != std::string::npos)
        named = true;
    EXPECT_TRUE(named);
    EXPECT_GE(w->health()[0].disagreements, 1u);
  }
  // The first endpoint dead (its process gone): the next one answers.
  std::string dead = liar->url;
  liar.reset();
  auto w = watcher({dead, honest1->url}, {.agree = 1});
  Read got = read_all(*w);
  expect_same(got, want);
  EXPECT_FALSE(w->health()[0].up);
  EXPECT_EQ(w->health()[0].errors_by_kind["connection"], 1u);
}

TEST_F(EvmFaultProxyTest, RelayctlWatchWaitsOutRateLimitsAndNeedsKAgreeing) {
  auto proxy = FaultProxy::start(anvil->url);
  ASSERT_TRUE(proxy);
  relay::testing::TempDir dir;
  std::string genesis_path = relay::testing::write(dir, "genesis.json", genesis_text);
  ASSERT_TRUE(proxy->rules({{"status", {{{"code", 429}, {"retryAfter", 1}}}}}));
  auto r = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha",
                                     "--rpc", proxy->url, "--rpc", anvil->url, "--agree", "2",
                                     "--json-lines"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 5) << r.out;
  EXPECT_NE(r.err.find("HTTP status 429"), std::string::npos) << r.err;
  std::smatch wait;  // Retry-After: 1, less the moments since the answer came
  ASSERT_TRUE(std::regex_search(r.err, wait, std::regex("trying again in ([0-9]+) ms"))) << r.err;
  EXPECT_GE(std::stoi(wait[1]), 900);
  EXPECT_LE(std::stoi(wait[1]), 1000);
  EXPECT_NE(r.err.find("next block 9 of final head 8"), std::string::npos) << r.err;

  // A liar among two with --agree 2: nothing printed, exit 6 after the retries.
  std::string amount = "0x" + std::string(63, '0') + "7";
  ASSERT_TRUE(proxy->rules({{"alterData", {{{"block", 8}, {"logIndex", 0}, {"data", amount}}}}}));
  auto lied = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha",
                                        "--rpc", proxy->url, "--rpc", anvil->url, "--agree", "2",
                                        "--from", "6", "--retries", "0"});
  EXPECT_EQ(lied.exit_code, 6) << lied.err;
  EXPECT_TRUE(lied.out.empty()) << lied.out;
  EXPECT_NE(lied.err.find("watch: alarm rpc_disagreement"), std::string::npos) << lied.err;

  auto too_many = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain",
                                            "alpha", "--rpc", anvil->url, "--agree", "2"});
  EXPECT_EQ(too_many.exit_code, 2);
  EXPECT_NE(too_many.err.find("--agree: 2 is not from 1 to the 1 endpoints given"),
            std::string::npos)
      << too_many.err;
}

}  // namespace
}  // namespace relay::evm
