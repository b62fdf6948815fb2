// Watcher: follows one EVM chain's vault from its final blocks (docs/adapters.md). Each step()
// reads the next range of final blocks — every header and every vault event in it, with the
// vault's event count and accumulator after each block (the shape of proto `Blocks`) — from a
// chain's n JSON-RPC endpoints of which k must give identical answers, and only then returns
// it. The adapter's loop calls step() for as long as it runs: a range when there is one,
// nothing when caught up (ask again after a poll interval), an error to wait out (retry_in) or,
// for the halting kinds, to stop on.
//
// What it checks (RangeReader, then here): the agreed final head (the "finalized" tag or
// latest − N, per endpoint; the lowest of the first k answers is used); each range's headers,
// logs and checkpoint states agreed by k endpoints, asked in order until k identical answers
// are in; the range's first block naming the last block emitted as its parent (else a `reorg`,
// which halts); the vault's eventState() equal to the fold of the events at the range's end and
// at every epoch's cut. An answer that differs from the agreed one raises `rpc_disagreement`
// naming the endpoint and the difference; no k identical answers emit nothing. A range that is
// too large for an endpoint is halved, and doubled again while answers come back cheap.
//
// Alarms (proto AdapterAlarm) are queued for the loop: take_alarms(). Time comes from
// WatchOptions::clock; step() itself never sleeps. Not thread-safe; one per chain. Keeps
// nothing the node cannot rebuild from the resume point.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/evm/endpoints.h"
#include "adapters/evm/range_reader.h"
#include "adapters/evm/rpc_client.h"
#include "vault/event.h"
#include "vault/genesis.h"

namespace relay::evm {

enum class WatchFailure {
  rpc,                   // temporary: endpoints failed, lag, lack logs, or the chain moved while
                         // read; fewer than k usable answers
  rpc_disagreement,      // temporary: endpoints answered differently, fewer than k agree (alarm)
  accumulator_mismatch,  // temporary: the vault's eventState() is not the fold of the events
                         // k endpoints agree on (alarm): nothing of the range is emitted
  bad_log,               // temporary: k endpoints agree on a log the vault cannot emit (alarm)
  reorg,                 // halts: a block already emitted changed (alarm)
  timestamp_decreased,   // halts: a final block is older than its parent (alarm)
  wrong_chain,           // halts: an endpoint serves another chain id (alarm)
};
const char* to_string(WatchFailure f);
/// Whether the watcher stops for good on `f`: every later step repeats the error.
bool halts(WatchFailure f);

struct WatchError {
  WatchFailure kind = WatchFailure::rpc;
  std::string message;  // names the chain, the endpoints, the blocks and the values
  std::chrono::milliseconds retry_in{0};  // temporary kinds: wait this long before stepping again
};

template <class T>
using WatchResult = std::expected<T, WatchError>;

/// An alarm for the node (proto AdapterAlarm): kind is the WatchFailure name ("reorg",
/// "rpc_disagreement", "accumulator_mismatch", "rpc", "bad_log", "timestamp_decreased",
/// "wrong_chain"); a later alarm of the same kind with `cleared` says the condition is over.
struct Alarm {
  std::string kind;
  std::string message;
  bool cleared = false;
};

/// A final block as proto BlockHeader carries it.
struct FinalBlock {
  uint64_t height = 0;
  Hash32 hash;
  Hash32 parent_hash;
  uint64_t timestamp = 0;  // unix seconds
  uint64_t event_count = 0;  // the vault's count and accumulator after this block
  Hash32 accumulator;
  bool operator==(const FinalBlock&) const = default;
};

/// What one step read (proto Blocks without its seq): consecutive final blocks, the first
/// following the resume point or the previous Blocks, and every vault event in them in
/// (block, log index) order.
struct Blocks {
  std::vector<FinalBlock> headers;  // at least one
  std::vector<Event> events;
  uint64_t from() const { return headers.front().height; }
  uint64_t to() const { return headers.back().height; }
};

/// Catching-up progress, for logs and metrics.
struct Progress {
  uint64_t next_block = 0;               // the first block not yet read
  std::optional<uint64_t> final_head;    // the last final head k endpoints agreed on
  uint64_t blocks_read = 0, events_read = 0;  // since the watcher started
  double blocks_per_second = 0, events_per_second = 0;  // averaged since the first step
  std::optional<std::chrono::seconds> eta;  // until next_block passes final_head, at that rate
  uint64_t range = 0;                    // blocks the next step asks for at most
};

struct WatchOptions {
  uint64_t max_range = 1000;   // blocks per step at most (≥ 1); halved when too large
  size_t agree = 1;            // k: identical answers needed (1 ≤ k ≤ endpoints)
  size_t max_batch = 50;       // JSON-RPC calls per batch
  unsigned bloom_rereads = 2;  // eth_getLogs again for blocks whose bloom holds the vault
  uint64_t cheap_logs = 1000;  // a range with at most this many events lets the next one double
  BackoffOptions backoff{};    // per endpoint, and between failed steps
  unsigned rpc_alarm_after = 3;  // failed steps in a row before the `rpc` alarm
  std::optional<EpochSchedule> epochs{};  // cuts to check at (default: the genesis epochs)
  Clock clock{};               // default: std::chrono::steady_clock
  uint64_t seed = 0;           // for the backoff jitter (0: std::random_device)
};

/// Where a watcher starts: the first block to read, the hash of the block before it (the last
/// one the node stored) and the vault's state after that block. Without the hash the first
/// block's parent is not checked; without the state it is read from the vault (eth_call at the
/// block before, agreed like the rest), or zero from block 0.
struct ResumePoint {
  uint64_t block = 0;
  std::optional<Hash32> parent_hash;  // hash of block − 1
  std::optional<EventState> state;    // the vault's count and accumulator after block − 1
  ResumePoint(uint64_t b = 0, std::optional<Hash32> parent = std::nullopt,  // NOLINT: implicit
              std::optional<EventState> s = std::nullopt)
      : block(b), parent_hash(parent), state(s) {}
};

class Watcher {
 public:
  /// REQUIRES: chain < genesis.chains.size(); genesis outlives the watcher; at least one
  /// endpoint; 1 ≤ options.agree ≤ endpoints.size().
  Watcher(const Genesis& genesis, size_t chain, std::vector<std::unique_ptr<Transport>> endpoints,
          ResumePoint from, WatchOptions options = {});
  ~Watcher();

