// The JSON-RPC client (adapters/evm/rpc_client.h): answers of the wrong shape are `malformed`
// errors naming the method and the field, node errors are `rpc_error`, and the real libcurl
// transport turns a refused connection, a silent server, an HTTP error status and an oversized
// body into their own errors — never a crash.
#include "adapters/evm/rpc_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "tests/adapters/fake_node.h"

namespace relay::evm {
namespace {

using namespace testing;

RpcClient canned(const std::string& body) {
  return RpcClient(std::make_unique<CannedTransport>(body));
}

TEST(RpcClientTest, ReadsWellFormedAnswers) {
  FakeChain chain(12);
  RpcClient rpc(std::make_unique<FakeChainTransport>(chain));
  EXPECT_EQ(rpc.chain_id().value(), 31337u);
  EXPECT_EQ(rpc.block_number().value(), 12u);
  auto b = rpc.block(BlockRef::at(7));
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->number, 7u);
  EXPECT_EQ((*b)->hash, chain.block(7).hash);
  EXPECT_EQ((*b)->parent_hash, chain.block(6).hash);
  auto none = rpc.block(BlockRef::named("finalized"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);  // no finalized block: null, not an error
}

TEST(RpcClientTest, MalformedAnswersAreErrorsNamingTheField) {
  struct Case {
    const char* body;
    const char* expect;
  } cases[] = {
      {"not json", "eth_blockNumber: the answer: not valid JSON at column 2: syntax error"},
      {R"({"jsonrpc":"2.0","id":1,"result":"0x1","result":"0x2"})",
       "eth_blockNumber: the answer: result: repeated key"},
      {"[1]", "not a JSON object"},
      {R"({"jsonrpc":"2.0","id":99,"result":"0x1"})", "id is not the request's"},
      {R"({"jsonrpc":"2.0","id":1})", "neither result nor error"},
      {R"({"jsonrpc":"2.0","id":1,"result":"12"})", "result: not a hex quantity"},
      {R"({"jsonrpc":"2.0","id":1,"result":"0x1ffffffffffffffff"})", "below 2^64"},
      {R"({"jsonrpc":"2.0","id":1,"result":"0xzz"})", "not a hex quantity"},
      {R"({"jsonrpc":"2.0","id":1,"result":7})", "not a hex quantity"},
  };
  for (const auto& c : cases) {
    auto r = canned(c.body).block_number();
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().kind, RpcFailure::malformed) << c.body;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
  }
}

TEST(RpcClientTest, ReadsManyHeadersInBoundedBatches) {
  FakeChain chain(30);
  auto t = std::make_unique<FakeChainTransport>(chain);
  RpcClient rpc(std::move(t), /*max_batch=*/8);
  auto hs = rpc.blocks(3, 22);
  ASSERT_TRUE(hs) << hs.error().message;
  ASSERT_EQ(hs->size(), 20u);
  for (uint64_t n = 3; n <= 22; ++n) {
    ASSERT_TRUE((*hs)[n - 3]);
    EXPECT_EQ((*hs)[n - 3]->hash, chain.block(n).hash);
    EXPECT_EQ((*hs)[n - 3]->timestamp, chain.block(n).timestamp);
  }
  EXPECT_EQ(chain.calls, 3);  // 8 + 8 + 4: the fake answers each batch in reverse order
  EXPECT_TRUE(rpc.batches());
  auto above = rpc.blocks(29, 32);  // the node has no block 31 or 32: nullopt, not an error
  ASSERT_TRUE(above) << above.error().message;
  EXPECT_TRUE((*above)[1] && !(*above)[2] && !(*above)[3]);

  // A node without batch support: one request per call from then on.
  chain.no_batches = true;
  chain.calls = 0;
  auto singles = rpc.blocks(0, 4);
  ASSERT_TRUE(singles) << singles.error().message;
  EXPECT_EQ(singles->size(), 5u);
  EXPECT_FALSE(rpc.batches());
  EXPECT_EQ(chain.calls, 6);  // the refused batch, then five
}

TEST(RpcClientTest, ABatchAnswerThatIsNotOneAnswerPerRequestIsMalformed) {
  auto blocks = [](const std::string& body) {
    return RpcClient(std::make_unique<CannedTransport>(body)).blocks(0, 1);
  };
  EXPECT_NE(blocks(R"([{"jsonrpc":"2.0","id":1,"result":null}])").error().message.find(
                "not an array of 2 answers"),
            std::string::npos);
  EXPECT_NE(blocks(R"([{"jsonrpc":"2.0","id":1,"result":null},{"jsonrpc":"2.0","id":1,"result":null}])")
                .error()
                .message.find("two answers to one request"),
            std::string::npos);
  EXPECT_NE(blocks(R"([{"jsonrpc":"2.0","id":1,"result":null},{"jsonrpc":"2.0","id":9,"result":null}])")
                .error()
                .message.find("an answer to no request"),
            std::string::npos);
  auto e = blocks(R"([{"jsonrpc":"2.0","id":1,"result":null},{"jsonrpc":"2.0","id":2,"error":{"code":-32005,"message":"limit"}}])");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, RpcFailure::rpc_error);
}

