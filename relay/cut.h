// CutEngine: where each epoch cuts each chain (docs/node.md "Epochs and the cut"). Epoch e ends
// at chain time T_e = start_time + (e + 1) · seconds. A chain's cut for e is the longest prefix
// of its final blocks, extending its cut for e − 1, whose blocks all have a timestamp ≤ T_e; it
// is decided once the block after that prefix is known (its timestamp is then > T_e), and does
// not move when the first block after the previous cut is already past T_e. Epoch e is decided
// when every chain's cut is; until then it waits, and decide() names the chains it waits for.
// Timestamps must not decrease along a chain: a block older than its parent is refused (the
// caller raises the alarm) and the chain stops there, so epochs stall and never go wrong.
// Deterministic: no clock, no I/O, no thread; the same blocks give the same cuts whatever
// order and chunks they arrive in. Not thread-safe: one owner (the node's epoch loop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "vault/types.h"

namespace relay::node {

/// A final block with the vault's event count and accumulator after it (docs/node.md; the wire's
/// BlockHeader). Heights and timestamps are the chain's (timestamps in unix seconds).
struct BlockRecord {
  uint64_t height = 0;
  Hash32 hash;
  Hash32 parent_hash;
  uint64_t timestamp = 0;
  uint64_t event_count = 0;
  Hash32 accumulator;
  bool operator==(const BlockRecord&) const = default;
};

/// A chain's cut: the last block of the prefix, or nullopt for the empty cut (no block yet; in
/// a commitment height, hash, timestamp and accumulator zero, count 0).
using Cut = std::optional<BlockRecord>;

enum class CutErrorKind {
  kOutOfOrder,          // not the next height, or its parent is not the previous block's hash
  kBeforeStart,         // a first block below the chain's start_block
  kTimestampDecreased,  // older than its parent: the alarm (docs/node.md)
  kUnknownChain,        // a chain index out of range
};

struct CutError {
  CutErrorKind kind;
  std::string message;  // names the chain index, heights, hashes or timestamps
};

class CutEngine {
 public:
  /// Where a chain stands: the previous epoch's cut (nullopt before any) and its start_block.
  struct ChainStart {
    uint64_t start_block = 0;
    Cut cut;
  };
  /// Epoch `next_epoch` is the first to decide; `chains` in genesis order. REQUIRES: seconds ≥ 1.
  CutEngine(uint64_t start_time, uint64_t seconds, uint64_t next_epoch,
            std::vector<ChainStart> chains);

  /// T_e, in unix seconds (UINT64_MAX when it does not fit: such an epoch never decides).
  uint64_t end_time(uint64_t epoch) const;
  uint64_t next_epoch() const { return next_epoch_; }
  size_t chain_count() const { return chains_.size(); }
  /// The cut of the last decided epoch on `chain` (the start's cut before any).
  const Cut& cut(size_t chain) const { return chains_[chain].cut; }
  /// The last block known on `chain` (its cut's when none is held after it).
  Cut last_block(size_t chain) const;

  /// Appends final blocks of `chain`, in height order: the first follows the last block known
  /// (height + 1 and parent hash; with nothing known, height start_block and any parent).
  /// All or nothing: a refused call takes none of its blocks.
  std::expected<void, CutError> add(size_t chain, std::span<const BlockRecord> blocks);

  /// One chain's part of a decided epoch: its blocks are those after `previous` up to `cut`.
  struct ChainStep {
    Cut previous;
    Cut cut;
    bool moved() const { return cut != previous; }
  };
  struct Decided {
    uint64_t epoch = 0;
    uint64_t end_time = 0;
    std::vector<ChainStep> chains;  // genesis order
  };
  /// Why epoch `epoch` is not decided: each chain in `chains` (genesis order) needs a final
  /// block after its last known one, whose timestamp is ≤ end_time.
  struct Waiting {
    uint64_t epoch = 0;
    uint64_t end_time = 0;
    std::vector<size_t> chains;
  };
  /// Epoch next_epoch()'s cuts if decided, else what it waits for. Changes nothing.
  std::variant<Decided, Waiting> decide() const;
  /// Makes a decided epoch's cuts the previous ones and drops the blocks up to them.
  /// REQUIRES: decide() returned `d` and nothing was added since.
  void advance(const Decided& d);

 private:
  struct Chain {
    uint64_t start_block = 0;
    Cut cut;
    std::deque<BlockRecord> blocks;  // after the cut, consecutive, timestamps non-decreasing
  };
  uint64_t start_time_, seconds_, next_epoch_;
  std::vector<Chain> chains_;
};

}  // namespace relay::node
