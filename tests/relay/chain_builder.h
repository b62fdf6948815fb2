// ChainBuilder: a chain as an adapter sees it, for the node's tests: consecutive blocks with
// deterministic hashes, timestamps the test picks, deposits in them, and each header's event
// count and accumulator folded exactly as the vault does (proofs/event_accumulator.h).
// Header-only; test code only.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "proofs/event_accumulator.h"
#include "vault/genesis.h"
#include "vault/sha256.h"
#include "wire/messages.h"

namespace relay::test {

class ChainBuilder {
 public:
  ChainBuilder(const Genesis& genesis, size_t chain, uint64_t first_height = 0, uint8_t fork = 0)
      : genesis_(genesis), chain_(chain), next_(first_height), fork_(fork) {}

  /// The next block, at `timestamp`, holding one deposit of `amount` (native coin) per entry.
  msg::Blocks block(uint64_t timestamp, const std::vector<std::string>& deposits = {}) {
    msg::Blocks m;
    m.seq = ++seq_;
    add(m, timestamp, deposits);
    return m;
  }
  /// Several blocks in one message, one per timestamp, without events.
  msg::Blocks blocks(const std::vector<uint64_t>& timestamps) {
    msg::Blocks m;
    m.seq = ++seq_;
    for (uint64_t t : timestamps) add(m, t, {});
    return m;
  }
  /// The next block at `timestamp` holding `events`, whose chain and position are set here.
  msg::Blocks block_of(uint64_t timestamp, std::vector<Event> events) {
    msg::Blocks m;
    m.seq = ++seq_;
    add_events(m, timestamp, std::move(events));
    return m;
  }
  /// Appends one block to `m`.
  void add(msg::Blocks& m, uint64_t timestamp, const std::vector<std::string>& deposits) {
    std::vector<Event> events;
    for (const std::string& amount : deposits) {
      Event e;
      e.type = EventType::deposit;
      e.account.bytes[31] = uint8_t(1 + next_ % 7);
      e.amount = amount;  // the native coin: token zero
      events.push_back(e);
    }
    add_events(m, timestamp, std::move(events));
  }
  void add_events(msg::Blocks& m, uint64_t timestamp, std::vector<Event> events) {
    msg::BlockHeader h;
    h.height = next_++;
    h.hash = hash_of(h.height);
    h.parent_hash = h.height == 0 ? Hash32{} : hash_of(h.height - 1);
    h.timestamp = timestamp;
    uint32_t log = 0;
    for (Event& e : events) {
      e.chain = genesis_.chains[chain_].name;
      e.pos = {h.height, log++};
      if (auto r = accumulate(acc_, e, genesis_); !r) throw std::runtime_error(r.error().message);
      m.events.push_back(e);
    }
    h.event_count = acc_.count;
    h.accumulator = acc_.value;
    m.headers.push_back(h);
  }
  Hash32 hash_of(uint64_t height) const {
    Sha256 s;
    s.update_be32(uint32_t(chain_)).update_be32(uint32_t(height >> 32)).update_be32(uint32_t(height)).update_be32(fork_);
    return s.finish();
  }
  void reset_seq() { seq_ = 0; }
  uint64_t next_height() const { return next_; }

 private:
  const Genesis& genesis_;
  size_t chain_;
  uint64_t next_;
  uint8_t fork_;
  uint64_t seq_ = 0;
  EventAccumulator acc_;
};

}  // namespace relay::test
