// A local anvil for the adapter's tests: node_modules/.bin/anvil (scripts/setup installs it) on
// a free port of 127.0.0.1, started as a child process and SIGKILLed with the object; ready
// once eth_chainId answers (polled with a deadline). Test code only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
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

class Anvil {
 public:
  /// Starts anvil with `args` added; ready() says whether it answered within 15 s (false also
  /// when anvil is not installed).
  explicit Anvil(const std::vector<std::string>& args = {}) {
    std::string bin = RELAY_SOURCE_DIR "/node_modules/.bin/anvil";
    if (access(bin.c_str(), X_OK) != 0) return;
    int port = free_port();
    url_ = "http://127.0.0.1:" + std::to_string(port);
    std::vector<std::string> argv{bin, "--host", "127.0.0.1", "--port", std::to_string(port), "--silent"};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<relay::testing::Process>(argv);
    RpcClient rpc(make_http_transport(url_));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!rpc.chain_id()) {
      if (std::chrono::steady_clock::now() > deadline) {
        process_.reset();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ~Anvil() {
    if (process_) process_->kill_and_wait();
  }
  Anvil(const Anvil&) = delete;
  Anvil& operator=(const Anvil&) = delete;

  bool ready() const { return process_ != nullptr; }
  const std::string& url() const { return url_; }

 private:
  std::string url_;
  std::unique_ptr<relay::testing::Process> process_;
};

}  // namespace relay::evm::testing
