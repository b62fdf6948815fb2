// The vault contract's calls the publisher makes, ABI-encoded (Solidity ABI specification,
// "Function Selector and Argument Encoding"), and their results decoded; docs/node.md "The
// vault contract" fixes the functions. Written by hand: Debian has no C++ ABI library, and the
// publisher needs three calls. Pure functions, thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vault/result.h"
#include "vault/types.h"

namespace relay::evm {

/// The first 4 bytes of keccak256 of a canonical signature ("isCommitted(uint64)").
std::array<uint8_t, 4> selector(std::string_view signature);

/// Calldata of `commitEpoch(bytes commitment, bytes[] signatures)`: the selector, then the two
/// offsets, the commitment (length, bytes zero-padded to 32), the array (count, one offset per
/// element from the start of the elements' area, then each element as length and padded bytes).
std::vector<uint8_t> encode_commit_epoch(std::span<const uint8_t> commitment,
                                         std::span<const std::vector<uint8_t>> signatures);

/// Calldata of `checkCertificate(bytes, bytes[])`, the view that checks what commitEpoch would.
std::vector<uint8_t> encode_check_certificate(std::span<const uint8_t> commitment,
                                              std::span<const std::vector<uint8_t>> signatures);

/// Calldata of `isCommitted(uint64 epoch)`.
std::vector<uint8_t> encode_is_committed(uint64_t epoch);

/// The `bool` an eth_call returned: exactly one word, 0 or 1; anything else is an error naming
/// what came back.
Result<bool> decode_bool(std::span<const uint8_t> returned);

}  // namespace relay::evm
