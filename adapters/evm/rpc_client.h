// RpcClient: the Ethereum JSON-RPC methods the watcher needs (eth_chainId, eth_blockNumber,
// eth_getBlockByNumber, eth_getLogs), over a Transport. Every answer is checked for shape
// (JSON-RPC 2.0 envelope, our request id, hex quantities that fit, 32-byte hashes) and a
// failure is an RpcError naming the endpoint, the method and the reason: a dead, slow or lying
// node is an error value, never a crash. Thread-safety: as its Transport (one per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/evm/http_transport.h"
#include "vault/types.h"

namespace relay::evm {

/// The parts of a block header the watcher checks continuity with.
struct BlockHeader {
  uint64_t number = 0;
  Hash32 hash;
  Hash32 parent_hash;
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

/// A block by tag ("finalized", "latest") or number.
struct BlockRef {
  std::optional<uint64_t> number;
  std::string tag;  // used when number is empty
  static BlockRef at(uint64_t n) { return {n, {}}; }
  static BlockRef named(std::string t) { return {std::nullopt, std::move(t)}; }
  std::string to_param() const;  // "0x1a" or the tag
};

/// eth_getLogs over [from, to] for one contract; topics[0] is a list of accepted topic0s.
struct LogFilter {
  Address address;
  std::vector<Hash32> topic0;  // any of these (empty: any)
  uint64_t from_block = 0, to_block = 0;
};

class RpcClient {
 public:
  explicit RpcClient(std::unique_ptr<Transport> transport) : transport_(std::move(transport)) {}

  RpcResult<uint64_t> chain_id();
  RpcResult<uint64_t> block_number();
  /// nullopt when the node has no such block (a null result: e.g. a number above the head, or
  /// "finalized" on a node that has not finalized anything).
  RpcResult<std::optional<BlockHeader>> block(const BlockRef& ref);
  RpcResult<std::vector<Log>> logs(const LogFilter& filter);

  /// Any method, for tests and node-specific calls (anvil_mine): the raw `result` as JSON text.
  RpcResult<std::string> call_raw(const std::string& method, const std::string& params_json);

  /// The transport's redacted label (no credentials), for messages.
  const std::string& endpoint() const { return transport_->endpoint(); }

 private:
  std::unique_ptr<Transport> transport_;
  uint64_t next_id_ = 1;
};

}  // namespace relay::evm
