// Fixed-width big-endian encodings for LevelDB keys and values, and the key layout of the
// canonical state (every key starts with "S/"; docs/state.md lists them). Big-endian so that
// LevelDB's bytewise order is numeric order.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "storage/kv_store.h"
#include "vault/amount.h"
#include "vault/event.h"
#include "vault/types.h"

namespace relay::codec {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big,
              "the encodings below byte-swap on little-endian machines and copy on big-endian ones");

// Each field is one append (not one push_back per byte): records are encoded by the million.
inline void put_be32(std::string& s, uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) v = std::byteswap(v);
  s.append(reinterpret_cast<const char*>(&v), 4);
}
inline void put_be64(std::string& s, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = std::byteswap(v);
  s.append(reinterpret_cast<const char*>(&v), 8);
}
inline void put_amount(std::string& s, Amount a) {
  uint8_t b[16];
  a.to_be_bytes(b);
  s.append(reinterpret_cast<const char*>(b), 16);
}
template <class Bytes>
inline void put_bytes(std::string& s, const Bytes& b) {
  s.append(reinterpret_cast<const char*>(b.bytes.data()), b.bytes.size());
}

/// Reads fixed-width fields from a byte string, front to back; any short read sets !ok().
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && s_.empty(); }
  uint8_t u8() { return take(1) ? uint8_t(last_[0]) : 0; }
  uint32_t be32() {
    if (!take(4)) return 0;
    uint32_t v = 0;
    for (char c : last_) v = v << 8 | uint8_t(c);
    return v;
  }
  uint64_t be64() {
    if (!take(8)) return 0;
    uint64_t v = 0;
    for (char c : last_) v = v << 8 | uint8_t(c);
    return v;
  }
  Amount amount() {
    if (!take(16)) return Amount();
    return Amount::from_be_bytes(reinterpret_cast<const uint8_t*>(last_.data()));
  }
  template <class Bytes>
  Bytes bytes() {
    Bytes b;
    if (take(Bytes::size())) std::memcpy(b.bytes.data(), last_.data(), Bytes::size());
    return b;
  }
  std::string_view rest() {
    std::string_view r = s_;
    s_ = {};
    return r;
  }

 private:
  bool take(size_t n) {
    if (!ok_ || s_.size() < n) {
      ok_ = false;
      return false;
    }
    last_ = s_.substr(0, n);
    s_.remove_prefix(n);
    return true;
  }
  std::string_view s_, last_;
  bool ok_ = true;
};

// Key prefixes.
inline constexpr std::string_view kMetaNetwork = "S/m/net";      // -> network id (32)
inline constexpr std::string_view kMetaEpoch = "S/m/epoch";      // -> next epoch (be64)
inline constexpr std::string_view kMetaHistory = "S/m/hist";     // -> history hash (32)
inline constexpr std::string_view kMetaFormat = "S/m/format";    // -> storage format (be32)
inline constexpr std::string_view kMetaSnapshot = "S/m/snap";    // -> balance snapshot's epoch
/// The storage format this code writes and reads (docs/state.md): 3 = seen groups, balance
/// snapshot and deltas, withdrawals and claims grouped per epoch. A folder of another format
/// is refused, not misread.
inline constexpr uint32_t kFormatVersion = 3;
inline constexpr std::string_view kCursor = "S/h/";              // + chain(be32) -> block, log
inline constexpr std::string_view kSeen = "S/e/";                // + chain, block, log -> seen group
inline constexpr std::string_view kSnapshot = "S/s/";            // + chunk(be32) -> balances
inline constexpr std::string_view kDelta = "S/d/";               // + epoch(be64), chunk(be32)
inline constexpr std::string_view kCustody = "S/c/";             // + chain, asset -> custody, pending
inline constexpr std::string_view kWithdrawal = "S/w/";          // + epoch(be64), chunk(be32)
inline constexpr std::string_view kClaim = "S/k/";               // + epoch(be64), chunk(be32)
inline constexpr std::string_view kEpochDigest = "S/x/";         // + epoch(be64) -> event list digest
inline constexpr std::string_view kReceipt = "S/r/";             // + epoch(be64), index(be32)

/// Writes the seen-event key into `out` (replacing it), so a hot loop can reuse one buffer.
inline void assign_seen_key(std::string& out, uint32_t chain, EventPosition pos) {
  out.assign(kSeen);
  put_be32(out, chain);
  put_be64(out, pos.block);
  put_be32(out, pos.log_index);
}
inline std::string seen_key(uint32_t chain, EventPosition pos) {
  std::string k;
  assign_seen_key(k, chain, pos);
  return k;
}

// Seen events are stored in groups (docs/state.md, "Storage layout"): up to kSeenGroupMax
// events of one chain and one epoch, in increasing position, as one value under the seen key
// of the last (so the group that may hold a position is the first at or after it: one seek). Each record: be64 block, be32 log index, identity (32). One key per group
// instead of one per event: LevelDB's cost is mostly per key, and an event's record is then
// 44 bytes of a larger value.
inline constexpr size_t kSeenRecordSize = 44;
inline constexpr size_t kSeenGroupMax = 64;

