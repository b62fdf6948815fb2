#include "adapters/evm/http_transport.h"

#include <curl/curl.h>

namespace relay::evm {

const char* to_string(RpcFailure f) {
  switch (f) {
    case RpcFailure::timeout: return "timeout";
    case RpcFailure::connection: return "connection";
    case RpcFailure::http_status: return "http_status";
    case RpcFailure::too_large: return "too_large";
    case RpcFailure::malformed: return "malformed";
    case RpcFailure::rpc_error: return "rpc_error";
  }
  return "unknown";
}

namespace {

struct Sink {
  std::string body;
  size_t limit = 0;
  bool overflow = false;
};

size_t write_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * n;
  if (sink->body.size() + bytes > sink->limit) {
    sink->overflow = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->body.append(data, bytes);
  return bytes;
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(std::string url, HttpOptions o) : url_(std::move(url)), options_(o) {
    curl_ = curl_easy_init();
    headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
  }
  ~CurlTransport() override {
    curl_slist_free_all(headers_);
    if (curl_) curl_easy_cleanup(curl_);
  }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  const std::string& endpoint() const override { return url_; }

  RpcResult<std::string> post(const std::string& body) override {
    auto err = [&](RpcFailure k, const std::string& why) {
      return std::unexpected(RpcError{k, url_ + ": " + why});
    };
    if (!curl_ || !headers_) return err(RpcFailure::connection, "cannot initialise libcurl");
    Sink sink{{}, options_.max_response_bytes, false};
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, long(options_.timeout.count()));
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, long(options_.connect_timeout.count()));
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM from the resolver in a daemon
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &sink);
    CURLcode rc = curl_easy_perform(curl_);
    if (sink.overflow)
      return err(RpcFailure::too_large,
                 "response larger than " + std::to_string(options_.max_response_bytes) + " bytes");
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return err(RpcFailure::timeout,
                 "no answer within " + std::to_string(options_.timeout.count()) + " ms");
    if (rc != CURLE_OK) return err(RpcFailure::connection, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) return err(RpcFailure::http_status, "HTTP status " + std::to_string(status));
    return std::move(sink.body);
  }

 private:
  std::string url_;
  HttpOptions options_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const std::string& url, HttpOptions options) {
  return std::make_unique<CurlTransport>(url, options);
}

}  // namespace relay::evm
