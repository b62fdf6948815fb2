#include "adapters/evm/http_transport.h"

#include <curl/curl.h>

#include <ctime>
#include <mutex>
#include <vector>

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

// scheme://host[:port] of `url`: what error messages may show. A JSON-RPC URL often carries a
// secret (user:password, or a provider's API key in the path or query), and errors end up in
// logs and on stderr, so nothing else of the URL is ever printed.
std::string redacted_label(const std::string& url) {
  std::string label = "(unparsable RPC URL)";
  CURLU* u = curl_url();
  if (!u) return label;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char *scheme = nullptr, *host = nullptr, *port = nullptr;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
      label = std::string(scheme) + "://" + host;
      if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK) label += std::string(":") + port;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return label;
}

// The parts of `url` that may be secret — user, password, each path segment, the query — to
// be cut out of anything the server says back (an error page may echo a key it refuses).
std::vector<std::string> secret_parts(const std::string& url) {
  std::vector<std::string> out;
  CURLU* u = curl_url();
  if (!u) return out;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    for (CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_PATH, CURLUPART_QUERY}) {
      char* v = nullptr;
      if (curl_url_get(u, part, &v, 0) == CURLUE_OK && v) {
        std::string text = v;
        if (part == CURLUPART_PATH || part == CURLUPART_QUERY) {
          for (size_t at = 0; at <= text.size();) {  // segments: "/v3/KEY", "k=v&apikey=KEY"
            size_t end = text.find_first_of("/&=", at);
            if (end == std::string::npos) end = text.size();
            if (end - at >= 4) out.push_back(text.substr(at, end - at));
            at = end + 1;
          }
        } else if (!text.empty()) {
          out.push_back(text);
        }
      }
      curl_free(v);
    }
  }
  curl_url_cleanup(u);
  return out;
}

// The start of an error page, printable ASCII only and without the URL's secrets, for the
// message: providers explain a 4xx there ("block range too large", "rate limited"). Bounded,
// so a large page cannot flood a log.
std::string body_excerpt(const std::string& body, const std::vector<std::string>& secrets) {
  constexpr size_t kMax = 300;
  std::string out;
  for (char c : body.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  for (const auto& secret : secrets)
    for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at))
      out.replace(at, secret.size(), "[redacted]");
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (body.size() > kMax) out += "...";
  return out;
}

// Retry-After (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date read by curl_getdate and turned
// into a delay from now (a date in the past is no delay). nullopt when absent or unreadable.
std::optional<std::chrono::seconds> retry_after(CURL* curl) {
  curl_header* h = nullptr;
  if (curl_easy_header(curl, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
    return std::nullopt;
  std::string v = h->value;
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) {
    if (v.size() > 9) return std::chrono::seconds(999999999);
    return std::chrono::seconds(std::stoll(v));
  }
  time_t when = curl_getdate(v.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  time_t now = time(nullptr);
  return std::chrono::seconds(when > now ? when - now : 0);
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(std::string url, HttpOptions o)
      : url_(std::move(url)), label_(redacted_label(url_)), secrets_(secret_parts(url_)), options_(o) {
    curl_ = curl_easy_init();
    headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
  }
  ~CurlTransport() override {
    curl_slist_free_all(headers_);
    if (curl_) curl_easy_cleanup(curl_);
  }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  const std::string& endpoint() const override { return label_; }

  RpcResult<std::string> post(const std::string& body) override {
    auto err = [&](RpcFailure k, const std::string& why) {
      return std::unexpected(RpcError{k, label_ + ": " + why});
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
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      // curl has one code for both limits: no request sent yet, and the connect limit the
      // shorter one, means the connect limit fired. (Not the connect time: on a kept-alive
      // connection that curl reuses it is 0, though connected.)
      long sent = 0;
      curl_easy_getinfo(curl_, CURLINFO_REQUEST_SIZE, &sent);
      if (sent == 0 && options_.connect_timeout <= options_.timeout)
        return err(RpcFailure::timeout, "could not connect within " +
                                            std::to_string(options_.connect_timeout.count()) +
                                            " ms");
      return err(RpcFailure::timeout,
                 "no answer within " + std::to_string(options_.timeout.count()) + " ms");
    }
    if (rc != CURLE_OK) return err(RpcFailure::connection, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
      std::string why = "HTTP status " + std::to_string(status);
      if (std::string page = body_excerpt(sink.body, secrets_); !page.empty()) why += ": " + page;
      auto e = err(RpcFailure::http_status, why);
      e.error().http_status = int(status);
      e.error().retry_after = retry_after(curl_);
      return e;
    }
    return std::move(sink.body);
  }

 private:
  std::string url_;    // may hold credentials: given to curl, never put in a message
  std::string label_;  // redacted_label(url_)
  std::vector<std::string> secrets_;  // secret_parts(url_): never echoed from an error page
  HttpOptions options_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const std::string& url, HttpOptions options) {
  // libcurl's global set-up is not thread-safe and must run once before any handle; left to
  // curl_easy_init it would run lazily, on whichever thread makes the first transport.
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::make_unique<CurlTransport>(url, options);
}

std::string redacted_url_label(const std::string& url) { return redacted_label(url); }

}  // namespace relay::evm