/// Copies `v` big-endian to `out` (for records assembled on the stack, then appended once).
template <class T>
inline char* store_be(char* out, T v) {
  if constexpr (std::endian::native == std::endian::little) v = std::byteswap(v);
  std::memcpy(out, &v, sizeof v);
  return out + sizeof v;
}

inline void put_seen_record(std::string& s, EventPosition pos, const Hash32& identity) {
  char b[kSeenRecordSize];
  char* p = store_be(store_be(b, pos.block), pos.log_index);
  std::memcpy(p, identity.bytes.data(), 32);
  s.append(b, sizeof b);
}

/// The position of record i of a group value (which holds at least i + 1 records).
inline EventPosition seen_record_position(std::string_view group, size_t i) {
  Reader r(group.substr(i * kSeenRecordSize, 12));
  EventPosition p;
  p.block = r.be64();
  p.log_index = r.be32();
  return p;
}

/// Whether a group value is well formed: 1 to kSeenGroupMax whole records, positions strictly
/// increasing, the last at `last` (the position in its key).
inline bool seen_group_ok(std::string_view group, EventPosition last) {
  if (group.empty() || group.size() % kSeenRecordSize != 0 ||
      group.size() > kSeenGroupMax * kSeenRecordSize)
    return false;
  EventPosition prev = seen_record_position(group, 0);
  for (size_t i = 1; i < group.size() / kSeenRecordSize; ++i) {
    EventPosition p = seen_record_position(group, i);
    if (!(prev < p)) return false;
    prev = p;
  }
  return prev == last;
}

// Balances are stored as a snapshot plus the changes of each epoch since it (docs/state.md,
// "Storage layout"), in chunks of up to kBalanceChunkMax records: be32 asset, account (32),
// amount (16). The vault lives in memory; on disk a chunk of many balances is one key, where a
// key per balance made LevelDB's memtable (a skip list, one search per key over every key in
// it) the cost of a commit.
inline constexpr size_t kBalanceRecordSize = 52;
inline constexpr size_t kBalanceChunkMax = 1024;

inline void put_balance_record(std::string& s, uint32_t asset, const AccountId& account,
                               Amount amount) {
  char b[kBalanceRecordSize];
  char* p = store_be(b, asset);
  std::memcpy(p, account.bytes.data(), 32);
  amount.to_be_bytes(reinterpret_cast<uint8_t*>(p + 32));
  s.append(b, sizeof b);
}

// Withdrawals are stored per epoch (docs/state.md, "Storage layout"): the requests of an epoch
// in chunks of up to kWithdrawalChunkMax records, in request order, and the ids claimed in an
// epoch in chunks of up to kClaimChunkMax. A key per withdrawal id (a hash) was a random key
// per request and per claim: the most expensive keys of a commit for LevelDB's memtable.
// A request record: id (32), account (32), be32 asset, amount (16), be32 origin chain, be64
// block, be32 log index, be32 destination chain, recipient (20); its epoch is the key's.
inline constexpr size_t kWithdrawalRecordSize = 124;
inline constexpr size_t kWithdrawalChunkMax = 256;
inline constexpr size_t kClaimChunkMax = 1024;

/// Whether `chunk` is 1 to `max` whole records of `record_size` bytes (every chunked value:
/// snapshot, deltas, withdrawals, claims).
inline bool chunk_size_ok(std::string_view chunk, size_t record_size, size_t max) {
  return !chunk.empty() && chunk.size() % record_size == 0 && chunk.size() <= max * record_size;
}

/// Puts `records` (whole records of `record_size` bytes) into `wb` as chunks of up to `max`
/// records under key_of(0), key_of(1), ...; returns how many chunks (none for no records).
template <class KeyOf>
inline uint32_t put_chunks(storage::WriteBatch& wb, std::string_view records, size_t record_size,
                           size_t max, KeyOf key_of) {
  uint32_t chunk = 0;
  for (size_t at = 0; at < records.size(); at += max * record_size)
    wb.put(key_of(chunk++), records.substr(at, max * record_size));
  return chunk;
}

/// `prefix` + be64 epoch + be32 chunk: the key of a per-epoch chunk (balance deltas,
/// withdrawals, claims).
inline std::string epoch_chunk_key(std::string_view prefix, uint64_t epoch, uint32_t chunk) {
  std::string k(prefix);
  put_be64(k, epoch);
  put_be32(k, chunk);
  return k;
}

inline std::string snapshot_key(uint32_t chunk) {
  std::string k(kSnapshot);
  put_be32(k, chunk);
  return k;
}
inline std::string delta_key(uint64_t epoch, uint32_t chunk) {
  return epoch_chunk_key(kDelta, epoch, chunk);
}

}  // namespace relay::codec
