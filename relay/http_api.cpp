#include "relay/http_api.h"

#include <httplib.h>

#include <set>
#include <shared_mutex>
#include <thread>

#include "relay/account.h"

namespace relay::node {
namespace {

using nlohmann::json;

void reply(httplib::Response& res, const ApiReply& r) {
  res.status = r.status;
  res.set_content(r.body.dump(), "application/json");
}

// An epoch as docs/api.md writes it: decimal digits below 2^64 (no sign, no spaces).
std::optional<uint64_t> parse_epoch(const std::string& s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = uint64_t(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// The first query parameter not in `allowed`, or one given twice.
std::optional<std::string> bad_parameter(const httplib::Request& req,
                                         std::initializer_list<std::string_view> allowed) {
  std::set<std::string> seen;
  for (const auto& [k, v] : req.params) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      return "unknown parameter \"" + k + "\"";
    if (!seen.insert(k).second) return "parameter \"" + k + "\" given twice";
  }
  return std::nullopt;
}

ApiReply bad_request(const std::string& message) { return api_error(400, "bad_request", message); }

}  // namespace

ApiReply api_error(int status, const std::string& code, const std::string& message) {
  return {status, {{"error", {{"code", code}, {"message", message}}}}};
}

struct HttpApi::Impl {
  httplib::Server server;
  std::thread thread;
  std::shared_mutex mu;  // shared by calls into source, exclusive in set_source
  ApiSource* source = nullptr;
  const Genesis* genesis = nullptr;

  // Calls `f` with the source under the shared lock, or answers 503.
  template <class F>
  void with_source(httplib::Response& res, F f) {
    std::shared_lock lock(mu);
    if (!source)
      return reply(res, api_error(503, "unavailable", "the node is starting: its state is not open yet"));
    f(*source);
  }
  void routes();
  void withdrawals(const httplib::Request& req, httplib::Response& res);
};

void HttpApi::Impl::withdrawals(const httplib::Request& req, httplib::Response& res) {
  if (auto bad = bad_parameter(req, {"account", "chain", "epoch"})) return reply(res, bad_request(*bad));
  WithdrawalQuery q;
  if (req.has_param("account")) {
    q.account = parse_account(req.get_param_value("account"));
    if (!q.account)
      return reply(res, bad_request("account: not an account id (0x and 64 hex digits) or an EVM "
                                    "address (0x and 40 hex digits)"));
  }
  if (req.has_param("chain")) {
    const std::string name = req.get_param_value("chain");
    for (uint32_t c = 0; c < genesis->chains.size(); ++c)
      if (genesis->chains[c].name == name) q.chain = c;
    if (!q.chain) return reply(res, bad_request("chain: \"" + name + "\" is not a chain of the genesis"));
  }
  if (req.has_param("epoch")) {
    q.epoch = parse_epoch(req.get_param_value("epoch"));
    if (!q.epoch) return reply(res, bad_request("epoch: not a decimal number below 2^64"));
  }
  if (!q.account && !q.chain && !q.epoch)
    return reply(res, bad_request("give at least one of the parameters account, chain, epoch"));
  with_source(res, [&](ApiSource& s) { reply(res, s.withdrawals(q)); });
}

void HttpApi::Impl::routes() {
  server.Get("/v1/status", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto bad = bad_parameter(req, {})) return reply(res, bad_request(*bad));
    with_source(res, [&](ApiSource& s) { reply(res, s.status()); });
  });
  server.Get(R"(/v1/accounts/([^/]*))", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto bad = bad_parameter(req, {"certified"})) return reply(res, bad_request(*bad));
    auto account = parse_account(std::string(req.matches[1]));
    if (!account)
      return reply(res, bad_request("account: not an account id (0x and 64 hex digits) or an EVM "
                                    "address (0x and 40 hex digits)"));
    bool certified = false;
    if (req.has_param("certified")) {
      const std::string v = req.get_param_value("certified");
      if (v != "true" && v != "false") return reply(res, bad_request("certified: not true or false"));
      certified = v == "true";
    }
    with_source(res, [&](ApiSource& s) { reply(res, s.account(*account, certified)); });
  });
  server.Get("/v1/withdrawals", [this](const httplib::Request& req, httplib::Response& res) { withdrawals(req, res); });
  server.Get(R"(/v1/certificates/([^/]*))", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto bad = bad_parameter(req, {})) return reply(res, bad_request(*bad));
    auto epoch = parse_epoch(std::string(req.matches[1]));
    if (!epoch) return reply(res, bad_request("epoch: not a decimal number below 2^64"));
    with_source(res, [&](ApiSource& s) { reply(res, s.certificate(*epoch)); });
  });
  server.Get("/v1/solvency", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto bad = bad_parameter(req, {})) return reply(res, bad_request(*bad));
    with_source(res, [&](ApiSource& s) { reply(res, s.solvency()); });
  });
  server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    with_source(res, [&](ApiSource& s) { res.set_content(s.metrics(), "text/plain; version=0.0.4"); });
  });
  server.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    with_source(res, [&](ApiSource& s) {
      // The status page: the status document, readable in a browser. Escaped: chain names and
      // alarm messages come from files and peers.
      std::string text = s.status().body.dump(2), html;
      for (char c : text) html += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
      res.set_content("<!doctype html><title>relayd</title><h1>relayd status</h1><pre>" + html +
                          "</pre><p>JSON: <a href=\"/v1/status\">/v1/status</a>, "
                          "<a href=\"/v1/solvency\">/v1/solvency</a>, <a href=\"/metrics\">/metrics</a>",
                      "text/html; charset=utf-8");
    });
  });
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status != 404 || !res.body.empty()) return;
    reply(res, api_error(404, "not_found", "no such resource: " + req.path));
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    reply(res, api_error(500, "internal", "the request failed inside the node"));
  });
}

HttpApi::HttpApi(std::unique_ptr<Impl> impl, uint16_t port) : impl_(std::move(impl)), port_(port) {}

HttpApi::~HttpApi() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void HttpApi::set_source(ApiSource* source) {
  std::unique_lock lock(impl_->mu);
  impl_->source = source;
}

Result<std::unique_ptr<HttpApi>> HttpApi::start(const ListenAddress& listen, const Genesis& genesis,
                                                Log log) {
  auto impl = std::make_unique<Impl>();
  impl->genesis = &genesis;
  impl->routes();
  httplib::Server& s = impl->server;
  int port = listen.port;
  if (port == 0) {
    port = s.bind_to_any_port(listen.host);
    if (port < 0) return fail("http.listen " + listen.host + ":0: cannot bind");
  } else if (!s.bind_to_port(listen.host, port)) {
    return fail("http.listen " + listen.host + ":" + std::to_string(port) + ": cannot bind (in use?)");
  }
  impl->thread = std::thread([server = &impl->server] { server->listen_after_bind(); });
  log.info("http listening", {{"address", listen.host}, {"port", port}});
  return std::unique_ptr<HttpApi>(new HttpApi(std::move(impl), uint16_t(port)));
}

}  // namespace relay::node
