// relayd as an operator runs it, the real binary: --help, --version, --check-config (exit 0
// with what it found and no secret, exit 2 with every problem); a node that starts on a new
// data folder, logs (text or one JSON object per line), and stops cleanly on SIGTERM or SIGINT
// with exit 0; no key in any log line even at trace level; a folder that is not this relay's
// and a folder another relayd holds are refused before anything starts.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "proofs/keys_file.h"
#include "tests/relay/node_fixture.h"
#include "wire/curve_key.h"
#include "tests/proofs/certificate_fixture.h"
#include "tests/support/relayctl.h"

namespace relay {
namespace {

using testing::Process;
using testing::ProcessResult;
using testing::TempDir;
using testing::write;

const std::string kRelayd = RELAY_BIN_DIR "/relayd";

class Relayd : public ::testing::Test {
 protected:
  void SetUp() override {
    // A random validator key: its bytes cannot appear by chance in a log.
    auto secret = generate_secret_key();
    ASSERT_TRUE(secret);
    auto key = make_validator_key(*secret);
    ASSERT_TRUE(key);
    Hash32 h;
    std::copy(secret->expose_secret().begin(), secret->expose_secret().end(), h.bytes.begin());
    secret_hex_ = h.hex().substr(2);
    ASSERT_TRUE(write_key_file(dir_ / "validator.key", *key));
    // The genesis names this key as v2's.
    std::string g = test::with_epochs(test::genesis_text("relayd-test", {1, 2, 3}, {1, 1, 1}, 2));
    const std::string v2 = test::fixed_pubkey(2).hex();
    g.replace(g.find(v2), v2.size(), key->public_key.hex());
    write(dir_, "genesis.json", g);
    address_ = key->address.hex();
    auto curve = net::generate_curve_key_pair();
    ASSERT_TRUE(curve);
    ASSERT_TRUE(net::write_curve_key_file(dir_ / "curve.key", *curve));
    curve_secret_ = test::curve_secret_text(dir_ / "curve.key");
    write(dir_, "alpha.rpc", "http://user:rpc-password@127.0.0.1:8545/\n");
    config_ = write(dir_, "node.toml", config_text("text"));
  }
  std::string config_text(const std::string& format) {
    return "[node]\ngenesis = \"genesis.json\"\ndata = \"data\"\nvalidator_key = "
           "\"validator.key\"\n"
           "curve_key = \"curve.key\"\nlog_level = \"trace\"\nlog_format = \"" +
           format +
           "\"\n"
           "[chains.alpha]\nadapter = \"evm\"\nrpc_files = [\"alpha.rpc\"]\n"
           "[chains.beta]\nadapter = \"external\"\nendpoint = \"ipc://" +
           dir_ / "beta.ipc" + "\"\n";
  }
  void expect_no_secret(const std::string& text) {
    EXPECT_EQ(text.find(secret_hex_), std::string::npos) << "the validator key leaked";
    EXPECT_EQ(text.find(curve_secret_), std::string::npos) << "the CURVE key leaked";
    EXPECT_EQ(text.find("rpc-password"), std::string::npos) << "an RPC credential leaked";
  }

