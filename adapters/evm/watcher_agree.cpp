// The watcher's agreement between endpoints (watcher.h): the final head from the first k
// endpoints that give one, and each range from the endpoints asked in order until k identical
// answers are in.
#include <algorithm>
#include <set>

#include "adapters/evm/agreement.h"
#include "adapters/evm/watcher.h"

namespace relay::evm {
namespace {

std::string join(const std::vector<std::string>& parts, const char* sep = "; ") {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string blocks_text(uint64_t from, uint64_t to) {
  return "blocks " + std::to_string(from) + ".." + std::to_string(to);
}

}  // namespace

std::expected<Watcher::Head, RangeError> Watcher::endpoint_head(size_t i) {
  RpcClient& rpc = endpoints_.client(i);
  auto unavailable = [](const RpcError& e) {
    return std::unexpected(RangeError{RangeFault::unavailable, e.message, e});
  };
  uint64_t number = 0;
  std::optional<BlockHeader> tagged;
  if (chain_.finality.finalized_tag) {
    auto h = rpc.block(BlockRef::named("finalized"));
    // A young chain: some nodes answer an error ("finalized block not found") instead of null
    // until something is final. Once a final head was seen, an error is an error.
    if (!h && h.error().kind == RpcFailure::rpc_error && !final_head_) return Head{};
    if (!h) return unavailable(h.error());
    if (!*h) return Head{};
    number = (*h)->number;
    tagged = *h;
  } else {
    auto latest = rpc.block_number();
    if (!latest) return unavailable(latest.error());
    if (*latest < chain_.finality.confirmations) return Head{};
    number = *latest - chain_.finality.confirmations;
  }
  if (next_ == 0 || !parent_ || number > next_ - 1) return Head{number};
  // A head at or below the last block emitted: nothing new, but that block must still be there
  // as it was read (a head below it is a lagging or load-balanced node, not a reorg, unless the
  // block changed).
  const uint64_t last = next_ - 1;
  std::optional<BlockHeader> at = tagged;
  if (!at || at->number != last) {
    auto b = rpc.block(BlockRef::at(last));
    if (!b) return unavailable(b.error());
    if (!*b)
      return std::unexpected(RangeError{
          RangeFault::behind, rpc.endpoint() + " has no block " + std::to_string(last) +
                                  ", read before as final (its final head is " +
                                  std::to_string(number) + ": a lagging node?)",
          std::nullopt});
    at = *b;
  }
  if (at->hash != *parent_)
    return std::unexpected(RangeError{
        RangeFault::reorg, rpc.endpoint() + ": final block " + std::to_string(last) + " was read as " +
                               parent_->hex() + ", is now " + at->hash.hex() +
                               (number < last ? " (and its final head went back to " +
                                                    std::to_string(number) + ")"
                                              : ""),
        std::nullopt});
  return Head{last};
}

WatchResult<std::optional<uint64_t>> Watcher::agreed_head() {
  head_order_.clear();
  heads_.clear();
  const size_t k = options_.agree;
  std::vector<std::string> failures, reorgs;
  std::vector<size_t> reorg_endpoints;
  std::vector<Head> answers;
  for (size_t i = 0; i < endpoints_.size() && answers.size() < k; ++i) {
    if (!endpoints_.ready(i)) {
      failures.push_back(endpoints_.label(i) + ": waiting out its backoff");
      continue;
    }
    if (auto c = ensure_chain(i); !c) {
      if (halts(c.error().kind)) return std::unexpected(c.error());
      failures.push_back(c.error().message);
      continue;
    }
    auto h = endpoint_head(i);
    if (!h) {
      const RangeError& e = h.error();
      if (e.kind == RangeFault::reorg) {
        reorgs.push_back(e.message);
        reorg_endpoints.push_back(i);
        if (reorgs.size() >= k) return halt(WatchFailure::reorg, join(reorgs));
        continue;
      }
      if (e.kind == RangeFault::unavailable)
        endpoints_.failed(i, e.message, e.rpc ? e.rpc->retry_after : std::nullopt);
      failures.push_back(e.message);
      continue;
    }
    endpoints_.succeeded(i);
    head_order_.push_back(i);
    answers.push_back(*h);
    if (*h) heads_[i] = **h;
  }
  if (!reorgs.empty()) {
    for (size_t i : reorg_endpoints) endpoints_.disagreed(i);
    std::string why = "the last block emitted: " + join(reorgs) + "; " +
                      std::to_string(answers.size()) + " other endpoints still have it";
    raise("rpc_disagreement", "head:" + join(reorgs), why);
    if (answers.size() < k) return failed_step(WatchFailure::rpc_disagreement, why);
  }
  if (answers.size() < k)
    return failed_step(WatchFailure::rpc, "only " + std::to_string(answers.size()) + " of the " +
                                              std::to_string(k) +
                                              " endpoints needed gave a final head: " +
                                              join(failures));
  if (std::any_of(answers.begin(), answers.end(), [](const Head& h) { return !h; }))
    return std::optional<uint64_t>{};  // nothing final yet at one of them
  uint64_t head = **std::min_element(answers.begin(), answers.end());
  final_head_ = head;
  return std::optional<uint64_t>(head);
}

// What the endpoints asked about one range said: identical views grouped, findings (answers
// that are a verdict on the chain: reorg, mismatch, bad log, a chain that moved), failures.
struct Watcher::Answers {
  struct Group {
    RangeView view;
    std::vector<size_t> endpoints;
  };
  struct Claim {
    size_t endpoint;
    RangeError error;
  };
  std::vector<Group> groups;
  std::vector<Claim> claims;
  std::vector<std::string> failures;
  std::optional<size_t> agreed;       // the group k endpoints are in
  std::optional<RangeFault> finding;  // the claim kind k endpoints made
  bool shrink = false;                // an endpoint found the range too large or lacking logs
  std::optional<WatchError> halted;   // an endpoint of another chain
};

Watcher::Answers Watcher::ask_range(const RangeRequest& request) {
  const size_t k = options_.agree;
  Answers a;
  std::vector<size_t> order = head_order_;
  for (size_t i = 0; i < endpoints_.size(); ++i)
    if (std::find(order.begin(), order.end(), i) == order.end()) order.push_back(i);
  for (size_t i : order) {
    if (a.agreed || a.finding) break;
    if (!endpoints_.ready(i)) continue;
    if (!heads_.count(i)) {  // not asked for its head this step: is `to` final there too?
      if (auto c = ensure_chain(i); !c) {
        if (halts(c.error().kind)) {
          a.halted = c.error();
          break;
        }
        a.failures.push_back(c.error().message);
        continue;
      }
      auto h = endpoint_head(i);
      if (!h || !*h || **h < request.to) {
        if (!h && h.error().kind == RangeFault::unavailable)
          endpoints_.failed(i, h.error().message, h.error().rpc ? h.error().rpc->retry_after : std::nullopt);
        a.failures.push_back(!h ? h.error().message
                                : endpoints_.label(i) + ": block " + std::to_string(request.to) +
                                      " is not final there yet");
        continue;
      }
    }
    auto v = reader_.read(endpoints_.client(i), request);
    if (v) {
      endpoints_.succeeded(i);
      auto g = std::find_if(a.groups.begin(), a.groups.end(),
                            [&](const Answers::Group& x) { return x.view == *v; });
      if (g == a.groups.end()) g = a.groups.insert(a.groups.end(), Answers::Group{std::move(*v), {}});
      g->endpoints.push_back(i);
      if (g->endpoints.size() >= k) a.agreed = size_t(g - a.groups.begin());
      continue;
    }
    RangeError& e = v.error();
    switch (e.kind) {
      case RangeFault::unavailable:
        endpoints_.failed(i, e.message, e.rpc ? e.rpc->retry_after : std::nullopt);
        a.failures.push_back(e.message);
        break;
      case RangeFault::behind:
        a.failures.push_back(e.message);
        break;
      case RangeFault::too_large:
      case RangeFault::missing_logs:
        a.shrink = true;
        a.failures.push_back(e.message);
        break;
      default:
        a.claims.push_back({i, e});
        if (size_t(std::count_if(a.claims.begin(), a.claims.end(), [&](const Answers::Claim& c) {
              return c.error.kind == e.kind;
            })) >= k)
          a.finding = e.kind;
    }
  }
  return a;
}

Watcher::RangeOutcome Watcher::agreed_range(uint64_t from, uint64_t to) {
  const size_t k = options_.agree;
  const std::string where = blocks_text(from, to);
  RangeOutcome out;
  Answers a = ask_range({from, to, parent_, parent_time_, state_});
  if (a.halted) {
    out.error = *a.halted;
    return out;
  }
  out.shrink = a.shrink;

  // Everyone who answered otherwise than the k who agree, named with the difference.
  std::vector<std::string> dissent, labels;
  std::set<size_t> dissenters;
  auto note = [&](size_t i, const std::string& what) {
    dissent.push_back(endpoints_.label(i) + ": " + what);
    dissenters.insert(i);
  };
  for (size_t g = 0; g < a.groups.size(); ++g) {
    if (a.agreed && g == *a.agreed) continue;
    const RangeView& ref = a.groups[a.agreed ? *a.agreed : 0].view;
    for (size_t i : a.groups[g].endpoints)
      if (a.agreed || g > 0) note(i, view_difference(ref, a.groups[g].view));
  }
  for (const auto& c : a.claims)
    if (!a.finding || c.error.kind != *a.finding) note(c.endpoint, c.error.message);
  for (size_t i : dissenters) {
    endpoints_.disagreed(i);
    labels.push_back(endpoints_.label(i));
  }

  if (a.agreed) {
    std::vector<std::string> agreeing;
    for (size_t i : a.groups[*a.agreed].endpoints) agreeing.push_back(endpoints_.label(i));
    if (!dissent.empty())
      raise("rpc_disagreement", join(labels, ","),
            where + ": " + join(agreeing, ", ") + " agree; other answers: " + join(dissent));
    out.view = std::move(a.groups[*a.agreed].view);
    out.dissent = !dissent.empty();
    return out;
  }
  if (a.finding) {
    std::vector<std::string> said;
    for (const auto& c : a.claims)
      if (c.error.kind == *a.finding) said.push_back(c.error.message);
    std::string why = where + ": " + join(said);
    if (!dissent.empty()) why += " (other answers: " + join(dissent) + ")";
    switch (*a.finding) {
      case RangeFault::reorg: out.error = halt(WatchFailure::reorg, why).error(); break;
      case RangeFault::timestamp_decreased:
        out.error = halt(WatchFailure::timestamp_decreased, why).error();
        break;
      case RangeFault::accumulator_mismatch:
        raise("accumulator_mismatch", why, why);
        out.shrink = true;  // a provider capping its answer shows as a mismatch: ask less
        out.error = {WatchFailure::accumulator_mismatch, why, {}};
        break;
      case RangeFault::bad_log:
        raise("bad_log", why, why);
        out.error = {WatchFailure::bad_log, why, {}};
        break;
      default:  // changed: read again
        out.error = {WatchFailure::rpc, why + "; reading again", {}};
    }
    return out;
  }
  // No k identical answers. Different answers are a disagreement; otherwise too few came.
  size_t answers = a.groups.size();
  for (const auto& c : a.claims)
    if (c.error.kind != RangeFault::changed) ++answers;
  if (answers >= 2) {
    std::string why = where + ": no " + std::to_string(k) + " endpoints agree";
    if (!a.groups.empty()) {
      std::vector<std::string> first;
      for (size_t i : a.groups[0].endpoints) first.push_back(endpoints_.label(i));
      why += "; compared with " + join(first, ", ");
    }
    why += ": " + join(dissent);
    raise("rpc_disagreement", "none:" + join(labels, ","), why);
    out.error = {WatchFailure::rpc_disagreement, why, {}};
    return out;
  }
  out.retry_now = out.shrink;
  std::vector<std::string> all = a.failures;
  for (const auto& c : a.claims) all.push_back(c.error.message);
  out.error = {WatchFailure::rpc,
               where + ": " + std::to_string(a.groups.empty() ? 0 : a.groups[0].endpoints.size()) +
                   " of the " + std::to_string(k) + " identical answers needed: " + join(all),
               {}};
  return out;
}

}  // namespace relay::evm
