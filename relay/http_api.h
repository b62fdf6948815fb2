// HttpApi: relayd's read-only HTTP API over cpp-httplib (DESIGN.md "Security": the query API is
// read-only). Today: GET /v1/status (relay/status.h) as JSON; anything else is 404 with a JSON
// error. Serves on its own thread from a StatusBoard the node loop updates; stops and joins on
// destruction. No cpp-httplib type leaves relay/http_api.cpp.
#pragma once

#include <cstdint>
#include <memory>

#include "relay/config.h"
#include "relay/log.h"
#include "relay/status.h"
#include "vault/result.h"

namespace relay::node {

class HttpApi {
 public:
  /// Binds `listen` (port 0: a free port, see port()) and starts serving. Errors: the address
  /// cannot be bound (in use, not local).
  static Result<std::unique_ptr<HttpApi>> start(const ListenAddress& listen,
                                                const StatusBoard& board, Log log);
  ~HttpApi();
  uint16_t port() const { return port_; }

 private:
  struct Impl;
  explicit HttpApi(std::unique_ptr<Impl> impl, uint16_t port);
  std::unique_ptr<Impl> impl_;
  uint16_t port_;
};

}  // namespace relay::node
