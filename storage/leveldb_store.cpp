#include <cstdarg>
#include <filesystem>

#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <leveldb/helpers/memenv.h>
#include <leveldb/write_batch.h>

#include "storage/kv_store.h"
#include "storage/read_only_env.h"

namespace relay::storage {
namespace {

class LevelDbStore final : public KvStore {
 public:
  LevelDbStore(leveldb::DB* db, const leveldb::FilterPolicy* filter,
               std::unique_ptr<leveldb::Env> env, std::unique_ptr<leveldb::Logger> log,
               std::string read_only_dir)
      : db_(db),
        filter_(filter),
        env_(std::move(env)),
        log_(std::move(log)),
        read_only_dir_(std::move(read_only_dir)) {}
  ~LevelDbStore() override {
    delete db_;  // before the Env it may live in and the logger it writes to
    delete filter_;
  }

  Result<std::optional<std::string>> get(std::string_view key) const override {
    std::string value;
    leveldb::Status s = db_->Get(reads(), leveldb::Slice(key.data(), key.size()),
                                 &value);
    if (s.IsNotFound()) return std::optional<std::string>{};
    if (!s.ok()) return fail("leveldb read: " + s.ToString());
    return std::optional<std::string>{std::move(value)};
  }

  Result<void> write(const WriteBatch& batch, bool sync) override {
    if (!read_only_dir_.empty())
      return fail("data folder " + read_only_dir_ + " is open read-only: nothing is written");
    leveldb::WriteBatch& wb = scratch_;  // reused: its buffer keeps its capacity
    wb.Clear();
    for (const auto& op : batch.ops()) {
      const leveldb::Slice key(op.key.data(), op.key.size());
      if (op.is_delete)
        wb.Delete(key);
      else
        wb.Put(key, leveldb::Slice(op.value.data(), op.value.size()));
    }
    leveldb::WriteOptions opts;
    opts.sync = sync;
    leveldb::Status s = db_->Write(opts, &wb);
    if (!s.ok()) return fail("leveldb write: " + s.ToString());
    return {};
  }

  Result<std::optional<Entry>> ceiling(std::string_view prefix,
                                       std::string_view key) const override {
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(reads()));
    it->Seek(leveldb::Slice(key.data(), key.size()));
    if (!it->status().ok()) return fail("leveldb seek: " + it->status().ToString());
    if (!it->Valid()) return std::optional<Entry>{};
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(prefix)) return std::optional<Entry>{};
    return std::optional<Entry>{Entry{std::string(k), it->value().ToString()}};
  }

  Result<void> scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn)
      const override {
    return scan_from(prefix, prefix, fn);
  }

  Result<void> scan_from(std::string_view prefix, std::string_view start,
                         const std::function<bool(std::string_view, std::string_view)>& fn)
      const override {
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(reads()));
    for (it->Seek(leveldb::Slice(start.data(), start.size())); it->Valid(); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      if (k.substr(0, prefix.size()) != prefix) break;
      if (!fn(k, std::string_view(it->value().data(), it->value().size()))) break;
    }
    if (!it->status().ok()) return fail("leveldb scan: " + it->status().ToString());
    return {};
  }

 private:
  // Every read checks the checksum of each block it takes from a table file: a damaged byte in
  // a file is then an error ("Corruption: block checksum mismatch"), never a wrong value. (Only
  // blocks read from disk are checked; the cache holds checked ones.)
  static leveldb::ReadOptions reads() {
    leveldb::ReadOptions r;
    r.verify_checksums = true;
    return r;
  }

  leveldb::DB* db_;
  const leveldb::FilterPolicy* filter_;
  std::unique_ptr<leveldb::Env> env_;  // only for an in-memory or read-only database
  std::unique_ptr<leveldb::Logger> log_;  // only for a read-only database (LevelDB's own LOG
                                          // file would be a write)
  std::string read_only_dir_;             // the folder, when opened read-only
  leveldb::WriteBatch scratch_;  // write()'s copy of the batch; callers serialise writes
};

}  // namespace

namespace {

// LevelDB's informational log, discarded (a read-only open must not write its LOG file).
class NoLogger final : public leveldb::Logger {
  void Logv(const char*, std::va_list) override {}
};

enum class Mode { kCreate, kReadOnly };

Result<std::unique_ptr<KvStore>> open_with(const std::string& dir,
                                           std::unique_ptr<leveldb::Env> env, Mode mode) {
  leveldb::Options options;
  options.create_if_missing = mode == Mode::kCreate;
  options.paranoid_checks = true;
  options.write_buffer_size = 64 << 20;
  options.compression = leveldb::kNoCompression;
  options.filter_policy = leveldb::NewBloomFilterPolicy(10);
  std::unique_ptr<leveldb::Logger> log;
  if (mode == Mode::kReadOnly) {
    log = std::make_unique<NoLogger>();
    options.info_log = log.get();
  }
  if (env) options.env = env.get();
  leveldb::DB* db = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    delete options.filter_policy;
    return fail("cannot open data folder " + dir + ": " + s.ToString());
  }
  return std::unique_ptr<KvStore>(new LevelDbStore(db, options.filter_policy, std::move(env),
                                                   std::move(log),
                                                   mode == Mode::kReadOnly ? dir : ""));
}
}  // namespace

Result<std::unique_ptr<KvStore>> open_leveldb(const std::string& dir) {
  // LevelDB creates only the last folder of the path; a new data folder may be deeper.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail("cannot create data folder " + dir + ": " + ec.message());
  return open_with(dir, nullptr, Mode::kCreate);
}

Result<std::unique_ptr<KvStore>> open_leveldb_read_only(const std::string& dir) {
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT"))
    return fail("data folder " + dir + " holds no LevelDB database (no CURRENT file)");
  return open_with(dir, make_read_only_env(), Mode::kReadOnly);
}

Result<std::unique_ptr<KvStore>> open_leveldb_in_memory() {
  return open_with("/mem", std::unique_ptr<leveldb::Env>(leveldb::NewMemEnv(leveldb::Env::Default())),
                   Mode::kCreate);
}

}  // namespace relay::storage
