// Decoding of an epoch commitment's canonical bytes (docs/proofs.md "Epoch commitment"): the
// inverse of encode_commitment, for commitments read back from the data folder or handed over by
// a peer. Strict: only the exact canonical encoding is accepted (offsets, lengths, zero high
// bytes of 64- and 128-bit words, nothing trailing), so decode then encode gives the same bytes
// and the same hash. Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "proofs/commitment.h"
#include "vault/result.h"

namespace relay {

/// The commitment whose encode_commitment() is exactly `bytes`; the error names the word.
Result<EpochCommitment> decode_commitment(std::span<const uint8_t> bytes);

}  // namespace relay
