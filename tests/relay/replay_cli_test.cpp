// `relayctl replay` as an operator runs it (issue 2): the real binary in a subprocess, on real
// LevelDB folders. The summary's fields and shape, errors that name the line and the field,
// batches before a bad line staying committed, idempotent re-runs, and refusal of folders
// that hold another history or another network, and of a malformed genesis.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "canonical_state/canonical_state.h"
#include "storage/kv_store.h"
#include "tests/support/relayctl.h"
#include "tests/support/workload.h"
#include "vault/genesis.h"

namespace relay {
namespace {

using nlohmann::json;
using testing::ProcessResult;
using testing::TempDir;

const std::string kDevnetGenesis = RELAY_SOURCE_DIR "/deploy/devnet/genesis.json";
const std::string kDevnetEvents = RELAY_SOURCE_DIR "/deploy/devnet/events.jsonl";

ProcessResult replay(const std::string& genesis, const std::string& events,
                     const std::string& data) {
  return testing::relayctl(
      {"replay", "--genesis", genesis, "--events", events, "--data", data, "--json"});
}

// Runs a replay that must succeed and returns its summary.
json replay_ok(const std::string& genesis, const std::string& events, const std::string& data) {
  return testing::json_ok(replay(genesis, events, data));
}

using testing::read_text;
using testing::write;

std::string lines(const std::vector<std::string>& ls) {
  std::string s;
  for (const auto& l : ls) s += l + "\n";
  return s;
}

// Devnet tokens and accounts.
const std::string kEth = "0x0000000000000000000000000000000000000000";
const std::string kUsdcAlpha = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
const std::string kAlice = "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const std::string kBob = "0x00000000000000000000000070997970c51812dc3a010c7d01dc720c6a3e7f75";

std::string deposit(const std::string& chain, int block, int log, const std::string& token,
                    const std::string& account, const std::string& amount) {
  return R"({"type":"deposit","chain":")" + chain + R"(","block":)" + std::to_string(block) +
         R"(,"log_index":)" + std::to_string(log) + R"(,"token":")" + token + R"(","account":")" +
         account + R"(","amount":")" + amount + R"("})";
}
const std::string kEpoch = R"({"type":"epoch"})";

TEST(ReplayCli, SummaryHasTheIssuesFieldsAndValuesForTheDevnetLog) {
  TempDir d;
  json out = replay_ok(kDevnetGenesis, kDevnetEvents, d / "data");
  // Worked out by hand from deploy/devnet/events.jsonl and the rules of issue 2.
  EXPECT_EQ(out["applied"], 4);
  EXPECT_EQ(out["duplicates"], 1);
  EXPECT_EQ(out["rejected"],
            json::parse(R"({"precision":1,"insufficient_balance":1,"unknown_chain":1})"));
  EXPECT_EQ(out["balances"], json::parse(R"({
    "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266":
      {"ETH": "5000000000000000000", "USDC": "2100000000"},
    "0x00000000000000000000000070997970c51812dc3a010c7d01dc720c6a3e7f75": {"USDC": "900000000"}
  })"));
  // beta holds no ETH and alpha has nothing pending: those entries are left out.
  EXPECT_EQ(out["custody"], json::parse(R"({
    "alpha": {"ETH": "5000000000000000000", "USDC": "2500000000"}, "beta": {"USDC": "900000000"}
  })"));
  EXPECT_EQ(out["pending"], json::parse(R"({"beta": {"USDC": "400000000"}})"));
  EXPECT_EQ(out["liabilities"],
            json::parse(R"({"ETH": "5000000000000000000", "USDC": "3400000000"})"));
  EXPECT_EQ(out["invariants_ok"], true);
  ASSERT_TRUE(out["state_digest"].is_string());
  EXPECT_TRUE(
      std::regex_match(out["state_digest"].get<std::string>(), std::regex("0x[0-9a-f]{64}")))
      << out["state_digest"];
}

