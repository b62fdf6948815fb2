// relayd runs the built-in adapter of every `adapter = "evm"` chain as a child process
// (relay/adapter_supervisor.h). relay-adapter-evm is not built here, so a test installs, beside
// a copy of relayd, a `relay-adapter-evm` script that records its command line and runs the
// Python file adapter (tests/adapters/python, Debian's python3) over the chain's file: real
// processes, real ZeroMQ over ipc, real LevelDB. The node cuts, applies and certifies the
// file's epochs; a SIGKILLed adapter is restarted and resumes from the node's tip; the children
// die with a SIGKILLed relayd; a missing program is named.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "proofs/keys_file.h"
#include "tests/proofs/certificate_fixture.h"
#include "tests/relay/node_fixture.h"
#include "tests/relay/relayd_fixture.h"
#include "vault/amount.h"

namespace relay {
namespace {

using nlohmann::json;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kPython = RELAY_SOURCE_DIR "/tests/adapters/python";
const uint64_t kStart = 1764470000;  // the sample chain's first timestamp

// Beta's chain file: `n` blocks 10 s apart, without events.
std::string beta_chain(int n) {
  std::string out, parent = "0x" + std::string(64, '0');
  for (int i = 0; i < n; ++i) {
    char hash[67];
    std::snprintf(hash, sizeof hash, "0x%064x", 0xbe7a00 + i);
    out += json{{"height", i}, {"hash", hash}, {"parent_hash", parent}, {"timestamp", kStart + 1 + 10 * i},
                {"events", json::array()}}
               .dump() +
           "\n";
    parent = hash;
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class RelaydEvmAdapter : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = test::with_epochs(testing::read_text(kPython + "/testdata/genesis.json"), kStart, 10);
    genesis_ = test::parse_or_throw(text_);
    testing::write(dir_, "genesis.json", text_);
    ASSERT_TRUE(write_key_file(dir_ / "validator.key", *make_validator_key(test::fixed_key(1))));
    fs::copy_file(kPython + "/testdata/alpha.jsonl", dir_ / "alpha.jsonl");
    testing::write(dir_, "beta.jsonl", beta_chain(10));
    fs::create_directory(dir_ / "bin");
    fs::copy_file(test::kRelayd, dir_ / "bin/relayd");
    node_.command = {dir_ / "bin/relayd"};
    node_.log_level = "info";
    std::string chains;
    for (const char* c : {"alpha", "beta"})
      chains += std::string("[chains.") + c + "]\nadapter = \"evm\"\nrpc = [\"http://127.0.0.1:1/\"]\nagree = 1\n";
    node_.config = testing::write(dir_, "node.toml", test::node_toml("", chains));
  }
  // The stand-in for relay-adapter-evm: records "PID ARGS" per start, then runs the Python
  // file adapter (following its file) with the genesis, chain and endpoint relayd gave it.
  void install_adapter() {
    const std::string script =
        "#!/bin/sh\nargs=\"$*\"\n"
        "while [ $# -gt 0 ]; do case \"$1\" in\n"
        "  --genesis) genesis=$2; shift 2;;\n  --chain) chain=$2; shift 2;;\n"
        "  --endpoint) endpoint=$2; shift 2;;\n  *) shift;;\nesac; done\n"
        "echo \"$$ $args\" >> " + dir_ / "starts-$chain.txt" + "\n"
        "exec /usr/bin/python3 " + kPython + "/file_adapter.py --genesis \"$genesis\" --chain \"$chain\" "
        "--file " + dir_.path() + "/$chain.jsonl --endpoint \"$endpoint\" --follow --proto-dir " RELAY_BIN_DIR "/../python\n";
    const std::string path = testing::write(dir_, "bin/relay-adapter-evm", script);
    ::chmod(path.c_str(), 0755);
  }
  // What alpha's file deposits up to chain time `until`, per token (the sample's deposits are
  // all of listed tokens, and its withdrawals are refused: beta holds nothing).
  std::map<std::string, Amount> alpha_deposits(uint64_t until) {
    std::map<std::string, Amount> out;
    for (const std::string& l : lines_of(dir_ / "alpha.jsonl")) {
      json b = json::parse(l);
      if (b["timestamp"].get<uint64_t>() > until) break;
      for (const json& e : b["events"])
        if (e["type"] == "deposit")
          out[e["token"]] = *out[e["token"]].checked_add(*Amount::from_decimal(e["amount"].get<std::string>()));
    }
    return out;
  }

  TempDir dir_;
  std::string text_;
  Genesis genesis_;
  test::NodeProcess node_;
};

TEST_F(RelaydEvmAdapter, RunsTheBuiltInAdapterRestartsItAndTheChildrenDieWithRelayd) {
  install_adapter();
  node_.start();
  // Alpha's last block is at +78 s: epochs 0..6 close (T_6 = +70), epoch 7 waits for alpha.
  ASSERT_TRUE(node_.wait_until([](const json& s) { return s["certified_epoch"] == 6; })) << node_.status().dump();
  json s = node_.status();
  EXPECT_EQ(s["epoch"]["waiting_for"], json::array({"alpha"}));
  EXPECT_EQ(s["chains"][0]["adapter"], "connected");
  EXPECT_EQ(s["chains"][0]["height"], 39);
  const auto starts = lines_of(dir_ / "starts-alpha.txt");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_NE(starts[0].find("--genesis " + dir_ / "genesis.json" + " --chain alpha --endpoint ipc://" + dir_ /
                           "data/adapter-alpha.ipc --rpc http://127.0.0.1:1/ --agree 1 --log-level info "
                           "--log-format text"),
            std::string::npos)
      << starts[0];
  const auto deposits = alpha_deposits(*genesis_.epochs->end_time(6));
  json eth = node_.get("/v1/solvency").second["certified"]["assets"][0];
  EXPECT_EQ(eth["custody"]["alpha"], deposits.at("0x0000000000000000000000000000000000000000").to_decimal());
  EXPECT_EQ(eth["invariants_ok"], true);

  // SIGKILL the adapter: relayd starts it again, and it resumes from the node's tip (block 39).
  const pid_t first = std::stoi(starts[0]);
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  ASSERT_TRUE(node_.wait_until([&](const json&) { return lines_of(dir_ / "starts-alpha.txt").size() == 2; }));
  const std::string metrics = node_.get_text("/metrics");
  EXPECT_NE(metrics.find("relay_adapter_starts_total{chain=\"alpha\"} 2"), std::string::npos) << metrics;
  // A block appended to the file (past T_7) reaches the node through the new adapter.
  const json last = json::parse(lines_of(dir_ / "alpha.jsonl").back());
  std::ofstream(dir_ / "alpha.jsonl", std::ios::app)
      << json{{"height", 40}, {"hash", "0x" + std::string(63, '0') + "4"}, {"parent_hash", last["hash"]},
              {"timestamp", kStart + 82}, {"events", json::array()}}
             .dump()
      << "\n";
  ASSERT_TRUE(node_.wait_until([](const json& st) { return st["certified_epoch"] == 7; })) << node_.status().dump();
  EXPECT_EQ(node_.status()["chains"][0]["height"], 40);

  // relayd SIGKILLed: its adapters die with it (PR_SET_PDEATHSIG, SIGTERM). Waited for with a
  // deadline: gone, or a zombie for whoever reaps orphans here.
  const pid_t second = std::stoi(lines_of(dir_ / "starts-alpha.txt")[1]);
  node_.process->kill_and_wait();
  auto dead = [&] {
    const std::string stat = testing::read_text("/proc/" + std::to_string(second) + "/stat");
    return stat.empty() || stat.find(") Z ") != std::string::npos;
  };
  const auto end = std::chrono::steady_clock::now() + test::kDeadline;
  while (!dead() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(dead()) << "adapter still running: " << testing::read_text("/proc/" + std::to_string(second) + "/stat");
}

TEST_F(RelaydEvmAdapter, AMissingAdapterProgramIsNamedAndItsChainWaits) {
  node_.command = {"/usr/bin/env", "PATH=/nonexistent", dir_ / "bin/relayd"};
  node_.start();
  ASSERT_TRUE(node_.process->wait_for_stderr("relay-adapter-evm not found: chain alpha"));
  EXPECT_NE(node_.process->stderr_so_far().find("looked_in=\"" + dir_ / "bin/relay-adapter-evm" + ", PATH\""),
            std::string::npos)
      << node_.process->stderr_so_far();
  ASSERT_TRUE(node_.wait_until([](const json& s) { return s["chains"][0]["adapter"] == "absent"; }))
      << node_.status().dump();
  EXPECT_EQ(node_.status()["epoch"]["waiting_for"], json::array({"alpha", "beta"}));
  EXPECT_EQ(node_.stop(), 0);
}

}  // namespace
}  // namespace relay
