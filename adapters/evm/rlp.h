// RLP, Ethereum's Recursive Length Prefix encoding (Yellow Paper, appendix B): what signed
// transactions are made of (adapters/evm/transaction.h). Encoding only — the relay never reads
// RLP back (a node answers JSON). Written by hand: no Debian package offers RLP for C++ (the
// small encoder is all the publisher needs). Pure functions, thread-safe.
//
// An item is a byte string or a list of items:
//   - one byte below 0x80 is itself;
//   - a string of 0..55 bytes is 0x80+len ‖ bytes; longer, 0xb7+len(len) ‖ len (big-endian) ‖ bytes;
//   - a list whose encoded items total 0..55 bytes is 0xc0+len ‖ items; longer, 0xf7+len(len) ‖
//     len ‖ items.
// An integer is the string of its minimal big-endian bytes (no leading zero; 0 is the empty
// string, 0x80).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "vault/amount.h"

namespace relay::evm::rlp {

using Bytes = std::vector<uint8_t>;

/// The encoding of a byte string.
Bytes encode_bytes(std::span<const uint8_t> s);

/// The encoding of an unsigned integer: its minimal big-endian bytes as a string.
Bytes encode_uint(uint64_t v);
Bytes encode_uint(Amount v);  // up to 2^128 - 1 (wei amounts)

/// The encoding of a list, from its items' encodings (each already an RLP item; the list's
/// payload is their concatenation).
Bytes encode_list(std::span<const Bytes> encoded_items);
Bytes encode_list(std::initializer_list<Bytes> encoded_items);

}  // namespace relay::evm::rlp