TEST(ReplayCli, LeavesZeroEntriesOutAndPrintsHexLowercase) {
  TempDir d;
  const std::string carol_upper =
      "0x000000000000000000000000ABCDEF0000000000000000000000000000C0FFEE";
  const std::string carol = "0x000000000000000000000000abcdef0000000000000000000000000000c0ffee";
  // Carol deposits 100 USDC and withdraws all of it to alpha; the withdrawal is claimed in the
  // next epoch. Every amount ends at zero except Alice's ETH.
  std::string events = write(
      d, "events.jsonl",
      lines({
          deposit("alpha", 1, 0, kUsdcAlpha, carol_upper, "100000000"),
          deposit("alpha", 1, 1, kEth, kAlice, "7"),
          R"({"type":"withdrawal_request","chain":"alpha","block":2,"log_index":0,"account":")" +
              carol +
              R"(","asset":"USDC","amount":"100000000","dest_chain":"alpha","recipient":"0x00000000000000000000000000000000000000C1"})",
          kEpoch,
          // withdrawal id = SHA-256(be64(31337) || be64(2) || be32(0))
          R"({"type":"withdrawal_claimed","chain":"alpha","block":3,"log_index":0,"withdrawal_id":")" +
              withdrawal_id(ChainId{31337}, {2, 0}).hex() + R"("})",
      }));
  json out = replay_ok(kDevnetGenesis, events, d / "data");
  EXPECT_EQ(out["applied"], 4);
  EXPECT_EQ(out["rejected"], json::object());
  EXPECT_EQ(out["balances"], json::parse(R"({")" + kAlice + R"(": {"ETH": "7"}})"));
  EXPECT_FALSE(out["balances"].contains(carol)) << "an emptied balance is left out";
  EXPECT_EQ(out["custody"], json::parse(R"({"alpha": {"ETH": "7"}})"));
  EXPECT_EQ(out["pending"], json::object());
  EXPECT_EQ(out["liabilities"], json::parse(R"({"ETH": "7"})"));
  EXPECT_EQ(out["invariants_ok"], true);

  // An account given in uppercase hex is printed lowercase.
  TempDir d2;
  std::string first = write(d2, "events.jsonl",
                            lines({
                                deposit("alpha", 1, 0, kUsdcAlpha, carol_upper, "100000000"),
                                deposit("alpha", 1, 1, kUsdcAlpha, carol_upper, "5"),
                            }));
  json mid = replay_ok(kDevnetGenesis, first, d2 / "data");
  EXPECT_EQ(mid["balances"], json::parse(R"({")" + carol + R"(": {"USDC": "100000005"}})"));
}

TEST(ReplayCli, MalformedLineStopsNamingLineAndFieldAndEarlierBatchesStayCommitted) {
  TempDir d;
  const std::string data = d / "data";
  std::vector<std::string> good = {
      deposit("alpha", 1, 0, kEth, kAlice, "10"),  // line 1
      kEpoch,                                      // line 2
      deposit("alpha", 2, 0, kEth, kBob, "20"),    // line 3
      kEpoch,                                      // line 4
      deposit("beta", 1, 0, kEth, kBob, "30"),     // line 5
      deposit("beta", 1, 1, kEth, kAlice, "40"),   // line 6
  };
  std::vector<std::string> bad = good;
  bad[5] = deposit("beta", 1, 1, kEth, kAlice.substr(0, 65), "40");  // 63 hex digits
  ProcessResult r = replay(kDevnetGenesis, write(d, "bad.jsonl", lines(bad)), data);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("line 6"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("account"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << "no summary after a failed run: " << r.out;

  {  // The two batches before the bad line are committed; nothing of the third is.
    auto db = storage::open_leveldb(data);
    ASSERT_TRUE(db) << db.error().message;
    auto devnet = parse_genesis(read_text(kDevnetGenesis));
    ASSERT_TRUE(devnet) << devnet.error().message;
    auto state = CanonicalState::open(*devnet, **db);
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_EQ((*state)->next_epoch(), 2u);
  }

  // The fixed file continues from there, to the same state as a clean run of it.
  const std::string fixed = write(d, "fixed.jsonl", lines(good));
  json resumed = replay_ok(kDevnetGenesis, fixed, data);
  EXPECT_EQ(resumed["skipped_epochs"], 2);
  EXPECT_EQ(resumed["applied"], 2);
  TempDir clean;
  json full = replay_ok(kDevnetGenesis, fixed, clean / "data");
  EXPECT_EQ(full["applied"], 4);
  EXPECT_EQ(resumed["state_digest"], full["state_digest"]);
  EXPECT_EQ(resumed["balances"], full["balances"]);
}

TEST(ReplayCli, MalformedLinesNameTheLineAndTheField) {
  struct Case {
    std::string line, field;
  };
  const std::vector<Case> cases = {
      {R"({"type":"deposit","block":1,"log_index":0,"token":")" + kEth + R"(","account":")" +
           kAlice + R"(","amount":"1"})",
       "chain"},
      {deposit("alpha", 1, 0, kEth, kAlice, "12a"), "amount"},
      {deposit("alpha", 1, 0, kEth.substr(0, 40), kAlice, "1"), "token"},
      {R"({"type":"deposit","chain":"alpha","block":-1,"log_index":0,"token":")" + kEth +
           R"(","account":")" + kAlice + R"(","amount":"1"})",
       "block"},
      {R"({"type":"deposit","chain":"alpha","block":1,"log_index":4294967296,"token":")" + kEth +
           R"(","account":")" + kAlice + R"(","amount":"1"})",
       "log_index"},
      {R"({"type":"withdrawal_claimed","chain":"alpha","block":1,"log_index":0,"withdrawal_id":"0x12"})",
       "withdrawal_id"},
      {R"({"type":"mint","chain":"alpha"})", "type"},
      {R"({"type":"deposit",)", "JSON"},
  };
  for (const Case& c : cases) {
    TempDir d;
    std::string events = write(d, "events.jsonl",
                               lines({deposit("alpha", 1, 0, kEth, kAlice, "1"), kEpoch, c.line}));
    ProcessResult r = replay(kDevnetGenesis, events, d / "data");
    EXPECT_NE(r.exit_code, 0) << c.line;
    EXPECT_NE(r.err.find("line 3"), std::string::npos) << c.line << "\n" << r.err;
    EXPECT_NE(r.err.find(c.field), std::string::npos) << c.line << "\n" << r.err;
  }
}