TEST(RpcClientTest, ReadsTheVaultsEventStateAtABlockHash) {
  FakeChain chain(10);
  Address vault = addr(0x11);
  chain.add(deposited(vault, 4, 0, addr(0), word(1), addr(2), word(50)));
  RpcClient rpc(std::make_unique<FakeChainTransport>(chain));
  std::vector<Hash32> at = {chain.block(3).hash, chain.block(4).hash};
  auto s = rpc.event_states(vault, at);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)[0], EventState{});
  EXPECT_EQ((*s)[1].count, 1u);
  EXPECT_EQ((*s)[1], chain.state_at(vault, 4));

  auto state = [](const std::string& result) {
    Hash32 h;
    std::string body = R"({"jsonrpc":"2.0","id":1,"result":")" + result + "\"}";
    return RpcClient(std::make_unique<CannedTransport>(body))
        .event_states(addr(1), std::span(&h, 1));
  };
  auto none = state("0x");  // no code at the address in that block: nothing emitted yet
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ((*none)[0], EventState{});
  EXPECT_NE(state("0x1234").error().message.find("2 bytes, not the 64"), std::string::npos);
  EXPECT_NE(state("0x01" + std::string(126, '0')).error().message.find("count: wider than uint64"),
            std::string::npos);
}

TEST(RpcClientTest, NodeErrorsAreRpcErrors) {
  auto r = canned(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"range too large"}})")
               .logs({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcFailure::rpc_error);
  EXPECT_NE(r.error().message.find("eth_getLogs: error -32005: range too large"), std::string::npos);
}

TEST(RpcClientTest, MalformedBlocksAndLogsAreErrors) {
  auto block = [](const std::string& result) {
    return canned(R"({"jsonrpc":"2.0","id":1,"result":)" + result + "}").block(BlockRef::at(5));
  };
  std::string h = "\"0x" + std::string(64, 'a') + "\"";
  EXPECT_NE(block("[]").error().message.find("not a block object"), std::string::npos);
  EXPECT_NE(block(R"({"number":"0x5","hash":"0x12","parentHash":)" + h + "}").error().message.find(
                "result.hash: not 32 bytes"),
            std::string::npos);
  std::string rest = R"(,"timestamp":"0x10","logsBloom":"0x)" + std::string(512, '0') + "\"}";
  EXPECT_NE(block(R"({"number":"0x6","hash":)" + h + R"(,"parentHash":)" + h + rest).error().message.find(
                "asked for block 5, got block 6"),
            std::string::npos);
  auto good_block = block(R"({"number":"0x5","hash":)" + h + R"(,"parentHash":)" + h + rest);
  ASSERT_TRUE(good_block && *good_block) << good_block.error().message;
  EXPECT_EQ((*good_block)->timestamp, 16u);
  auto empty_bloom = block(R"({"number":"0x5","hash":)" + h + R"(,"parentHash":)" + h +
                           R"(,"timestamp":"0x10","logsBloom":"0x"})");  // Filecoin's: empty
  ASSERT_TRUE(empty_bloom && *empty_bloom) << empty_bloom.error().message;
  EXPECT_EQ((*empty_bloom)->logs_bloom, Bloom{});
  EXPECT_NE(block(R"({"number":"0x5","hash":)" + h + R"(,"parentHash":)" + h +
                  R"(,"timestamp":"0x10","logsBloom":"0x00"})").error().message.find(
                "result.logsBloom: not 256 bytes"),
            std::string::npos);
  EXPECT_NE(block(R"({"number":"0x5","hash":)" + h + R"(,"parentHash":)" + h + "}").error().message.find(
                "result.timestamp"),
            std::string::npos);

  auto logs = [](const std::string& result) {
    return canned(R"({"jsonrpc":"2.0","id":1,"result":)" + result + "}").logs({});
  };
  std::string good = R"({"address":"0x)" + std::string(40, '1') + R"(","topics":[)" + h +
                     R"(],"data":"0x","blockNumber":"0x5","blockHash":)" + h +
                     R"(,"transactionHash":)" + h + R"(,"logIndex":"0x0"})";
  auto ok = logs("[" + good + "]");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->size(), 1u);
  EXPECT_NE(logs("{}").error().message.find("not an array of logs"), std::string::npos);
  auto swap = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return logs("[" + s + "]");
  };
  EXPECT_NE(swap(R"("data":"0x")", R"("data":"0x1")").error().message.find("result[0].data"),
            std::string::npos);
  EXPECT_NE(swap(R"("logIndex":"0x0")", R"("logIndex":"0x100000000")").error().message.find(
                "logIndex"),
            std::string::npos);
  EXPECT_NE(swap(R"("topics":[)", R"("topics":["0x12",)").error().message.find("topics[0]"),
            std::string::npos);
  EXPECT_NE(swap(R"("blockNumber":"0x5",)", "").error().message.find("blockNumber"),
            std::string::npos);
}

