// relayctl and data folders (relay/data_folder.h), with the real binary: a first replay that
// fails before committing anything leaves no folder; a folder that is not this relay's is
// refused by every command and left byte for byte as it was; the commands that only read
// create nothing and change no file of the folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "storage/kv_store.h"
#include "tests/support/relayctl.h"

namespace relay {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;
using testing::relayctl;
using testing::TempDir;
using testing::write;

const std::string kGenesis = RELAY_SOURCE_DIR "/deploy/devnet/genesis.json";
const std::string kEvents = RELAY_SOURCE_DIR "/deploy/devnet/events.jsonl";

std::map<std::string, std::string> files_of(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    out[fs::relative(f.path(), dir)] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

ProcessResult replay(const std::string& events, const std::string& data) {
  return relayctl({"replay", "--genesis", kGenesis, "--events", events, "--data", data, "--json"});
}

// Every command that reads a data folder, on `data`.
std::vector<ProcessResult> read_commands(const std::string& data) {
  const std::string alice = "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  return {relayctl({"solvency", "--genesis", kGenesis, "--data", data, "--json"}),
          relayctl({"receipts", "--genesis", kGenesis, "--data", data, "--epoch", "0"}),
          relayctl({"proof", "--data", data, "--account", alice, "--asset", "USDC"}),
          relayctl({"commitment", "--data", data, "--epoch", "0"})};
}

TEST(DataFolderCli, AFirstReplayThatCommitsNothingLeavesNoFolder) {
  TempDir d;
  const std::string data = d / "data";
  const std::string bad = write(d, "bad.jsonl", "{\"type\":\"deposit\"}\n");
  ProcessResult r = replay(bad, data);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("line 1"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(data)) << "a failed first replay left a folder behind";
  for (const ProcessResult& q : read_commands(data)) EXPECT_EQ(q.exit_code, 2) << q.out;
  EXPECT_FALSE(fs::exists(data)) << "a read command created the folder";
  // Nothing else beside it either (the folder is made under a temporary name first).
  EXPECT_EQ(std::distance(fs::directory_iterator(d.path()), fs::directory_iterator()), 1);
}

TEST(DataFolderCli, EveryCommandRefusesAnotherProgramsDatabaseAndLeavesItUntouched) {
  TempDir d;
  const std::string data = d / "other";
  {
    auto db = storage::open_leveldb(data);
    ASSERT_TRUE(db);
    storage::WriteBatch wb;
    wb.put("S/m/epoch", std::string(8, '\0'));  // even one with keys that look like the relay's
    wb.put("app/key", "value");
    ASSERT_TRUE((*db)->write(wb, true));
  }
  const auto before = files_of(data);
  std::vector<ProcessResult> runs = read_commands(data);
  runs.push_back(replay(kEvents, data));
  for (const ProcessResult& r : runs) {
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.err.find(data + ": not a relay data folder"), std::string::npos) << r.err;
  }
  EXPECT_EQ(files_of(data), before) << "a refused folder was changed";
}

TEST(DataFolderCli, ReadCommandsChangeNoFileOfTheFolder) {
  TempDir d;
  const std::string data = d / "data";
  ASSERT_EQ(replay(kEvents, data).exit_code, 0);
  const auto before = files_of(data);
  for (const ProcessResult& r : read_commands(data)) EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(files_of(data), before) << "a read command wrote to the folder";
  // And a replay (a writer) does change it: the comparison can fail.
  ASSERT_EQ(replay(kEvents, data).exit_code, 0);
  EXPECT_NE(files_of(data), before);
}

TEST(DataFolderCli, ReadCommandsRefuseAnotherNetworksFolder) {
  TempDir d;
  const std::string data = d / "data";
  ASSERT_EQ(replay(kEvents, data).exit_code, 0);
  std::string text = testing::read_text(kGenesis);
  text.replace(text.find("relay-devnet"), 12, "relay-devnex");
  const std::string other = write(d, "other.json", text);
  ProcessResult r = relayctl({"solvency", "--genesis", other, "--data", data});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("made for another network"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace relay
