#include "relay/account.h"

#include <algorithm>

namespace relay::node {

std::optional<AccountId> parse_account(std::string_view s) {
  if (auto a = AccountId::from_hex(s)) return a;
  if (auto addr = Address::from_hex(s)) {
    AccountId a;
    std::copy(addr->bytes.begin(), addr->bytes.end(), a.bytes.begin() + 12);
    return a;
  }
  return std::nullopt;
}

}  // namespace relay::node