  /// Asks every endpoint not yet checked for eth_chainId: one serving another chain halts the
  /// watcher (`wrong_chain`); one that does not answer is an `rpc` error (it is checked again
  /// before it is first used). step() does the same lazily.
  WatchResult<void> check_chain_id();

  /// Reads the next range of final blocks, up to the agreed final head and `until` (inclusive)
  /// if given; nullopt when there is nothing final to read yet (caught up).
  WatchResult<std::optional<Blocks>> step(std::optional<uint64_t> until = std::nullopt);

  /// The alarms raised and cleared since the last call, oldest first.
  std::vector<Alarm> take_alarms();

  Progress progress() const;
  std::vector<EndpointHealth> health() const;
  bool halted() const { return halted_.has_value(); }

  /// The first block the next step reads.
  uint64_t next_block() const { return next_; }
  /// Where to resume after what was read: next_block(), the hash of the block before it and the
  /// vault's state after it (before any read: the resume point given).
  ResumePoint resume_point() const { return {next_, parent_, state_}; }

 private:
  // An endpoint's final head: nullopt when nothing is final there yet.
  using Head = std::optional<uint64_t>;
  struct RangeOutcome {
    std::optional<RangeView> view;  // what k endpoints answered identically
    bool dissent = false;           // an endpoint answered otherwise (alarm raised)
    bool shrink = false;            // ask for fewer blocks (too large, logs missing)
    bool retry_now = false;         // ... in this same step
    WatchError error;               // why there is no view
  };
  struct Answers;  // watcher_agree.cpp
  Answers ask_range(const RangeRequest& request);
  WatchResult<void> ensure_chain(size_t endpoint);
  std::expected<Head, RangeError> endpoint_head(size_t endpoint);
  WatchResult<std::optional<uint64_t>> agreed_head();
  RangeOutcome agreed_range(uint64_t from, uint64_t to);
  Blocks accept(RangeView view);
  std::unexpected<WatchError> halt(WatchFailure kind, const std::string& why);
  std::unexpected<WatchError> failed_step(WatchFailure kind, const std::string& why);
  void raise(const std::string& kind, const std::string& key, const std::string& message);
  void clear(const std::string& kind);

  const Genesis& genesis_;
  const ChainConfig& chain_;
  WatchOptions options_;
  Endpoints endpoints_;
  RangeReader reader_;
  Backoff step_backoff_;

  uint64_t next_;
  std::optional<Hash32> parent_;          // hash of block next_ − 1 (the last emitted)
  std::optional<uint64_t> parent_time_;   // its timestamp, once read
  std::optional<EventState> state_;       // the vault's state after it
  std::optional<uint64_t> final_head_;    // the last agreed final head
  std::vector<size_t> head_order_;        // endpoints that gave this step's head, in order
  std::map<size_t, uint64_t> heads_;      // their heads
  uint64_t range_;                        // blocks the next step asks for at most
  uint64_t range_ceiling_;                // below the last size refused as too large
  uint64_t since_refused_ = 0;            // ranges accepted since that refusal
  uint32_t failed_steps_ = 0;             // failed steps in a row
  std::optional<WatchError> halted_;
  std::vector<Alarm> alarms_;
  std::map<std::string, std::string> active_;  // alarm kind → key of the raised instance
  bool dissent_this_step_ = false;             // an rpc_disagreement raised in this step
  std::optional<std::chrono::steady_clock::time_point> started_;
  uint64_t blocks_read_ = 0, events_read_ = 0;
};

}  // namespace relay::evm
