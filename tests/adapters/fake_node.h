// Scripted JSON-RPC nodes for the adapter's tests, behind the real Transport interface:
// CannedTransport answers every request with fixed bytes (malformed answers); FakeChain
// answers eth_chainId, eth_blockNumber, eth_getBlockByNumber and eth_getLogs from an
// in-memory chain the test can reorg. Test code only.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/evm/http_transport.h"
#include "adapters/evm/rpc_client.h"
#include "tests/adapters/abi_log.h"

namespace relay::evm::testing {

class CannedTransport final : public Transport {
 public:
  explicit CannedTransport(std::string body) : body_(std::move(body)) {}
  RpcResult<std::string> post(const std::string&) override { return body_; }
  const std::string& endpoint() const override { return endpoint_; }

 private:
  std::string body_, endpoint_ = "canned";
};

/// Blocks 0..head with hashes derived from (number, fork), each naming the previous as parent;
/// logs by block. `reorg_from(n)` gives blocks n.. new hashes (a new fork), as a node would.
class FakeChain {
 public:
  uint64_t chain_id = 31337;
  std::optional<uint64_t> finalized;  // answer to "finalized" (null when unset)
  std::vector<Log> logs;
  int calls = 0;
  /// A lagging node: answers as if its head were this block (blockNumber, latest, nothing above).
  std::optional<uint64_t> served_head;
  /// Runs when an eth_getLogs request arrives, before it is answered (e.g. a reorg mid-step).
  std::function<void(FakeChain&)> on_get_logs;

  explicit FakeChain(uint64_t head) { extend(head); }

  void extend(uint64_t head) {
    while (blocks_.size() <= head) {
      uint64_t n = blocks_.size();
      BlockHeader h{n, hash(n, 0), n ? blocks_[n - 1].hash : Hash32{}};
      blocks_.push_back(h);
    }
  }
  uint64_t head() const { return blocks_.size() - 1; }
  const BlockHeader& block(uint64_t n) const { return blocks_[n]; }

  void reorg_from(uint64_t n) {
    ++fork_;
    for (uint64_t i = n; i < blocks_.size(); ++i) {
      blocks_[i].hash = hash(i, fork_);
      if (i) blocks_[i].parent_hash = blocks_[i - 1].hash;
    }
    for (auto& l : logs)
      if (l.block_number >= n) l.block_hash = blocks_[l.block_number].hash;
  }

  /// A node that contradicts itself: block n names another parent, nothing else changes.
  void corrupt_parent(uint64_t n) { blocks_[n].parent_hash = word(0xbad); }

  /// A log placed in block `b` of the current chain.
  void add(Log l) {
    l.block_hash = blocks_.at(l.block_number).hash;
    logs.push_back(std::move(l));
  }

  std::string answer(const std::string& body) {
    ++calls;
    using json = nlohmann::json;
    json req = json::parse(body);
    json resp = {{"jsonrpc", "2.0"}, {"id", req["id"]}};
    std::string m = req["method"];
    const json& p = req["params"];
    auto q = [](uint64_t n) {
      char buf[32];
      snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(n));
      return std::string(buf);
    };
    auto num = [](const json& v) { return std::stoull(v.get<std::string>().substr(2), nullptr, 16); };
    if (m == "eth_chainId") {
      resp["result"] = q(chain_id);
    } else if (m == "eth_blockNumber") {
      resp["result"] = q(served());
    } else if (m == "eth_getBlockByNumber") {
      std::string tag = p[0];
      std::optional<uint64_t> n;
      if (tag == "latest") n = served();
      else if (tag == "finalized") n = finalized;
      else n = num(p[0]);
      if (!n || *n > served()) {
        resp["result"] = nullptr;
      } else {
        const auto& b = blocks_[*n];
        resp["result"] = {{"number", q(b.number)}, {"hash", b.hash.hex()},
                          {"parentHash", b.parent_hash.hex()}};
      }
    } else if (m == "eth_getLogs") {
      if (on_get_logs) on_get_logs(*this);
      uint64_t from = num(p[0]["fromBlock"]), to = num(p[0]["toBlock"]);
      json out = json::array();
      for (const auto& l : logs) {
        if (l.block_number < from || l.block_number > to) continue;
        json topics = json::array();
        for (const auto& t : l.topics) topics.push_back(t.hex());
        out.push_back({{"address", l.address.hex()}, {"topics", topics},
                       {"data", to_hex(l.data)}, {"blockNumber", q(l.block_number)},
                       {"blockHash", l.block_hash.hex()}, {"transactionHash", l.tx_hash.hex()},
                       {"logIndex", q(l.log_index)}, {"removed", l.removed}});
      }
      resp["result"] = out;
      max_logs_range = std::max(max_logs_range, to - from + 1);
    } else {
      resp["error"] = {{"code", -32601}, {"message", "method not found"}};
    }
    return resp.dump();
  }
  uint64_t max_logs_range = 0;
  uint64_t served() const { return served_head ? std::min(*served_head, head()) : head(); }

 private:
  static Hash32 hash(uint64_t n, uint64_t fork) {
    Hash32 h = word(uint128_t(n) + 1);
    h.bytes[0] = 0xb0;
    h.bytes[1] = uint8_t(fork);
    return h;
  }
  std::vector<BlockHeader> blocks_;
  uint64_t fork_ = 0;
};

/// A Transport over a FakeChain the test keeps (and changes between steps).
class FakeChainTransport final : public Transport {
 public:
  explicit FakeChainTransport(FakeChain& chain) : chain_(chain) {}
  RpcResult<std::string> post(const std::string& body) override { return chain_.answer(body); }
  const std::string& endpoint() const override { return endpoint_; }

 private:
  FakeChain& chain_;
  std::string endpoint_ = "fake";
};

}  // namespace relay::evm::testing
