// HttpApi: relayd's read-only HTTP API over cpp-httplib (docs/api.md; DESIGN.md "Security": the
// query API is read-only): GET /v1/status, /v1/accounts/{account}[?certified=true],
// /v1/withdrawals?account=&chain=&epoch=, /v1/certificates/{epoch}, /v1/solvency, /metrics
// (Prometheus text) and a status page at /. It parses and checks every parameter (400 naming
// it; unknown parameters are refused too), answers 404 for any other path, and 503 until the
// node hands it an ApiSource (set_source: the state is open). Errors are JSON
// {"error": {"code", "message"}}. Serves on its own thread; the source is called from it under
// a shared lock that set_source() takes exclusively, so once set_source(nullptr) returns no
// call into the old source is running or will start. Stops and joins on destruction. No
// cpp-httplib type leaves relay/http_api.cpp.
#pragma once

#include <cstdint>
#include <memory>

#include "relay/api.h"
#include "relay/config.h"
#include "relay/log.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::node {

class HttpApi {
 public:
  /// Binds `listen` (port 0: a free port, see port()) and starts serving (503 until
  /// set_source). Errors: the address cannot be bound (in use, not local). `genesis` (chain
  /// names for ?chain=) outlives the server.
  static Result<std::unique_ptr<HttpApi>> start(const ListenAddress& listen, const Genesis& genesis,
                                                Log log);
  ~HttpApi();
  uint16_t port() const { return port_; }

  /// Who answers from now on (nullptr: 503 again). Waits for calls into the previous one.
  void set_source(ApiSource* source);

 private:
  struct Impl;
  explicit HttpApi(std::unique_ptr<Impl> impl, uint16_t port);
  std::unique_ptr<Impl> impl_;
  uint16_t port_;
};

}  // namespace relay::node
