// Result<T>: a value or an Error that names what failed and why. Used wherever failure is an
// expected outcome (bad input from a file, chain, peer or person); exceptions are kept for
// programmer errors and start-up failures (STYLE.md, point 4).
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace relay {

struct Error {
  std::string message;  // human-readable: names the field and the reason
};

template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for returning an error: `return fail("genesis.chains[0].vault: not 20 bytes");`
inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

}  // namespace relay
