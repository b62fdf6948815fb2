// Encodings of a LiabilityProof (docs/proofs.md, "Proof encodings"): JSON (what relayctl
// prints and reads) and a compact binary form. Decoders are strict: a missing, unknown,
// mistyped or out-of-range field is refused with an error naming it, so nothing a verifier
// does not check can ride along. Stateless free functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "proofs/inclusion_proof.h"
#include "vault/result.h"

namespace relay::proofs {

inline constexpr int kProofVersion = 1;

nlohmann::json to_json(const LiabilityProof& proof);
Result<LiabilityProof> proof_from_json(const nlohmann::json& j);

std::vector<uint8_t> to_bytes(const LiabilityProof& proof);
Result<LiabilityProof> proof_from_bytes(std::span<const uint8_t> bytes);

}  // namespace relay::proofs
