// Naming a revert: the data an EVM call reverted with, decoded as one of the vault contract's
// custom errors (deploy/contracts/RelayVault.sol; Solidity ABI spec "Errors": a 4-byte
// selector, then the arguments ABI-encoded), or Solidity's Error(string) / Panic(uint256).
// So a refused certificate reads "InsufficientWeight(weight=1, quorum=3)", not "0x5b3c…".
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relay::evm {

/// The vault's error declarations, as written in Solidity without "error " and ";"
/// ("InsufficientWeight(uint256 weight, uint64 quorum)"); a test checks they are exactly the
/// contract's.
const std::vector<std::string_view>& vault_error_declarations();

/// "Name(arg=value, …)" for data that is a known error with well-formed arguments;
/// "Error(\"text\")" and "Panic(0x11)" for Solidity's own; "no revert data" for empty data;
/// otherwise "unknown error 0x<selector> (N bytes of data)". Values: unsigned integers in
/// decimal (hex above 2^128), addresses and bytes32 as 0x-hex.
std::string describe_revert(std::span<const uint8_t> data);

/// The selector-bearing name of `data`'s error ("EpochAlreadyCommitted"), empty when unknown.
std::string revert_name(std::span<const uint8_t> data);

}  // namespace relay::evm
