// Endpoints: one chain's n JSON-RPC endpoints in their configured order, each an RpcClient with
// its health — requests and errors counted per kind (for metrics), failures in a row, and a
// backoff (adapters/evm/backoff.h) before it is asked again. The watcher asks the ready ones in
// order and reports here how each answer went. Time comes from the given clock (tests pass
// their own). Not thread-safe; owned by one Watcher.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/evm/backoff.h"
#include "adapters/evm/http_transport.h"
#include "adapters/evm/rpc_client.h"

namespace relay::evm {

using Clock = std::function<std::chrono::steady_clock::time_point()>;

/// One endpoint's health, for metrics and status (Prometheus: relay_rpc_requests_total,
/// relay_rpc_errors_total{kind}, relay_rpc_up, ...).
struct EndpointHealth {
  std::string endpoint;     // redacted label: scheme://host[:port]
  bool up = true;           // the last answer it gave was usable
  bool chain_checked = false;  // its eth_chainId was read and is the genesis chain's
  uint64_t requests = 0;    // HTTP requests sent (a JSON-RPC batch is one)
  uint64_t errors = 0;      // of those, failed (timeout, connection, status, body)
  std::map<std::string, uint64_t> errors_by_kind;  // by RpcFailure name ("timeout", ...)
  uint64_t disagreements = 0;   // answers that differed from the one k endpoints agreed on
  uint32_t failures_in_a_row = 0;
  std::string last_error;       // the last failure's message (no secret: labels only)
  std::chrono::milliseconds retry_in{0};  // time left before it is asked again (0: ready)
};

class Endpoints {
 public:
  /// REQUIRES: at least one transport. `max_batch`: as RpcClient's.
  Endpoints(std::vector<std::unique_ptr<Transport>> transports, size_t max_batch,
            BackoffOptions backoff, Clock clock, uint64_t seed);
  ~Endpoints();
  Endpoints(const Endpoints&) = delete;
  Endpoints& operator=(const Endpoints&) = delete;

  size_t size() const;
  RpcClient& client(size_t i);
  const std::string& label(size_t i) const;

  /// Whether endpoint i may be asked now (not waiting out a backoff).
  bool ready(size_t i) const;
  /// How long until at least `count` endpoints are ready (0 if they are now).
  std::chrono::milliseconds wait_for_ready(size_t count) const;

  /// Endpoint i answered something usable: its failures in a row and backoff end.
  void succeeded(size_t i);
  /// Endpoint i failed (`why` names it); it is not asked again for a backoff delay, or for
  /// `retry_after` when the server gave one.
  void failed(size_t i, const std::string& why,
              std::optional<std::chrono::seconds> retry_after = std::nullopt);
  /// Endpoint i answered something other than what k endpoints agreed on.
  void disagreed(size_t i);

  bool chain_checked(size_t i) const;
  void set_chain_checked(size_t i);

  std::vector<EndpointHealth> health() const;
  std::chrono::steady_clock::time_point now() const { return clock_(); }

 private:
  struct Endpoint;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  Backoff backoff_;
  Clock clock_;
};

}  // namespace relay::evm
