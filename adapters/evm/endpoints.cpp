#include "adapters/evm/endpoints.h"

#include <algorithm>

namespace relay::evm {
namespace {

// Counts every request through it and every failure by kind, into the endpoint's health.
class MeteredTransport final : public Transport {
 public:
  MeteredTransport(std::unique_ptr<Transport> inner, EndpointHealth& health)
      : inner_(std::move(inner)), health_(health) {}
  RpcResult<std::string> post(const std::string& body) override {
    ++health_.requests;
    auto r = inner_->post(body);
    if (!r) {
      ++health_.errors;
      ++health_.errors_by_kind[to_string(r.error().kind)];
    }
    return r;
  }
  const std::string& endpoint() const override { return inner_->endpoint(); }

 private:
  std::unique_ptr<Transport> inner_;
  EndpointHealth& health_;
};

}  // namespace

struct Endpoints::Endpoint {
  EndpointHealth health;
  std::unique_ptr<RpcClient> client;
  std::chrono::steady_clock::time_point retry_at{};
};

Endpoints::Endpoints(std::vector<std::unique_ptr<Transport>> transports, size_t max_batch,
                     BackoffOptions backoff, Clock clock, uint64_t seed)
    : backoff_(backoff, seed), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
  for (auto& t : transports) {
    auto e = std::make_unique<Endpoint>();
    e->health.endpoint = t->endpoint();
    e->client = std::make_unique<RpcClient>(
        std::make_unique<MeteredTransport>(std::move(t), e->health), max_batch);
    endpoints_.push_back(std::move(e));
  }
}

Endpoints::~Endpoints() = default;

size_t Endpoints::size() const { return endpoints_.size(); }
RpcClient& Endpoints::client(size_t i) { return *endpoints_[i]->client; }
const std::string& Endpoints::label(size_t i) const { return endpoints_[i]->health.endpoint; }

bool Endpoints::ready(size_t i) const { return endpoints_[i]->retry_at <= clock_(); }

std::chrono::milliseconds Endpoints::wait_for_ready(size_t count) const {
  auto now = clock_();
  std::vector<std::chrono::steady_clock::time_point> at;
  for (const auto& e : endpoints_) at.push_back(std::max(e->retry_at, now));
  std::sort(at.begin(), at.end());
  if (count == 0) return std::chrono::milliseconds(0);
  size_t k = std::min(count, at.size()) - 1;
  return std::chrono::ceil<std::chrono::milliseconds>(at[k] - now);
}

void Endpoints::succeeded(size_t i) {
  Endpoint& e = *endpoints_[i];
  e.health.up = true;
  e.health.failures_in_a_row = 0;
  e.retry_at = {};
}

void Endpoints::failed(size_t i, const std::string& why,
                       std::optional<std::chrono::seconds> retry_after) {
  Endpoint& e = *endpoints_[i];
  e.health.up = false;
  e.health.last_error = why;
  ++e.health.failures_in_a_row;
  e.retry_at = clock_() + backoff_.delay(e.health.failures_in_a_row, retry_after);
}

void Endpoints::disagreed(size_t i) { ++endpoints_[i]->health.disagreements; }

bool Endpoints::chain_checked(size_t i) const { return endpoints_[i]->health.chain_checked; }
void Endpoints::set_chain_checked(size_t i) { endpoints_[i]->health.chain_checked = true; }

std::vector<EndpointHealth> Endpoints::health() const {
  std::vector<EndpointHealth> out;
  auto now = clock_();
  for (const auto& e : endpoints_) {
    EndpointHealth h = e->health;
    h.retry_in = e->retry_at > now ? std::chrono::ceil<std::chrono::milliseconds>(e->retry_at - now)
                                   : std::chrono::milliseconds(0);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace relay::evm