TEST(ReplayCli, ReplayingTheSameFileTwiceAppliesNothingTheSecondTime) {
  TempDir d;
  testing::WorkloadSpec spec;
  spec.accounts = 50;
  spec.batches = 5;
  spec.events_per_batch = 100;
  const std::string genesis = write(d, "genesis.json", testing::kWorkloadGenesis);
  const std::string events = d / "events.jsonl";
  ASSERT_TRUE(testing::write_event_log(testing::make_workload(spec), events));
  json first = replay_ok(genesis, events, d / "data");
  json second = replay_ok(genesis, events, d / "data");
  EXPECT_GT(first["applied"].get<uint64_t>(), 0u);
  EXPECT_EQ(second["applied"], 0);
  EXPECT_EQ(second["duplicates"], 0);
  EXPECT_EQ(second["rejected"], json::object());
  EXPECT_EQ(second["skipped_epochs"], 5);
  for (const char* k : {"state_digest", "balances", "custody", "pending", "liabilities", "epochs"})
    EXPECT_EQ(second[k], first[k]) << k;
}

// A write that fails for real: the replay runs under a file-size limit (with SIGXFSZ ignored,
// so a write past it fails with EFBIG instead of killing the process), which LevelDB's log
// reaches part way through. The replay stops with the write's error, saying the folder holds
// the epochs before it; replayed again without the limit, it resumes and ends where a clean
// run ends.
TEST(ReplayCli, AFailedWriteStopsTheReplayNamingItAndAReplayAgainResumes) {
  TempDir d;
  testing::WorkloadSpec spec;
  spec.accounts = 400;
  spec.batches = 40;
  spec.events_per_batch = 500;
  const std::string genesis = write(d, "genesis.json", testing::kWorkloadGenesis);
  const std::string events = d / "events.jsonl";
  ASSERT_TRUE(testing::write_event_log(testing::make_workload(spec), events));
  const json clean = replay_ok(genesis, events, d / "clean");

  const std::string data = d / "data";
  // ulimit -f counts 512-byte blocks in dash (/bin/sh): 2 MB, a fraction of the run's log.
  const ProcessResult limited = testing::run_process(
      {"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 4096; exec \"$0\" \"$@\"",
       RELAY_BIN_DIR "/relayctl", "replay", "--genesis", genesis, "--events", events, "--data",
       data, "--json"});
  ASSERT_NE(limited.exit_code, 0) << "the limit was not reached: " << limited.out;
  EXPECT_NE(limited.err.find(data + ": writing an epoch failed ("), std::string::npos)
      << limited.err;
  EXPECT_NE(limited.err.find("the folder holds the epochs before it, replay again to resume"),
            std::string::npos)
      << limited.err;

  const json resumed = replay_ok(genesis, events, data);
  EXPECT_GT(resumed["skipped_epochs"].get<uint64_t>(), 0u) << "nothing was committed before";
  EXPECT_LT(resumed["skipped_epochs"].get<uint64_t>(), spec.batches);
  for (const char* k : {"state_digest", "balances", "custody", "pending", "liabilities"})
    EXPECT_EQ(resumed[k], clean[k]) << k;
}

