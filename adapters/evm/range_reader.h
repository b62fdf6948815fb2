// RangeReader: what one endpoint says about a range of final blocks — every header, the vault's
// relay events, and the vault's count and accumulator after each block — read and checked so
// that a missing log is never taken for an empty range (docs/adapters.md "Checks"):
//   - logs are asked for by the vault's address alone (no topic filter) and every log of the
//     vault that is not a relay event is ignored after decoding;
//   - a block whose logsBloom holds the vault's address but for which no vault log came back is
//     read again (a node serving blocks before it indexed their logs, a provider capping its
//     answer silently), up to `bloom_rereads` times; one still without logs must be proved empty
//     by the vault's eventState() there, else the range is refused (`missing_logs`);
//   - the vault's eventState() is read (eth_call at the block hash) at the range's last block,
//     at every block that ends an epoch (timestamp ≤ T_e < its successor's) and at the blocks
//     above, and must equal the fold of the events from the request's base state.
// The reader only reads: whether to believe the answer (k endpoints agreeing) is the watcher's.
// Immutable after construction, thread-safe (the RpcClient passed is not).
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/evm/rpc_client.h"
#include "adapters/evm/vault_log.h"
#include "vault/event.h"
#include "vault/genesis.h"

namespace relay::evm {

/// Epoch e ends at chain time T_e = start_time + (e + 1) · seconds (docs/node.md "Epochs").
struct EpochSchedule {
  uint64_t start_time = 0;
  uint64_t seconds = 1;  // ≥ 1
};

/// Whether a block with timestamp `ts` followed by one with `next_ts` is an epoch's cut: some
/// T_e with ts ≤ T_e < next_ts.
bool ends_epoch(const EpochSchedule& s, uint64_t ts, uint64_t next_ts);

/// One endpoint's account of blocks [from, to]; equal views (all but the headers' logsBloom)
/// are what endpoints agree on.
struct RangeView {
  std::vector<BlockHeader> headers;  // blocks from..to, each the parent of the next
  std::vector<Event> events;         // relay events, in (block, log index) order
  std::vector<EventState> states;    // per header: the vault's count and accumulator after it
  std::vector<std::pair<uint64_t, EventState>> checkpoints;  // (block, eventState() read there)
  std::optional<EventState> base;    // eventState() after block from − 1, if it had to be read
  bool operator==(const RangeView&) const;
};

enum class RangeFault {
  unavailable,           // an RPC call failed (`rpc` holds it)
  behind,                // the endpoint does not have a block of the range yet
  too_large,             // the endpoint refuses a range this large (rpc_errors.h)
  missing_logs,          // blocks whose bloom holds the vault gave no log, after re-reads
  changed,               // the chain changed while the range was read: read it again
  reorg,                 // the range's first block does not follow the last block emitted
  bad_log,               // a vault log the vault cannot emit, two logs at one position
  accumulator_mismatch,  // eventState() at a checkpoint is not the fold of the events
  timestamp_decreased,   // a block older than its parent
};
const char* to_string(RangeFault f);

struct RangeError {
  RangeFault kind = RangeFault::unavailable;
  std::string message;  // names the endpoint, the block (and log) and the values
  std::optional<RpcError> rpc;
};

struct RangeRequest {
  uint64_t from = 0, to = 0;                 // REQUIRES from <= to
  std::optional<Hash32> parent;              // hash block `from` must name as parent
  std::optional<uint64_t> parent_timestamp;  // timestamp of block from − 1, when known
  std::optional<EventState> base;            // vault state after block from − 1 (nullopt: read
                                             // it; from = 0: zero)
};

struct ReaderOptions {
  unsigned bloom_rereads = 2;             // eth_getLogs again for blocks the bloom says hold logs
  std::optional<EpochSchedule> epochs{};  // none: the range's last block is the only checkpoint
};

class RangeReader {
 public:
  /// REQUIRES: chain < genesis.chains.size(); genesis outlives the reader.
  RangeReader(const Genesis& genesis, size_t chain, ReaderOptions options);

  std::expected<RangeView, RangeError> read(RpcClient& rpc, const RangeRequest& request) const;

 private:
  struct Logs;
  std::expected<std::vector<BlockHeader>, RangeError> headers(RpcClient& rpc,
                                                              const RangeRequest& r) const;
  std::expected<Logs, RangeError> logs(RpcClient& rpc, const RangeRequest& r,
                                       const std::vector<BlockHeader>& headers) const;
  std::expected<void, RangeError> decode(RpcClient& rpc, const Logs& logs,
                                         const std::vector<BlockHeader>& headers,
                                         RangeView& view) const;
  std::expected<void, RangeError> check_states(RpcClient& rpc, const RangeRequest& r,
                                               const std::vector<uint64_t>& unproved,
                                               RangeView& view) const;

  const Genesis& genesis_;
  const ChainConfig& chain_;
  VaultLogDecoder decoder_;
  ReaderOptions options_;
};

}  // namespace relay::evm
