#include "adapters/evm/watcher.h"

#include <algorithm>
#include <random>

namespace relay::evm {

const char* to_string(WatchFailure f) {
  switch (f) {
    case WatchFailure::rpc: return "rpc";
    case WatchFailure::rpc_disagreement: return "rpc_disagreement";
    case WatchFailure::accumulator_mismatch: return "accumulator_mismatch";
    case WatchFailure::bad_log: return "bad_log";
    case WatchFailure::reorg: return "reorg";
    case WatchFailure::timestamp_decreased: return "timestamp_decreased";
    case WatchFailure::wrong_chain: return "wrong_chain";
  }
  return "unknown";
}

bool halts(WatchFailure f) {
  return f == WatchFailure::reorg || f == WatchFailure::timestamp_decreased ||
         f == WatchFailure::wrong_chain;
}

namespace {
constexpr uint64_t kRangesBeforeRetryingRefused = 8;
uint64_t seed_of(const WatchOptions& o) { return o.seed ? o.seed : std::random_device{}(); }
Clock clock_of(const WatchOptions& o) {
  if (o.clock) return o.clock;
  return [] { return std::chrono::steady_clock::now(); };
}
}  // namespace

Watcher::Watcher(const Genesis& genesis, size_t chain,
                 std::vector<std::unique_ptr<Transport>> endpoints, ResumePoint from,
                 WatchOptions options)
    : genesis_(genesis),
      chain_(genesis.chains[chain]),
      options_([&] {
        options.clock = clock_of(options);
        options.max_range = std::max<uint64_t>(options.max_range, 1);
        options.agree = std::clamp<size_t>(options.agree, 1, std::max<size_t>(endpoints.size(), 1));
        return options;
      }()),
      endpoints_(std::move(endpoints), options_.max_batch, options_.backoff, options_.clock,
                 seed_of(options_)),
      reader_(genesis, chain, {options_.bloom_rereads, options_.epochs}),
      step_backoff_(options_.backoff, seed_of(options_) + 1),
      next_(from.block),
      parent_(from.parent_hash),
      state_(from.state),
      range_(options_.max_range),
      range_ceiling_(options_.max_range) {
  if (!state_ && next_ == 0) state_ = EventState{};
}

Watcher::~Watcher() = default;

void Watcher::raise(const std::string& kind, const std::string& key, const std::string& message) {
  if (kind == "rpc_disagreement") dissent_this_step_ = true;
  auto it = active_.find(kind);
  if (it != active_.end() && it->second == key) return;  // already raised
  active_[kind] = key;
  alarms_.push_back({kind, chain_.name + ": " + message, false});
}

void Watcher::clear(const std::string& kind) {
  if (active_.erase(kind))
    alarms_.push_back({kind, chain_.name + ": " + kind + " is over", true});
}

std::vector<Alarm> Watcher::take_alarms() { return std::exchange(alarms_, {}); }

std::unexpected<WatchError> Watcher::halt(WatchFailure kind, const std::string& why) {
  WatchError e{kind, chain_.name + ": " + why, std::chrono::milliseconds(0)};
  halted_ = e;
  raise(to_string(kind), to_string(kind), why);
  return std::unexpected(e);
}

// A temporary failure of the step: the error with the wait before the next one (the longer of
// the step backoff and the time until k endpoints are out of theirs), and the `rpc` alarm once
// steps have failed `rpc_alarm_after` times in a row.
std::unexpected<WatchError> Watcher::failed_step(WatchFailure kind, const std::string& why) {
  ++failed_steps_;
  auto wait = std::max(step_backoff_.delay(failed_steps_), endpoints_.wait_for_ready(options_.agree));
  WatchError e{kind, chain_.name + ": " + why, wait};
  if (kind == WatchFailure::rpc && failed_steps_ >= options_.rpc_alarm_after)
    raise("rpc", "rpc", why + " (" + std::to_string(failed_steps_) + " failed steps in a row)");
  return std::unexpected(e);
}

WatchResult<void> Watcher::check_chain_id() {
  if (halted_) return std::unexpected(*halted_);
  std::string failures;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    auto r = ensure_chain(i);
    if (!r && halts(r.error().kind)) return r;
    if (!r) failures += (failures.empty() ? "" : "; ") + r.error().message;
  }
  if (!failures.empty())
    return std::unexpected(WatchError{WatchFailure::rpc, chain_.name + ": " + failures,
                                      endpoints_.wait_for_ready(1)});
  return {};
}

