// The EVM watcher on a real chain: a local anvil (random free port, killed at the end) with the
// real RelayVault and TestToken, deployed and used by tests/adapters/evm_chain.mjs (two
// deposits in one block, two withdrawal requests, a last deposit; see its header). Checks that
// the watcher returns exactly those events with their fields and positions, holds back the
// blocks without enough confirmations, reads the "finalized" tag, alarms on anvil_reorg below
// finality, and that `relayctl watch --json-lines` piped into `relayctl replay` gives the
// balances the transactions made.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/evm/watcher.h"
#include "tests/adapters/anvil.h"
#include "tests/support/relayctl.h"
#include "tests/support/subprocess.h"
#include "vault/genesis.h"

namespace relay::evm {
namespace {

using json = nlohmann::json;
using relay::testing::TempDir;
using testing::free_port;

std::string padded(const std::string& address) { return "0x" + std::string(24, '0') + address.substr(2); }

// One anvil and the helper's deployment for every test of the suite (compiling and deploying
// is most of the time). Blocks 1..8 hold the setup; tests that mine or reorg run last.
class EvmWatchTest : public ::testing::Test {
 protected:
  static inline std::unique_ptr<testing::Anvil> anvil;
  static inline std::string url;
  static inline json chain;  // the helper's output
  static inline std::unique_ptr<TempDir> dir;
  static inline std::string genesis_path, tag_genesis_path;

  static void SetUpTestSuite() {
    anvil = testing::Anvil::start();
    if (!anvil) return;
    url = anvil->url;
    auto c = testing::put_vault_activity(url);
    if (!c) {
      ADD_FAILURE() << c.error();
      anvil.reset();
      return;
    }
    chain = *c;
    dir = std::make_unique<TempDir>();
    genesis_path = write_genesis("genesis.json", R"({"confirmations": 2})");
    tag_genesis_path = write_genesis("tag_genesis.json", R"({"tag": "finalized"})");
  }
  static void TearDownTestSuite() {
    anvil.reset();
    dir.reset();
  }
  static std::string write_genesis(const std::string& name, const std::string& finality) {
    std::string text = R"({"network": "watch-test", "quorum": 1,
  "validators": [{"name": "v1", "weight": 1,
    "pubkey": "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"}],
  "chains": [
    {"name": "alpha", "chain_id": 31337, "kind": "evm", "vault": ")" +
                       chain["vault"].get<std::string>() + R"(", "finality": )" + finality + R"(},
    {"name": "beta", "chain_id": 31338, "kind": "evm",
     "vault": "0x2222222222222222222222222222222222222222", "finality": {"confirmations": 2}}],
  "assets": [
    {"id": "ETH", "decimals": 18, "tokens": {
      "alpha": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18}}},
    {"id": "USDC", "decimals": 6, "tokens": {
      "alpha": {"address": ")" + chain["token"].get<std::string>() + R"(", "decimals": 6}}}]})";
    return relay::testing::write(*dir, name, text);
  }

  void SetUp() override {
    if (!anvil) GTEST_SKIP() << "anvil or node missing (scripts/setup installs them), or anvil did not start";
    auto text = relay::testing::read_text(genesis_path);
    genesis = *parse_genesis(text);
    auto tag_text = relay::testing::read_text(tag_genesis_path);
    tag_genesis = *parse_genesis(tag_text);
  }

  std::string account(int i) const { return chain["accounts"][size_t(i)].get<std::string>(); }
  std::string tx(size_t i) const { return chain["events"][i]["tx"].get<std::string>(); }

  // Everything the watcher returns up to the finalized head.
  WatchResult<std::vector<Event>> drain(Watcher& w) {
    std::vector<Event> out;
    for (;;) {
      auto r = w.step();
      if (!r) return std::unexpected(r.error());
      if (!*r) return out;
      for (auto& e : (*r)->events) out.push_back(e);
    }
  }
  static std::vector<std::unique_ptr<Transport>> endpoint() {
    std::vector<std::unique_ptr<Transport>> v;
    v.push_back(make_http_transport(url));
    return v;
  }

  Genesis genesis, tag_genesis;
  RpcClient rpc{make_http_transport(url)};
};

