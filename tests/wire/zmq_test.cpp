// The ZeroMQ seam on real sockets: ROUTER/DEALER over tcp with CURVE and over ipc, the ZAP
// allow-list (an unknown key never gets a message through and is counted), a wrong server key
// (never connected), ZMQ_MAXMSGSIZE (the oversized message is dropped, the socket keeps
// working), routing and poll timeouts.
#include "wire/zmq.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "tests/support/temp_dir.h"
#include "tests/wire/zmq_test_util.h"
#include "wire/messages.h"

namespace relay::net {
namespace {

using test::body;
using test::eventually;
using test::receive_one;
using test::text;

CurveKeyPair keys() {
  auto k = generate_curve_key_pair();
  EXPECT_TRUE(k);
  return *k;
}

struct CurvePair {
  Context context;
  CurveKeyPair server_keys = keys();
  CurveKeyPair client_keys = keys();
  RouterSocket router;
  CurvePair(bool events = false) : router(bind(events)) {}
  RouterSocket bind(bool events) {
    context.authenticator().allow("peers", {client_keys.public_key});
    SocketOptions o;
    o.curve_server = CurveServer{server_keys, "peers"};
    o.events = events;
    auto r = RouterSocket::bind(context, "tcp://127.0.0.1:*", o);
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(*r);
  }
  DealerSocket dealer(const CurvePublicKey& server_key, const CurveKeyPair& own,
                      bool events = false) {
    SocketOptions o;
    o.curve_client = CurveClient{server_key, own};
    o.events = events;
    auto d = DealerSocket::connect(context, router.endpoint(), o);
    if (!d) throw std::runtime_error(d.error().message);
    return std::move(*d);
  }
};

TEST(Zmq, RouterAndDealerExchangeOverTcpWithCurve) {
  CurvePair p;
  EXPECT_TRUE(p.router.endpoint().starts_with("tcp://127.0.0.1:")) << p.router.endpoint();
  EXPECT_NE(p.router.endpoint(), "tcp://127.0.0.1:0");
  DealerSocket d = p.dealer(p.server_keys.public_key, p.client_keys);
  ASSERT_TRUE(d.send(body("hello")));
  Received in = receive_one(p.router);
  EXPECT_EQ(text(in.body), "hello");
  EXPECT_EQ(in.frames, 1u);
  EXPECT_EQ(in.user_id, to_z85(p.client_keys.public_key));  // who it is, from ZAP
  ASSERT_TRUE(p.router.send(in.routing_id, body("world")));
  EXPECT_EQ(text(receive_one(d).body), "world");
  EXPECT_TRUE(p.context.authenticator().refusals().empty());
}

TEST(Zmq, RouterAndDealerExchangeOverIpcWithARoutingId) {
  test::TempDir dir;
  Context context;
  auto router = RouterSocket::bind(context, "ipc://" + dir.file("node.ipc"), {});
  ASSERT_TRUE(router) << router.error().message;
  EXPECT_EQ(router->endpoint(), "ipc://" + dir.file("node.ipc"));
  SocketOptions o;
  o.routing_id = "adapter-alpha";
  auto dealer = DealerSocket::connect(context, router->endpoint(), o);
  ASSERT_TRUE(dealer) << dealer.error().message;
  ASSERT_TRUE(dealer->send(body("blocks")));
  Received in = receive_one(*router);
  EXPECT_EQ(in.routing_id, "adapter-alpha");
  EXPECT_EQ(text(in.body), "blocks");
  EXPECT_EQ(in.user_id, "");  // no CURVE, no ZAP user
  ASSERT_TRUE(router->send("adapter-alpha", body("ack")));
  EXPECT_EQ(text(receive_one(*dealer).body), "ack");
}

TEST(Zmq, AClientWithAKeyNotOnTheListNeverGetsAMessageThroughAndIsCounted) {
  CurvePair p;
  std::mutex mu;
  std::vector<std::pair<std::string, uint64_t>> reported;
  p.context.authenticator().on_refusal(
      [&](const std::string& domain, const CurvePublicKey& key, uint64_t count) {
        std::lock_guard lock(mu);
        reported.emplace_back(domain + " " + to_z85(key), count);
      });
  CurveKeyPair stranger = keys();
  DealerSocket intruder = p.dealer(p.server_keys.public_key, stranger, /*events=*/true);
  ASSERT_TRUE(intruder.send(body("intruder")));
  ASSERT_TRUE(eventually(
      [&] { return p.context.authenticator().refusals().contains(stranger.public_key); }));
  std::vector<SocketEvent> seen;
  EXPECT_TRUE(
      eventually([&] { return test::saw(intruder, SocketEvent::Kind::auth_failed, seen); }));
  {
    std::lock_guard lock(mu);
    ASSERT_FALSE(reported.empty());
    EXPECT_EQ(reported[0], std::make_pair("peers " + to_z85(stranger.public_key), uint64_t{1}));
  }
  auto counts = p.context.authenticator().refusals();
  EXPECT_EQ(counts.size(), 1u);  // only the stranger's key
  EXPECT_GE(counts[stranger.public_key], 1u);

  // The allowed client gets through while the stranger keeps knocking; only its message arrives.
  DealerSocket friend_ = p.dealer(p.server_keys.public_key, p.client_keys);
  ASSERT_TRUE(friend_.send(body("friend")));
  EXPECT_EQ(text(receive_one(p.router).body), "friend");
  auto more = p.router.receive(300);
  ASSERT_TRUE(more);
  EXPECT_FALSE(*more) << "a message got through: " << text((*more)->body);
}

TEST(Zmq, AClientWithTheWrongServerKeyIsNeverConnected) {
  CurvePair p(/*events=*/true);
  CurveKeyPair impostor = keys();  // the client believes this is the server's key
  DealerSocket d = p.dealer(impostor.public_key, p.client_keys, /*events=*/true);
  ASSERT_TRUE(d.send(body("secret")));
  std::vector<SocketEvent> server_seen, client_seen;
  ASSERT_TRUE(eventually(
      [&] { return test::saw(p.router, SocketEvent::Kind::handshake_failed, server_seen); }));
  auto r = p.router.receive(0);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_FALSE(test::saw(d, SocketEvent::Kind::handshake_succeeded, client_seen));
  EXPECT_FALSE(test::saw(p.router, SocketEvent::Kind::handshake_succeeded, server_seen));
  EXPECT_TRUE(p.context.authenticator().refusals().empty());  // refused before ZAP is asked
}

TEST(Zmq, AnOversizedMessageIsDroppedAndTheSocketKeepsWorking) {
  Context context;
  SocketOptions server;
  server.events = true;
  auto router = RouterSocket::bind(context, "tcp://127.0.0.1:*", server);
  ASSERT_TRUE(router) << router.error().message;
  auto dealer = DealerSocket::connect(context, router->endpoint(), {});
  ASSERT_TRUE(dealer);
  std::vector<uint8_t> big(msg::kMaxMessageBytes + 1, 0xab);
  ASSERT_TRUE(dealer->send(big));
  std::vector<SocketEvent> seen;
  // The router drops the connection that carried it...
  ASSERT_TRUE(
      eventually([&] { return test::saw(*router, SocketEvent::Kind::disconnected, seen); }));
  // ...and both sockets go on: the dealer reconnects and its next message arrives, alone.
  ASSERT_TRUE(dealer->send(body("after")));
  Received in = receive_one(*router);
  EXPECT_EQ(text(in.body), "after");
  ASSERT_TRUE(router->send(in.routing_id, body("reply")));
  EXPECT_EQ(text(receive_one(*dealer).body), "reply");
  // A message of exactly the limit is delivered.
  std::vector<uint8_t> limit(msg::kMaxMessageBytes, 0xcd);
  ASSERT_TRUE(dealer->send(limit));
  EXPECT_EQ(receive_one(*router).body.size(), msg::kMaxMessageBytes);
}

TEST(Zmq, PollTimesOutAndThenReportsTheSocketThatHasAMessage) {
  Context context;
  auto a = RouterSocket::bind(context, "tcp://127.0.0.1:*", {});
  auto b = RouterSocket::bind(context, "tcp://127.0.0.1:*", {});
  ASSERT_TRUE(a && b);
  Socket* both[] = {&*a, &*b};
  auto idle = poll(both, 20);
  ASSERT_TRUE(idle);
  EXPECT_EQ(*idle, (std::vector<bool>{false, false}));
  auto nothing = a->receive(0);
  ASSERT_TRUE(nothing);
  EXPECT_FALSE(*nothing);

  auto d = DealerSocket::connect(context, b->endpoint(), {});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->send(body("to b")));
  auto ready = poll(both, 20000);
  ASSERT_TRUE(ready);
  EXPECT_EQ(*ready, (std::vector<bool>{false, true}));
  EXPECT_EQ(text(receive_one(*b).body), "to b");
}

TEST(Zmq, SendingToAnUnknownRoutingIdFailsInsteadOfDroppingSilently) {
  Context context;
  auto r = RouterSocket::bind(context, "tcp://127.0.0.1:*", {});
  ASSERT_TRUE(r);
  auto s = r->send("nobody", body("x"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "send on " + r->endpoint() + ": the peer is not connected (any more)");
}

TEST(Zmq, BadEndpointsAndOptionsAreErrorsNamingThem) {
  Context context;
  auto r = RouterSocket::bind(context, "tcp://no-such-host.invalid:1", {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("bind tcp://no-such-host.invalid:1: "))
      << r.error().message;
  SocketOptions o;
  o.curve_server = CurveServer{keys(), ""};
  auto no_domain = RouterSocket::bind(context, "tcp://127.0.0.1:*", o);
  ASSERT_FALSE(no_domain);
  EXPECT_EQ(no_domain.error().message, "socket options: a CURVE server needs a ZAP domain");
}

}  // namespace
}  // namespace relay::net
