#include "adapters/evm/rpc_client.h"

#include "adapters/evm/rpc_json.h"
#include "proofs/keccak.h"
#include "vault/json_strict.h"

namespace relay::evm {

using namespace rpc_json;

std::string BlockRef::to_param() const { return number ? quantity(*number) : tag; }

namespace {

// A method without parameters whose result is one hex quantity.
RpcResult<uint64_t> quantity_call(Transport& t, uint64_t id, const char* method) {
  Call c(t.endpoint(), id, method);
  auto r = c.run(t, json::array());
  if (!r) return std::unexpected(r.error());
  auto v = parse_quantity(*r);
  if (!v) return c.malformed("result: not a hex quantity below 2^64");
  return *v;
}

// A failed batch, and whether the node refused batching itself rather than a call in it: a
// JSON-RPC error object in place of the array (geth's "batch too large", a gateway's "batch
// requests are not supported"), or an HTTP 4xx other than 429 (a gateway refusing the body).
struct BatchError {
  RpcError error;
  bool refused = false;
};

// One JSON-RPC 2.0 batch: the requests' results in request order. The answer must be an array
// holding exactly one answer per request id (in any order, as the spec allows); an error in any
// of them fails the whole batch.
std::expected<std::vector<json>, BatchError> post_batch(Transport& t, const std::vector<Call>& calls,
                                                       const std::vector<json>& params) {
  auto failed = [](RpcError e, bool refused = false) {
    return std::unexpected(BatchError{std::move(e), refused});
  };
  json req = json::array();
  for (size_t i = 0; i < calls.size(); ++i) req.push_back(calls[i].request(params[i]));
  auto body = t.post(req.dump());
  if (!body) {
    RpcError& e = body.error();
    e.message += " (batch of " + std::to_string(calls.size()) + " " + calls[0].method() + ")";
    bool refused = e.kind == RpcFailure::http_status && e.http_status >= 400 &&
                   e.http_status < 500 && e.http_status != 429;
    return failed(e, refused);
  }
  // Strict, as a single answer (rpc_json.cpp): a repeated key is malformed.
  auto parsed = parse_json_strict(*body, "the batch's answer");
  if (!parsed) return failed(calls[0].malformed(parsed.error().message).error());
  json resp = std::move(*parsed);
  if (resp.is_object()) {  // one answer for the whole batch: an error, or no batch support
    auto e = resp.find("error");
    if (e == resp.end() || e->is_null())
      return failed(calls[0].malformed("the batch's answer is an object, not an array").error());
    return failed(RpcError{RpcFailure::rpc_error, t.endpoint() + ": batch of " +
                                                      calls[0].method() + " refused: " + e->dump()},
                  /*refused=*/true);
  }
  if (!resp.is_array() || resp.size() != calls.size())
    return failed(calls[0]
                      .malformed("the batch's answer is not an array of " +
                                 std::to_string(calls.size()) + " answers")
                      .error());
  std::vector<json> out(calls.size());
  std::vector<bool> seen(calls.size(), false);
  const uint64_t first = calls[0].id();
  for (const json& a : resp) {
    if (!a.is_object()) return failed(calls[0].malformed("the batch's answer holds a non-object").error());
    auto id = a.find("id");
    if (id == a.end() || !id->is_number_unsigned() ||
        id->get<uint64_t>() < first || id->get<uint64_t>() - first >= calls.size())
      return failed(calls[0].malformed("the batch's answer holds an answer to no request of it").error());
    size_t i = id->get<uint64_t>() - first;
    if (seen[i]) return failed(calls[i].malformed("the batch's answer holds two answers to one request").error());
    seen[i] = true;
    auto r = calls[i].result(a);
    if (!r) return failed(r.error());
    out[i] = std::move(*r);
  }
  return out;
}

}  // namespace

RpcResult<uint64_t> RpcClient::chain_id() {
  return quantity_call(*transport_, next_id_++, "eth_chainId");
}

RpcResult<uint64_t> RpcClient::block_number() {
  return quantity_call(*transport_, next_id_++, "eth_blockNumber");
}

RpcResult<std::optional<BlockHeader>> RpcClient::block(const BlockRef& ref) {
  Call c(endpoint(), next_id_++, "eth_getBlockByNumber");
  auto r = c.run(*transport_, json::array({ref.to_param(), false}));
  if (!r) return std::unexpected(r.error());
  return parse_block(c, *r, ref.number);
}

namespace {

// Runs `method` once per params entry, in batches of at most `max_batch` while the node takes
// batches (`batches` turns false, for good, the first time it refuses one), else one by one;
// each result goes through `parse(call, result, index)`.
template <class T, class Parse>
RpcResult<std::vector<T>> call_many(Transport& t, uint64_t& next_id, bool& batches,
                                    size_t max_batch, const char* method,
                                    const std::vector<json>& params, Parse parse) {
  std::vector<T> out;
  out.reserve(params.size());
  for (size_t at = 0; at < params.size();) {
    size_t n = batches ? std::min(max_batch, params.size() - at) : 1;
    std::vector<Call> calls;
    for (size_t i = 0; i < n; ++i) calls.emplace_back(t.endpoint(), next_id++, method);
    std::vector<json> results;
    if (n == 1) {
      auto r = calls[0].run(t, params[at]);
      if (!r) return std::unexpected(r.error());
      results.push_back(std::move(*r));
    } else {
      std::vector<json> p(params.begin() + ptrdiff_t(at), params.begin() + ptrdiff_t(at + n));
      auto r = post_batch(t, calls, p);
      if (!r && r.error().refused) {
        batches = false;  // the same calls again, one by one
        continue;
      }
      if (!r) return std::unexpected(r.error().error);
      results = std::move(*r);
    }
    for (size_t i = 0; i < n; ++i) {
      auto v = parse(calls[i], results[i], at + i);
      if (!v) return std::unexpected(v.error());
      out.push_back(std::move(*v));
    }
    at += n;
  }
  return out;
}

}  // namespace

RpcResult<std::vector<std::optional<BlockHeader>>> RpcClient::blocks(uint64_t from, uint64_t to) {
  std::vector<json> params;
  for (uint64_t n = from; n <= to && n >= from; ++n) params.push_back(json::array({quantity(n), false}));
  return call_many<std::optional<BlockHeader>>(
      *transport_, next_id_, batches_, max_batch_, "eth_getBlockByNumber", params,
      [&](const Call& c, const json& r, size_t i) { return parse_block(c, r, from + i); });
}

RpcResult<std::vector<Log>> RpcClient::logs(const LogFilter& f) {
  Call c(endpoint(), next_id_++, "eth_getLogs");
  json filter = {{"address", f.address.hex()},
                 {"fromBlock", quantity(f.from_block)},
                 {"toBlock", quantity(f.to_block)}};
  if (!f.topic0.empty()) {
    json topic0 = json::array();
    for (const auto& t : f.topic0) topic0.push_back(t.hex());
    filter["topics"] = json::array({topic0});
  }
  auto r = c.run(*transport_, json::array({filter}));
  if (!r) return std::unexpected(r.error());
  return parse_logs(c, *r);
}

RpcResult<std::vector<EventState>> RpcClient::event_states(const Address& vault,
                                                           std::span<const Hash32> blocks) {
  static const std::string selector = [] {
    const std::string sig = "eventState()";
    Hash32 h = keccak256({reinterpret_cast<const uint8_t*>(sig.data()), sig.size()});
    return to_hex(std::span<const uint8_t>(h.bytes.data(), 4));
  }();
  std::vector<json> params;
  for (const Hash32& b : blocks)
    params.push_back(json::array({{{"to", vault.hex()}, {"data", selector}}, {{"blockHash", b.hex()}}}));
  return call_many<EventState>(
      *transport_, next_id_, batches_, max_batch_, "eth_call", params,
      [&](const Call& c, const json& r, size_t i) -> RpcResult<EventState> {
        auto data = parse_data(r);
        std::string at = "eventState() at block " + blocks[i].hex() + ": ";
        if (!data) return c.malformed(at + "result: not hex bytes");
        if (data->empty()) return EventState{};  // no code there yet: nothing emitted
        if (data->size() != 64)
          return c.malformed(at + "result: " + std::to_string(data->size()) +
                             " bytes, not the 64 of (uint64, bytes32)");
        for (size_t b = 0; b < 24; ++b)
          if ((*data)[b]) return c.malformed(at + "count: wider than uint64");
        EventState s;
        for (size_t b = 24; b < 32; ++b) s.count = s.count << 8 | (*data)[b];
        s.accumulator = Hash32::from_span(std::span<const uint8_t>(data->data() + 32, 32));
        return s;
      });
}

RpcResult<std::string> RpcClient::call_raw(const std::string& method,
                                           const std::string& params_json) {
  json params = json::parse(params_json, nullptr, false);
  if (params.is_discarded())
    return std::unexpected(RpcError{RpcFailure::malformed, "params: not JSON"});
  Call c(endpoint(), next_id_++, method);
  auto r = c.run(*transport_, params);
  if (!r) return std::unexpected(r.error());
  return r->dump();
}

}  // namespace relay::evm