TEST(ReplayCli, RefusesAFolderWhoseCommittedEpochDiffersFromTheFilesBatch) {
  TempDir d;
  const std::string data = d / "data";
  const std::string a = write(d, "a.jsonl",
                              lines({deposit("alpha", 1, 0, kEth, kAlice, "10"), kEpoch,
                                     deposit("alpha", 2, 0, kEth, kBob, "5")}));
  // Same first batch; the second batch holds another event.
  const std::string b = write(d, "b.jsonl",
                              lines({deposit("alpha", 1, 0, kEth, kAlice, "10"), kEpoch,
                                     deposit("alpha", 2, 0, kEth, kBob, "6"), kEpoch,
                                     deposit("alpha", 3, 0, kEth, kBob, "1")}));
  json before = replay_ok(kDevnetGenesis, a, data);
  ProcessResult r = replay(kDevnetGenesis, b, data);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("batch 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("differs"), std::string::npos) << r.err;
  // Refused before anything was written: the folder still is file a's history, whole.
  json after = replay_ok(kDevnetGenesis, a, data);
  EXPECT_EQ(after["state_digest"], before["state_digest"]);
  EXPECT_EQ(after["epochs"], 2);
}

TEST(ReplayCli, RefusesAFolderThatHoldsMoreEpochsThanTheFile) {
  // The file is the whole history from genesis: one that stops before the folder's last epoch
  // is not this folder's history, and its summary would print a state the file does not give.
  TempDir d;
  const std::string data = d / "data";
  const std::string two = write(d, "two.jsonl",
                                lines({deposit("alpha", 1, 0, kEth, kAlice, "10"), kEpoch,
                                       deposit("alpha", 2, 0, kEth, kBob, "5")}));
  const std::string one =
      write(d, "one.jsonl", lines({deposit("alpha", 1, 0, kEth, kAlice, "10")}));
  json before = replay_ok(kDevnetGenesis, two, data);
  for (const std::string& shorter : {one, write(d, "empty.jsonl", "")}) {
    ProcessResult r = replay(kDevnetGenesis, shorter, data);
    EXPECT_NE(r.exit_code, 0) << shorter << "\n" << r.out;
    EXPECT_NE(r.err.find("2 epochs"), std::string::npos) << r.err;
  }
  json after = replay_ok(kDevnetGenesis, two, data);
  EXPECT_EQ(after["state_digest"], before["state_digest"]);
}

TEST(ReplayCli, RefusesAFolderMadeWithAnotherGenesis) {
  TempDir d;
  const std::string data = d / "data";
  const std::string text = read_text(kDevnetGenesis);
  json before = replay_ok(kDevnetGenesis, kDevnetEvents, data);
  // The same chains and assets under another network name, and a wholly other genesis.
  std::string renamed = text;
  renamed.replace(renamed.find("relay-devnet"), 12, "relay-devnex");
  for (const std::string& other :
       {write(d, "renamed.json", renamed), write(d, "workload.json", testing::kWorkloadGenesis)}) {
    ProcessResult r = replay(other, kDevnetEvents, data);
    EXPECT_NE(r.exit_code, 0) << other;
    EXPECT_NE(r.err.find("another network"), std::string::npos) << other << "\n" << r.err;
  }
  json after = replay_ok(kDevnetGenesis, kDevnetEvents, data);
  EXPECT_EQ(after["state_digest"], before["state_digest"]);
}

TEST(ReplayCli, RefusesAMalformedGenesisNamingTheField) {
  const std::string text = read_text(kDevnetGenesis);
  struct Case {
    std::string from, to, field;
  };
  const std::vector<Case> cases = {
      // beta's vault address one hex digit short
      {"0x5fbdb2315678afecb367f032d93f642f64180aa3\", \"finality\": {\"tag\"",
       "0x5fbdb2315678afecb367f032d93f642f64180aa\", \"finality\": {\"tag\"", "chains[1].vault"},
      {"\"quorum\": 3", "\"quorum\": \"3\"", "quorum"},
      {"\"decimals\": 6, \"tokens\"", "\"decimals\": 99, \"tokens\"", "assets[1].decimals"},
  };
  for (const Case& c : cases) {
    TempDir d;
    std::string bad = text;
    const size_t at = bad.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    bad.replace(at, c.from.size(), c.to);
    ProcessResult r = replay(write(d, "genesis.json", bad), kDevnetEvents, d / "data");
    EXPECT_NE(r.exit_code, 0) << c.field;
    EXPECT_NE(r.err.find(c.field), std::string::npos) << c.field << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(d / "data")) << "no data folder for a refused genesis";
  }
}

}  // namespace
}  // namespace relay