// A local TCP socket for the real transport's failures.
struct Listener {
  int fd = -1;
  int port = 0;
  sockaddr_in addr{};  // 127.0.0.1 and the port the kernel chose
  explicit Listener(int backlog = 4) {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd, backlog), 0);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~Listener() { close(fd); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/"; }
  // Accepts one connection, reads the request, answers `response` and closes.
  std::thread answer_once(std::string response) {
    return std::thread([this, response] {
      int c = accept(fd, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, size_t(n));
      }
      (void)!send(c, response.data(), response.size(), MSG_NOSIGNAL);  // no SIGPIPE if curl left
      close(c);
    });
  }
};

TEST(HttpTransportTest, ARefusedConnectionIsAConnectionErrorNamingNoSecret) {
  int port = 0;
  {
    Listener l;
    port = l.port;
  }  // closed: nothing listens there now
  std::string label = "http://127.0.0.1:" + std::to_string(port);
  RpcClient rpc(make_http_transport("http://alice:hunter2@127.0.0.1:" + std::to_string(port) +
                                    "/v3/PATHKEY?apikey=QUERYKEY"));
  EXPECT_EQ(rpc.endpoint(), label);
  auto r = rpc.chain_id();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcFailure::connection);
  EXPECT_EQ(r.error().message.rfind(label + ": ", 0), 0u) << r.error().message;
  for (const char* secret : {"alice", "hunter2", "PATHKEY", "QUERYKEY", "/v3"})
    EXPECT_EQ(r.error().message.find(secret), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("eth_chainId"), std::string::npos);
}

TEST(HttpTransportTest, TheEndpointIsSchemeHostAndPortOnly) {
  struct Case {
    const char* url;
    const char* label;
  } cases[] = {
      {"https://mainnet.example.io/v3/0123456789abcdef", "https://mainnet.example.io"},
      {"https://user:pass@rpc.example.org:8443/key/secret?token=abc#frag",
       "https://rpc.example.org:8443"},
      {"http://[::1]:8545/?k=v", "http://[::1]:8545"},
      {"not a url", "(unparsable RPC URL)"},
  };
  for (const auto& c : cases) EXPECT_EQ(make_http_transport(c.url)->endpoint(), c.label) << c.url;
}

TEST(HttpTransportTest, ASilentServerIsATimeout) {
  Listener l;  // the kernel completes the connection; nobody ever answers
  RpcClient rpc(make_http_transport(l.url(), {.timeout = std::chrono::milliseconds(300)}));
  auto r = rpc.block_number();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcFailure::timeout);
  EXPECT_NE(r.error().message.find("no answer within 300 ms"), std::string::npos);
}

