// JSON form of an EpochCommitment (docs/proofs.md "Certificate file"): one object with the
// fourteen fields in commitment order, named in snake_case (network_id, epoch, previous,
// end_time, cut_heights, cut_hashes, cut_timestamps, event_counts, event_accumulators,
// liabilities_roots, liabilities_totals, custody, pending, withdrawal_roots); hashes as 0x-hex,
// 64-bit integers (epoch, end_time, heights, timestamps, counts) as JSON numbers, amounts as
// decimal strings (they exceed 2^53). Parsing is strict: unknown and missing fields are refused,
// so nothing that looks signed is left out of the hash. Stateless functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "proofs/commitment.h"
#include "vault/result.h"

namespace relay {

/// The fields in commitment order (an ordered_json keeps the order it was built in).
nlohmann::ordered_json commitment_to_json(const EpochCommitment& c);

/// Reads the object whatever its key order (JSON objects are unordered). `path` prefixes error
/// messages ("certificate.commitment.custody[3]: must be a decimal string").
Result<EpochCommitment> commitment_from_json(const nlohmann::json& j, const std::string& path);

}  // namespace relay
