// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not FIPS 202 SHA3-256's
// 0x06). Only where EVM itself requires it (DESIGN.md "Hashing"): here, deriving a validator's
// EVM address from its public key. Pure function, thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "vault/types.h"

namespace relay {

/// keccak256(data), e.g. keccak256("") = 0xc5d24601...5d85a470.
Hash32 keccak256(std::span<const uint8_t> data);

}  // namespace relay
