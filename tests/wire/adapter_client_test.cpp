// The adapter-side client against a real ROUTER played by the test (over ipc, and over tcp with
// CURVE): Hello -> Resume, Blocks numbered from 1 within the window, Acks freeing it, an Error
// ending the session until the next Hello, PublishRequest in and reports out.
#include "wire/adapter_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "tests/support/temp_dir.h"
#include "tests/wire/message_samples.h"
#include "tests/wire/zmq_test_util.h"

namespace relay::msg {
namespace {

using namespace test;

// The node's side, on its own thread: decodes every AdapterMessage, records it with the
// sender's routing id, and answers with what `policy` returns. send() queues a message for the
// last adapter seen.
class TestNode {
 public:
  using Policy = std::function<std::vector<NodeMessage>(const AdapterMessage&)>;
  TestNode(net::Context& context, const std::string& endpoint, net::SocketOptions options,
           Policy policy)
      : policy_(std::move(policy)) {
    auto r = net::RouterSocket::bind(context, endpoint, options);
    if (!r) throw std::runtime_error(r.error().message);
    endpoint_ = r->endpoint();
    thread_ = std::thread([this, router = std::move(*r)]() mutable { run(router); });
  }
  ~TestNode() {
    stop_ = true;
    thread_.join();
  }
  const std::string& endpoint() const { return endpoint_; }
  void send(NodeMessage m) {
    std::lock_guard lock(mu_);
    outbox_.push_back(std::move(m));
  }
  struct Got {
    std::string routing_id;
    AdapterMessage message;
  };
  std::vector<Got> received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  size_t count() { return received().size(); }

 private:
  void run(net::RouterSocket& router) {
    const Genesis genesis = test_genesis();
    std::string last;
    while (!stop_) {
      {
        std::lock_guard lock(mu_);
        for (auto& m : outbox_) EXPECT_TRUE(router.send(last, encode(m)));
        outbox_.clear();
      }
      auto in = router.receive(5);
      if (!in || !*in) continue;
      last = (*in)->routing_id;
      auto m = decode_adapter_message((*in)->body, genesis, 0);
      EXPECT_TRUE(m) << m.error().message;
      if (!m) continue;
      {
        std::lock_guard lock(mu_);
        received_.push_back({last, *m});
      }
      for (const NodeMessage& reply : policy_(*m)) EXPECT_TRUE(router.send(last, encode(reply)));
    }
  }

