// KvStore: the one seam to the on-disk key-value store (LevelDB behind it; no LevelDB header
// leaks out). Keys and values are byte strings, ordered bytewise. A WriteBatch is applied
// atomically: after a crash at any point either all of it is there or none of it.
// Thread-safety: a store may be read from several threads; writes are serialised by callers.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vault/result.h"

namespace relay::storage {

class WriteBatch {
 public:
  void put(std::string_view key, std::string_view value) {
    ops_.push_back({std::string(key), std::string(value), false});
  }
  void del(std::string_view key) { ops_.push_back({std::string(key), {}, true}); }
  void clear() { ops_.clear(); }
  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }

  struct Op {
    std::string key;
    std::string value;
    bool is_delete;
  };
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

class KvStore {
 public:
  virtual ~KvStore() = default;

  /// nullopt when the key is absent; an error when the store cannot be read.
  virtual Result<std::optional<std::string>> get(std::string_view key) const = 0;

  /// Applies the batch atomically. With `sync`, returns only once it is on stable storage.
  virtual Result<void> write(const WriteBatch& batch, bool sync) = 0;

  /// Calls fn(key, value) for each key starting with `prefix`, in key order, until fn returns
  /// false.
  virtual Result<void> scan(std::string_view prefix,
                            const std::function<bool(std::string_view, std::string_view)>& fn)
      const = 0;
};

/// Opens (creating if missing) a LevelDB database in `dir`. The error names the folder and
/// LevelDB's reason (locked by another process, corrupt, not writable).
Result<std::unique_ptr<KvStore>> open_leveldb(const std::string& dir);

/// An in-memory store with the same semantics, for unit tests of single classes.
std::unique_ptr<KvStore> make_memory_store();

}  // namespace relay::storage