WatchResult<void> Watcher::ensure_chain(size_t i) {
  if (endpoints_.chain_checked(i)) return {};
  auto id = endpoints_.client(i).chain_id();
  if (!id) {
    endpoints_.failed(i, id.error().message, id.error().retry_after);
    return std::unexpected(WatchError{WatchFailure::rpc, id.error().message, {}});
  }
  if (*id != chain_.chain_id.value)
    return halt(WatchFailure::wrong_chain, endpoints_.label(i) + " serves chain id " +
                                               std::to_string(*id) + ", the genesis says " +
                                               std::to_string(chain_.chain_id.value));
  endpoints_.set_chain_checked(i);
  return {};
}

WatchResult<std::optional<Blocks>> Watcher::step(std::optional<uint64_t> until) {
  if (halted_) return std::unexpected(*halted_);
  if (!started_) started_ = endpoints_.now();
  dissent_this_step_ = false;
  auto head = agreed_head();
  if (!head) return std::unexpected(head.error());
  if (!*head) {
    failed_steps_ = 0;
    clear("rpc");
    return std::optional<Blocks>{};
  }
  const uint64_t limit = until ? std::min(**head, *until) : **head;
  if (next_ > limit) {
    failed_steps_ = 0;
    clear("rpc");
    return std::optional<Blocks>{};
  }
  // A range too large for the endpoints (or with logs missing) is halved and asked again at
  // once, down to one block.
  for (;;) {
    const uint64_t span = std::min({range_, range_ceiling_, limit - next_ + 1});
    RangeOutcome r = agreed_range(next_, next_ + span - 1);
    if (r.view) {
      failed_steps_ = 0;
      clear("rpc");
      clear("accumulator_mismatch");
      clear("bad_log");
      if (!dissent_this_step_) clear("rpc_disagreement");
      return std::optional<Blocks>(accept(std::move(*r.view)));
    }
    if (r.shrink) {
      range_ceiling_ = std::max<uint64_t>(span / 2, 1);
      range_ = range_ceiling_;
      since_refused_ = 0;
      if (r.retry_now && span > 1) continue;
    }
    if (halts(r.error.kind)) return std::unexpected(r.error);  // halt() recorded it
    return failed_step(r.error.kind, r.error.message);
  }
}

Blocks Watcher::accept(RangeView view) {
  Blocks out;
  out.headers.reserve(view.headers.size());
  for (size_t i = 0; i < view.headers.size(); ++i) {
    const BlockHeader& h = view.headers[i];
    out.headers.push_back({h.number, h.hash, h.parent_hash, h.timestamp, view.states[i].count,
                           view.states[i].accumulator});
  }
  out.events = std::move(view.events);
  next_ = out.to() + 1;
  parent_ = out.headers.back().hash;
  parent_time_ = out.headers.back().timestamp;
  state_ = view.states.back();
  blocks_read_ += out.headers.size();
  events_read_ += out.events.size();
  // A cheap answer lets the range double; the size last refused is tried again after a few
  // ranges (a dense stretch of the chain is behind, or the provider's limit was raised).
  if (++since_refused_ >= kRangesBeforeRetryingRefused) range_ceiling_ = options_.max_range;
  if (out.events.size() <= options_.cheap_logs) range_ = std::min(range_ * 2, options_.max_range);
  return out;
}

Progress Watcher::progress() const {
  Progress p;
  p.next_block = next_;
  p.final_head = final_head_;
  p.blocks_read = blocks_read_;
  p.events_read = events_read_;
  p.range = std::min(range_, range_ceiling_);
  if (started_) {
    double secs = std::chrono::duration<double>(endpoints_.now() - *started_).count();
    if (secs > 0) {
      p.blocks_per_second = double(blocks_read_) / secs;
      p.events_per_second = double(events_read_) / secs;
    }
  }
  if (final_head_ && p.blocks_per_second > 0) {
    uint64_t left = *final_head_ + 1 > next_ ? *final_head_ + 1 - next_ : 0;
    p.eta = std::chrono::seconds(uint64_t(double(left) / p.blocks_per_second + 0.5));
  }
  return p;
}

std::vector<EndpointHealth> Watcher::health() const { return endpoints_.health(); }

}  // namespace relay::evm
