// Helpers for the tests that run relayd: a relayd process with its HTTP status, a test adapter
// over the C++ side of the adapter protocol (wire/adapter_client.h), node.toml text, a free
// port. Header-only; test code only.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/subprocess.h"
#include "vault/genesis.h"
#include "wire/adapter_client.h"
#include "wire/zmq.h"

namespace relay::test {

using nlohmann::json;
using testing::Process;

inline const std::string kRelayd = RELAY_BIN_DIR "/relayd";
inline constexpr auto kDeadline = std::chrono::seconds(30);

inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

// One relayd process and what a test needs of it.
struct NodeProcess {
  std::string config;
  std::unique_ptr<Process> process;
  uint16_t http_port = 0;
  std::vector<std::string> command = {kRelayd};  // what runs relayd (a copy, an env prefix)
  std::string log_level = "debug";

  void start() {
    std::vector<std::string> argv = command;
    argv.insert(argv.end(), {"--config", config, "--log-level", log_level});
    process = std::make_unique<Process>(argv);
    ASSERT_TRUE(process->wait_for_stderr("node: started")) << process->stderr_so_far();
    const std::string& err = process->stderr_so_far();
    const size_t at = err.find("http listening address=127.0.0.1 port=");
    ASSERT_NE(at, std::string::npos) << err;
    http_port = uint16_t(std::stoi(err.substr(at + 38)));
  }
  json status() const { return get("/v1/status").second; }
  /// GET `path`: the status (0 when no answer) and the body as JSON (discarded when not JSON).
  std::pair<int, json> get(const std::string& path) const {
    httplib::Client c("127.0.0.1", http_port);
    auto r = c.Get(path);
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  /// GET `path`'s body as text.
  std::string get_text(const std::string& path) const {
    httplib::Client c("127.0.0.1", http_port);
    auto r = c.Get(path);
    return r ? r->body : std::string();
  }
  /// Polls the status until `ok` holds (a deadline, no fixed sleep between checks is needed
  /// for correctness; the short pause only spares the CPU).
  bool wait_until(const std::function<bool(const json&)>& ok) const {
    const auto end = std::chrono::steady_clock::now() + kDeadline;
    while (std::chrono::steady_clock::now() < end) {
      process->drain();
      if (json s = status(); s.is_object() && ok(s)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  int stop() {
    kill(process->pid(), SIGTERM);
    return process->wait().exit_code;
  }
};

// A test adapter for one chain of one node.
struct TestAdapter {
  std::optional<msg::AdapterClient> client;
  std::vector<msg::NodeMessage> received;

  void connect(net::Context& ctx, const Genesis& g, size_t chain, const std::string& endpoint) {
    msg::AdapterClientOptions o;
    o.endpoint = endpoint;
    o.hello.network_id = g.network_id;
    o.hello.chain_id = g.chains[chain].chain_id;
    o.hello.adapter_name = "test-adapter";
    o.hello.adapter_version = "1";
    auto c = msg::AdapterClient::connect(ctx, g, chain, o);
    ASSERT_TRUE(c) << c.error().message;
    client.emplace(std::move(*c));
  }
  msg::Resume hello() {
    auto r = client->hello(10000);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    if (!r || !std::holds_alternative<msg::Resume>(*r)) {
      ADD_FAILURE() << "no Resume";
      return {};
    }
    return std::get<msg::Resume>(*r);
  }
  /// Sends the message's blocks and waits for their Ack.
  void send(const msg::Blocks& m) {
    auto seq = client->send_blocks(m.headers, m.events);
    ASSERT_TRUE(seq) << seq.error().message;
    const auto end = std::chrono::steady_clock::now() + kDeadline;
    while (client->last_acked_seq() < *seq && std::chrono::steady_clock::now() < end) {
      auto got = client->poll(100);
      ASSERT_TRUE(got) << got.error().message;
      for (auto& m2 : *got) {
        ASSERT_FALSE(std::holds_alternative<msg::Error>(m2)) << std::get<msg::Error>(m2).message;
        received.push_back(m2);
      }
    }
    ASSERT_GE(client->last_acked_seq(), *seq) << "no Ack";
  }
  /// Waits for a PublishRequest of `epoch`.
  std::optional<msg::PublishRequest> publish_request(uint64_t epoch) {
    const auto end = std::chrono::steady_clock::now() + kDeadline;
    for (;;) {
      for (const auto& m : received)
        if (auto* p = std::get_if<msg::PublishRequest>(&m); p && p->epoch == epoch) return *p;
      if (std::chrono::steady_clock::now() > end) return std::nullopt;
      auto got = client->poll(100);
      if (!got) return std::nullopt;
      for (auto& m : *got) received.push_back(m);
    }
  }
};

inline std::string node_toml(const std::string& extra_node, const std::string& chains, const std::string& peers = "") {
  return "[node]\ngenesis = \"genesis.json\"\ndata = \"data\"\nvalidator_key = \"validator.key\"\n" + extra_node +
         "[http]\nlisten = \"127.0.0.1:0\"\n" + peers + chains;
}

}  // namespace relay::test