// Each test below runs in its own process under CTest, each with its own anvil and deployment
// (about 2 s): hence few tests, each checking several things.
TEST_F(EvmWatchTest, ReturnsOnlyFinalEventsWithTheirFieldsAndPositions) {
  ASSERT_EQ(chain["latest"], 8);
  ASSERT_EQ(chain["events"].size(), 5u);
  std::vector<std::pair<int, int>> at;
  for (const auto& e : chain["events"]) at.emplace_back(e["block"], e["log_index"]);
  // Block 5: the native deposit, then the token deposit (after the token's Transfer log).
  ASSERT_EQ(at, (std::vector<std::pair<int, int>>{{5, 0}, {5, 2}, {6, 0}, {7, 0}, {8, 0}}));

  Watcher w(genesis, 0, endpoint(), 0, {.max_range = 3});
  ASSERT_TRUE(w.check_chain_id());
  auto events = drain(w);
  ASSERT_TRUE(events) << events.error().message;
  // Latest is 8: blocks 7 and 8 have fewer than two blocks on top.
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ(w.next_block(), 7u);
  const Event& d0 = (*events)[0];
  EXPECT_EQ(d0.type, EventType::deposit);
  EXPECT_EQ(d0.chain, "alpha");
  EXPECT_EQ(d0.pos, (EventPosition{5, 0}));
  EXPECT_EQ(d0.tx->hex(), tx(0));
  EXPECT_TRUE(d0.token.is_zero());
  EXPECT_EQ(d0.account.hex(), padded(account(0)));
  EXPECT_EQ(d0.amount, "2000000000000000000");
  const Event& d1 = (*events)[1];
  EXPECT_EQ(d1.pos, (EventPosition{5, 2}));
  EXPECT_EQ(d1.tx->hex(), tx(1));
  EXPECT_EQ(d1.token.hex(), chain["token"]);
  EXPECT_EQ(d1.account.hex(), padded(account(1)));
  EXPECT_EQ(d1.amount, "250000000");
  const Event& w0 = (*events)[2];
  EXPECT_EQ(w0.type, EventType::withdrawal_request);
  EXPECT_EQ(w0.pos, (EventPosition{6, 0}));
  EXPECT_EQ(w0.tx->hex(), tx(2));
  EXPECT_EQ(w0.account.hex(), padded(account(0)));
  EXPECT_EQ(w0.asset, "ETH");
  EXPECT_EQ(w0.amount, "500000000000000000");
  EXPECT_EQ(w0.dest_chain, "alpha");
  EXPECT_EQ(w0.recipient.hex(), account(2));

  // The same chain by the "finalized" tag (anvil's: latest − 2 here): the same events.
  auto f = rpc.block(BlockRef::named("finalized"));
  ASSERT_TRUE(f && *f);
  EXPECT_EQ((*f)->number, 6u);
  Watcher tagged(tag_genesis, 0, endpoint(), 0);
  auto by_tag = drain(tagged);
  ASSERT_TRUE(by_tag) << by_tag.error().message;
  EXPECT_EQ(tagged.next_block(), 7u);
  ASSERT_EQ(by_tag->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ((*by_tag)[i].pos, (*events)[i].pos);
}

TEST_F(EvmWatchTest, WatchPipedIntoReplayGivesTheBalances) {
  // Two more blocks: every event of the setup is final.
  ASSERT_TRUE(rpc.call_raw("anvil_mine", R"(["0x2"])"));
  auto watched = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha",
                                           "--rpc", url, "--json-lines", "--max-range", "4"});
  ASSERT_EQ(watched.exit_code, 0) << watched.err;
  auto b8 = rpc.block(BlockRef::at(8));
  ASSERT_TRUE(b8 && *b8);
  EXPECT_NE(watched.err.find("resume with --from 9 --parent " + (*b8)->hash.hex() + "\n"),
            std::string::npos)
      << watched.err;
  std::string events = relay::testing::write(*dir, "events.jsonl", watched.out);
  std::vector<json> lines;
  std::istringstream in(watched.out);
  for (std::string l; std::getline(in, l);) lines.push_back(json::parse(l));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[3]["type"], "withdrawal_request");
  EXPECT_EQ(lines[3]["asset"], "DOGE");
  EXPECT_EQ(lines[3]["dest_chain"], "beta");
  EXPECT_EQ(lines[4]["account"], padded(account(2)));
  EXPECT_EQ(lines[4]["block"], 8);

  auto replay = relay::testing::relayctl(
      {"replay", "--genesis", genesis_path, "--events", events, "--data", *dir / "data", "--json"});
  json out = relay::testing::json_ok(replay);
  EXPECT_EQ(out["applied"], 4);
  EXPECT_EQ(out["rejected"], (json{{"unknown_asset", 1}}));  // DOGE
  EXPECT_EQ(out["balances"][padded(account(0))]["ETH"], "1500000000000000000");
  EXPECT_EQ(out["balances"][padded(account(1))]["USDC"], "250000000");
  EXPECT_EQ(out["balances"][padded(account(2))]["ETH"], "1000000000000000000");
  EXPECT_EQ(out["custody"]["alpha"]["ETH"], "3000000000000000000");
  EXPECT_EQ(out["pending"]["alpha"]["ETH"], "500000000000000000");
  EXPECT_EQ(out["invariants_ok"], true);

  // --from/--to select blocks; the human format names each event.
  auto one = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha",
                                       "--rpc", url, "--from", "6", "--to", "6"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out.rfind("withdrawal_request block 6 log 0", 0), 0u) << one.out;
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 1);

  // --parent: the hash of block --from − 1 as stored; any other hash there is a reorg (exit 5).
  auto b5 = rpc.block(BlockRef::at(5));
  auto b6 = rpc.block(BlockRef::at(6));
  ASSERT_TRUE(b5 && *b5 && b6 && *b6);
  auto resumed = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha",
                                           "--rpc", url, "--from", "7", "--parent",
                                           (*b6)->hash.hex()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resume with --from 9 --parent " + (*b8)->hash.hex()),
            std::string::npos)
      << resumed.err;
  auto moved = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha",
                                         "--rpc", url, "--from", "7", "--parent",
                                         (*b5)->hash.hex()});
  EXPECT_EQ(moved.exit_code, 5) << moved.err;
  EXPECT_NE(moved.err.find("relayctl: watch reorg: alpha: blocks 7..8: " + url +
                           ": block 7's parent is " + (*b6)->hash.hex()),
            std::string::npos)
      << moved.err;
  EXPECT_TRUE(moved.out.empty());
  auto no_from = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha",
                                           "--rpc", url, "--parent", (*b6)->hash.hex()});
  EXPECT_EQ(no_from.exit_code, 2);
  auto bad_hash = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain",
                                            "alpha", "--rpc", url, "--from", "7", "--parent",
                                            "0x12"});
  EXPECT_EQ(bad_hash.exit_code, 2);
  EXPECT_NE(bad_hash.err.find("--parent: 0x12 is not a block hash"), std::string::npos);
}

