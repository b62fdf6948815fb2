// RpcClient: the Ethereum JSON-RPC methods the watcher needs (eth_chainId, eth_blockNumber,
// eth_getBlockByNumber, eth_getLogs, eth_call of the vault's eventState()) and the publisher
// needs (eth_call, eth_estimateGas, eth_getTransactionCount, eth_getBalance, eth_feeHistory,
// eth_sendRawTransaction, eth_getTransactionReceipt; rpc_client_tx.cpp), over a Transport.
// Every answer is checked for shape (JSON-RPC 2.0 envelope, our request id, hex quantities that
// fit, 32-byte hashes, a 256-byte logsBloom) and a failure is an RpcError naming the endpoint,
// the method and the reason: a dead, slow or lying node is an error value, never a crash.
// Many headers or calls at once go as JSON-RPC 2.0 batches (an array of requests in one POST)
// of at most `max_batch` calls; a node that refuses batches gets one request per call from then
// on. Thread-safety: as its Transport (one per thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapters/evm/bloom.h"
#include "adapters/evm/http_transport.h"
#include "vault/amount.h"
#include "vault/types.h"

namespace relay::evm {

/// The parts of a block header the watcher reads: its place in the chain, its time and the
/// bloom of its logs.
struct BlockHeader {
  uint64_t number = 0;
  Hash32 hash;
  Hash32 parent_hash;
  uint64_t timestamp = 0;  // unix seconds
  Bloom logs_bloom{};
  bool operator==(const BlockHeader&) const = default;
};

/// One log as eth_getLogs returns it (data and topics as raw bytes).
struct Log {
  Address address;
  std::vector<Hash32> topics;
  std::vector<uint8_t> data;
  uint64_t block_number = 0;
  Hash32 block_hash;
  TxHash tx_hash;
  uint32_t log_index = 0;
  bool removed = false;  // a log of a block reorged away (never expected below finality)
};

/// The vault's `eventState()` (docs/node.md "The vault contract"): how many relay events it
/// emitted up to and including a block, and the running keccak accumulator over them.
struct EventState {
  uint64_t count = 0;
  Hash32 accumulator;
  bool operator==(const EventState&) const = default;
};

/// A block by tag ("finalized", "latest") or number.
struct BlockRef {
  std::optional<uint64_t> number;
  std::string tag;  // used when number is empty
  static BlockRef at(uint64_t n) { return {n, {}}; }
  static BlockRef named(std::string t) { return {std::nullopt, std::move(t)}; }
  std::string to_param() const;  // "0x1a" or the tag
};

/// eth_getLogs over [from, to] for one contract. topic0: any of these (empty: no topic filter —
/// what the watcher asks, so the answer does not depend on how a node reads topic lists).
struct LogFilter {
  Address address;
  std::vector<Hash32> topic0;
  uint64_t from_block = 0, to_block = 0;
};

/// A message call: eth_call's and eth_estimateGas's transaction object.
struct CallRequest {
  std::optional<Address> from;
  Address to;
  std::vector<uint8_t> data;
};

/// eth_feeHistory's answer: for `blocks` blocks up to the newest, oldest first.
struct FeeHistory {
  uint64_t oldest_block = 0;
  /// One per block, then the base fee of the block after the newest (the next block's): so
  /// blocks + 1 entries, wei per gas.
  std::vector<Amount> base_fee_per_gas;
  /// Per block, the priority fee paid at each requested percentile of gas (wei per gas).
  std::vector<std::vector<Amount>> reward;
};

/// The parts of a transaction receipt the publisher follows.
struct Receipt {
  TxHash tx_hash;
  uint64_t block_number = 0;
  Hash32 block_hash;
  bool success = false;  // status 0x1 (EIP-658); 0x0 is a reverted transaction
  uint64_t gas_used = 0;
  Amount effective_gas_price;  // wei per gas actually paid
};

class RpcClient {
 public:
  /// `max_batch` ≥ 1: calls per JSON-RPC batch (providers cap batches; 1 sends no batches).
  explicit RpcClient(std::unique_ptr<Transport> transport, size_t max_batch = 50)
      : transport_(std::move(transport)), max_batch_(max_batch ? max_batch : 1) {}

  RpcResult<uint64_t> chain_id();
  RpcResult<uint64_t> block_number();
  /// nullopt when the node has no such block (a null result: e.g. a number above the head, or
  /// "finalized" on a node that has not finalized anything).
  RpcResult<std::optional<BlockHeader>> block(const BlockRef& ref);
  /// The headers of blocks from..to (REQUIRES from <= to), in order; nullopt for a block the
  /// node does not have. Batched.
  RpcResult<std::vector<std::optional<BlockHeader>>> blocks(uint64_t from, uint64_t to);
  RpcResult<std::vector<Log>> logs(const LogFilter& filter);
  /// eth_call of `eventState()` on `vault` at each block, named by hash (EIP-1898
  /// `{"blockHash": ...}`, so the state read is that block's even if the chain moved). An empty
  /// answer ("0x": no code at that address in that block, i.e. before the vault's deployment)
  /// is the zero state; anything but 64 bytes with a count below 2^64 is `malformed`. Batched.
  RpcResult<std::vector<EventState>> event_states(const Address& vault,
                                                  std::span<const Hash32> blocks);

  /// eth_call at `at`: the returned bytes. A revert is an rpc_error whose `data` holds the
  /// revert data (when the node gives it).
  RpcResult<std::vector<uint8_t>> call(const CallRequest& c, const BlockRef& at);
  /// eth_estimateGas on the "latest" state (named: anvil's default is "pending", where a
  /// transaction still in the pool counts); a revert as for call().
  RpcResult<uint64_t> estimate_gas(const CallRequest& c);
  /// eth_getTransactionCount: the next nonce of `account` at `at` ("pending" counts the pool).
  RpcResult<uint64_t> transaction_count(const Address& account, const BlockRef& at);
  /// eth_getBalance in wei; an answer of 2^128 wei or more is malformed.
  RpcResult<Amount> balance(const Address& account, const BlockRef& at);
  /// eth_feeHistory over the `blocks` latest blocks, with the rewards at `percentiles`
  /// (ascending, 0..100). Checked: blocks + 1 base fees (fewer blocks when the chain is
  /// shorter), one reward row per block of percentiles.size() entries.
  RpcResult<FeeHistory> fee_history(uint64_t blocks, const std::vector<double>& percentiles);
  /// eth_sendRawTransaction: the hash the node gives the transaction.
  RpcResult<TxHash> send_raw_transaction(std::span<const uint8_t> raw);
  /// eth_getTransactionReceipt; nullopt while the transaction is not in a block.
  RpcResult<std::optional<Receipt>> transaction_receipt(const TxHash& tx);

  /// Any method, for tests and node-specific calls (anvil_mine): the raw `result` as JSON text.
  RpcResult<std::string> call_raw(const std::string& method, const std::string& params_json);

  /// The transport's redacted label (no credentials), for messages.
  const std::string& endpoint() const { return transport_->endpoint(); }
  /// False once the node refused a batch (calls then go one by one).
  bool batches() const { return batches_; }

 private:
  std::unique_ptr<Transport> transport_;
  size_t max_batch_;
  bool batches_ = true;
  uint64_t next_id_ = 1;
};

}  // namespace relay::evm
