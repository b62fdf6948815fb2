// The LevelDB seam: a new data folder's parents are created, an impossible path is refused
// naming it, and the in-memory variant behaves like the disk one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "storage/kv_store.h"
#include "tests/support/temp_dir.h"

namespace relay::storage {
namespace {

void round_trip(KvStore& store) {
  WriteBatch wb;
  wb.put("k/1", "one");
  wb.put("k/2", "two");
  wb.put("z", "other");
  ASSERT_TRUE(store.write(wb, true));
  WriteBatch del;
  del.del("k/1");
  ASSERT_TRUE(store.write(del, true));
  EXPECT_EQ(**store.get("k/2"), "two");
  EXPECT_FALSE(*store.get("k/1"));
  std::vector<std::string> seen;
  ASSERT_TRUE(store.scan("k/", [&](std::string_view k, std::string_view v) {
    seen.push_back(std::string(k) + "=" + std::string(v));
    return true;
  }));
  EXPECT_EQ(seen, std::vector<std::string>{"k/2=two"});
}

TEST(LevelDbStore, CreatesTheParentsOfANewDataFolder) {
  test::TempDir dir;
  const std::string deep = dir / "a/b/c";
  auto store = open_leveldb(deep);
  ASSERT_TRUE(store) << store.error().message;
  round_trip(**store);
  EXPECT_TRUE(std::filesystem::exists(deep + "/CURRENT"));
}

TEST(LevelDbStore, RefusesAFolderThatCannotBeCreated) {
  test::TempDir dir;
  const std::string file = dir / "plain-file";
  { std::ofstream(file) << "x"; }
  auto store = open_leveldb(file + "/db");
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("cannot create data folder " + file + "/db"),
            std::string::npos)
      << store.error().message;
}

TEST(LevelDbStore, InMemoryBehavesLikeDiskAndLeavesNothingBehind) {
  auto store = open_leveldb_in_memory();
  ASSERT_TRUE(store) << store.error().message;
  round_trip(**store);
  EXPECT_FALSE(std::filesystem::exists("/mem"));
  auto fresh = open_leveldb_in_memory();
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(*(*fresh)->get("k/2"));
}

// ceiling(prefix, key): the smallest key >= key that starts with prefix, on every store.
void ceiling_finds_the_covering_record(KvStore& store) {
  WriteBatch wb;
  wb.put("a/9", "before the prefix");
  wb.put("k/10", "ten");
  wb.put("k/20", "twenty");
  wb.put("l/00", "after the prefix");
  ASSERT_TRUE(store.write(wb, true));
  auto at = [&](std::string_view key) -> std::string {
    auto r = store.ceiling("k/", key);
    EXPECT_TRUE(r) << r.error().message;
    if (!r || !*r) return "none";
    return (*r)->key + "=" + (*r)->value;
  };
  EXPECT_EQ(at("k/20"), "k/20=twenty");  // exact
  EXPECT_EQ(at("k/15"), "k/20=twenty");  // between
  EXPECT_EQ(at("k/"), "k/10=ten");       // before the first
  EXPECT_EQ(at("k/99"), "none");         // after the last: l/00 is not under the prefix
  auto first = store.ceiling("a/", "a/");  // the first key of the store
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->value, "before the prefix");
  EXPECT_FALSE(*store.ceiling("m/", "m/1"));  // past every key
}

TEST(LevelDbStore, CeilingFindsTheCoveringRecord) {
  test::TempDir dir;
  auto store = open_leveldb(dir / "db");
  ASSERT_TRUE(store) << store.error().message;
  ceiling_finds_the_covering_record(**store);
}

// A byte flipped inside a value in a table file is a read error naming the corruption, for
// get, scan and ceiling alike, never the damaged value (blocks' checksums are verified).
TEST(LevelDbStore, ADamagedTableFileIsAnErrorNotAWrongValue) {
  test::TempDir dir;
  const std::string db = dir / "db";
  auto value = [](int i) { return "value-" + std::to_string(1000 + i) + std::string(90, 'v'); };
  {
    auto store = open_leveldb(db);
    ASSERT_TRUE(store) << store.error().message;
    WriteBatch wb;
    for (int i = 0; i < 200; ++i) wb.put("v/" + std::to_string(1000 + i), value(i));
    ASSERT_TRUE((*store)->write(wb, true));
  }
  // Reopening moves the log into a table file (level 0).
  ASSERT_TRUE(open_leveldb(db));
  std::string table;
  for (const auto& f : std::filesystem::directory_iterator(db))
    if (f.path().extension() == ".ldb") table = f.path();
  ASSERT_FALSE(table.empty()) << "no table file written";
  {
    std::fstream f(table, std::ios::in | std::ios::out | std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const size_t at = bytes.find(value(123));
    ASSERT_NE(at, std::string::npos);
    f.seekp(std::streamoff(at + 7));  // a digit of "value-1123"
    f.put('9');
  }
  auto store = open_leveldb(db);
  ASSERT_TRUE(store) << store.error().message;
  auto got = (*store)->get("v/1123");
  ASSERT_FALSE(got) << "read a damaged value: " << got->value_or("");
  EXPECT_NE(got.error().message.find("checksum mismatch"), std::string::npos) << got.error().message;
  auto scanned = (*store)->scan("v/", [](std::string_view, std::string_view) { return true; });
  ASSERT_FALSE(scanned);
  EXPECT_NE(scanned.error().message.find("checksum mismatch"), std::string::npos);
  auto found = (*store)->ceiling("v/", "v/1123");
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().message.find("checksum mismatch"), std::string::npos);
}

TEST(MemoryStore, CeilingFindsTheCoveringRecord) {
  auto store = make_memory_store();
  ceiling_finds_the_covering_record(*store);
}

}  // namespace
}  // namespace relay::storage
