// HttpTransport: the one seam to libcurl (STYLE.md point 3). Posts a JSON body to a URL and
// returns the response body, or an error that says which of the ways an HTTP call fails it was
// (timeout, connection, HTTP status, oversized body). No curl type appears here.
// Thread-safety: one instance per thread (it keeps one curl handle for connection reuse).
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vault/result.h"

namespace relay::evm {

/// How a JSON-RPC call failed, so callers can tell a dead endpoint from a lying one.
enum class RpcFailure {
  timeout,         // no complete answer within the timeout
  connection,      // could not connect, or the connection broke
  http_status,     // an HTTP status other than 200
  too_large,       // the body exceeded the size limit
  malformed,       // not JSON, not a JSON-RPC 2.0 response, or a field of the wrong shape
  rpc_error,       // the node answered with a JSON-RPC error object
};

const char* to_string(RpcFailure f);

struct RpcError {
  RpcError(RpcFailure k = RpcFailure::malformed, std::string m = {})  // NOLINT: implicit
      : kind(k), message(std::move(m)) {}
  RpcFailure kind = RpcFailure::malformed;
  std::string message;  // names the endpoint (redacted: Transport::endpoint), the method and the reason
  int http_status = 0;  // for http_status: the status (429, 503, ...)
  /// For http_status: the server's Retry-After (RFC 9110 §10.2.3: delay-seconds or an
  /// HTTP-date, converted to a delay from now), when it sent one.
  std::optional<std::chrono::seconds> retry_after;
  // rpc_error only: the error object's code, and its "data" when that is hex bytes (what an
  // eth_call or eth_estimateGas reverted with: an ABI-encoded error; adapters/evm/revert.h).
  int64_t code = 0;
  std::optional<std::vector<uint8_t>> data;
};

template <class T>
using RpcResult = std::expected<T, RpcError>;

/// The raw request/response exchange; an interface so tests can answer with any bytes.
class Transport {
 public:
  virtual ~Transport() = default;
  /// POSTs `body` (JSON) and returns the response body of an HTTP 200. Another status is an
  /// `http_status` error carrying the status, any Retry-After, and the start of the body (a
  /// provider often says there why it refused: a range limit, a rate limit).
  virtual RpcResult<std::string> post(const std::string& body) = 0;
  /// Where requests go, for error messages: a label without secrets (for HTTP, the URL's
  /// scheme://host[:port] only — never its user:password, path or query).
  virtual const std::string& endpoint() const = 0;
};

struct HttpOptions {
  std::chrono::milliseconds timeout{10000};          // whole request
  std::chrono::milliseconds connect_timeout{3000};
  size_t max_response_bytes = 64u << 20;             // a getLogs answer can be large, not unbounded
};

/// scheme://host[:port] of `url`, what messages and logs may show of an RPC URL: one often
/// carries a secret (user:password, or a provider's API key in the path or query), so nothing
/// else of it is ever printed. "(unparsable RPC URL)" when curl cannot parse it.
std::string redacted_url_label(const std::string& url);

/// A Transport over libcurl to `url` (http:// or https://). The URL may hold credentials
/// (user:password@, an API key in the path or query): errors name only scheme://host[:port].
std::unique_ptr<Transport> make_http_transport(const std::string& url, HttpOptions options = {});

}  // namespace relay::evm
