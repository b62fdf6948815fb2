// The ZeroMQ seam's sockets (wire/zmq.h) over cppzmq. Every libzmq failure becomes a Result
// error naming the endpoint; nothing here throws to its callers.
#include <atomic>
#include <cstring>
#include <zmq_addon.hpp>

#include "wire/zmq_state.h"

namespace relay::net {
namespace {

std::atomic<uint64_t> next_monitor{0};

std::string zmq_text(const zmq::error_t& e) { return e.what(); }

void set_curve(zmq::socket_t& s, const SocketOptions& o, Context& context) {
  if (o.curve_server) {
    // The authenticator must be answering before the first connection arrives.
    context.authenticator();
    s.set(zmq::sockopt::curve_server, 1);
    s.set(zmq::sockopt::curve_secretkey,
          zmq::const_buffer(o.curve_server->keys.secret_key.expose_secret().data(), 32));
    s.set(zmq::sockopt::zap_domain, o.curve_server->zap_domain);
  }
  if (o.curve_client) {
    s.set(zmq::sockopt::curve_serverkey,
          zmq::const_buffer(o.curve_client->server_key.bytes.data(), 32));
    s.set(zmq::sockopt::curve_publickey,
          zmq::const_buffer(o.curve_client->keys.public_key.bytes.data(), 32));
    s.set(zmq::sockopt::curve_secretkey,
          zmq::const_buffer(o.curve_client->keys.secret_key.expose_secret().data(), 32));
  }
}

Result<void> check_options(const SocketOptions& o) {
  if (o.curve_server && o.curve_client) return fail("socket options: both CURVE server and client");
  if (o.curve_server && o.curve_server->zap_domain.empty())
    return fail("socket options: a CURVE server needs a ZAP domain");
  if (o.routing_id.size() > 255) return fail("socket options: routing id over 255 bytes");
  if (!o.routing_id.empty() && o.routing_id[0] == '\0')
    return fail("socket options: a routing id must not start with a zero byte (libzmq's own)");
  return {};
}

// A socket with the options of wire/zmq.h set, its event monitor attached (before any
// bind/connect, so no event is missed), bound or connected.
Result<std::shared_ptr<detail::SocketState>> open(Context& context, zmq::socket_type type,
                                                  const std::string& endpoint,
                                                  const SocketOptions& o, bool bind) {
  if (auto c = check_options(o); !c) return std::unexpected(c.error());
  auto st = std::make_shared<detail::SocketState>();
  st->context = context.state();
  st->router = type == zmq::socket_type::router;
  const std::string what = std::string(bind ? "bind " : "connect ") + endpoint + ": ";
  try {
    st->socket = zmq::socket_t(st->context->context, type);
    st->socket.set(zmq::sockopt::linger, 0);
    st->socket.set(zmq::sockopt::maxmsgsize, o.max_message_bytes);
    st->socket.set(zmq::sockopt::sndhwm, o.send_queue);
    if (st->router) {
      st->socket.set(zmq::sockopt::router_mandatory, 1);
      // A peer that reconnects with its routing id takes it over from its dead connection.
      st->socket.set(zmq::sockopt::router_handover, 1);
    }
    if (!o.routing_id.empty()) st->socket.set(zmq::sockopt::routing_id, o.routing_id);
    set_curve(st->socket, o, context);
    if (o.events) {
      const std::string ep = "inproc://relay-monitor-" + std::to_string(next_monitor++);
      if (zmq_socket_monitor(st->socket.handle(), ep.c_str(), ZMQ_EVENT_ALL) != 0)
        return fail(what + "cannot monitor: " + zmq_strerror(zmq_errno()));
      st->monitor.emplace(st->context->context, zmq::socket_type::pair);
      st->monitor->set(zmq::sockopt::linger, 0);
      st->monitor->connect(ep);
    }
    if (bind)
      st->socket.bind(endpoint);
    else
      st->socket.connect(endpoint);
    st->endpoint = bind ? st->socket.get(zmq::sockopt::last_endpoint) : endpoint;
  } catch (const zmq::error_t& e) {
    return fail(what + zmq_text(e));
  }
  return st;
}

SocketEvent::Kind kind_of(uint16_t event) {
  switch (event) {
    case ZMQ_EVENT_CONNECTED:
      return SocketEvent::Kind::connected;
    case ZMQ_EVENT_ACCEPTED:
      return SocketEvent::Kind::accepted;
    case ZMQ_EVENT_DISCONNECTED:
      return SocketEvent::Kind::disconnected;
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
      return SocketEvent::Kind::handshake_succeeded;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      return SocketEvent::Kind::handshake_failed;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      return SocketEvent::Kind::auth_failed;
    default:
      return SocketEvent::Kind::other;
  }
}

}  // namespace

Context::Context() : state_(std::make_shared<detail::ContextState>()) {}
Context::~Context() = default;

ZapAuthenticator& Context::authenticator() {
  std::lock_guard lock(state_->mutex);
  if (!state_->zap) state_->zap = std::make_unique<ZapAuthenticator>(*state_);
  return *state_->zap;
}

Socket::Socket(std::shared_ptr<detail::SocketState> state) : state_(std::move(state)) {}
Socket::Socket(Socket&&) noexcept = default;
Socket& Socket::operator=(Socket&&) noexcept = default;
Socket::~Socket() = default;

std::string Socket::endpoint() const { return state_->endpoint; }

Result<std::optional<Received>> Socket::receive(int timeout_ms) {
  std::vector<zmq::message_t> frames;
  try {
    zmq::pollitem_t item{state_->socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms)) == 0)
      return std::optional<Received>{};
    if (!zmq::recv_multipart(state_->socket, std::back_inserter(frames), zmq::recv_flags::dontwait))
      return std::optional<Received>{};
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return std::optional<Received>{};
    return fail("receive on " + state_->endpoint + ": " + zmq_text(e));
  }
  Received r;
  size_t first = 0;
  if (state_->router && !frames.empty()) {
    r.routing_id = frames[0].to_string();
    first = 1;
  }
  r.frames = frames.size() - first;
  if (r.frames > 0) {
    const zmq::message_t& body = frames[first];
    r.body.assign(static_cast<const uint8_t*>(body.data()),
                  static_cast<const uint8_t*>(body.data()) + body.size());
    // Set by the ZAP handler's reply; absent on connections without CURVE.
    if (const char* user = zmq_msg_gets(body.handle(), "User-Id")) r.user_id = user;
  }
  return std::optional<Received>{std::move(r)};
}

