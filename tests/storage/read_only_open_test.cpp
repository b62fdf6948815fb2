// storage::open_leveldb_read_only: a database opened with it reads what is on disk and leaves
// every file of the folder byte for byte as it was, although opening it the ordinary way would
// change them (replay the log into a table, write a new MANIFEST, CURRENT and log, a LOG file);
// it refuses to write, and it never creates a folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "storage/kv_store.h"
#include "tests/support/temp_dir.h"

namespace relay::storage {
namespace {

// Every file of a folder, by name, with its bytes.
std::map<std::string, std::string> files_of(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(f.path(), std::ios::binary);
    out[f.path().filename()] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

// A database whose last writes are still in its log (LevelDB moves them into a table, and
// writes a new MANIFEST, on the next ordinary open), with enough keys for a few blocks.
void make_database(const std::string& dir) {
  auto store = open_leveldb(dir);
  ASSERT_TRUE(store) << store.error().message;
  WriteBatch wb;
  for (int i = 0; i < 500; ++i)
    wb.put("k/" + std::to_string(1000 + i), std::string(100, 'a' + i % 26));
  ASSERT_TRUE((*store)->write(wb, true));
}

TEST(ReadOnlyOpen, ReadsEverythingAndLeavesEveryFileAsItWas) {
  test::TempDir d;
  const std::string db = d / "db";
  make_database(db);
  const auto before = files_of(db);
  for (int round = 0; round < 3; ++round) {  // also reopened: nothing accumulates
    auto store = open_leveldb_read_only(db);
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(**(*store)->get("k/1042"), std::string(100, 'a' + 42 % 26));
    int n = 0;
    ASSERT_TRUE(
        (*store)->scan("k/", [&](std::string_view, std::string_view) { return ++n, true; }));
    EXPECT_EQ(n, 500);
    WriteBatch wb;
    wb.put("k/x", "y");
    auto w = (*store)->write(wb, true);
    ASSERT_FALSE(w);
    EXPECT_NE(w.error().message.find("is open read-only"), std::string::npos) << w.error().message;
  }
  EXPECT_EQ(files_of(db), before) << "a read-only open changed the folder";
  // The ordinary open does change it: the comparison above can fail.
  ASSERT_TRUE(open_leveldb(db));
  EXPECT_NE(files_of(db), before);
}

TEST(ReadOnlyOpen, AWriterAndAReaderOfOneFolderExcludeEachOther) {
  test::TempDir d;
  const std::string db = d / "db";
  make_database(db);
  auto writer = open_leveldb(db);
  ASSERT_TRUE(writer);
  auto reader = open_leveldb_read_only(db);
  ASSERT_FALSE(reader) << "opened a folder a writer holds";
  EXPECT_NE(reader.error().message.find("lock"), std::string::npos) << reader.error().message;
}

TEST(ReadOnlyOpen, RefusesAMissingOrEmptyFolderAndCreatesNothing) {
  test::TempDir d;
  const std::string missing = d / "missing/db";
  auto r = open_leveldb_read_only(missing);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("data folder " + missing + " holds no LevelDB database"),
            std::string::npos)
      << r.error().message;
  EXPECT_FALSE(std::filesystem::exists(d / "missing"));
  std::filesystem::create_directory(d / "empty");
  ASSERT_FALSE(open_leveldb_read_only(d / "empty"));
  EXPECT_TRUE(std::filesystem::is_empty(d / "empty"));
}

}  // namespace
}  // namespace relay::storage