  Policy policy_;
  std::string endpoint_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Got> received_;
  std::vector<NodeMessage> outbox_;
  std::thread thread_;
};

const Resume kResume{true, 7, filled(6), 12, filled(0x86)};

// Answers Hello with kResume and nothing else.
std::vector<NodeMessage> resume_only(const AdapterMessage& m) {
  if (std::holds_alternative<Hello>(m)) return {kResume};
  return {};
}

AdapterClientOptions options_for(const std::string& endpoint, size_t window = 8) {
  AdapterClientOptions o;
  o.endpoint = endpoint;
  o.hello = std::get<Hello>(sample_adapter_messages()[0]);
  o.window = window;
  return o;
}

AdapterClient connect(net::Context& context, AdapterClientOptions o) {
  auto c = AdapterClient::connect(context, test_genesis(), 0, std::move(o));
  if (!c) throw std::runtime_error(c.error().message);
  return std::move(*c);
}

Resume resume(AdapterClient& c) {
  auto h = c.hello(20000);
  EXPECT_TRUE(h) << h.error().message;
  EXPECT_TRUE(h && std::holds_alternative<Resume>(*h));
  return h && std::holds_alternative<Resume>(*h) ? std::get<Resume>(*h) : Resume{};
}

// Polls until a message of type T arrives; returns everything received on the way.
template <class T>
std::vector<NodeMessage> poll_until(AdapterClient& c) {
  std::vector<NodeMessage> all;
  EXPECT_TRUE(eventually([&] {
    auto got = c.poll(50);
    EXPECT_TRUE(got) << got.error().message;
    if (got) all.insert(all.end(), got->begin(), got->end());
    for (const auto& m : all)
      if (std::holds_alternative<T>(m)) return true;
    return false;
  }));
  return all;
}

TEST(AdapterClient, ResumesAndSendsBlocksNumberedFromOneWithinTheWindow) {
  TempDir dir;
  net::Context context;
  TestNode node(context, "ipc://" + dir.file("adapter-alpha.ipc"), {}, resume_only);
  AdapterClient c = connect(context, options_for(node.endpoint(), /*window=*/2));
  EXPECT_TRUE(c.needs_hello());
  EXPECT_EQ(resume(c), kResume);
  ASSERT_TRUE(c.resumed());

  Blocks b = sample_blocks();
  auto s1 = c.send_blocks(b.headers, b.events);
  auto s2 = c.send_blocks({header(9)}, {});
  ASSERT_TRUE(s1 && s2);
  EXPECT_EQ(*s1, 1u);
  EXPECT_EQ(*s2, 2u);
  EXPECT_TRUE(c.window_full());
  auto refused = c.send_blocks({header(10)}, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "adapter client: 2 Blocks unacknowledged (the window); poll() for Acks first");

  ASSERT_TRUE(eventually([&] { return node.count() == 3; }));  // Hello and two Blocks
  auto got = node.received();
  b.seq = 1;
  EXPECT_EQ(std::get<Hello>(got[0].message), std::get<Hello>(sample_adapter_messages()[0]));
  EXPECT_EQ(std::get<Blocks>(got[1].message), b);
  EXPECT_EQ(std::get<Blocks>(got[2].message).seq, 2u);

  node.send(Ack{1, 8, filled(8)});
  auto acks = poll_until<Ack>(c);
  EXPECT_EQ(std::get<Ack>(acks.back()), (Ack{1, 8, filled(8)}));
  EXPECT_EQ(c.last_acked_seq(), 1u);
  EXPECT_EQ(c.unacknowledged(), 1u);
  auto s3 = c.send_blocks({header(10)}, {});
  ASSERT_TRUE(s3) << s3.error().message;
  EXPECT_EQ(*s3, 3u);
  node.send(Ack{3, 10, filled(10)});  // cumulative: frees 2 and 3
  poll_until<Ack>(c);
  EXPECT_EQ(c.unacknowledged(), 0u);
}

TEST(AdapterClient, AnErrorEndsTheSessionUntilHelloOnAFreshConnection) {
  TempDir dir;
  net::Context context;
  TestNode node(context, "ipc://" + dir.file("a.ipc"), {}, [](const AdapterMessage& m) {
    if (std::holds_alternative<Hello>(m)) return std::vector<NodeMessage>{kResume};
    const auto& b = std::get<Blocks>(m);
    if (b.seq == 2) return std::vector<NodeMessage>{Error{ErrorCode::out_of_order, "block 9"}};
    return std::vector<NodeMessage>{Ack{b.seq, b.headers.back().height, b.headers.back().hash}};
  });
  AdapterClient c = connect(context, options_for(node.endpoint()));
  resume(c);
  ASSERT_TRUE(c.send_blocks({header(7)}, {}));
  ASSERT_TRUE(c.send_blocks({header(9)}, {}));
  auto got = poll_until<Error>(c);
  EXPECT_EQ(std::get<Ack>(got.front()).seq, 1u);
  EXPECT_EQ(std::get<Error>(got.back()), (Error{ErrorCode::out_of_order, "block 9"}));
  EXPECT_TRUE(c.needs_hello());
  auto blocked = c.send_blocks({header(8)}, {});
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().message,
            "adapter client: no session (say Hello and wait for Resume before Blocks)");
  EXPECT_FALSE(c.send(AdapterAlarm{"rpc", "down", false}));

  resume(c);  // Hello again, on a new connection; seq starts over
  auto s = c.send_blocks({header(7)}, {});
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, 1u);
  ASSERT_TRUE(eventually([&] { return node.count() == 5; }));
  auto all = node.received();
  EXPECT_TRUE(std::holds_alternative<Hello>(all[3].message));
  EXPECT_NE(all[3].routing_id, all[0].routing_id);  // a fresh connection
  EXPECT_EQ(all[4].routing_id, all[3].routing_id);
}

