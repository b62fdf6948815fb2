// Certificate files (docs/proofs.md "Certificate file"): a JSON object with the type, the file
// version (2: the fourteen-field commitment), the commitment (proofs/commitment_json.h), its hash
// (checked on reading) and the signatures as 0x-hex. Signatures of any
// length are read as they are, so that verification can name what is wrong with them.
// Stateless functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "proofs/certificate.h"
#include "vault/result.h"

namespace relay {

/// Pretty-printed JSON, ending in a newline; keys in the order above, the commitment's in
/// commitment order.
std::string certificate_to_json(const Certificate& cert);

/// Refuses text that is not such an object, unknown fields, a field of the wrong type, another
/// version (version 1 by name), a signature that is not 0x-hex, and a commitment_hash that is
/// not the commitment's hash.
Result<Certificate> certificate_from_json(std::string_view text);

}  // namespace relay
