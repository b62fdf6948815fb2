#include "relay/publication.h"

#include "relay/node_keys.h"

namespace relay::node {
namespace {

std::string key_of(uint32_t chain, uint64_t epoch) {
  std::string k = publication_prefix(chain);
  codec::put_be64(k, epoch);
  return k;
}

Result<Publication> decode(std::string_view v, const std::string& key_name) {
  if (v.size() != 33 || v[0] < 1 || v[0] > 3)
    return fail("publication record " + key_name + ": not u8 state (1..3) and a 32-byte hash");
  return Publication(uint8_t(v[0]));
}

}  // namespace

std::string publication_prefix(uint32_t chain) {
  std::string k(keys::kPublication);
  codec::put_be32(k, chain);
  return k;
}

Result<std::optional<Publication>> publication(const storage::KvStore& store, uint32_t chain,
                                               uint64_t epoch) {
  auto v = store.get(key_of(chain, epoch));
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::optional<Publication>{};
  auto p = decode(**v, "chain " + std::to_string(chain) + " epoch " + std::to_string(epoch));
  if (!p) return std::unexpected(p.error());
  return std::optional<Publication>{*p};
}

Result<void> record_publication(storage::KvStore& store, uint32_t chain, uint64_t epoch,
                                Publication state, const Hash32& tx) {
  auto now = publication(store, chain, epoch);
  if (now && *now && uint8_t(**now) >= uint8_t(state)) return {};
  std::string v(1, char(state));
  codec::put_bytes(v, tx);
  storage::WriteBatch wb;
  wb.put(key_of(chain, epoch), v);
  return store.write(wb, /*sync=*/true);
}

Result<std::optional<uint64_t>> highest_committed(const storage::KvStore& store, uint32_t chain) {
  const std::string prefix = publication_prefix(chain);
  std::optional<uint64_t> best;
  std::optional<std::string> bad;
  auto scanned = store.scan(prefix, [&](std::string_view k, std::string_view v) {
    if (k.size() != prefix.size() + 8) {
      bad = "a publication key of the wrong length";
      return false;
    }
    auto p = decode(v, "chain " + std::to_string(chain));
    if (!p) {
      bad = p.error().message;
      return false;
    }
    if (*p == Publication::kCommitted) {
      codec::Reader r(k.substr(prefix.size()));
      best = r.be64();
    }
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (bad) return fail(*bad);
  return best;
}

}  // namespace relay::node
