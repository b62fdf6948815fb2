// Certificate files (docs/proofs.md "Certificate file"): a JSON object with the
// commitment, its hash (checked on reading) and the signatures as 0x-hex. Signatures of any
// length are read as they are, so that verification can name what is wrong with them.
// Stateless functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "proofs/certificate.h"
#include "vault/result.h"

namespace relay {

/// Pretty-printed JSON, ending in a newline.
std::string certificate_to_json(const Certificate& cert);

/// Refuses text that is not such an object, unknown fields, a field of the wrong type, a
/// signature that is not 0x-hex, and a commitment_hash that is not the commitment's hash.
Result<Certificate> certificate_from_json(std::string_view text);

}  // namespace relay
