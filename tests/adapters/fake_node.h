// Scripted JSON-RPC nodes for the adapter's tests, behind the real Transport interface:
// CannedTransport answers every request with fixed bytes (malformed answers); FakeChain
// answers eth_chainId, eth_blockNumber, eth_getBlockByNumber (number, hash, parentHash,
// timestamp, logsBloom), eth_getLogs, eth_call of the vault's eventState() at a block hash
// (EIP-1898) and JSON-RPC batches, from an in-memory chain the test can reorg — and can be told
// to misbehave the ways real nodes and providers do (knobs below). Its logsBloom and eventState
// come from every log of the chain, whatever eth_getLogs is told to hide, as on a real chain.
// The accumulator is computed here from the logs' raw topics and data (docs/node.md "The vault
// contract"), independently of the watcher's fold of decoded events. Test code only.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/evm/bloom.h"
#include "adapters/evm/http_transport.h"
#include "adapters/evm/rpc_client.h"
#include "proofs/keccak.h"
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

/// The vault's accumulator step for one raw log (docs/node.md's records), or nothing for a log
/// that is not a relay event.
inline void fake_fold(EventState& s, const Log& l) {
  if (l.topics.empty()) return;
  std::vector<uint8_t> rec(s.accumulator.bytes.begin(), s.accumulator.bytes.end());
  auto put = [&](const uint8_t* p, size_t n) { rec.insert(rec.end(), p, p + n); };
  const Hash32& t0 = l.topics[0];
  if (t0 == kDeposited) {
    rec.push_back(1);
    put(l.topics[1].bytes.data() + 12, 20);
    put(l.topics[2].bytes.data(), 32);
    put(l.data.data(), 32);
  } else if (t0 == kWithdrawalRequested) {
    size_t len = l.data[127];
    rec.push_back(2);
    put(l.topics[1].bytes.data(), 32);
    put(l.data.data() + 48, 16);
    put(l.topics[2].bytes.data() + 24, 8);
    put(l.data.data() + 64 + 12, 20);
    rec.push_back(uint8_t(len));
    put(l.data.data() + 128, len);
  } else if (t0 == kWithdrawalClaimed) {
    rec.push_back(3);
    put(l.topics[1].bytes.data(), 32);
  } else {
    return;
  }
  s.accumulator = keccak256(rec);
  ++s.count;
}

/// Blocks 0..head with hashes derived from (number, fork), each naming the previous as parent,
/// timestamps 1000 + 12·n unless set; logs by block. `reorg_from(n)` gives blocks n.. new
/// hashes (a new fork), as a node would.
class FakeChain {
 public:
  using json = nlohmann::json;
  uint64_t chain_id = 31337;
  std::optional<uint64_t> finalized;  // answer to "finalized" (null when unset)
  std::vector<Log> logs;              // the chain's logs (what blooms and eventState reflect)
  int calls = 0;                      // HTTP requests answered (a batch is one)
  std::map<std::string, int> method_calls;  // JSON-RPC calls by method (in batches too)
  /// A lagging node: answers as if its head were this block (blockNumber, latest, nothing above).
  std::optional<uint64_t> served_head;
  /// Runs when an eth_getLogs request arrives, before it is answered (e.g. a reorg mid-step).
  std::function<void(FakeChain&)> on_get_logs;

  // --- Misbehaviour, as real nodes and providers show it ---
  /// "finalized" answered with a JSON-RPC error (a young chain on some clients).
  bool finalized_is_error = false;
  /// At most this many logs per eth_getLogs answer, the rest dropped silently (a provider cap).
  std::optional<size_t> cap_logs;
  /// eth_getLogs leaves out logs of blocks above this height for the next N answers (a node
  /// serving blocks before it indexed their logs); N counts down per eth_getLogs.
  std::optional<uint64_t> unindexed_above;
  int unindexed_answers = 0;
  /// eth_getLogs with a topic filter answers nothing (a node that mishandles topic lists).
  bool topics_break = false;
  /// An eth_getLogs answer with more logs than this is the error Infura/geth give.
  std::optional<size_t> max_results;
  /// An eth_getLogs over more blocks than this is the error Base/Erigon give.
  std::optional<uint64_t> max_block_range;
  /// A batch is answered with one JSON-RPC error (a gateway without batch support).
  bool no_batches = false;
  /// Logs eth_getLogs never returns (a node hiding them), by (block, log index).
  std::set<std::pair<uint64_t, uint32_t>> hidden;
  /// Values added to a block's logsBloom without any log holding them (a bloom's false
  /// positive: other values of the block set the same bits).
  std::map<uint64_t, std::vector<std::vector<uint8_t>>> bloom_extra;
  /// Every logsBloom all zeros, logs or not (zkSync Era at some providers, some Polygon blocks).
  bool zero_blooms = false;
  /// Changes each answer's JSON before it is sent (a lying node): method, params, response.
  std::function<void(const std::string&, const json&, json&)> tamper;

