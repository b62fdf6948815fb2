// Account ids as people write them (DESIGN.md "Accounts"): 0x and 64 hex digits, or an EVM
// address (0x and 40 hex digits), which is the account its owner deposits to by default (the
// address left-padded to 32 bytes). Stateless, thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "vault/types.h"

namespace relay::node {

/// The account `s` names, or nullopt when it is neither form.
std::optional<AccountId> parse_account(std::string_view s);

}  // namespace relay::node
