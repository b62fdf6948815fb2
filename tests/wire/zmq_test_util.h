// Helpers for the tests on real ZeroMQ sockets: waiting on a condition with a deadline, and
// bodies as text.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "wire/zmq.h"

namespace relay::test {

/// Checks `condition` until it holds or `limit` passes (a bound for a broken build, never a
/// timing assumption); returns whether it held.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

inline std::vector<uint8_t> body(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}
inline std::string text(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

/// Receives one message within the deadline, or fails the test.
inline net::Received receive_one(net::Socket& s, int timeout_ms = 20000) {
  auto r = s.receive(timeout_ms);
  EXPECT_TRUE(r) << r.error().message;
  if (!r || !*r) {
    ADD_FAILURE() << "no message within " << timeout_ms << " ms";
    return {};
  }
  return **r;
}

/// Whether the socket recorded an event of this kind (draining the others into `seen`).
inline bool saw(net::Socket& s, net::SocketEvent::Kind kind, std::vector<net::SocketEvent>& seen) {
  for (auto& e : s.events()) seen.push_back(e);
  for (const auto& e : seen)
    if (e.kind == kind) return true;
  return false;
}

}  // namespace relay::test
