// JSON form of an EpochCommitment (docs/proofs.md "Certificate file"): hashes as
// 0x-hex, epoch and heights as JSON numbers, amounts as decimal strings (they exceed 2^53).
// Parsing is strict: unknown fields are refused, so nothing that looks signed is left out of
// the hash. Stateless functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "proofs/commitment.h"
#include "vault/result.h"

namespace relay {

nlohmann::json commitment_to_json(const EpochCommitment& c);

/// `path` prefixes error messages ("certificate.commitment.custody[3]: ...").
Result<EpochCommitment> commitment_from_json(const nlohmann::json& j, const std::string& path);

}  // namespace relay
