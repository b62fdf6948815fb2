#include "adapters/evm/rpc_client.h"

#include "adapters/evm/rpc_json.h"

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
}  // namespace

RpcResult<uint64_t> RpcClient::chain_id() { return quantity_call(*transport_, next_id_++, "eth_chainId"); }

RpcResult<uint64_t> RpcClient::block_number() {
  return quantity_call(*transport_, next_id_++, "eth_blockNumber");
}

RpcResult<std::optional<BlockHeader>> RpcClient::block(const BlockRef& ref) {
  Call c(transport_->endpoint(), next_id_++, "eth_getBlockByNumber");
  auto r = c.run(*transport_, json::array({ref.to_param(), false}));
  if (!r) return std::unexpected(r.error());
  if (r->is_null()) return std::optional<BlockHeader>{};
  if (!r->is_object()) return c.malformed("result: not a block object");
  BlockHeader h;
  auto number = parse_quantity(r->value("number", json()));
  auto hash = parse_fixed<Hash32>(r->value("hash", json()));
  auto parent = parse_fixed<Hash32>(r->value("parentHash", json()));
  if (!number) return c.malformed("result.number: not a hex quantity below 2^64");
  if (!hash) return c.malformed("result.hash: not 32 bytes of hex");
  if (!parent) return c.malformed("result.parentHash: not 32 bytes of hex");
  if (ref.number && *number != *ref.number)
    return c.malformed("asked for block " + std::to_string(*ref.number) + ", got block " +
                       std::to_string(*number));
  h.number = *number;
  h.hash = *hash;
  h.parent_hash = *parent;
  return std::optional<BlockHeader>(h);
}

RpcResult<std::vector<Log>> RpcClient::logs(const LogFilter& f) {
  Call c(transport_->endpoint(), next_id_++, "eth_getLogs");
  json topic0 = json::array();
  for (const auto& t : f.topic0) topic0.push_back(t.hex());
  json filter = {{"address", f.address.hex()},
                 {"fromBlock", quantity(f.from_block)},
                 {"toBlock", quantity(f.to_block)}};
  if (!f.topic0.empty()) filter["topics"] = json::array({topic0});
  auto r = c.run(*transport_, json::array({filter}));
  if (!r) return std::unexpected(r.error());
  if (!r->is_array()) return c.malformed("result: not an array of logs");
  std::vector<Log> out;
  out.reserve(r->size());
  for (size_t i = 0; i < r->size(); ++i) {
    const json& j = (*r)[i];
    std::string at = "result[" + std::to_string(i) + "].";
    if (!j.is_object()) return c.malformed("result[" + std::to_string(i) + "]: not an object");
    Log l;
    auto address = parse_fixed<Address>(j.value("address", json()));
    auto block = parse_quantity(j.value("blockNumber", json()));
    auto block_hash = parse_fixed<Hash32>(j.value("blockHash", json()));
    auto tx = parse_fixed<TxHash>(j.value("transactionHash", json()));
    auto index = parse_quantity(j.value("logIndex", json()));
    auto data = parse_data(j.value("data", json()));
    if (!address) return c.malformed(at + "address: not 20 bytes of hex");
    if (!block) return c.malformed(at + "blockNumber: not a hex quantity below 2^64");
    if (!block_hash) return c.malformed(at + "blockHash: not 32 bytes of hex");
    if (!tx) return c.malformed(at + "transactionHash: not 32 bytes of hex");
    if (!index || *index > UINT32_MAX) return c.malformed(at + "logIndex: not a hex quantity below 2^32");
    if (!data) return c.malformed(at + "data: not hex bytes");
    auto topics = j.find("topics");
    if (topics == j.end() || !topics->is_array()) return c.malformed(at + "topics: not an array");
    for (size_t t = 0; t < topics->size(); ++t) {
      auto topic = parse_fixed<Hash32>((*topics)[t]);
      if (!topic)
        return c.malformed(at + "topics[" + std::to_string(t) + "]: not 32 bytes of hex");
      l.topics.push_back(*topic);
    }
    if (auto rm = j.find("removed"); rm != j.end()) {
      if (!rm->is_boolean()) return c.malformed(at + "removed: not a boolean");
      l.removed = rm->get<bool>();
    }
    l.address = *address;
    l.block_number = *block;
    l.block_hash = *block_hash;
    l.tx_hash = *tx;
    l.log_index = uint32_t(*index);
    l.data = std::move(*data);
    out.push_back(std::move(l));
  }
  return out;
}

RpcResult<std::string> RpcClient::call_raw(const std::string& method,
                                           const std::string& params_json) {
  json params = json::parse(params_json, nullptr, false);
  if (params.is_discarded()) return std::unexpected(RpcError{RpcFailure::malformed, "params: not JSON"});
  Call c(transport_->endpoint(), next_id_++, method.c_str());
  auto r = c.run(*transport_, params);
  if (!r) return std::unexpected(r.error());
  return r->dump();
}

}  // namespace relay::evm
