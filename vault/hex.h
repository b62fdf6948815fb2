// Hex encoding of byte strings: lowercase "0x"-prefixed out, either case in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relay {

/// "0x" followed by two lowercase hex digits per byte.
std::string to_hex(std::span<const uint8_t> bytes);

/// Decodes "0x"-prefixed hex of any case; nullopt when the prefix is missing, a digit is not
/// hex, or the digit count is odd.
std::optional<std::vector<uint8_t>> from_hex(std::string_view s);

}  // namespace relay
