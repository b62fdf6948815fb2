// KvStore: the one seam to the on-disk key-value store (LevelDB behind it; no LevelDB header
// leaks out). Keys and values are byte strings, ordered bytewise. A WriteBatch is applied
// atomically: after a crash at any point either all of it is there or none of it.
// Thread-safety: a store may be read from several threads, also while one thread writes (as a
// BackgroundWriter does); writes are serialised by callers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vault/result.h"

namespace relay::storage {

// A batch of puts and deletes, kept as one flat byte buffer of records (like LevelDB's own
// write batch): u8 kind (1 put, 0 delete), le32 key length, key, and for a put le32 value length,
// value. One buffer instead of two heap strings per op: building an epoch's batch (hundreds of
// thousands of ops) is then a few appends, not a million malloc/free pairs. ops() walks the
// records in the order they were added.
class WriteBatch {
 public:
  void put(std::string_view key, std::string_view value) {
    rep_.push_back(char(1));
    append(key);
    append(value);
    ++count_;
  }
  void del(std::string_view key) {
    rep_.push_back(char(0));
    append(key);
    ++count_;
  }
  void clear() {
    rep_.clear();
    count_ = 0;
  }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  /// Bytes held by the records (their keys, values and framing).
  size_t byte_size() const { return rep_.size(); }

  /// One record, viewing the batch's buffer: valid while the batch is unchanged.
  struct Op {
    std::string_view key;
    std::string_view value;  // empty for a delete
    bool is_delete = false;
  };

  class Iterator {
   public:
    using value_type = Op;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    Iterator(const char* p, const char* end) : p_(p), end_(end) { decode(); }
    const Op& operator*() const { return op_; }
    const Op* operator->() const { return &op_; }
    Iterator& operator++() {
      decode();
      return *this;
    }
    Iterator operator++(int) {
      Iterator t = *this;
      decode();
      return t;
    }
    bool operator==(const Iterator& o) const { return at_ == o.at_; }

   private:
    static uint32_t le32(const char* p) {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    void decode() {  // reads the record at p_ into op_ and moves p_ past it
      at_ = p_;
      if (p_ == end_) return;
      op_.is_delete = *p_++ == 0;
      const uint32_t kn = le32(p_);
      op_.key = std::string_view(p_ + 4, kn);
      p_ += 4 + kn;
      if (op_.is_delete) {
        op_.value = {};
        return;
      }
      const uint32_t vn = le32(p_);
      op_.value = std::string_view(p_ + 4, vn);
      p_ += 4 + vn;
    }
    const char* p_ = nullptr;
    const char* end_ = nullptr;
    const char* at_ = nullptr;  // start of the record in op_ (end_ when past the last)
    Op op_;
  };
  struct Ops {
    const char* b;
    const char* e;
    Iterator begin() const { return Iterator(b, e); }
    Iterator end() const { return Iterator(e, e); }
  };
  /// The records in the order they were added.
  Ops ops() const { return Ops{rep_.data(), rep_.data() + rep_.size()}; }

 private:
  void append(std::string_view s) {
    const uint32_t n = uint32_t(s.size());
    char len[4];
    std::memcpy(len, &n, 4);
    rep_.append(len, 4);
    rep_.append(s);
  }

  std::string rep_;
  size_t count_ = 0;
};

class KvStore {
 public:
  virtual ~KvStore() = default;

  /// nullopt when the key is absent; an error when the store cannot be read.
  virtual Result<std::optional<std::string>> get(std::string_view key) const = 0;

  /// Applies the batch atomically. With `sync`, returns only once it is on stable storage.
  virtual Result<void> write(const WriteBatch& batch, bool sync) = 0;

  /// An entry: a key and its value.
  struct Entry {
    std::string key, value;
  };
  /// The entry with the smallest key >= `key` among those starting with `prefix` (`key` starts
  /// with `prefix`), or nullopt when there is none. One seek: how a record that covers a range
  /// of keys (and is stored under the last) is found.
  virtual Result<std::optional<Entry>> ceiling(std::string_view prefix,
                                               std::string_view key) const = 0;

  /// Calls fn(key, value) for each key starting with `prefix`, in key order, until fn returns
  /// false.
  virtual Result<void> scan(std::string_view prefix,
                            const std::function<bool(std::string_view, std::string_view)>& fn)
      const = 0;

  /// As scan(), from the first key >= `start` (which starts with `prefix`): a walk that need not
  /// read the keys before it. The default seeks with ceiling() once per entry; LevelDB's walks
  /// one iterator.
  virtual Result<void> scan_from(std::string_view prefix, std::string_view start,
                                 const std::function<bool(std::string_view, std::string_view)>& fn)
      const {
    std::string at(start);
    for (;;) {
      auto e = ceiling(prefix, at);
      if (!e) return std::unexpected(e.error());
      if (!*e || !fn((*e)->key, (*e)->value)) return {};
      at = (*e)->key;
      at.push_back('\0');  // the smallest key after it
    }
  }
};

/// Opens (creating if missing) a LevelDB database in `dir`. The error names the folder and
/// LevelDB's reason (locked by another process, corrupt, not writable).
Result<std::unique_ptr<KvStore>> open_leveldb(const std::string& dir);

/// Opens the LevelDB database in `dir` to read, changing nothing on disk: no folder or file is
/// created, and what LevelDB would write while opening or reading (its log replay, MANIFEST,
/// CURRENT, compactions, its LOG file) stays in memory (storage/read_only_env.h). The store's
/// write() refuses. Refuses a folder without a database (no CURRENT file), naming it.
Result<std::unique_ptr<KvStore>> open_leveldb_read_only(const std::string& dir);

/// LevelDB with its in-memory Env: the same memtable, batches and compactions as on disk, with
/// no file I/O and no fsync. For tests and benchmarks; gone when the store is destroyed.
Result<std::unique_ptr<KvStore>> open_leveldb_in_memory();

/// An in-memory store with the same semantics, for unit tests of single classes.
std::unique_ptr<KvStore> make_memory_store();

}  // namespace relay::storage
