#include "adapters/evm/range_reader.h"

#include <algorithm>
#include <set>

#include "adapters/evm/event_fold.h"
#include "adapters/evm/rpc_errors.h"

namespace relay::evm {

bool ends_epoch(const EpochSchedule& s, uint64_t ts, uint64_t next_ts) {
  // The first e ≥ 0 with t ≤ T_e: 0 up to T_0, else ⌈(t − start) / seconds⌉ − 1.
  auto epoch_of = [&](uint64_t t) -> uint64_t {
    if (t <= s.start_time) return 0;
    return (t - s.start_time - 1) / std::max<uint64_t>(s.seconds, 1);
  };
  return epoch_of(next_ts) > epoch_of(ts);
}

// Endpoints agree on what the chain commits to: the headers' place, hash and time, the events
// and the vault's states. Not the logsBloom: providers of one chain serve different ones (zkSync
// Era's all-zero blooms at some, Polygon blocks with a zero bloom and logs), and the bloom is only
// a hint here — the accumulator is the proof.
bool RangeView::operator==(const RangeView& o) const {
  auto same_header = [](const BlockHeader& a, const BlockHeader& b) {
    return a.number == b.number && a.hash == b.hash && a.parent_hash == b.parent_hash &&
           a.timestamp == b.timestamp;
  };
  return std::equal(headers.begin(), headers.end(), o.headers.begin(), o.headers.end(), same_header) &&
         events == o.events && states == o.states && checkpoints == o.checkpoints && base == o.base;
}

const char* to_string(RangeFault f) {
  switch (f) {
    case RangeFault::unavailable: return "unavailable";
    case RangeFault::behind: return "behind";
    case RangeFault::too_large: return "too_large";
    case RangeFault::missing_logs: return "missing_logs";
    case RangeFault::changed: return "changed";
    case RangeFault::reorg: return "reorg";
    case RangeFault::bad_log: return "bad_log";
    case RangeFault::accumulator_mismatch: return "accumulator_mismatch";
    case RangeFault::timestamp_decreased: return "timestamp_decreased";
  }
  return "unknown";
}

namespace {

std::unexpected<RangeError> fault(RangeFault kind, std::string message) {
  return std::unexpected(RangeError{kind, std::move(message), std::nullopt});
}

std::unexpected<RangeError> rpc_fault(const RpcError& e, bool range_call = false) {
  RangeFault kind = range_call && is_range_too_large(e) ? RangeFault::too_large
                                                          : RangeFault::unavailable;
  return std::unexpected(RangeError{kind, e.message, e});
}

std::string state_text(const EventState& s) {
  return "count " + std::to_string(s.count) + " accumulator " + s.accumulator.hex();
}

}  // namespace

struct RangeReader::Logs {
  std::vector<Log> logs;
  std::vector<uint64_t> unproved;  // bloom holds the vault, no log came back
};

RangeReader::RangeReader(const Genesis& genesis, size_t chain, ReaderOptions options)
    : genesis_(genesis), chain_(genesis.chains[chain]), decoder_(genesis, chain), options_(options) {}

std::expected<std::vector<BlockHeader>, RangeError> RangeReader::headers(
    RpcClient& rpc, const RangeRequest& r) const {
  const uint64_t first = (!r.base && r.from > 0) ? r.from - 1 : r.from;
  auto got = rpc.blocks(first, r.to);
  if (!got) return rpc_fault(got.error());
  std::vector<BlockHeader> out;
  for (size_t i = 0; i < got->size(); ++i) {
    const uint64_t n = first + i;
    if (!(*got)[i])
      return fault(RangeFault::behind, rpc.endpoint() + " has no block " + std::to_string(n) +
                                           " yet (final up to " + std::to_string(r.to) +
                                           " by the endpoints asked)");
    const BlockHeader& h = *(*got)[i];
    if (!out.empty()) {
      const BlockHeader& prev = out.back();
      if (h.parent_hash != prev.hash)
        return fault(RangeFault::changed, rpc.endpoint() + ": block " + std::to_string(n) +
                                              " names parent " + h.parent_hash.hex() + ", block " +
                                              std::to_string(n - 1) + " is " + prev.hash.hex() +
                                              " (the chain changed while it was read)");
      if (h.timestamp < prev.timestamp)
        return fault(RangeFault::timestamp_decreased,
                     rpc.endpoint() + ": block " + std::to_string(n) + " has timestamp " +
                         std::to_string(h.timestamp) + ", older than its parent's " +
                         std::to_string(prev.timestamp));
    }
    out.push_back(h);
  }
  const BlockHeader& head = out[r.from - first];
  if (r.parent && head.parent_hash != *r.parent)
    return fault(RangeFault::reorg, rpc.endpoint() + ": block " + std::to_string(r.from) +
                                        "'s parent is " + head.parent_hash.hex() + " but block " +
                                        (r.from ? std::to_string(r.from - 1) : "-1") +
                                        " was read as " + r.parent->hex());
  if (r.parent_timestamp && head.timestamp < *r.parent_timestamp)
    return fault(RangeFault::timestamp_decreased,
                 rpc.endpoint() + ": block " + std::to_string(r.from) + " has timestamp " +
                     std::to_string(head.timestamp) + ", older than its parent's " +
                     std::to_string(*r.parent_timestamp));
  return out;
}

std::expected<RangeReader::Logs, RangeError> RangeReader::logs(
    RpcClient& rpc, const RangeRequest& r, const std::vector<BlockHeader>& hs) const {
  const BlockHeader* h0 = &hs[hs.size() - 1 - (r.to - r.from)];
  auto header = [&](uint64_t n) -> const BlockHeader& { return h0[n - r.from]; };
  // One eth_getLogs for the vault over [from, to], checked against the headers.
  auto ask = [&](uint64_t from) -> std::expected<std::vector<Log>, RangeError> {
    auto got = rpc.logs({chain_.vault, {}, from, r.to});
    if (!got) return rpc_fault(got.error(), /*range_call=*/true);
    for (const Log& l : *got) {
      std::string at = rpc.endpoint() + ": block " + std::to_string(l.block_number) + " log " +
                       std::to_string(l.log_index) + ": ";
      if (l.address != chain_.vault)
        return fault(RangeFault::bad_log, at + "emitted by " + l.address.hex() +
                                              ", not the vault asked for");
      if (l.block_number < from || l.block_number > r.to)
        return fault(RangeFault::bad_log, at + "outside the range asked for [" +
                                              std::to_string(from) + ", " + std::to_string(r.to) + "]");
      if (l.block_hash != header(l.block_number).hash)
        return fault(RangeFault::changed, at + "in block " + l.block_hash.hex() +
                                              ", but the block read at that height is " +
                                              header(l.block_number).hash.hex());
    }
    return std::move(*got);
  };
  auto first = ask(r.from);
  if (!first) return std::unexpected(first.error());
  Logs out{std::move(*first), {}};
  for (unsigned attempt = 0;; ++attempt) {
    std::set<uint64_t> with_logs;
    for (const Log& l : out.logs) with_logs.insert(l.block_number);
    out.unproved.clear();
    for (uint64_t n = r.from; n <= r.to; ++n)
      if (!with_logs.count(n) && bloom_may_contain(header(n).logs_bloom, chain_.vault))
        out.unproved.push_back(n);
    if (out.unproved.empty() || attempt == options_.bloom_rereads) return out;
    // Read again from the last block that had logs before the first one missing (a capped
    // answer can stop inside a block), keeping what came before it.
    uint64_t from = r.from;
    if (auto it = with_logs.lower_bound(out.unproved.front()); it != with_logs.begin())
      from = *std::prev(it);
    auto again = ask(from);
    if (!again) return std::unexpected(again.error());
    std::erase_if(out.logs, [&](const Log& l) { return l.block_number >= from; });
    out.logs.insert(out.logs.end(), again->begin(), again->end());
  }
}

std::expected<void, RangeError> RangeReader::decode(RpcClient& rpc, const Logs& logs,
                                                    const std::vector<BlockHeader>& hs,
                                                    RangeView& view) const {
  for (const Log& log : logs.logs) {
    if (!decoder_.is_relay_event(log)) continue;  // another event of the vault: not the relay's
    auto e = decoder_.decode(log);
    if (!e) return fault(RangeFault::bad_log, rpc.endpoint() + ": " + e.error().message);
    view.events.push_back(std::move(*e));
  }
  std::sort(view.events.begin(), view.events.end(),
            [](const Event& a, const Event& b) { return a.pos < b.pos; });
  for (size_t i = 1; i < view.events.size(); ++i)
    if (view.events[i].pos == view.events[i - 1].pos)
      return fault(RangeFault::bad_log, rpc.endpoint() + ": block " +
                                            std::to_string(view.events[i].pos.block) + " log " +
                                            std::to_string(view.events[i].pos.log_index) +
                                            ": two logs at one position");
  // Per block, the state after it: the base folded with every event up to it.
  EventState state = view.base.value_or(EventState{});
  size_t e = 0;
  for (const BlockHeader& h : hs) {
    for (; e < view.events.size() && view.events[e].pos.block == h.number; ++e)
      if (auto r = fold_event(state, view.events[e], genesis_); !r)
        return fault(RangeFault::bad_log, rpc.endpoint() + ": " + r.error().message);
    view.states.push_back(state);
  }
  return {};
}

std::expected<void, RangeError> RangeReader::check_states(RpcClient& rpc, const RangeRequest& r,
                                                          const std::vector<uint64_t>& unproved,
                                                          RangeView& view) const {
  const auto& hs = view.headers;
  std::set<uint64_t> at(unproved.begin(), unproved.end());
  at.insert(r.to);
  if (options_.epochs)
    for (size_t i = 0; i + 1 < hs.size(); ++i)
      if (ends_epoch(*options_.epochs, hs[i].timestamp, hs[i + 1].timestamp))
        at.insert(hs[i].number);
  std::vector<Hash32> hashes;
  for (uint64_t n : at) hashes.push_back(hs[n - r.from].hash);
  auto got = rpc.event_states(chain_.vault, hashes);
  if (!got) return rpc_fault(got.error());
  size_t i = 0;
  for (uint64_t n : at) {
    const EventState& vault = (*got)[i++];
    const EventState& folded = view.states[n - r.from];
    view.checkpoints.emplace_back(n, vault);
    if (vault == folded) continue;
    std::string what = rpc.endpoint() + ": block " + std::to_string(n) + ": the vault's " +
                       "eventState() is " + state_text(vault) + ", the events read fold to " +
                       state_text(folded);
    if (std::binary_search(unproved.begin(), unproved.end(), n))
      return fault(RangeFault::missing_logs,
                   what + " (its logsBloom holds the vault and no log came back after " +
                       std::to_string(options_.bloom_rereads) + " re-reads)");
    return fault(RangeFault::accumulator_mismatch, what);
  }
  return {};
}

std::expected<RangeView, RangeError> RangeReader::read(RpcClient& rpc,
                                                       const RangeRequest& r) const {
  auto hs = headers(rpc, r);
  if (!hs) return std::unexpected(hs.error());
  RangeView view;
  if (r.base) {
    view.base = r.base;
  } else if (r.from > 0) {
    const Hash32 before = hs->front().hash;  // block from − 1
    auto got = rpc.event_states(chain_.vault, std::span(&before, 1));
    if (!got) return rpc_fault(got.error());
    view.base = got->front();
    hs->erase(hs->begin());
  }
  view.headers = *hs;
  auto logs = this->logs(rpc, r, view.headers);
  if (!logs) return std::unexpected(logs.error());
  if (auto d = decode(rpc, *logs, view.headers, view); !d) return std::unexpected(d.error());
  if (auto c = check_states(rpc, r, logs->unproved, view); !c) return std::unexpected(c.error());
  // The headers were read before eth_getLogs: block `to` read again with the same hash means
  // the logs and states read are those of the chain the headers describe.
  auto after = rpc.block(BlockRef::at(r.to));
  if (!after) return rpc_fault(after.error());
  if (!*after || (*after)->hash != view.headers.back().hash)
    return fault(RangeFault::changed,
                 rpc.endpoint() + ": block " + std::to_string(r.to) + " changed from " +
                     view.headers.back().hash.hex() + " to " +
                     (*after ? (*after)->hash.hex() : std::string("nothing")) +
                     " while its range's logs were read");
  return view;
}

}  // namespace relay::evm
