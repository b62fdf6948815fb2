// The ZeroMQ seam (STYLE.md, point 3): a context, ROUTER and DEALER sockets with the options
// the relay uses (CURVE, ZMQ_MAXMSGSIZE 16 MiB, linger 0, routing ids), polling, connection
// events, and the ZAP authenticator that admits only allow-listed CURVE public keys. No zmq
// header is included here: cppzmq is used only in wire/zmq.cpp and wire/zap.cpp (through
// wire/zmq_state.h), libzmq's C API also in wire/curve_key.cpp.
//
// Endpoints are ZeroMQ's: "ipc:///path/x.ipc", "tcp://127.0.0.1:9100" ("tcp://127.0.0.1:*"
// binds a free port; endpoint() gives the one chosen). Every message is one frame holding one
// protobuf message (docs/adapter-protocol.md); a ROUTER also sees the sender's routing id.
//
// Threads: a Context may be shared by threads; each socket is used by one thread at a time
// (libzmq's rule). A socket keeps its context's internals alive, so destruction order does not
// matter, but the ZAP authenticator stops with the last owner of the context.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vault/result.h"
#include "wire/curve_key.h"

namespace relay::net {

namespace detail {
struct ContextState;
struct SocketState;
}  // namespace detail

class ZapAuthenticator;

/// One libzmq context (and, once a CURVE server socket exists, its ZAP authenticator thread).
class Context {
 public:
  Context();
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  /// The ZAP authenticator of this context, started on first use (it binds
  /// inproc://zeromq.zap.01 and answers on a thread the context owns). CURVE server sockets
  /// start it themselves; call this to set allow-lists and read refusals.
  ZapAuthenticator& authenticator();

  std::shared_ptr<detail::ContextState> state() const { return state_; }

 private:
  std::shared_ptr<detail::ContextState> state_;
};

/// Admits CURVE clients by public key, per ZAP domain (RFC 27 ZAP, version 1.0). A domain with
/// no allow-list admits nobody; a mechanism other than CURVE is refused. Every refusal is
/// counted per public key. Thread-safe.
class ZapAuthenticator {
 public:
  /// Replaces the domain's allow-list. Connections already admitted stay up.
  void allow(const std::string& domain, std::vector<CurvePublicKey> keys);
  /// Refusals so far, per client public key (a snapshot).
  std::map<CurvePublicKey, uint64_t> refusals() const;
  /// Called on the authenticator's thread after each refusal with the domain, the client's key
  /// and its refusal count (1 on the first): keep it short, and thread-safe. Replaces the
  /// previous callback.
  using RefusalCallback =
      std::function<void(const std::string& domain, const CurvePublicKey& key, uint64_t count)>;
  void on_refusal(RefusalCallback callback);

  /// Internal: created by Context::authenticator(); binds inproc://zeromq.zap.01 and starts
  /// the thread (throws std::runtime_error when it cannot: a programmer error).
  explicit ZapAuthenticator(detail::ContextState& context);
  ~ZapAuthenticator();
  ZapAuthenticator(const ZapAuthenticator&) = delete;
  ZapAuthenticator& operator=(const ZapAuthenticator&) = delete;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

/// A CURVE server: its own key pair, and the ZAP domain whose allow-list admits clients.
struct CurveServer {
  CurveKeyPair keys;
  std::string zap_domain;  // non-empty
};
/// A CURVE client: the server's public key and the client's own key pair.
struct CurveClient {
  CurvePublicKey server_key;
  CurveKeyPair keys;
};

struct SocketOptions {
  std::optional<CurveServer> curve_server;  // at most one of curve_server, curve_client
  std::optional<CurveClient> curve_client;
  std::string routing_id;  // ZMQ_ROUTING_ID, 1 to 255 bytes; empty: libzmq picks one
  int64_t max_message_bytes = int64_t{16} * 1024 * 1024;  // ZMQ_MAXMSGSIZE: a larger message
                                                          // drops its connection
  int send_queue = 1000;  // ZMQ_SNDHWM, messages: send() fails beyond it
  bool events = false;    // record connection events (events())
};

/// What a socket saw about its connections (zmq_socket_monitor), for logs and tests.
struct SocketEvent {
  enum class Kind {
    connected,  // tcp/ipc connection up (before the handshake)
    accepted,   // a server accepted a connection
    disconnected,
    handshake_succeeded,
    handshake_failed,  // protocol or cryptographic failure (e.g. a wrong CURVE server key)
    auth_failed,       // the ZAP handler refused the client
    other,
  };
  Kind kind = Kind::other;
  std::string endpoint;
  int value = 0;  // libzmq's event value (an errno, a ZMTP error code, a ZAP status)
};

/// One received message: its frames joined as body when there is exactly one.
struct Received {
  std::string routing_id;  // the sender's (ROUTER only)
  std::vector<uint8_t> body;
  size_t frames = 1;    // body frames; anything but 1 breaks the one-frame rule
  std::string user_id;  // the ZAP user id: the client's CURVE public key in Z85 (CURVE only)
};

class Socket {
 public:
  Socket(Socket&&) noexcept;
  Socket& operator=(Socket&&) noexcept;
  ~Socket();  // closes with linger 0: unsent messages are dropped

  /// The endpoint bound or connected, resolved (a tcp port 0 / "*" shows the port chosen).
  std::string endpoint() const;
  /// Waits up to timeout_ms (0: do not wait; -1: forever) for a message; nullopt on timeout.
  /// Errors only when the socket fails (context terminated).
  Result<std::optional<Received>> receive(int timeout_ms);
  /// Connection events recorded since the last call (SocketOptions::events), oldest first.
  std::vector<SocketEvent> events();

  std::shared_ptr<detail::SocketState> state() const { return state_; }

 protected:
  explicit Socket(std::shared_ptr<detail::SocketState> state);
  std::shared_ptr<detail::SocketState> state_;
};

/// ROUTER, bound: receives (routing id, body) and replies to a routing id.
class RouterSocket : public Socket {
 public:
  /// Binds `endpoint`. With curve_server the context's ZAP authenticator decides who connects.
  static Result<RouterSocket> bind(Context& context, const std::string& endpoint,
                                   const SocketOptions& options);
  /// Sends one frame to a peer. Fails (never blocks) when the routing id is not connected
  /// (ZMQ_ROUTER_MANDATORY) or its queue is full.
  Result<void> send(const std::string& routing_id, std::span<const uint8_t> body);

 private:
  using Socket::Socket;
};

/// DEALER, connected: sends and receives bodies. Messages sent before the connection is up
/// are queued (up to send_queue) and go out once it is.
class DealerSocket : public Socket {
 public:
  static Result<DealerSocket> connect(Context& context, const std::string& endpoint,
                                      const SocketOptions& options);
  /// Sends one frame. Fails (never blocks) when the queue is full.
  Result<void> send(std::span<const uint8_t> body);

 private:
  using Socket::Socket;
};

/// Waits up to timeout_ms (0: do not wait; -1: forever) until one of `sockets` has a message;
/// returns one flag per socket, in order (all false on timeout).
Result<std::vector<bool>> poll(std::span<Socket* const> sockets, int timeout_ms);

}  // namespace relay::net