  uint64_t max_logs_range = 0;  // the widest eth_getLogs range asked
  std::vector<std::pair<uint64_t, uint64_t>> logs_ranges;  // every eth_getLogs range asked

  explicit FakeChain(uint64_t head) { extend(head); }

  void extend(uint64_t head) {
    while (blocks_.size() <= head) {
      uint64_t n = blocks_.size();
      BlockHeader h;
      h.number = n;
      h.hash = hash(n, fork_);
      h.parent_hash = n ? blocks_[n - 1].hash : Hash32{};
      h.timestamp = n ? blocks_[n - 1].timestamp + 12 : 1000;
      blocks_.push_back(h);
    }
  }
  uint64_t head() const { return blocks_.size() - 1; }
  const BlockHeader& block(uint64_t n) const { return blocks_[n]; }
  void set_timestamp(uint64_t n, uint64_t t) { blocks_[n].timestamp = t; }

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

  /// The vault's eventState() after block n: every relay log of `vault` up to it, folded.
  EventState state_at(const Address& vault, uint64_t n) const {
    std::vector<Log> mine;
    for (const auto& l : logs)
      if (l.address == vault && l.block_number <= n) mine.push_back(l);
    std::sort(mine.begin(), mine.end(), [](const Log& a, const Log& b) {
      return std::pair(a.block_number, a.log_index) < std::pair(b.block_number, b.log_index);
    });
    EventState s;
    for (const auto& l : mine) fake_fold(s, l);
    return s;
  }

  Bloom bloom_of(uint64_t n) const {
    Bloom b{};
    if (zero_blooms) return b;
    if (auto it = bloom_extra.find(n); it != bloom_extra.end())
      for (const auto& v : it->second) bloom_add(b, v);
    for (const auto& l : logs) {
      if (l.block_number != n) continue;
      bloom_add(b, l.address.span());
      for (const auto& t : l.topics) bloom_add(b, t.span());
    }
    return b;
  }

  std::string answer(const std::string& body) {
    ++calls;
    json req = json::parse(body);
    if (req.is_array()) {
      if (no_batches)
        return json({{"jsonrpc", "2.0"}, {"id", nullptr},
                     {"error", {{"code", -32600}, {"message", "batch requests are not supported"}}}})
            .dump();
      json out = json::array();
      for (auto it = req.rbegin(); it != req.rend(); ++it) out.push_back(one(*it));  // any order
      return out.dump();
    }
    return one(req).dump();
  }

  uint64_t served() const { return served_head ? std::min(*served_head, head()) : head(); }

