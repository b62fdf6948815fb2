// Watcher: reads one EVM chain's vault events from its finalized blocks (docs/adapters.md).
// Given the chain's genesis entry (vault, finality rule), where to resume and an RpcClient, each
// step() reads the next range of final blocks — at most `max_range` per eth_getLogs — decodes
// the vault's logs into Events in (block, log index) order, and checks that the chain it reads
// hangs together: each range's first block names the previous range's last block (for the
// first range, the resume point's hash when given) as its parent, each log's block hash is the canonical block's at that height, and every finalized
// head seen stays on the chain. A break below finality is a `reorg` alarm, never accepted,
// and the watcher refuses every later step (the node must decide; nothing is guessed).
// Not thread-safe; one per chain. Keeps nothing the node cannot rebuild from the resume point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "adapters/evm/rpc_client.h"
#include "adapters/evm/vault_log.h"
#include "vault/event.h"
#include "vault/genesis.h"

namespace relay::evm {

enum class WatchFailure {
  rpc,          // the node did not answer, or answered something malformed (RpcError)
  wrong_chain,  // eth_chainId is not the genesis chain id
  bad_log,      // a vault log that does not decode, or two logs at one position
  reorg,        // a block at or below finality changed: alarm
};
const char* to_string(WatchFailure f);

struct WatchError {
  WatchFailure kind = WatchFailure::rpc;
  std::string message;  // names the chain, the block (and log) and the reason
};

template <class T>
using WatchResult = std::expected<T, WatchError>;

struct WatchOptions {
  uint64_t max_range = 1000;  // blocks per eth_getLogs (providers cap ranges; ≥ 1)
};

/// What one step read: every vault event of blocks [from, to], all final.
struct WatchRange {
  uint64_t from = 0, to = 0;
  Hash32 to_hash;             // block `to`'s hash (the ChainHead the node acknowledges)
  std::vector<Event> events;  // in (block, log index) order
};

/// Where a watcher starts: the first block to read and, when known, the hash of the block
/// before it (the last one the node stored). With the hash, the first range's parent is checked
/// against it, so a reorg at the resume point itself is an alarm; without it, nothing can be.
struct ResumePoint {
  uint64_t block = 0;
  std::optional<Hash32> parent_hash;  // hash of block − 1 (block 0: its parentHash, zero)
  ResumePoint(uint64_t b = 0, std::optional<Hash32> parent = std::nullopt)  // NOLINT: implicit
      : block(b), parent_hash(parent) {}
};

class Watcher {
 public:
  /// REQUIRES: chain < genesis.chains.size(); genesis and rpc outlive the watcher.
  Watcher(const Genesis& genesis, size_t chain, RpcClient& rpc, ResumePoint from,
          WatchOptions options = {});

  /// eth_chainId must be the genesis chain id: a URL pointing at another chain is refused
  /// before anything is read from it.
  WatchResult<void> check_chain_id();

  /// The highest final block by the chain's rule ("finalized" tag, or latest − N), nullopt
  /// when none is final yet, or when the node answers a head below the one seen before while
  /// still holding that block (a lagging or load-balanced node: the head seen is kept, nothing
  /// is read this time; not holding it at all is an `rpc` error, not sticky). Checked against
  /// the finalized head seen before: the same height with another hash, or that block no longer
  /// on the chain (by hash at its height) is a reorg.
  WatchResult<std::optional<BlockHeader>> finalized_head();

  /// Reads the next range, up to the finalized head and `until` (inclusive) if given; nullopt
  /// when there is nothing final to read yet.
  WatchResult<std::optional<WatchRange>> step(std::optional<uint64_t> until = std::nullopt);

  /// The first block the next step reads.
  uint64_t next_block() const { return next_; }
  /// Where to resume after what was read: next_block() and the hash of the block before it
  /// (the last block read; before any read, the resume point's own hash if it had one).
  ResumePoint resume_point() const {
    return {next_, last_read_ ? std::optional<Hash32>(last_read_->hash) : resume_parent_};
  }

 private:
  WatchResult<BlockHeader> header_at(uint64_t number);
  std::unexpected<WatchError> alarm(WatchFailure kind, const std::string& why);

  const Genesis& genesis_;
  const ChainConfig& chain_;
  RpcClient& rpc_;
  VaultLogDecoder decoder_;
  WatchOptions options_;
  uint64_t next_;
  std::optional<Hash32> resume_parent_;   // ResumePoint::parent_hash, until a range is read
  std::optional<BlockHeader> last_read_;  // the last block of the previous range
  std::optional<BlockHeader> last_head_;  // the highest finalized head seen
  std::optional<WatchError> stopped_;     // a reorg alarm: every later step repeats it
};

}  // namespace relay::evm