  TempDir dir_;
  std::string config_, secret_hex_, address_, curve_secret_;
};

TEST_F(Relayd, HelpAndVersion) {
  ProcessResult v = testing::run_process({kRelayd, "--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, "relayd 0.1.0\n");
  ProcessResult h = testing::run_process({kRelayd, "--help"});
  EXPECT_EQ(h.exit_code, 0);
  for (const char* opt : {"--config", "--check-config", "--log-format", "--log-level", "--version"})
    EXPECT_NE(h.out.find(opt), std::string::npos) << opt;
  ProcessResult none = testing::run_process({kRelayd});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--config is required"), std::string::npos) << none.err;
}

TEST_F(Relayd, CheckConfigPrintsWhatItFoundWithoutSecretsAndStartsNothing) {
  ProcessResult r = testing::run_process({kRelayd, "--config", config_, "--check-config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("network \"relayd-test\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("validator   v2 (address " + address_), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("configuration OK"), std::string::npos);
  expect_no_secret(r.out + r.err);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data")) << "--check-config made the data folder";
}

TEST_F(Relayd, CheckConfigReportsEveryProblemAndExits2) {
  const std::string bad =
      write(dir_, "bad.toml", config_text("xml") + "agree = 0\n[http]\nlisten = \"nowhere\"\n");
  ProcessResult r = testing::run_process({kRelayd, "--config", bad, "--check-config"});
  EXPECT_EQ(r.exit_code, 2);
  for (const char* want :
       {"node.log_format: \"xml\" is not", "chains.beta.agree: only for adapter = \"evm\"",
        "http.listen: \"nowhere\" is not host:port"})
    EXPECT_NE(r.err.find(want), std::string::npos) << want << "\n" << r.err;
  ProcessResult missing = testing::run_process({kRelayd, "--config", dir_ / "none.toml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.toml: No such file"), std::string::npos) << missing.err;
}

// Starts relayd and waits for its "started" line.
std::unique_ptr<Process> start(const std::vector<std::string>& argv) {
  auto p = std::make_unique<Process>(argv);
  EXPECT_TRUE(p->wait_for_stderr("started")) << p->stderr_so_far();
  return p;
}

TEST_F(Relayd, RunsUntilSigtermThenStopsCleanlyAndLogsNoSecret) {
  auto p = start({kRelayd, "--config", config_});
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data/CURRENT")) << "the data folder is made at start";
  kill(p->pid(), SIGTERM);
  ProcessResult r = p->wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("info node: started network=relayd-test"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("info node: stopping signal=SIGTERM"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("info node: stopped"), std::string::npos) << r.err;
  expect_no_secret(r.out + r.err);
  // Started again on the folder it made: it is this network's.
  auto again = start({kRelayd, "--config", config_});
  kill(again->pid(), SIGINT);
  ProcessResult r2 = again->wait();
  EXPECT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_NE(r2.err.find("stopping signal=SIGINT"), std::string::npos) << r2.err;
}

TEST_F(Relayd, JsonLogsAreOneObjectPerLineWithTheirFields) {
  auto p = start({kRelayd, "--config", config_, "--log-format", "json"});
  kill(p->pid(), SIGTERM);
  ProcessResult r = p->wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.err);
  int n = 0;
  bool started = false;
  for (std::string line; std::getline(lines, line); ++n) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << "not one JSON object: " << line;
    for (const char* k : {"time", "level", "component", "message", "fields"})
      EXPECT_TRUE(j.contains(k)) << k;
    if (j["message"] == "started") {
      started = true;
      EXPECT_EQ(j["level"], "info");
      EXPECT_EQ(j["component"], "node");
      EXPECT_EQ(j["fields"]["network"], "relayd-test");
      EXPECT_EQ(j["fields"]["address"], address_);
      EXPECT_EQ(j["fields"]["epochs"], 0);
    }
  }
  EXPECT_TRUE(started);
  EXPECT_GE(n, 3);
  expect_no_secret(r.err);
}

TEST_F(Relayd, RefusesAFolderThatIsNotThisRelaysAndOneAnotherNodeHolds) {
  std::filesystem::create_directory(dir_ / "data");
  write(dir_, "data/notes.txt", "someone else's");
  ProcessResult foreign = testing::run_process({kRelayd, "--config", config_});
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_NE(foreign.err.find("not a relay data folder"), std::string::npos) << foreign.err;
  EXPECT_EQ(testing::read_text(dir_ / "data/notes.txt"), "someone else's");
  std::filesystem::remove_all(dir_ / "data");

  auto first = start({kRelayd, "--config", config_});
  ProcessResult second = testing::run_process({kRelayd, "--config", config_});
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_NE(second.err.find("lock"), std::string::npos) << second.err;
  kill(first->pid(), SIGTERM);
  EXPECT_EQ(first->wait().exit_code, 0);
}

}  // namespace
}  // namespace relay
