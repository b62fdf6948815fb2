#include "adapters/evm/watcher.h"

#include <algorithm>
#include <map>

namespace relay::evm {

const char* to_string(WatchFailure f) {
  switch (f) {
    case WatchFailure::rpc: return "rpc";
    case WatchFailure::wrong_chain: return "wrong_chain";
    case WatchFailure::bad_log: return "bad_log";
    case WatchFailure::reorg: return "reorg";
  }
  return "unknown";
}

Watcher::Watcher(const Genesis& genesis, size_t chain, RpcClient& rpc, ResumePoint from,
                 WatchOptions options)
    : genesis_(genesis),
      chain_(genesis.chains[chain]),
      rpc_(rpc),
      decoder_(genesis, chain),
      options_(options),
      next_(from.block),
      resume_parent_(from.parent_hash) {
  if (options_.max_range == 0) options_.max_range = 1;
}

std::unexpected<WatchError> Watcher::alarm(WatchFailure kind, const std::string& why) {
  WatchError e{kind, chain_.name + ": " + why};
  if (kind == WatchFailure::reorg) stopped_ = e;
  return std::unexpected(e);
}

namespace {
std::unexpected<WatchError> rpc_failed(const std::string& chain, const RpcError& e) {
  return std::unexpected(WatchError{WatchFailure::rpc, chain + ": " + e.message});
}
}  // namespace

WatchResult<void> Watcher::check_chain_id() {
  auto id = rpc_.chain_id();
  if (!id) return rpc_failed(chain_.name, id.error());
  if (*id != chain_.chain_id.value)
    return alarm(WatchFailure::wrong_chain,
                 rpc_.endpoint() + " serves chain id " + std::to_string(*id) +
                     ", the genesis says " + std::to_string(chain_.chain_id.value));
  return {};
}

WatchResult<BlockHeader> Watcher::header_at(uint64_t number) {
  auto h = rpc_.block(BlockRef::at(number));
  if (!h) return rpc_failed(chain_.name, h.error());
  if (!*h)
    return std::unexpected(WatchError{
        WatchFailure::rpc, chain_.name + ": " + rpc_.endpoint() + " has no block " +
                               std::to_string(number) + " though it is at or below its head"});
  return **h;
}

WatchResult<std::optional<BlockHeader>> Watcher::finalized_head() {
  if (stopped_) return std::unexpected(*stopped_);
  std::optional<BlockHeader> head;
  if (chain_.finality.finalized_tag) {
    auto h = rpc_.block(BlockRef::named("finalized"));
    if (!h) return rpc_failed(chain_.name, h.error());
    head = *h;
  } else {
    auto latest = rpc_.block_number();
    if (!latest) return rpc_failed(chain_.name, latest.error());
    if (*latest < chain_.finality.confirmations) return std::optional<BlockHeader>{};
    auto h = header_at(*latest - chain_.finality.confirmations);
    if (!h) return std::unexpected(h.error());
    head = *h;
  }
  if (!head) return head;
  if (last_head_) {
    const BlockHeader& seen = *last_head_;
    if (head->number < seen.number) {
      // A lagging node (or another one behind a load balancer) answers an older head. Only a
      // change of the block already seen final is a reorg; a lower head alone makes no progress.
      auto again = rpc_.block(BlockRef::at(seen.number));
      if (!again) return rpc_failed(chain_.name, again.error());
      if (!*again)
        return std::unexpected(WatchError{
            WatchFailure::rpc, chain_.name + ": " + rpc_.endpoint() + " has no block " +
                                   std::to_string(seen.number) + ", seen final before (its " +
                                   "finalized head went back to " +
                                   std::to_string(head->number) + ": a lagging node?)"});
      if ((*again)->hash != seen.hash)
        return alarm(WatchFailure::reorg, "the finalized head went back from block " +
                                              std::to_string(seen.number) + " to " +
                                              std::to_string(head->number) + " and block " +
                                              std::to_string(seen.number) + " was " +
                                              seen.hash.hex() + ", is now " +
                                              (*again)->hash.hex());
      return std::optional<BlockHeader>{};  // keep the head seen; nothing new is final
    }
    if (head->number == seen.number && head->hash != seen.hash)
      return alarm(WatchFailure::reorg, "finalized block " + std::to_string(seen.number) +
                                            " changed from " + seen.hash.hex() + " to " +
                                            head->hash.hex());
    if (head->number > seen.number) {
      auto again = header_at(seen.number);
      if (!again) return std::unexpected(again.error());
      if (again->hash != seen.hash)
        return alarm(WatchFailure::reorg, "finalized block " + std::to_string(seen.number) +
                                              " was " + seen.hash.hex() + ", is now " +
                                              again->hash.hex());
    }
  }
  last_head_ = head;
  return head;
}

WatchResult<std::optional<WatchRange>> Watcher::step(std::optional<uint64_t> until) {
  if (stopped_) return std::unexpected(*stopped_);
  auto head = finalized_head();
  if (!head) return std::unexpected(head.error());
  if (!*head) return std::optional<WatchRange>{};
  uint64_t limit = until ? std::min((*head)->number, *until) : (*head)->number;
  if (next_ > limit) return std::optional<WatchRange>{};
  const uint64_t from = next_;
  const uint64_t to = limit - from >= options_.max_range ? from + options_.max_range - 1 : limit;

  // Headers of the blocks this range is checked against, by number.
  std::map<uint64_t, BlockHeader> headers;
  auto header = [&](uint64_t n) -> WatchResult<BlockHeader> {
    if (auto it = headers.find(n); it != headers.end()) return it->second;
    if (n == (*head)->number) return headers[n] = **head;
    auto h = header_at(n);
    if (!h) return std::unexpected(h.error());
    return headers[n] = *h;
  };
  auto first = header(from);
  if (!first) return std::unexpected(first.error());
  if (last_read_ && last_read_->number + 1 == from && first->parent_hash != last_read_->hash)
    return alarm(WatchFailure::reorg, "block " + std::to_string(from) + "'s parent is " +
                                          first->parent_hash.hex() + " but block " +
                                          std::to_string(last_read_->number) + " was read as " +
                                          last_read_->hash.hex());
  if (!last_read_ && resume_parent_ && first->parent_hash != *resume_parent_)
    return alarm(WatchFailure::reorg, "block " + std::to_string(from) + "'s parent is " +
                                          first->parent_hash.hex() + " but the resume point " +
                                          "has block " + (from ? std::to_string(from - 1) : "-1") +
                                          " as " + resume_parent_->hex());
  auto last = header(to);
  if (!last) return std::unexpected(last.error());

  auto logs = rpc_.logs({chain_.vault, decoder_.topic0s(), from, to});
  if (!logs) return rpc_failed(chain_.name, logs.error());
  WatchRange out{from, to, last->hash, {}};
  out.events.reserve(logs->size());
  for (const Log& log : *logs) {
    std::string at = "block " + std::to_string(log.block_number) + " log " +
                     std::to_string(log.log_index) + ": ";
    if (log.block_number < from || log.block_number > to)
      return alarm(WatchFailure::bad_log, at + "outside the range asked for [" +
                                              std::to_string(from) + ", " + std::to_string(to) + "]");
    auto canonical = header(log.block_number);
    if (!canonical) return std::unexpected(canonical.error());
    if (canonical->hash != log.block_hash)
      return alarm(WatchFailure::reorg, at + "in block " + log.block_hash.hex() +
                                            ", but the final block at that height is " +
                                            canonical->hash.hex());
    auto event = decoder_.decode(log);
    if (!event) return alarm(WatchFailure::bad_log, event.error().message);
    out.events.push_back(std::move(*event));
  }
  std::sort(out.events.begin(), out.events.end(),
            [](const Event& a, const Event& b) { return a.pos < b.pos; });
  for (size_t i = 1; i < out.events.size(); ++i)
    if (out.events[i].pos == out.events[i - 1].pos)
      return alarm(WatchFailure::bad_log, "block " + std::to_string(out.events[i].pos.block) +
                                              " log " + std::to_string(out.events[i].pos.log_index) +
                                              ": two logs at one position");
  // The headers were read before eth_getLogs: a reorg in between could hand us the logs of
  // another fork (or none of a block's) with nothing above to notice. Block `to` read again with
  // the same hash means the range read is the chain that `last` heads.
  auto after = header_at(to);
  if (!after) return std::unexpected(after.error());
  if (after->hash != last->hash)
    return alarm(WatchFailure::reorg, "block " + std::to_string(to) + " changed from " +
                                          last->hash.hex() + " to " + after->hash.hex() +
                                          " while its range's logs were read");
  last_read_ = *after;
  next_ = to + 1;
  return std::optional<WatchRange>(std::move(out));
}

}  // namespace relay::evm
