// The query API's seam (docs/api.md): between the HTTP server (relay/http_api.h: cpp-httplib,
// its own thread, request parsing) and whoever answers (the node, relay/node_api.cpp, under its
// lock). Requests arrive parsed and checked (a bad parameter is a 400 before it gets here);
// replies are an HTTP status and a JSON body. Plain types.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "vault/types.h"

namespace relay::node {

struct ApiReply {
  int status = 200;
  nlohmann::json body;
};

/// docs/api.md's error: {"error": {"code": "<kind>", "message": "..."}} with `status`.
/// Codes: bad_request (400), not_found (404), unavailable (503).
ApiReply api_error(int status, const std::string& code, const std::string& message);

/// GET /v1/withdrawals' filters (at least one set; the server checks that).
struct WithdrawalQuery {
  std::optional<AccountId> account;
  std::optional<uint32_t> chain;  // destination chain, genesis index
  std::optional<uint64_t> epoch;  // the epoch it was requested in
};

class ApiSource {
 public:
  virtual ~ApiSource() = default;
  virtual ApiReply status() = 0;
  /// `certified`: the last certified epoch's balances instead of the live state's.
  virtual ApiReply account(const AccountId& account, bool certified) = 0;
  virtual ApiReply withdrawals(const WithdrawalQuery& query) = 0;
  virtual ApiReply certificate(uint64_t epoch) = 0;
  virtual ApiReply solvency() = 0;
  /// Prometheus text exposition format (version 0.0.4).
  virtual std::string metrics() = 0;
};

}  // namespace relay::node