TEST_F(EvmWatchTest, ZReorgBelowFinalityIsAnAlarm) {  // "Z": runs last, it rewrites the chain
  Watcher w(genesis, 0, endpoint(), 0);
  ASSERT_TRUE(drain(w));
  auto latest = rpc.block_number();
  ASSERT_TRUE(latest);
  // Replace the last four blocks (two of them final) with a fork holding another transaction.
  std::string params = R"([4, [[{"from": ")" + account(3) + R"(", "to": ")" + account(4) +
                       R"(", "value": "0x1"}, 0]]])";
  auto reorged = rpc.call_raw("anvil_reorg", params);
  ASSERT_TRUE(reorged) << reorged.error().message;
  auto r = w.step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("final block " + std::to_string(*latest - 2) + " was read as"),
            std::string::npos)
      << r.error().message;
}

TEST_F(EvmWatchTest, AnRpcThatDoesNotAnswerIsAClearError) {
  // A URL holding credentials, on the command line or in --rpc-file: no error shows them.
  std::string label = "http://127.0.0.1:" + std::to_string(free_port());
  std::string secret_url = "http://alice:hunter2@" + label.substr(7) + "/v3/PATHKEY?apikey=QUERYKEY";
  std::string url_file = relay::testing::write(*dir, "rpc_url", secret_url + "\n");
  for (const auto& how : {std::vector<std::string>{"--rpc", secret_url},
                          std::vector<std::string>{"--rpc-file", url_file}}) {
    std::vector<std::string> args{"watch", "--genesis", genesis_path, "--chain", "alpha",
                                  "--retries", "1"};
    args.insert(args.end(), how.begin(), how.end());
    auto r = relay::testing::relayctl(args);
    EXPECT_EQ(r.exit_code, 4) << how[0];
    EXPECT_NE(r.err.find("relayctl: watch rpc: alpha: only 0 of the 1 endpoints needed gave a "
                         "final head: " + label + ": "),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("; trying again in "), std::string::npos) << r.err;  // one retry
    for (const char* secret : {"alice", "hunter2", "PATHKEY", "QUERYKEY"})
      EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  }
  // --rpc-file reaches the node as --rpc does; several of either are several endpoints.
  std::string good_file = relay::testing::write(*dir, "good_url", url + "\n");
  auto by_file = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha",
                                           "--rpc-file", good_file, "--to", "6"});
  EXPECT_EQ(by_file.exit_code, 0) << by_file.err;
  EXPECT_EQ(std::count(by_file.out.begin(), by_file.out.end(), '\n'), 3) << by_file.out;
  auto both = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha",
                                        "--rpc", url, "--rpc-file", good_file, "--agree", "2",
                                        "--to", "6"});
  EXPECT_EQ(both.exit_code, 0) << both.err;
  EXPECT_EQ(both.out, by_file.out);
  auto neither = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "alpha"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("give at least one --rpc URL or --rpc-file FILE"), std::string::npos);
  auto wrong = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "beta",
                                         "--rpc", url});
  EXPECT_EQ(wrong.exit_code, 4);
  EXPECT_NE(wrong.err.find("serves chain id 31337, the genesis says 31338"), std::string::npos);
  auto bad = relay::testing::relayctl({"watch", "--genesis", genesis_path, "--chain", "gamma",
                                       "--rpc", url});
  EXPECT_EQ(bad.exit_code, 2);
  auto help = relay::testing::relayctl({"watch", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--json-lines"), std::string::npos);
}

}  // namespace
}  // namespace relay::evm
