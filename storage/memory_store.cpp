#include <map>
#include <mutex>

#include "storage/kv_store.h"

namespace relay::storage {
namespace {

class MemoryStore final : public KvStore {
 public:
  Result<std::optional<std::string>> get(std::string_view key) const override {
    std::lock_guard lock(mu_);
    auto it = map_.find(std::string(key));
    if (it == map_.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }

  Result<void> write(const WriteBatch& batch, bool) override {
    std::lock_guard lock(mu_);
    for (const auto& op : batch.ops()) {
      if (op.is_delete)
        map_.erase(std::string(op.key));
      else
        map_[std::string(op.key)] = op.value;
    }
    return {};
  }

  Result<std::optional<Entry>> ceiling(std::string_view prefix,
                                       std::string_view key) const override {
    std::lock_guard lock(mu_);
    auto it = map_.lower_bound(std::string(key));
    if (it == map_.end() || !std::string_view(it->first).starts_with(prefix))
      return std::optional<Entry>{};
    return std::optional<Entry>{Entry{it->first, it->second}};
  }

  Result<void> scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn)
      const override {
    std::lock_guard lock(mu_);
    for (auto it = map_.lower_bound(std::string(prefix)); it != map_.end(); ++it) {
      if (std::string_view(it->first).substr(0, prefix.size()) != prefix) break;
      if (!fn(it->first, it->second)) break;
    }
    return {};
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> map_;
};

}  // namespace

std::unique_ptr<KvStore> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace relay::storage
