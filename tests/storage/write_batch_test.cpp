// storage::WriteBatch keeps its ops in one flat buffer; ops() must give back exactly what was
// added, in order, and both stores must apply it with put/delete semantics.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/kv_store.h"

namespace relay::storage {
namespace {

TEST(WriteBatch, OpsComeBackInOrderWithTheirBytes) {
  WriteBatch b;
  EXPECT_TRUE(b.empty());
  const std::string binary("\0\x01\xff", 3);
  b.put("a", "1");
  b.del("b");
  b.put("", "");  // empty key and value are kept as such
  b.put(binary, std::string(300, 'v'));
  b.del(binary);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_FALSE(b.empty());

  struct Want {
    std::string key, value;
    bool del;
  };
  const std::vector<Want> want = {{"a", "1", false}, {"b", "", true}, {"", "", false},
                                  {binary, std::string(300, 'v'), false}, {binary, "", true}};
  size_t i = 0;
  for (const WriteBatch::Op& op : b.ops()) {
    ASSERT_LT(i, want.size());
    EXPECT_EQ(op.key, want[i].key) << i;
    EXPECT_EQ(op.value, want[i].value) << i;
    EXPECT_EQ(op.is_delete, want[i].del) << i;
    ++i;
  }
  EXPECT_EQ(i, want.size());

  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(b.ops().begin(), b.ops().end());
}

TEST(WriteBatch, MemoryStoreAppliesPutsAndDeletesInOrder) {
  auto store = make_memory_store();
  WriteBatch b;
  b.put("k1", "old");
  b.put("k2", "x");
  b.put("k1", "new");  // the later op wins
  b.del("k2");
  ASSERT_TRUE(store->write(b, false));
  EXPECT_EQ(**store->get("k1"), "new");
  EXPECT_FALSE(*store->get("k2"));
}

}  // namespace
}  // namespace relay::storage