TEST(AdapterClient, HelloReturnsTheNodesErrorAsAValue) {
  TempDir dir;
  net::Context context;
  TestNode node(context, "ipc://" + dir.file("a.ipc"), {}, [](const AdapterMessage&) {
    return std::vector<NodeMessage>{Error{ErrorCode::wrong_network, "network id 0x5a…"}};
  });
  AdapterClient c = connect(context, options_for(node.endpoint()));
  auto h = c.hello(20000);
  ASSERT_TRUE(h) << h.error().message;
  ASSERT_TRUE(std::holds_alternative<Error>(*h));
  EXPECT_EQ(std::get<Error>(*h).code, ErrorCode::wrong_network);
  EXPECT_TRUE(c.needs_hello());
}

TEST(AdapterClient, HelloWithoutANodeTimesOutWithAnErrorNamingTheEndpoint) {
  TempDir dir;
  net::Context context;
  const std::string endpoint = "ipc://" + dir.file("nobody.ipc");
  AdapterClient c = connect(context, options_for(endpoint));
  auto h = c.hello(50);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message,
            "adapter client: no answer to Hello from " + endpoint +
                " within 50 ms (is the node up, and does it know this adapter's CURVE key?)");
}

TEST(AdapterClient, OverTcpWithCurvePublishRequestsComeInAndReportsGoOut) {
  net::Context context;
  auto node_keys = *net::generate_curve_key_pair();
  auto adapter_keys = *net::generate_curve_key_pair();
  context.authenticator().allow("adapter-alpha", {adapter_keys.public_key});
  net::SocketOptions server;
  server.curve_server = net::CurveServer{node_keys, "adapter-alpha"};
  TestNode node(context, "tcp://127.0.0.1:*", server, resume_only);
  AdapterClientOptions o = options_for(node.endpoint());
  o.curve = net::CurveClient{node_keys.public_key, adapter_keys};
  AdapterClient c = connect(context, o);
  resume(c);

  const PublishRequest request = std::get<PublishRequest>(sample_node_messages()[4]);
  node.send(request);
  auto got = poll_until<PublishRequest>(c);
  EXPECT_EQ(std::get<PublishRequest>(got.back()), request);

  auto samples = sample_adapter_messages();
  ASSERT_TRUE(c.send(std::get<PublishReport>(samples[2])));
  ASSERT_TRUE(c.send(std::get<CommittedOnChain>(samples[6])));
  ASSERT_TRUE(c.send(std::get<AdapterAlarm>(samples[7])));
  ASSERT_TRUE(eventually([&] { return node.count() == 4; }));
  auto in = node.received();
  EXPECT_EQ(in[1].message, samples[2]);
  EXPECT_EQ(in[2].message, samples[6]);
  EXPECT_EQ(in[3].message, samples[7]);
}

TEST(AdapterClient, ConnectRefusesTcpWithoutCurveAnEmptyWindowAndAnotherChainsHello) {
  net::Context context;
  const Genesis g = test_genesis();
  auto tcp = AdapterClient::connect(context, g, 0, options_for("tcp://127.0.0.1:9"));
  ASSERT_FALSE(tcp);
  EXPECT_EQ(tcp.error().message,
            "adapter client: tcp://127.0.0.1:9: a tcp endpoint needs CURVE (the node's public key "
            "and this adapter's keys)");
  auto window = AdapterClient::connect(context, g, 0, options_for("ipc:///tmp/x.ipc", 0));
  ASSERT_FALSE(window);
  EXPECT_EQ(window.error().message, "adapter client: window must be at least 1");
  auto chain = AdapterClient::connect(context, g, 1, options_for("ipc:///tmp/x.ipc"));
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().message, "adapter client: Hello's chain id 1 is not chain beta's (2)");
}

}  // namespace
}  // namespace relay::msg
