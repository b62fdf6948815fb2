// relay/data_folder.h on real LevelDB folders: a new folder carries its marker from its first
// write on (and no temporary folder is left beside it); a folder that is not this relay's, or
// is another network's, is refused and left byte for byte as it was; read-only opens create
// and write nothing; a created folder that holds only its marker can be discarded.
#include "relay/data_folder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "relay/node_keys.h"
#include "storage/kv_store.h"
#include "tests/support/temp_dir.h"

namespace relay::node {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

Hash32 network(uint8_t b) {
  Hash32 h;
  h.bytes.fill(b);
  return h;
}

// Every file under a folder, by relative path, with its bytes.
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

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : fs::directory_iterator(dir)) out.push_back(f.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DataFolder, ANewFolderHoldsItsMarkerAndNothingIsLeftBesideIt) {
  TempDir d;
  const std::string path = d / "deep/data";
  auto f = open_data_folder(path, network(7));
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_TRUE(f->created);
  EXPECT_EQ(f->network_id, network(7));
  auto marker = f->store->get(keys::kMarker);
  ASSERT_TRUE(marker && *marker);
  EXPECT_EQ(**marker, "relay-node" + std::string(32, '\x07'));
  int entries = 0;
  ASSERT_TRUE(
      f->store->scan("", [&](std::string_view, std::string_view) { return ++entries, true; }));
  EXPECT_EQ(entries, 1) << "the marker is the folder's only entry";
  EXPECT_EQ(names_in(d / "deep"), std::vector<std::string>{"data"})
      << "a temporary folder was left";
  f->store.reset();
  auto again = open_data_folder(path, network(7));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->created);
}

TEST(DataFolder, AnEmptyFolderBecomesADataFolder) {
  TempDir d;
  fs::create_directory(d / "data");
  auto f = open_data_folder(d / "data", network(1));
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_TRUE(f->created);
  EXPECT_TRUE(fs::exists(d / "data/CURRENT"));
}

TEST(DataFolder, AnotherProgramsDatabaseIsRefusedAndLeftUntouched) {
  TempDir d;
  const std::string path = d / "other";
  {
    auto db = storage::open_leveldb(path);
    ASSERT_TRUE(db);
    storage::WriteBatch wb;
    for (int i = 0; i < 300; ++i) wb.put("app/" + std::to_string(i), std::string(64, 'x'));
    ASSERT_TRUE((*db)->write(wb, true));
  }  // its last writes are in its log: an ordinary open would move them into a table
  const auto before = files_of(path);
  auto w = open_data_folder(path, network(1));
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find(path + ": not a relay data folder"), std::string::npos)
      << w.error().message;
  EXPECT_NE(w.error().message.find("left untouched"), std::string::npos);
  auto r = open_data_folder_read_only(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a relay data folder"), std::string::npos);
  EXPECT_EQ(files_of(path), before) << "the refused folder was changed";
}

TEST(DataFolder, AFolderOfOtherFilesIsRefusedAndLeftUntouched) {
  TempDir d;
  const std::string path = d / "home";
  fs::create_directory(path);
  std::ofstream(d / "home/notes.txt") << "mine";
  const auto before = files_of(path);
  auto w = open_data_folder(path, network(1));
  auto r = open_data_folder_read_only(path);
  for (const auto* e : {&w, &r}) {
    ASSERT_FALSE(*e);
    EXPECT_NE(e->error().message.find("holds files but no LevelDB database"), std::string::npos)
        << e->error().message;
  }
  EXPECT_EQ(files_of(path), before);
  auto file = open_data_folder(d / "home/notes.txt", network(1));
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find("not a folder"), std::string::npos);
}

TEST(DataFolder, AnotherNetworksFolderIsRefused) {
  TempDir d;
  const std::string path = d / "data";
  ASSERT_TRUE(open_data_folder(path, network(1)));
  const auto before = files_of(path);
  auto w = open_data_folder(path, network(2));
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("made for another network"), std::string::npos)
      << w.error().message;
  EXPECT_NE(w.error().message.find(network(1).hex()), std::string::npos);
  auto r = open_data_folder_read_only(path, network(2));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("made for another network"), std::string::npos);
  EXPECT_EQ(files_of(path), before);
  EXPECT_TRUE(open_data_folder_read_only(path)) << "without a network, any marked folder";
}

TEST(DataFolder, ReadOnlyOpensCreateNothingAndWriteNothing) {
  TempDir d;
  for (const char* missing : {"missing", "missing/deeper"}) {
    auto r = open_data_folder_read_only(d / missing);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("no such data folder"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(d / "missing"));
  fs::create_directory(d / "empty");
  ASSERT_FALSE(open_data_folder_read_only(d / "empty"));
  EXPECT_TRUE(fs::is_empty(d / "empty")) << "a marker was written into an empty folder";

  const std::string path = d / "data";
  {
    auto f = open_data_folder(path, network(3));
    ASSERT_TRUE(f);
    storage::WriteBatch wb;
    wb.put("S/x", "state");
    ASSERT_TRUE(f->store->write(wb, true));
  }
  const auto before = files_of(path);
  auto r = open_data_folder_read_only(path, network(3));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(**r->store->get("S/x"), "state");
  storage::WriteBatch wb;
  wb.put("S/y", "no");
  EXPECT_FALSE(r->store->write(wb, true));
  r->store.reset();
  EXPECT_EQ(files_of(path), before);
}

TEST(DataFolder, ACreatedFolderHoldingOnlyItsMarkerIsDiscardedAnyOtherIsKept) {
  TempDir d;
  auto f = open_data_folder(d / "data", network(1));
  ASSERT_TRUE(f);
  auto removed = discard_if_unused(std::move(*f));
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(fs::exists(d / "data"));

  auto g = open_data_folder(d / "data", network(1));
  ASSERT_TRUE(g);
  storage::WriteBatch wb;
  wb.put("S/m/epoch", "1");
  ASSERT_TRUE(g->store->write(wb, true));
  auto kept = discard_if_unused(std::move(*g));
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_FALSE(*kept);
  EXPECT_TRUE(open_data_folder_read_only(d / "data", network(1)));
}

}  // namespace
}  // namespace relay::node
