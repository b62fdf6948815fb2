// Internal to RpcClient (rpc_client*.cpp): one checked JSON-RPC 2.0 exchange, and the parsers
// for the Ethereum JSON-RPC value encodings (hex quantities, fixed-size hex, hex data). Not for
// use outside adapters/evm's RPC client files.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "adapters/evm/http_transport.h"
#include "vault/amount.h"

namespace relay::evm::detail {

using json = nlohmann::json;

/// A hex quantity ("0x" and at least one digit; leading zeros tolerated) below 2^64; nullopt
/// otherwise.
std::optional<uint64_t> parse_quantity(const json& v);
/// The same, up to 2^128 - 1 (wei amounts: balances, fees).
std::optional<Amount> parse_amount(const json& v);

/// Exactly T::size() bytes of 0x-hex.
template <class T>
std::optional<T> parse_fixed(const json& v) {
  if (!v.is_string()) return std::nullopt;
  return T::from_hex(v.get_ref<const std::string&>());
}

/// 0x-hex bytes of any length ("0x" is none).
std::optional<std::vector<uint8_t>> parse_data(const json& v);

/// n as a JSON-RPC quantity: "0x0", "0x1a".
std::string quantity(uint64_t n);
std::string quantity(Amount n);

/// The checked `result` of one call, or the error naming the endpoint and the method.
class Call {
 public:
  Call(Transport& t, uint64_t id, const char* method) : t_(t), id_(id), method_(method) {}

  /// Sends the request; checks the envelope (JSON object, our id) and turns an error object
  /// into an rpc_error carrying its code and, when it is hex, its data (revert data).
  RpcResult<json> run(const json& params);

  std::unexpected<RpcError> malformed(const std::string& why) const;

 private:
  Transport& t_;
  uint64_t id_;
  const char* method_;
};

}  // namespace relay::evm::detail