 private:
  static std::string q(uint64_t n) {
    char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(n));
    return buf;
  }
  static uint64_t num(const json& v) {
    return std::stoull(v.get<std::string>().substr(2), nullptr, 16);
  }

  json block_json(uint64_t n) const {
    const auto& b = blocks_[n];
    Bloom bloom = bloom_of(n);
    return {{"number", q(b.number)},       {"hash", b.hash.hex()},
            {"parentHash", b.parent_hash.hex()}, {"timestamp", q(b.timestamp)},
            {"logsBloom", to_hex(bloom)}};
  }

  json get_logs(const json& p, json& resp) {
    if (on_get_logs) on_get_logs(*this);
    uint64_t from = num(p[0]["fromBlock"]), to = num(p[0]["toBlock"]);
    logs_ranges.emplace_back(from, to);
    max_logs_range = std::max(max_logs_range, to - from + 1);
    if (max_block_range && to - from + 1 > *max_block_range) {
      resp["error"] = {{"code", -32000}, {"message", "block range too large"}};
      return nullptr;
    }
    if (topics_break && p[0].contains("topics")) return json::array();
    auto address = Address::from_hex(p[0]["address"].get<std::string>());
    std::vector<const Log*> found;
    for (const auto& l : logs) {
      if (l.block_number < from || l.block_number > to || l.address != *address) continue;
      if (hidden.count({l.block_number, l.log_index})) continue;
      if (unindexed_above && unindexed_answers > 0 && l.block_number > *unindexed_above) continue;
      found.push_back(&l);
    }
    if (unindexed_answers > 0) --unindexed_answers;
    std::sort(found.begin(), found.end(), [](const Log* a, const Log* b) {
      return std::pair(a->block_number, a->log_index) < std::pair(b->block_number, b->log_index);
    });
    if (max_results && found.size() > *max_results) {
      resp["error"] = {{"code", -32005},
                       {"message", "query returned more than " + std::to_string(*max_results) +
                                       " results"}};
      return nullptr;
    }
    if (cap_logs && found.size() > *cap_logs) found.resize(*cap_logs);
    json out = json::array();
    for (const Log* l : found) {
      json topics = json::array();
      for (const auto& t : l->topics) topics.push_back(t.hex());
      out.push_back({{"address", l->address.hex()}, {"topics", topics},
                     {"data", to_hex(l->data)}, {"blockNumber", q(l->block_number)},
                     {"blockHash", l->block_hash.hex()}, {"transactionHash", l->tx_hash.hex()},
                     {"logIndex", q(l->log_index)}, {"removed", l->removed}});
    }
    return out;
  }

  json event_state(const json& p, json& resp) {
    auto vault = Address::from_hex(p[0]["to"].get<std::string>());
    auto at = Hash32::from_hex(p[1]["blockHash"].get<std::string>());
    // Any block ever made, also of forks since replaced (nodes keep recent ones' state).
    for (uint64_t f = 0; f <= fork_; ++f)
      for (uint64_t n = 0; n <= served(); ++n)
        if (hash(n, f) == *at) {
          EventState s = state_at(*vault, n);
          std::vector<uint8_t> out(64, 0);
          for (int i = 0; i < 8; ++i) out[size_t(31 - i)] = uint8_t(s.count >> (8 * i));
          std::copy(s.accumulator.bytes.begin(), s.accumulator.bytes.end(), out.begin() + 32);
          return to_hex(out);
        }
    resp["error"] = {{"code", -32000}, {"message", "header not found"}};
    return nullptr;
  }

  json one(const json& req) {
    json resp = {{"jsonrpc", "2.0"}, {"id", req["id"]}};
    std::string m = req["method"];
    ++method_calls[m];
    const json& p = req["params"];
    json result;
    if (m == "eth_chainId") {
      result = q(chain_id);
    } else if (m == "eth_blockNumber") {
      result = q(served());
    } else if (m == "eth_getBlockByNumber") {
      std::string tag = p[0];
      std::optional<uint64_t> n;
      if (tag == "latest") n = served();
      else if (tag == "finalized") n = finalized;
      else n = num(p[0]);
      if (tag == "finalized" && finalized_is_error) {
        resp["error"] = {{"code", -39001}, {"message", "Unknown block"}};
      } else {
        result = (!n || *n > served()) ? json(nullptr) : block_json(*n);
      }
    } else if (m == "eth_getLogs") {
      result = get_logs(p, resp);
    } else if (m == "eth_call") {
      result = event_state(p, resp);
    } else {
      resp["error"] = {{"code", -32601}, {"message", "method not found"}};
    }
    if (!resp.contains("error")) resp["result"] = result;
    if (tamper) tamper(m, p, resp);
    return resp;
  }

  static Hash32 hash(uint64_t n, uint64_t fork) {
    Hash32 h = word(uint128_t(n) + 1);
    h.bytes[0] = 0xb0;
    h.bytes[1] = uint8_t(fork);
    return h;
  }
  std::vector<BlockHeader> blocks_;
  uint64_t fork_ = 0;
};

/// A Transport over a FakeChain the test keeps (and changes between steps). `failures` are
/// given, in order, instead of answers (a dead or rate-limiting endpoint); `down` fails every
/// request as a refused connection.
class FakeChainTransport final : public Transport {
 public:
  explicit FakeChainTransport(FakeChain& chain, std::string endpoint = "fake")
      : chain_(chain), endpoint_(std::move(endpoint)) {}
  RpcResult<std::string> post(const std::string& body) override {
    ++posts;
    if (down) return std::unexpected(RpcError{RpcFailure::connection, endpoint_ + ": refused"});
    if (!failures.empty()) {
      RpcError e = failures.front();
      failures.pop_front();
      return std::unexpected(e);
    }
    std::string answer = chain_.answer(body);
    if (!mangle.empty()) {
      answer = mangle.front()(answer);
      mangle.pop_front();
    }
    return answer;
  }
  const std::string& endpoint() const override { return endpoint_; }

  std::deque<RpcError> failures;
  /// Applied, in order, to the next answers' bodies (truncated or garbage bodies).
  std::deque<std::function<std::string(std::string)>> mangle;
  bool down = false;
  int posts = 0;

 private:
  FakeChain& chain_;
  std::string endpoint_;
};

}  // namespace relay::evm::testing
