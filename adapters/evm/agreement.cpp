#include "adapters/evm/agreement.h"

#include <algorithm>

namespace relay::evm {
namespace {

std::string at(const EventPosition& p) {
  return "block " + std::to_string(p.block) + " log " + std::to_string(p.log_index);
}

std::string header_difference(const BlockHeader& a, const BlockHeader& b) {
  std::string at = "block " + std::to_string(a.number) + ": ";
  if (a.number != b.number)
    return "block " + std::to_string(a.number) + " vs block " + std::to_string(b.number);
  if (a.hash != b.hash) return at + "hash " + a.hash.hex() + " vs " + b.hash.hex();
  if (a.parent_hash != b.parent_hash)
    return at + "parent hash " + a.parent_hash.hex() + " vs " + b.parent_hash.hex();
  if (a.timestamp != b.timestamp)
    return at + "timestamp " + std::to_string(a.timestamp) + " vs " + std::to_string(b.timestamp);
  return at + "logsBloom differs";
}

std::string event_difference(const Event& a, const Event& b) {
  if (a.pos != b.pos) return at(a.pos) + " vs " + at(b.pos) + ": different events";
  std::string p = at(a.pos) + ": ";
  if (a.type != b.type) return p + "type " + to_string(a.type) + " vs " + to_string(b.type);
  if (a.amount != b.amount) return p + "amount " + a.amount + " vs " + b.amount;
  if (a.account != b.account) return p + "account " + a.account.hex() + " vs " + b.account.hex();
  if (a.token != b.token) return p + "token " + a.token.hex() + " vs " + b.token.hex();
  if (a.asset != b.asset) return p + "asset " + a.asset + " vs " + b.asset;
  if (a.dest_chain != b.dest_chain) return p + "destination " + a.dest_chain + " vs " + b.dest_chain;
  if (a.recipient != b.recipient)
    return p + "recipient " + a.recipient.hex() + " vs " + b.recipient.hex();
  if (a.withdrawal_id != b.withdrawal_id)
    return p + "withdrawal id " + a.withdrawal_id.hex() + " vs " + b.withdrawal_id.hex();
  if (a.tx != b.tx) return p + "transaction hash differs";
  return p + "differs";
}

}  // namespace

std::string view_difference(const RangeView& a, const RangeView& b) {
  size_t nh = std::min(a.headers.size(), b.headers.size());
  for (size_t i = 0; i < nh; ++i)
    if (!(a.headers[i] == b.headers[i])) return header_difference(a.headers[i], b.headers[i]);
  if (a.headers.size() != b.headers.size())
    return std::to_string(a.headers.size()) + " vs " + std::to_string(b.headers.size()) + " blocks";
  if (a.base != b.base) return "the vault's state before the range differs";
  size_t ne = std::min(a.events.size(), b.events.size());
  for (size_t i = 0; i < ne; ++i)
    if (!(a.events[i] == b.events[i])) {
      // One side lacking an event shows as a shifted position: name the one missing.
      if (a.events[i].pos < b.events[i].pos) return at(a.events[i].pos) + ": an event only the first has";
      if (b.events[i].pos < a.events[i].pos) return at(b.events[i].pos) + ": an event only the second has";
      return event_difference(a.events[i], b.events[i]);
    }
  if (a.events.size() > ne) return at(a.events[ne].pos) + ": an event only the first has";
  if (b.events.size() > ne) return at(b.events[ne].pos) + ": an event only the second has";
  size_t nc = std::min(a.checkpoints.size(), b.checkpoints.size());
  for (size_t i = 0; i < nc; ++i)
    if (a.checkpoints[i] != b.checkpoints[i])
      return "the vault's eventState() at block " + std::to_string(a.checkpoints[i].first) +
             ": count " + std::to_string(a.checkpoints[i].second.count) + " vs " +
             std::to_string(b.checkpoints[i].second.count);
  return "checkpoints at other blocks";
}

}  // namespace relay::evm
