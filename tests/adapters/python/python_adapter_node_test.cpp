// The Python file adapter (tests/adapters/python/file_adapter.py, a real process) against the
// node's side played here with the real relay::msg codecs over real ZeroMQ sockets: over ipc,
// and over tcp with CURVE and the ZAP allow-list (the adapter's key file written by the C++
// writer, read by the Python reader). The events it sends decode to exactly the chain file's
// events as wire/event_log.h reads them, its headers are the file's blocks, and every header's
// count and accumulator equal the node's own fold of the file's events
// (proofs/event_accumulator.h, docs/node.md "The vault contract"), which is independent of the
// Python code.
#include <signal.h>

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "proofs/event_accumulator.h"
#include "tests/support/subprocess.h"
#include "tests/wire/zmq_test_util.h"
#include "vault/genesis.h"
#include "wire/curve_key.h"
#include "wire/event_log.h"
#include "wire/messages.h"
#include "wire/zmq.h"

namespace relay {
namespace {

using relay::testing::Process;
using relay::testing::TempDir;

const std::string kDir = std::string(RELAY_SOURCE_DIR) + "/tests/adapters/python";

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// ---- the chain file, read independently of the Python reader --------------------------------

struct FileBlock {
  msg::BlockHeader header;  // with the fold computed here
  std::vector<Event> events;
  std::optional<std::pair<uint64_t, Hash32>> event_state;  // the file's, when it has one
};

std::vector<FileBlock> read_chain_file(const std::string& path, const Genesis& genesis) {
  std::vector<FileBlock> out;
  std::istringstream lines(read_file(path));
  std::string line;
  EventAccumulator fold;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    FileBlock b;
    b.header.height = j["height"];
    b.header.hash = *Hash32::from_hex(j["hash"].get<std::string>());
    b.header.parent_hash = *Hash32::from_hex(j["parent_hash"].get<std::string>());
    b.header.timestamp = j["timestamp"];
    for (const auto& ev : j["events"]) {
      auto parsed = parse_event_line(ev.dump());
      EXPECT_TRUE(parsed) << parsed.error().message;
      b.events.push_back(parsed->event);
      auto folded = accumulate(fold, parsed->event, genesis);
      EXPECT_TRUE(folded) << folded.error().message;
    }
    b.header.event_count = fold.count;
    b.header.accumulator = fold.value;
    if (j.contains("event_count"))
      b.event_state = {j["event_count"].get<uint64_t>(),
                       *Hash32::from_hex(j["accumulator"].get<std::string>())};
    out.push_back(std::move(b));
  }
  return out;
}

Genesis test_genesis() {
  auto g = parse_genesis(read_file(kDir + "/testdata/genesis.json"));
  EXPECT_TRUE(g) << g.error().message;
  return *g;
}

// ---- the node's side --------------------------------------------------------------------------

std::vector<std::string> adapter_argv(const std::string& endpoint,
                                      std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {RELAY_PYTHON3, kDir + "/file_adapter.py", "--genesis",
                                   kDir + "/testdata/genesis.json", "--chain", "alpha", "--file",
                                   kDir + "/testdata/alpha.jsonl", "--endpoint", endpoint,
                                   "--proto-dir", RELAY_PROTO_PY_DIR, "--max-headers", "7"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

struct Received {
  std::vector<msg::BlockHeader> headers;
  std::vector<Event> events;
  std::string user_id;  // of the last message (the ZAP user id over CURVE)
};

// Answers the Hello with `resume`, then receives and acknowledges Blocks until block `last`.
Received serve(net::RouterSocket& router, const Genesis& genesis, const msg::Resume& resume,
               uint64_t last) {
  Received got;
  auto first = test::receive_one(router);
  auto hello = msg::decode_adapter_message(first.body, genesis, 0);
  EXPECT_TRUE(hello) << hello.error().message;
  if (!hello) return got;
  const auto* h = std::get_if<msg::Hello>(&*hello);
  EXPECT_TRUE(h) << "the first message is not a Hello";
  if (!h) return got;
  EXPECT_EQ(h->protocol_version, msg::kProtocolVersion);
  EXPECT_EQ(h->network_id, genesis.network_id);
  EXPECT_EQ(h->chain_id, genesis.chains[0].chain_id);
  EXPECT_EQ(h->adapter_name, "relay-file-adapter");
  EXPECT_TRUE(router.send(first.routing_id, msg::encode(msg::NodeMessage{resume})));
  uint64_t seq = 0;
  while (got.headers.empty() || got.headers.back().height < last) {
    auto in = test::receive_one(router);
    if (in.body.empty()) break;  // receive_one reported the failure
    got.user_id = in.user_id;
    auto m = msg::decode_adapter_message(in.body, genesis, 0);
    EXPECT_TRUE(m) << m.error().message;
    if (!m) break;
    const auto* b = std::get_if<msg::Blocks>(&*m);
    EXPECT_TRUE(b) << "expected Blocks, got message kind " << m->index();
    if (!b) break;
    EXPECT_EQ(b->seq, ++seq);
    EXPECT_LE(b->headers.size(), 7u);  // --max-headers 7
    got.headers.insert(got.headers.end(), b->headers.begin(), b->headers.end());
    got.events.insert(got.events.end(), b->events.begin(), b->events.end());
    msg::Ack ack{b->seq, b->headers.back().height, b->headers.back().hash};
    EXPECT_TRUE(router.send(in.routing_id, msg::encode(msg::NodeMessage{ack})));
  }
  return got;
}

// The adapter exits 0 on SIGTERM.
void stop(Process& adapter) {
  kill(adapter.pid(), SIGTERM);
  auto r = adapter.wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(PythonAdapter, SendsTheFilesBlocksEventsAndFoldOverIpc) {
  const Genesis genesis = test_genesis();
  const auto file = read_chain_file(kDir + "/testdata/alpha.jsonl", genesis);
  ASSERT_EQ(file.size(), 40u);
  size_t with_state = 0;
  for (const auto& b : file)
    if (b.event_state) {  // the file's eventState agrees with the fold computed here
      ++with_state;
      EXPECT_EQ(b.event_state->first, b.header.event_count) << "block " << b.header.height;
      EXPECT_EQ(b.event_state->second, b.header.accumulator) << "block " << b.header.height;
    }
  EXPECT_EQ(with_state, 4u);

  TempDir dir;
  net::Context context;
  auto router = net::RouterSocket::bind(context, "ipc://" + dir.file("node.ipc"), {});
  ASSERT_TRUE(router) << router.error().message;
  Process adapter(adapter_argv(router->endpoint()));
  Received got = serve(*router, genesis, msg::Resume{}, 39);

  std::vector<Event> want_events;
  ASSERT_EQ(got.headers.size(), file.size());
  for (size_t i = 0; i < file.size(); ++i) {
    EXPECT_EQ(got.headers[i], file[i].header) << "block " << i;
    want_events.insert(want_events.end(), file[i].events.begin(), file[i].events.end());
  }
  EXPECT_EQ(want_events.size(), 23u);
  ASSERT_EQ(got.events.size(), want_events.size());
  for (size_t i = 0; i < want_events.size(); ++i)
    EXPECT_EQ(got.events[i], want_events[i]) << "event " << i << ": got "
                                             << event_to_json_line(got.events[i]) << ", want "
                                             << event_to_json_line(want_events[i]);
  stop(adapter);
}

TEST(PythonAdapter, ResumesFromTheNodesTipOverTcpWithCurve) {
  const Genesis genesis = test_genesis();
  const auto file = read_chain_file(kDir + "/testdata/alpha.jsonl", genesis);
  TempDir dir;
  auto server = net::generate_curve_key_pair();
  auto own = net::generate_curve_key_pair();
  ASSERT_TRUE(server && own);
  ASSERT_TRUE(net::write_curve_key_file(dir.file("adapter.key"), *own));
  net::Context context;
  context.authenticator().allow("adapter-alpha", {own->public_key});
  net::SocketOptions o;
  o.curve_server = net::CurveServer{*server, "adapter-alpha"};
  auto router = net::RouterSocket::bind(context, "tcp://127.0.0.1:*", o);
  ASSERT_TRUE(router) << router.error().message;
  Process adapter(adapter_argv(router->endpoint(),
                               {"--node-public-key", net::to_z85(server->public_key),
                                "--curve-key-file", dir.file("adapter.key")}));
  // The node has blocks 0..20: the adapter continues at 21 from the node's count and fold.
  const auto& tip = file[20].header;
  msg::Resume resume{true, 21, tip.hash, tip.event_count, tip.accumulator};
  Received got = serve(*router, genesis, resume, 39);
  ASSERT_EQ(got.headers.size(), 19u);
  EXPECT_EQ(got.headers.front().parent_hash, tip.hash);
  std::vector<Event> want_events;
  for (size_t i = 0; i < got.headers.size(); ++i) {
    EXPECT_EQ(got.headers[i], file[21 + i].header) << "block " << 21 + i;
    want_events.insert(want_events.end(), file[21 + i].events.begin(),
                       file[21 + i].events.end());
  }
  EXPECT_EQ(got.events, want_events);
  EXPECT_EQ(got.user_id, net::to_z85(own->public_key));  // the identity ZAP admitted
  EXPECT_TRUE(context.authenticator().refusals().empty());
  stop(adapter);
}

TEST(PythonAdapter, AKeyTheNodeDoesNotAllowIsRefusedByZap) {
  TempDir dir;
  auto server = net::generate_curve_key_pair();
  auto allowed = net::generate_curve_key_pair();
  auto stranger = net::generate_curve_key_pair();
  ASSERT_TRUE(server && allowed && stranger);
  ASSERT_TRUE(net::write_curve_key_file(dir.file("stranger.key"), *stranger));
  net::Context context;
  context.authenticator().allow("adapter-alpha", {allowed->public_key});
  net::SocketOptions o;
  o.curve_server = net::CurveServer{*server, "adapter-alpha"};
  auto router = net::RouterSocket::bind(context, "tcp://127.0.0.1:*", o);
  ASSERT_TRUE(router) << router.error().message;
  Process adapter(adapter_argv(router->endpoint(),
                               {"--node-public-key", net::to_z85(server->public_key),
                                "--curve-key-file", dir.file("stranger.key")}));
  EXPECT_TRUE(test::eventually(
      [&] { return context.authenticator().refusals().contains(stranger->public_key); }));
  auto in = router->receive(0);
  ASSERT_TRUE(in);
  EXPECT_FALSE(in->has_value()) << "a message from a refused key was delivered";
  stop(adapter);
}

}  // namespace
}  // namespace relay
