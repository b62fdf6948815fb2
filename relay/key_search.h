// Finding the highest epoch recorded under a key prefix (prefix + be64 epoch [+ more]) without
// reading every record: a binary search with KvStore::ceiling, at most 64 seeks whatever the
// number of records. Used for the certificates (N/q/) and publications (N/p/ + chain).
// Stateless, thread-safe over a store that may be read concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "storage/kv_store.h"
#include "vault/result.h"

namespace relay::node {

/// The highest epoch under `prefix`, nullopt when there is none.
Result<std::optional<uint64_t>> last_epoch_under(const storage::KvStore& store, std::string_view prefix);

}  // namespace relay::node
