// Small helpers shared by relayctl's commands.
#pragma once

#include <string>

#include "vault/result.h"

namespace relay::cli {

/// The whole file, or an error naming it and the reason.
Result<std::string> read_file(const std::string& path);

/// Prints "relayctl: <message>" to stderr and returns the exit code for a failed command.
int die(const std::string& message);

}  // namespace relay::cli
