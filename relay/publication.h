// Publication records (docs/node.md "Storage of the node"): what the node knows of an epoch on
// a chain, under N/p/ + be32 chain + be64 epoch, as u8 state ‖ tx hash (32, zero when unknown).
// States only move forward (handed < sent < committed): a report that would move one back (a
// late SENT after COMMITTED) leaves the record as it is. Thread-safe over a store that may be
// read concurrently; one writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/kv_store.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay::node {

enum class Publication : uint8_t { kHanded = 1, kSent = 2, kCommitted = 3 };

/// N/p/ + be32 chain (the prefix of a chain's records).
std::string publication_prefix(uint32_t chain);

/// The record of (chain, epoch), nullopt when none. Errors: unreadable or malformed record.
Result<std::optional<Publication>> publication(const storage::KvStore& store, uint32_t chain,
                                               uint64_t epoch);

/// Writes (synced) `state` for (chain, epoch) unless the record is already at or past it.
Result<void> record_publication(storage::KvStore& store, uint32_t chain, uint64_t epoch,
                                Publication state, const Hash32& tx);

/// The highest epoch recorded committed on `chain` (scans the chain's records), nullopt when none.
Result<std::optional<uint64_t>> highest_committed(const storage::KvStore& store, uint32_t chain);

}  // namespace relay::node
