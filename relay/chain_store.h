// ChainStore: the final blocks and vault events the adapters delivered, per chain, as the node
// keeps them (docs/node.md "Storage of the node"):
//   N/h/ + be32 chain + be64 height          -> block record (below)
//   N/e/ + be32 chain + be64 block + be32 log -> the event's ChainEvent bytes (wire/wire.h)
//   N/t/ + be32 chain                        -> be64 height ‖ block record of the chain's tip
// Block record: hash (32) ‖ parent hash (32) ‖ be64 timestamp ‖ be64 event count ‖
// accumulator (32): 112 bytes. append() writes one message's blocks, its events and the new tip
// in one synced batch: after a crash the tip and everything up to it are there, or none of it.
// It checks nothing about the blocks (relay/blocks_check.h does, before); reading back refuses
// records that are not of this format. The store and genesis outlive it. Reads are
// thread-safe; append has one caller at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "relay/cut.h"
#include "storage/kv_store.h"
#include "vault/event.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::node {

class ChainStore {
 public:
  ChainStore(storage::KvStore& store, const Genesis& genesis) : store_(store), genesis_(genesis) {}

  /// The last stored block of `chain` (genesis index), nullopt before any.
  Result<std::optional<BlockRecord>> tip(uint32_t chain) const;
  /// The stored block of `chain` at `height`, if any.
  Result<std::optional<BlockRecord>> block(uint32_t chain, uint64_t height) const;
  /// Up to `max` stored blocks of `chain` from height `from` on, in height order.
  Result<std::vector<BlockRecord>> blocks(uint32_t chain, uint64_t from, size_t max) const;
  /// The stored events of `chain` in blocks [first, last], in (block, log index) order.
  Result<std::vector<Event>> events(uint32_t chain, uint64_t first, uint64_t last) const;

  /// Stores consecutive blocks (non-empty) and their events, and makes the last block the tip,
  /// in one synced write. REQUIRES: checked by check_blocks against tip(chain).
  Result<void> append(uint32_t chain, std::span<const BlockRecord> blocks,
                      std::span<const Event> events);

 private:
  storage::KvStore& store_;
  const Genesis& genesis_;
};

}  // namespace relay::node
