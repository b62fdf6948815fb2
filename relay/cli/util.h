// Small helpers shared by relayctl's commands.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "storage/kv_store.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay::cli {

/// The file parsed as strict JSON (vault/json_strict.h), or an error naming it ("F: not valid
/// JSON at line 3, column 7: ...", "F: leaf.amount: repeated key").
Result<nlohmann::json> read_json_file(const std::string& path);

/// An optional `--root 0x..` option: nullopt when empty, an error when not 32 bytes of hex.
Result<std::optional<Hash32>> parse_root_option(const std::string& value);

/// Opens an existing data folder read-only (relay/data_folder.h: nothing in it is written or
/// created), refusing a path that is not one and a folder without the relay's marker.
Result<std::unique_ptr<storage::KvStore>> open_existing_data(const std::string& data);

/// An `--epoch` value: decimal digits below 2^64. (CLI11 would silently wrap "-1" into
/// 2^64-1 for an unsigned option, so epochs are taken as strings and parsed here.)
/// A decimal integer from 0 to 2^64 - 1 given to `option`; the error says it is not `what`
/// ("a block number").
Result<uint64_t> parse_count(const std::string& option, const std::string& s, const char* what);
Result<uint64_t> parse_epoch(const std::string& s);

/// Prints "relayctl: <message>" to stderr and returns the exit code for a failed command.
int die(const std::string& message);

}  // namespace relay::cli
