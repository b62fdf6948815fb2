#include "proofs/sum_tree_hash.h"

#include <cstring>

namespace relay::proofs {
namespace {

// Amount::to_be_bytes, inlined: it is on the path of every node hash.
inline void put_be128(uint8_t* out, Amount a) {
  const uint64_t hi = __builtin_bswap64(uint64_t(a.raw() >> 64));
  const uint64_t lo = __builtin_bswap64(uint64_t(a.raw()));
  std::memcpy(out, &hi, 8);
  std::memcpy(out + 8, &lo, 8);
}

}  // namespace

Hash32 tree_key(Sha256& h, const AccountId& account) {
  h.update(account.bytes);
  return h.finish();
}

Hash32 asset_tag(Sha256& h, std::string_view asset_id) {
  h.update(asset_id);
  return h.finish();
}

// Each preimage is assembled in one buffer and hashed with a single update: the per-call
// overhead of the EVP layer is a sizeable part of hashing a two-block message.
Hash32 leaf_hash(Sha256& h, const Hash32& tag, const Hash32& key, Amount balance) {
  uint8_t buf[kLeafPreimageSize];
  buf[0] = kLeafPrefix;
  std::memcpy(buf + 1, tag.bytes.data(), 32);
  std::memcpy(buf + 33, key.bytes.data(), 32);
  put_be128(buf + 65, balance);
  h.update(buf);
  return h.finish();
}

Hash32 inner_hash(Sha256& h, const NodeRef& left, const NodeRef& right) {
  uint8_t buf[kInnerPreimageSize];
  buf[0] = kInnerPrefix;
  std::memcpy(buf + 1, left.hash.bytes.data(), 32);
  put_be128(buf + 33, left.sum);
  std::memcpy(buf + 49, right.hash.bytes.data(), 32);
  put_be128(buf + 81, right.sum);
  h.update(buf);
  return h.finish();
}

Hash32 empty_hash(Sha256& h, const Hash32& tag) {
  uint8_t buf[kEmptyPreimageSize];
  buf[0] = kEmptyPrefix;
  std::memcpy(buf + 1, tag.bytes.data(), 32);
  h.update(buf);
  return h.finish();
}

}  // namespace relay::proofs