TEST(HttpTransportTest, AConnectTimeoutNamesTheConnectLimit) {
  // A listener with a backlog of 0 and one connection queued: the kernel drops further SYNs, so
  // curl's connect never completes (nothing is ever accepted).
  Listener l(/*backlog=*/0);
  ASSERT_FALSE(HasFailure());  // bound and listening
  std::vector<int> fillers;
  for (int i = 0; i < 3; ++i) {
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    (void)connect(c, reinterpret_cast<const sockaddr*>(&l.addr), sizeof l.addr);
    fillers.push_back(c);
  }
  RpcClient rpc(make_http_transport(
      l.url(),
      {.timeout = std::chrono::milliseconds(5000), .connect_timeout = std::chrono::milliseconds(200)}));
  auto r = rpc.block_number();
  for (int c : fillers) close(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcFailure::timeout);
  EXPECT_NE(r.error().message.find("could not connect within 200 ms"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find("5000"), std::string::npos) << r.error().message;
}

TEST(HttpTransportTest, AnHttpErrorStatusIsAnError) {
  Listener l;
  auto t = l.answer_once("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n"
                         "Connection: close\r\n\r\nbusy");
  RpcClient rpc(make_http_transport(l.url()));
  auto r = rpc.block_number();
  t.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcFailure::http_status);
  EXPECT_NE(r.error().message.find("HTTP status 503"), std::string::npos);
}

TEST(HttpTransportTest, TooManyRequestsCarriesRetryAfterAndTheProvidersWords) {
  Listener l;
  std::string page = "{\"error\":\"rate limited\"}\n";
  auto t = l.answer_once("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: " +
                         std::to_string(page.size()) + "\r\nConnection: close\r\n\r\n" + page);
  RpcClient rpc(make_http_transport(l.url()));
  auto r = rpc.block_number();
  t.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcFailure::http_status);
  EXPECT_EQ(r.error().http_status, 429);
  EXPECT_EQ(r.error().retry_after, std::chrono::seconds(7));
  EXPECT_NE(r.error().message.find(R"(HTTP status 429: {"error":"rate limited"})"), std::string::npos)
      << r.error().message;
  // An HTTP-date in the past is no wait; a 503 without the header has none.
  auto t2 = l.answer_once("HTTP/1.1 503 Busy\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
                          "Content-Length: 0\r\nConnection: close\r\n\r\n");
  auto r2 = rpc.block_number();
  t2.join();
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().retry_after, std::chrono::seconds(0));
}

TEST(HttpTransportTest, AnErrorPageEchoingTheKeyDoesNotPutItInTheMessage) {
  Listener l;
  std::string page = "invalid project id PATHKEY123 (apikey=QUERYKEY9, user alice)";
  auto t = l.answer_once("HTTP/1.1 401 Unauthorized\r\nContent-Length: " + std::to_string(page.size()) +
                         "\r\nConnection: close\r\n\r\n" + page);
  RpcClient rpc(make_http_transport("http://alice:hunter2@127.0.0.1:" + std::to_string(l.port) +
                                    "/v3/PATHKEY123?apikey=QUERYKEY9"));
  auto r = rpc.block_number();
  t.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 401);
  EXPECT_NE(r.error().message.find("invalid project id [redacted]"), std::string::npos)
      << r.error().message;
  for (const char* secret : {"alice", "hunter2", "PATHKEY123", "QUERYKEY9"})
    EXPECT_EQ(r.error().message.find(secret), std::string::npos) << r.error().message;
}

TEST(HttpTransportTest, ATruncatedBodyIsAnError) {
  Listener l;  // promises 100 bytes, sends 10 and closes
  auto t = l.answer_once("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"
                         "{\"jsonrpc\":");
  RpcClient rpc(make_http_transport(l.url()));
  auto r = rpc.block_number();
  t.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcFailure::connection) << r.error().message;
}

TEST(HttpTransportTest, AnOversizedBodyIsRefused) {
  Listener l;
  std::string body(5000, ' ');
  auto t = l.answer_once("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n" +
                         body);
  RpcClient rpc(make_http_transport(l.url(), {.max_response_bytes = 1000}));
  auto r = rpc.block_number();
  t.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcFailure::too_large);
}

TEST(HttpTransportTest, AGoodAnswerOverHttpIsRead) {
  Listener l;
  std::string body = R"({"jsonrpc":"2.0","id":1,"result":"0x7a69"})";
  auto t = l.answer_once("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  RpcClient rpc(make_http_transport(l.url()));
  auto r = rpc.chain_id();
  t.join();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, 31337u);
}

}  // namespace
}  // namespace relay::evm
