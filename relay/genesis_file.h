// Reading the network genesis from its file (vault/genesis.h parses the text; the network id
// is the SHA-256 of the file's exact bytes). Stateless, thread-safe.
#pragma once

#include <string>

#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::node {

/// The whole file; the error names it and the system's reason ("genesis.json: No such file").
Result<std::string> read_whole_file(const std::string& path);

/// The genesis in `path`. Errors: "genesis PATH: <reason>" when it cannot be read,
/// "PATH: <field>: <reason>" when it does not parse (vault/genesis.h names the field).
Result<Genesis> read_genesis_file(const std::string& path);

}  // namespace relay::node
