// The JSON side of the RPC client (internal to adapters/evm's rpc_client*.cpp): Ethereum
// JSON-RPC's value encodings (hex quantities, wei amounts, fixed-size hex data) and the
// JSON-RPC 2.0 envelope of one call, checked field by field. Errors name the endpoint, the
// method and the field.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/evm/http_transport.h"
#include "adapters/evm/rpc_client.h"
#include "vault/amount.h"

namespace relay::evm::rpc_json {

using json = nlohmann::json;

/// A hex quantity (Ethereum JSON-RPC: "0x" and at least one digit) that fits in 64 bits.
std::optional<uint64_t> parse_quantity(const json& v);
/// The same up to 2^128 - 1: wei amounts (balances, fees).
std::optional<Amount> parse_amount(const json& v);
/// "0x" + hex digits, no leading zeros ("0x0" for zero).
std::string quantity(uint64_t n);

template <class T>
std::optional<T> parse_fixed(const json& v) {
  if (!v.is_string()) return std::nullopt;
  return T::from_hex(v.get_ref<const std::string&>());
}

/// Hex bytes of any length ("0x" is none).
std::optional<std::vector<uint8_t>> parse_data(const json& v);

/// One call's envelope: the request, and the checked `result` of its answer.
class Call {
 public:
  Call(const std::string& endpoint, uint64_t id, std::string method)
      : endpoint_(endpoint), id_(id), method_(std::move(method)) {}

  json request(const json& params) const;
  /// `result` of a parsed answer: an error object is `rpc_error` (with its code, and its data
  /// when that is hex: a revert's), anything but a JSON-RPC 2.0 answer to this call's id is
  /// `malformed`.
  RpcResult<json> result(const json& answer) const;
  /// Posts the request alone and returns its result.
  RpcResult<json> run(Transport& t, const json& params) const;

  std::unexpected<RpcError> malformed(const std::string& why) const;
  uint64_t id() const { return id_; }
  const std::string& method() const { return method_; }

 private:
  const std::string& endpoint_;
  uint64_t id_;
  std::string method_;
};

/// The header in an eth_getBlockByNumber result (number, hash, parentHash, timestamp,
/// logsBloom); `asked` is the number requested, if one was. nullopt result: the node has no such
/// block.
RpcResult<std::optional<BlockHeader>> parse_block(const Call& c, const json& result,
                                                  std::optional<uint64_t> asked);

/// The logs in an eth_getLogs result.
RpcResult<std::vector<Log>> parse_logs(const Call& c, const json& result);

}  // namespace relay::evm::rpc_json
