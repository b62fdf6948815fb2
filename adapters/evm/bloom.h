// The logs bloom of an Ethereum block header (yellow paper §4.3.1, the M3:2048 function): a
// 2048-bit filter holding, for every log of the block, its address and each of its topics. Each
// of those sets 3 bits, taken from the first three pairs of bytes of its Keccak-256 hash (the low
// 11 bits of each big-endian pair); bit i is bit i % 8 of byte 255 − i / 8. A bloom that lacks a
// value proves no log of the block holds it; one that has it only says the block may (other
// values can set the same bits). Pure functions, thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "vault/types.h"

namespace relay::evm {

/// A header's logsBloom, as its 256 bytes.
using Bloom = std::array<uint8_t, 256>;

/// Adds `value` (an address: its 20 bytes; a topic: its 32 bytes) to `bloom`.
void bloom_add(Bloom& bloom, std::span<const uint8_t> value);

/// Whether `bloom` has all 3 bits of `value`: false means no log of the block holds it.
bool bloom_may_contain(const Bloom& bloom, std::span<const uint8_t> value);

/// Shorthand for a contract's address: may the block hold a log emitted by `address`?
inline bool bloom_may_contain(const Bloom& bloom, const Address& address) {
  return bloom_may_contain(bloom, address.span());
}

}  // namespace relay::evm
