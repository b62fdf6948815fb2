// The watcher tests' fixture: the two-chain test genesis, scripted nodes (fake_node.h) and a
// clock the test moves, so backoffs and Retry-After are waited out without sleeping.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "adapters/evm/watcher.h"
#include "tests/adapters/fake_node.h"
#include "tests/adapters/test_genesis.h"

namespace relay::evm::testing {

class WatcherFixture : public ::testing::Test {
 protected:
  Genesis genesis = test_genesis();
  FakeChain chain{20};
  Address vault = genesis.chains[0].vault;
  Hash32 account = word(0xacc);
  std::chrono::steady_clock::time_point now{};  // the watchers' clock
  std::vector<FakeChainTransport*> transports;  // of the last watcher made, in order

  void deposit_at(uint64_t block, uint32_t index, uint128_t amount, FakeChain* on = nullptr) {
    (on ? *on : chain).add(deposited(vault, block, index, addr(0), account, addr(0xbb), word(amount)));
  }

  WatchOptions options(WatchOptions o = {}) {
    o.clock = [this] { return now; };
    o.seed = 7;
    return o;
  }

  /// A watcher of genesis chain `index` over the given nodes, in that order.
  std::unique_ptr<Watcher> watcher_over(std::vector<FakeChain*> nodes, size_t index,
                                        ResumePoint from, WatchOptions o = {}) {
    std::vector<std::unique_ptr<Transport>> ts;
    transports.clear();
    for (size_t i = 0; i < nodes.size(); ++i) {
      auto t = std::make_unique<FakeChainTransport>(*nodes[i], "http://node" + std::to_string(i + 1));
      transports.push_back(t.get());
      ts.push_back(std::move(t));
    }
    return std::make_unique<Watcher>(genesis, index, std::move(ts), from, options(o));
  }
  std::unique_ptr<Watcher> watcher(ResumePoint from = 0, WatchOptions o = {}, size_t index = 0) {
    return watcher_over({&chain}, index, from, o);
  }

  /// Every block and event up to the final head (and `until`), step by step; the first error
  /// stops it.
  struct Drained {
    std::vector<FinalBlock> headers;
    std::vector<Event> events;
  };
  WatchResult<Drained> drain(Watcher& w, std::optional<uint64_t> until = {}) {
    Drained out;
    for (;;) {
      auto r = w.step(until);
      if (!r) return std::unexpected(r.error());
      if (!*r) return out;
      out.headers.insert(out.headers.end(), (*r)->headers.begin(), (*r)->headers.end());
      out.events.insert(out.events.end(), (*r)->events.begin(), (*r)->events.end());
    }
  }

  /// Steps until caught up, waiting out every temporary error on the test clock (at most
  /// `tries` failed steps); what was read, and the errors seen.
  struct Patient {
    Drained read;
    std::vector<WatchError> errors;
  };
  Patient drain_patiently(Watcher& w, int tries = 20) {
    Patient p;
    for (;;) {
      auto r = w.step();
      if (!r) {
        p.errors.push_back(r.error());
        if (halts(r.error().kind) || int(p.errors.size()) >= tries) return p;
        now += r.error().retry_in;
        continue;
      }
      if (!*r) return p;
      p.read.headers.insert(p.read.headers.end(), (*r)->headers.begin(), (*r)->headers.end());
      p.read.events.insert(p.read.events.end(), (*r)->events.begin(), (*r)->events.end());
    }
  }

  static std::vector<EventPosition> positions(const std::vector<Event>& events) {
    std::vector<EventPosition> out;
    for (const auto& e : events) out.push_back(e.pos);
    return out;
  }
  static bool has_alarm(const std::vector<Alarm>& alarms, const std::string& kind,
                        const std::string& text, bool cleared = false) {
    for (const auto& a : alarms)
      if (a.kind == kind && a.cleared == cleared && a.message.find(text) != std::string::npos)
        return true;
    return false;
  }
};

}  // namespace relay::evm::testing
