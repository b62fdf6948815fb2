// Internal to wire/: the libzmq objects behind the seam's handles (wire/zmq.h). Included only
// by wire/zmq.cpp and wire/zap.cpp: the one place cppzmq types exist.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "wire/zmq.h"

namespace relay::net::detail {

struct ContextState {
  zmq::context_t context;
  std::mutex mutex;                       // guards the lazy start of `zap`
  std::unique_ptr<ZapAuthenticator> zap;  // declared after `context`: stops before it ends
  ~ContextState() { zap.reset(); }
};

struct SocketState {
  std::shared_ptr<ContextState> context;  // first member: outlives the sockets below
  zmq::socket_t socket;
  std::optional<zmq::socket_t> monitor;  // PAIR receiving the socket's events
  std::string endpoint;
  bool router = false;

  ~SocketState() {
    if (monitor) {
      zmq_socket_monitor(socket.handle(), nullptr, 0);
      monitor->close();
    }
    socket.close();
  }
};

}  // namespace relay::net::detail
