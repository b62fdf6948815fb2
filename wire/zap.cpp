// The ZAP authenticator (ZeroMQ RFC 27, version 1.0): a REP socket bound to
// inproc://zeromq.zap.01 on the context, answered on a thread of its own. libzmq asks it about
// every connection to a socket with a ZAP domain (our CURVE servers) before any message of that
// connection is delivered; status 200 admits, 400 refuses. Written by hand because libzmq ships
// no handler (CZMQ's zauth is a separate library that brings its own actor model).
#include <set>
#include <stdexcept>
#include <thread>
#include <zmq_addon.hpp>

#include "wire/zmq_state.h"

namespace relay::net {

struct ZapAuthenticator::State {
  zmq::socket_t handler;  // REP, inproc://zeromq.zap.01
  zmq::socket_t stop_send;
  zmq::socket_t stop_receive;
  mutable std::mutex mutex;  // guards the three below
  std::map<std::string, std::set<CurvePublicKey>> allowed;
  std::map<CurvePublicKey, uint64_t> refusals;
  RefusalCallback callback;
  std::thread thread;

  void run();
  std::vector<zmq::message_t> answer(const std::vector<zmq::message_t>& request);
};

namespace {

zmq::message_t text(const std::string& s) { return zmq::message_t(s.data(), s.size()); }

}  // namespace

// Request: version, request id, domain, address, routing id, mechanism, credentials...
// Reply: version, request id, status code, status text, user id, metadata.
std::vector<zmq::message_t> ZapAuthenticator::State::answer(
    const std::vector<zmq::message_t>& request) {
  std::vector<zmq::message_t> reply;
  reply.push_back(text("1.0"));
  reply.push_back(request.size() > 1 ? zmq::message_t(request[1].data(), request[1].size())
                                     : zmq::message_t());
  auto respond = [&](const char* code, const std::string& status, const std::string& user) {
    reply.push_back(text(code));
    reply.push_back(text(status));
    reply.push_back(text(user));
    reply.push_back(zmq::message_t());
    return std::move(reply);
  };
  if (request.size() < 6 || request[0].to_string_view() != "1.0")
    return respond("500", "malformed ZAP request", "");
  const std::string domain(request[2].to_string_view());
  const std::string mechanism(request[5].to_string_view());
  if (mechanism != "CURVE" || request.size() != 7 || request[6].size() != 32)
    return respond("400", "mechanism " + mechanism + " not allowed", "");
  CurvePublicKey key;
  std::memcpy(key.bytes.data(), request[6].data(), 32);
  uint64_t count = 0;
  RefusalCallback notify;
  {
    std::lock_guard lock(mutex);
    auto it = allowed.find(domain);
    if (it != allowed.end() && it->second.contains(key)) return respond("200", "OK", to_z85(key));
    count = ++refusals[key];
    notify = callback;
  }
  if (notify) notify(domain, key, count);
  return respond("400", "CURVE key not allowed", "");
}

void ZapAuthenticator::State::run() {
  zmq::pollitem_t items[] = {{handler.handle(), 0, ZMQ_POLLIN, 0},
                             {stop_receive.handle(), 0, ZMQ_POLLIN, 0}};
  for (;;) {
    try {
      zmq::poll(items, 2, std::chrono::milliseconds(-1));
      if (items[1].revents & ZMQ_POLLIN) return;
      if (!(items[0].revents & ZMQ_POLLIN)) continue;
      std::vector<zmq::message_t> request;
      if (!zmq::recv_multipart(handler, std::back_inserter(request))) continue;
      zmq::send_multipart(handler, answer(request));
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      if (e.num() == EINTR) continue;
      throw;  // a bug: terminates the process loudly rather than admitting anyone silently
    }
  }
}

ZapAuthenticator::ZapAuthenticator(detail::ContextState& context)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  const std::string stop =
      "inproc://relay-zap-stop-" + std::to_string(reinterpret_cast<uintptr_t>(this));
  s.handler = zmq::socket_t(context.context, zmq::socket_type::rep);
  s.stop_send = zmq::socket_t(context.context, zmq::socket_type::pair);
  s.stop_receive = zmq::socket_t(context.context, zmq::socket_type::pair);
  for (zmq::socket_t* z : {&s.handler, &s.stop_send, &s.stop_receive})
    z->set(zmq::sockopt::linger, 0);
  try {
    s.handler.bind("inproc://zeromq.zap.01");
    s.stop_receive.bind(stop);
    s.stop_send.connect(stop);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error(std::string("ZAP authenticator: cannot bind: ") + e.what());
  }
  // The sockets move to the thread: its start is the full memory barrier libzmq requires.
  s.thread = std::thread([&s] { s.run(); });
}

ZapAuthenticator::~ZapAuthenticator() {
  try {
    state_->stop_send.send(zmq::str_buffer("stop"), zmq::send_flags::dontwait);
  } catch (const zmq::error_t&) {
  }
  state_->thread.join();
}

void ZapAuthenticator::allow(const std::string& domain, std::vector<CurvePublicKey> keys) {
  std::lock_guard lock(state_->mutex);
  state_->allowed[domain] = std::set<CurvePublicKey>(keys.begin(), keys.end());
}

std::map<CurvePublicKey, uint64_t> ZapAuthenticator::refusals() const {
  std::lock_guard lock(state_->mutex);
  return state_->refusals;
}

void ZapAuthenticator::on_refusal(RefusalCallback callback) {
  std::lock_guard lock(state_->mutex);
  state_->callback = std::move(callback);
}

}  // namespace relay::net