std::vector<SocketEvent> Socket::events() {
  std::vector<SocketEvent> out;
  if (!state_->monitor) return out;
  try {
    for (;;) {
      std::vector<zmq::message_t> frames;
      if (!zmq::recv_multipart(*state_->monitor, std::back_inserter(frames),
                               zmq::recv_flags::dontwait))
        break;
      if (frames.size() != 2 || frames[0].size() != 6) continue;
      uint16_t event;
      int32_t value;
      std::memcpy(&event, frames[0].data(), 2);
      std::memcpy(&value, static_cast<const uint8_t*>(frames[0].data()) + 2, 4);
      out.push_back({kind_of(event), frames[1].to_string(), value});
    }
  } catch (const zmq::error_t&) {
  }
  return out;
}

Result<RouterSocket> RouterSocket::bind(Context& context, const std::string& endpoint,
                                        const SocketOptions& options) {
  auto st = open(context, zmq::socket_type::router, endpoint, options, true);
  if (!st) return std::unexpected(st.error());
  return RouterSocket(std::move(*st));
}

Result<void> RouterSocket::send(const std::string& routing_id, std::span<const uint8_t> body) {
  try {
    zmq::message_t id(routing_id.data(), routing_id.size());
    if (!state_->socket.send(id, zmq::send_flags::sndmore | zmq::send_flags::dontwait))
      return fail("send on " + state_->endpoint + ": the peer's queue is full");
    zmq::message_t m(body.data(), body.size());
    if (!state_->socket.send(m, zmq::send_flags::dontwait))
      return fail("send on " + state_->endpoint + ": the peer's queue is full");
  } catch (const zmq::error_t& e) {
    if (e.num() == EHOSTUNREACH)
      return fail("send on " + state_->endpoint + ": the peer is not connected (any more)");
    return fail("send on " + state_->endpoint + ": " + zmq_text(e));
  }
  return {};
}

Result<DealerSocket> DealerSocket::connect(Context& context, const std::string& endpoint,
                                           const SocketOptions& options) {
  auto st = open(context, zmq::socket_type::dealer, endpoint, options, false);
  if (!st) return std::unexpected(st.error());
  return DealerSocket(std::move(*st));
}

Result<void> DealerSocket::send(std::span<const uint8_t> body) {
  try {
    zmq::message_t m(body.data(), body.size());
    if (!state_->socket.send(m, zmq::send_flags::dontwait))
      return fail("send to " + state_->endpoint + ": the send queue is full");
  } catch (const zmq::error_t& e) {
    return fail("send to " + state_->endpoint + ": " + zmq_text(e));
  }
  return {};
}

Result<std::vector<bool>> poll(std::span<Socket* const> sockets, int timeout_ms) {
  std::vector<zmq::pollitem_t> items;
  items.reserve(sockets.size());
  for (Socket* s : sockets) items.push_back({s->state()->socket.handle(), 0, ZMQ_POLLIN, 0});
  std::vector<bool> ready(sockets.size(), false);
  try {
    zmq::poll(items.data(), items.size(), std::chrono::milliseconds(timeout_ms));
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return ready;
    return fail(std::string("poll: ") + zmq_text(e));
  }
  for (size_t i = 0; i < items.size(); ++i) ready[i] = (items[i].revents & ZMQ_POLLIN) != 0;
  return ready;
}

}  // namespace relay::net
