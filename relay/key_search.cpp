#include "relay/key_search.h"

#include "relay/node_keys.h"

namespace relay::node {

Result<std::optional<uint64_t>> last_epoch_under(const storage::KvStore& store, std::string_view prefix) {
  auto epoch_of = [&](const std::string& key) {
    codec::Reader r(std::string_view(key).substr(prefix.size()));
    return r.be64();
  };
  auto first = store.ceiling(prefix, prefix);
  if (!first) return std::unexpected(first.error());
  if (!*first) return std::optional<uint64_t>{};
  uint64_t lo = epoch_of((*first)->key), hi = UINT64_MAX;
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2 + 1;
    auto at = store.ceiling(prefix, keys::epoch_key(prefix, mid));
    if (!at) return std::unexpected(at.error());
    if (*at)
      lo = epoch_of((*at)->key);
    else
      hi = mid - 1;
  }
  return std::optional<uint64_t>{lo};
}

}  // namespace relay::node
