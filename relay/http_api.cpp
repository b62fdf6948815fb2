#include "relay/http_api.h"

#include <httplib.h>

#include <thread>

namespace relay::node {

struct HttpApi::Impl {
  httplib::Server server;
  std::thread thread;
};

HttpApi::HttpApi(std::unique_ptr<Impl> impl, uint16_t port) : impl_(std::move(impl)), port_(port) {}

HttpApi::~HttpApi() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<std::unique_ptr<HttpApi>> HttpApi::start(const ListenAddress& listen, const StatusBoard& board,
                                                Log log) {
  auto impl = std::make_unique<Impl>();
  httplib::Server& s = impl->server;
  s.Get("/v1/status", [&board](const httplib::Request&, httplib::Response& res) {
    res.set_content(status_json(board.get()).dump(), "application/json");
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json j = {{"error", res.status == 404 ? "not found" : "error"}, {"path", req.path}};
    res.set_content(j.dump(), "application/json");
  });
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
