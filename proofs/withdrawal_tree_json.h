// JSON form of a withdrawal proof, as the query API serves it and a claimer submits it
// (docs/proofs.md "Withdrawal proof JSON"): the leaf's fields, index, count, siblings
// and the root they prove against. Parsing is strict (unknown fields, wrong widths and amounts
// >= 2^256 are refused). Stateless functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "proofs/withdrawal_tree.h"
#include "vault/result.h"

namespace relay {

struct WithdrawalProofDocument {
  Hash32 root;
  WithdrawalLeaf leaf;
  WithdrawalProof proof;
};

nlohmann::json withdrawal_proof_to_json(const WithdrawalProofDocument& doc);
Result<WithdrawalProofDocument> withdrawal_proof_from_json(const nlohmann::json& j);

/// A plain decimal string below 2^256 ("0" ... "1157...9935"); nullopt otherwise.
std::optional<Uint256> uint256_from_decimal(std::string_view s);

}  // namespace relay
