// Real nodes for the EVM adapter's tests: a local anvil on a free port (killed with the
// object), the vault activity of tests/adapters/evm_chain.mjs on it, and the fault proxy
// (tests/adapters/fault_proxy.mjs) in front of it. Each waits on the node answering, never on a
// timer. Test code only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <expected>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/evm/rpc_client.h"
#include "tests/support/subprocess.h"

namespace relay::evm::testing {

/// A TCP port of 127.0.0.1 that nothing listens on (the kernel's pick, released at once).
inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

inline bool have_anvil_and_node() {
  return access(RELAY_SOURCE_DIR "/node_modules/.bin/anvil", X_OK) == 0 &&
         !std::string(RELAY_NODE).empty();
}

// Polls `ready` (a cheap RPC) until it holds, for at most 15 s.
template <class F>
bool wait_until(F ready) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return true;
}

/// An anvil with the given chain id, answering at `url`; nullptr when it cannot start.
struct Anvil {
  std::unique_ptr<relay::testing::Process> process;
  std::string url;

  static std::unique_ptr<Anvil> start(uint64_t chain_id = 31337) {
    if (!have_anvil_and_node()) return nullptr;
    auto a = std::make_unique<Anvil>();
    int port = free_port();
    a->url = "http://127.0.0.1:" + std::to_string(port);
    // --slots-in-an-epoch 1: anvil's "finalized" block is latest − 2.
    a->process = std::make_unique<relay::testing::Process>(std::vector<std::string>{
        RELAY_SOURCE_DIR "/node_modules/.bin/anvil", "--host", "127.0.0.1", "--port",
        std::to_string(port), "--silent", "--slots-in-an-epoch", "1", "--chain-id",
        std::to_string(chain_id)});
    RpcClient rpc(make_http_transport(a->url));
    if (!wait_until([&] { return bool(rpc.chain_id()); })) return nullptr;
    return a;
  }
  ~Anvil() {
    if (process) process->kill_and_wait();
  }
  /// Any call on it: the result, or nullopt when the call failed.
  std::optional<nlohmann::json> call(const std::string& method, const std::string& params) const {
    RpcClient rpc(make_http_transport(url));
    auto r = rpc.call_raw(method, params);
    if (!r) return std::nullopt;
    return nlohmann::json::parse(*r);
  }
};

/// Runs tests/adapters/evm_chain.mjs on `url` (vault, token and five events, see its header):
/// its JSON output, or the error it printed.
inline std::expected<nlohmann::json, std::string> put_vault_activity(const std::string& url) {
  auto r = relay::testing::run_process(
      {RELAY_NODE, RELAY_SOURCE_DIR "/tests/adapters/evm_chain.mjs", url});
  if (r.exit_code != 0) return std::unexpected("evm_chain.mjs failed: " + r.err);
  return nlohmann::json::parse(r.out);
}

/// tests/adapters/fault_proxy.mjs in front of `upstream`, answering at `url`.
struct FaultProxy {
  std::unique_ptr<relay::testing::Process> process;
  std::string url;

  static std::unique_ptr<FaultProxy> start(const std::string& upstream) {
    auto p = std::make_unique<FaultProxy>();
    int port = free_port();
    p->url = "http://127.0.0.1:" + std::to_string(port);
    p->process = std::make_unique<relay::testing::Process>(std::vector<std::string>{
        RELAY_NODE, RELAY_SOURCE_DIR "/tests/adapters/fault_proxy.mjs", upstream,
        std::to_string(port)});
    RpcClient rpc(make_http_transport(p->url));
    if (!wait_until([&] { return bool(rpc.call_raw("proxy_stats", "[]")); })) return nullptr;
    return p;
  }
  ~FaultProxy() {
    if (process) process->kill_and_wait();
  }
  /// Replaces the proxy's rules (fault_proxy.mjs's header): true when it took them.
  bool rules(const nlohmann::json& r) const {
    RpcClient rpc(make_http_transport(url));
    return bool(rpc.call_raw("proxy_rules", nlohmann::json::array({r}).dump()));
  }
  nlohmann::json stats() const {
    RpcClient rpc(make_http_transport(url));
    auto r = rpc.call_raw("proxy_stats", "[]");
    return r ? nlohmann::json::parse(*r) : nlohmann::json();
  }
};

}  // namespace relay::evm::testing
