#include "storage/read_only_env.h"

#include <leveldb/helpers/memenv.h>

#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace relay::storage {
namespace {

// Files are looked up by their full name (LevelDB always passes dbname + "/" + file):
//   in memory_   -> the in-memory file (created, or renamed to, in this session);
//   in shadowed_ -> absent (deleted or replaced in this session: the disk's copy is hidden);
//   otherwise    -> the file on disk, read only.
class ReadOnlyEnv final : public leveldb::EnvWrapper {
 public:
  ReadOnlyEnv()
      : leveldb::EnvWrapper(leveldb::Env::Default()), mem_(leveldb::NewMemEnv(target())) {}

  leveldb::Status NewSequentialFile(const std::string& f, leveldb::SequentialFile** r) override {
    switch (where(f)) {
      case Where::kMemory:
        return mem_->NewSequentialFile(f, r);
      case Where::kGone:
        return gone(f);
      case Where::kDisk:
        break;
    }
    return target()->NewSequentialFile(f, r);
  }
  leveldb::Status NewRandomAccessFile(const std::string& f,
                                      leveldb::RandomAccessFile** r) override {
    switch (where(f)) {
      case Where::kMemory:
        return mem_->NewRandomAccessFile(f, r);
      case Where::kGone:
        return gone(f);
      case Where::kDisk:
        break;
    }
    return target()->NewRandomAccessFile(f, r);
  }
  leveldb::Status NewWritableFile(const std::string& f, leveldb::WritableFile** r) override {
    std::lock_guard lock(mu_);
    memory_.insert(f);
    shadowed_.insert(f);
    return mem_->NewWritableFile(f, r);
  }
  // Only used with Options::reuse_logs, which a read-only open leaves off.
  leveldb::Status NewAppendableFile(const std::string& f, leveldb::WritableFile**) override {
    return leveldb::Status::NotSupported("read-only open: cannot append to", f);
  }
  bool FileExists(const std::string& f) override {
    switch (where(f)) {
      case Where::kMemory:
        return true;
      case Where::kGone:
        return false;
      case Where::kDisk:
        break;
    }
    return target()->FileExists(f);
  }
  leveldb::Status GetChildren(const std::string& dir, std::vector<std::string>* r) override {
    std::vector<std::string> disk;
    leveldb::Status s = target()->GetChildren(dir, &disk);
    if (!s.ok()) return s;
    std::vector<std::string> mem;
    mem_->GetChildren(dir, &mem);  // never fails: an empty list for a folder it does not know
    std::lock_guard lock(mu_);
    r->clear();
    for (auto& name : disk)
      if (!shadowed_.contains(dir + "/" + name)) r->push_back(std::move(name));
    for (auto& name : mem) r->push_back(std::move(name));
    return leveldb::Status::OK();
  }
  leveldb::Status RemoveFile(const std::string& f) override {
    const Where w = where(f);
    if (w == Where::kGone) return gone(f);
    std::lock_guard lock(mu_);
    shadowed_.insert(f);
    if (w == Where::kMemory) {
      memory_.erase(f);
      return mem_->RemoveFile(f);
    }
    return leveldb::Status::OK();
  }
  leveldb::Status CreateDir(const std::string&) override { return leveldb::Status::OK(); }
  leveldb::Status RemoveDir(const std::string&) override { return leveldb::Status::OK(); }
  leveldb::Status GetFileSize(const std::string& f, uint64_t* size) override {
    switch (where(f)) {
      case Where::kMemory:
        return mem_->GetFileSize(f, size);
      case Where::kGone:
        return gone(f);
      case Where::kDisk:
        break;
    }
    return target()->GetFileSize(f, size);
  }
  leveldb::Status RenameFile(const std::string& src, const std::string& dst) override {
    const Where w = where(src);
    if (w == Where::kGone) return gone(src);
    if (w == Where::kDisk) {
      // A disk file renamed (LevelDB renames only files it wrote itself, so this is not
      // expected): its bytes are copied into memory under the new name.
      if (auto s = copy_to_memory(src, dst); !s.ok()) return s;
    } else if (auto s = mem_->RenameFile(src, dst); !s.ok()) {
      return s;
    }
    std::lock_guard lock(mu_);
    memory_.erase(src);
    shadowed_.insert(src);
    memory_.insert(dst);
    shadowed_.insert(dst);
    return leveldb::Status::OK();
  }
  // The disk's LOCK file is locked for real when it exists (a writer and a reader of one folder
  // exclude each other, as two writers do); creating it would write to the folder, so a folder
  // without one is locked in memory only.
  leveldb::Status LockFile(const std::string& f, leveldb::FileLock** l) override {
    if (where(f) == Where::kDisk && target()->FileExists(f)) return target()->LockFile(f, l);
    leveldb::Status s = mem_->LockFile(f, l);
    if (s.ok()) {
      std::lock_guard lock(mu_);
      memory_locks_.insert(*l);
    }
    return s;
  }
  leveldb::Status UnlockFile(leveldb::FileLock* l) override {
    {
      std::lock_guard lock(mu_);
      if (memory_locks_.erase(l)) return mem_->UnlockFile(l);
    }
    return target()->UnlockFile(l);
  }
  leveldb::Status NewLogger(const std::string& f, leveldb::Logger** r) override {
    return mem_->NewLogger(f, r);
  }

 private:
  enum class Where { kMemory, kGone, kDisk };
  Where where(const std::string& f) {
    std::lock_guard lock(mu_);
    if (memory_.contains(f)) return Where::kMemory;
    if (shadowed_.contains(f)) return Where::kGone;
    return Where::kDisk;
  }
  static leveldb::Status gone(const std::string& f) {
    return leveldb::Status::NotFound(f, "removed in this read-only session");
  }
  leveldb::Status copy_to_memory(const std::string& src, const std::string& dst) {
    leveldb::SequentialFile* in = nullptr;
    leveldb::Status s = target()->NewSequentialFile(src, &in);
    if (!s.ok()) return s;
    std::unique_ptr<leveldb::SequentialFile> in_owner(in);
    leveldb::WritableFile* out = nullptr;
    s = mem_->NewWritableFile(dst, &out);
    if (!s.ok()) return s;
    std::unique_ptr<leveldb::WritableFile> out_owner(out);
    std::vector<char> buf(1 << 16);
    for (;;) {
      leveldb::Slice chunk;
      s = in->Read(buf.size(), &chunk, buf.data());
      if (!s.ok()) return s;
      if (chunk.empty()) break;
      s = out->Append(chunk);
      if (!s.ok()) return s;
    }
    return out->Close();
  }

  std::unique_ptr<leveldb::Env> mem_;
  std::mutex mu_;
  std::set<std::string> memory_, shadowed_;
  std::set<leveldb::FileLock*> memory_locks_;
};

}  // namespace

std::unique_ptr<leveldb::Env> make_read_only_env() { return std::make_unique<ReadOnlyEnv>(); }

}  // namespace relay::storage
