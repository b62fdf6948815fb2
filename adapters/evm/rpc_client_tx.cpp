// RpcClient's methods for sending transactions (the publisher's): calls, gas, nonces,
// balances, fees, raw transactions and receipts. Every answer is checked for shape, as the
// watcher's methods in rpc_client.cpp are.
#include "adapters/evm/rpc_client.h"

#include "adapters/evm/rpc_json.h"
#include "vault/hex.h"

namespace relay::evm {

using namespace rpc_json;

namespace {

json call_object(const CallRequest& c) {
  json o = {{"to", c.to.hex()}, {"data", to_hex(c.data)}};
  if (c.from) o["from"] = c.from->hex();
  return o;
}

// One row of numbers (base fees, or one block's rewards) as wei amounts.
std::optional<std::vector<Amount>> amounts(const json& row) {
  if (!row.is_array()) return std::nullopt;
  std::vector<Amount> out;
  for (const auto& v : row) {
    auto a = parse_amount(v);
    if (!a) return std::nullopt;
    out.push_back(*a);
  }
  return out;
}

}  // namespace

RpcResult<std::vector<uint8_t>> RpcClient::call(const CallRequest& c, const BlockRef& at) {
  Call call(transport_->endpoint(), next_id_++, "eth_call");
  auto r = call.run(*transport_, json::array({call_object(c), at.to_param()}));
  if (!r) return std::unexpected(r.error());
  auto data = parse_data(*r);
  if (!data) return call.malformed("result: not hex bytes");
  return *data;
}

RpcResult<uint64_t> RpcClient::estimate_gas(const CallRequest& c) {
  Call call(transport_->endpoint(), next_id_++, "eth_estimateGas");
  auto r = call.run(*transport_, json::array({call_object(c), "latest"}));
  if (!r) return std::unexpected(r.error());
  auto gas = parse_quantity(*r);
  if (!gas) return call.malformed("result: not a hex quantity below 2^64");
  return *gas;
}

RpcResult<uint64_t> RpcClient::transaction_count(const Address& account, const BlockRef& at) {
  Call call(transport_->endpoint(), next_id_++, "eth_getTransactionCount");
  auto r = call.run(*transport_, json::array({account.hex(), at.to_param()}));
  if (!r) return std::unexpected(r.error());
  auto n = parse_quantity(*r);
  if (!n) return call.malformed("result: not a hex quantity below 2^64");
  return *n;
}

RpcResult<Amount> RpcClient::balance(const Address& account, const BlockRef& at) {
  Call call(transport_->endpoint(), next_id_++, "eth_getBalance");
  auto r = call.run(*transport_, json::array({account.hex(), at.to_param()}));
  if (!r) return std::unexpected(r.error());
  auto wei = parse_amount(*r);
  if (!wei) return call.malformed("result: not a hex quantity below 2^128");
  return *wei;
}

RpcResult<FeeHistory> RpcClient::fee_history(uint64_t blocks,
                                             const std::vector<double>& percentiles) {
  Call call(transport_->endpoint(), next_id_++, "eth_feeHistory");
  auto r = call.run(*transport_, json::array({quantity(blocks), "latest", percentiles}));
  if (!r) return std::unexpected(r.error());
  if (!r->is_object()) return call.malformed("result: not an object");
  FeeHistory h;
  auto oldest = parse_quantity(r->value("oldestBlock", json()));
  if (!oldest) return call.malformed("result.oldestBlock: not a hex quantity below 2^64");
  h.oldest_block = *oldest;
  auto base = amounts(r->value("baseFeePerGas", json()));
  if (!base || base->empty() || base->size() > blocks + 1)
    return call.malformed("result.baseFeePerGas: not 1 to " + std::to_string(blocks + 1) +
                          " hex quantities below 2^128");
  h.base_fee_per_gas = std::move(*base);
  size_t rows = h.base_fee_per_gas.size() - 1;
  if (!percentiles.empty()) {
    const json& reward = r->value("reward", json());
    if (!reward.is_array() || reward.size() != rows)
      return call.malformed("result.reward: not one row per block (" + std::to_string(rows) + ")");
    for (size_t i = 0; i < rows; ++i) {
      auto row = amounts(reward[i]);
      if (!row || row->size() != percentiles.size())
        return call.malformed("result.reward[" + std::to_string(i) + "]: not " +
                              std::to_string(percentiles.size()) + " hex quantities below 2^128");
      h.reward.push_back(std::move(*row));
    }
  }
  return h;
}

RpcResult<TxHash> RpcClient::send_raw_transaction(std::span<const uint8_t> raw) {
  Call call(transport_->endpoint(), next_id_++, "eth_sendRawTransaction");
  auto r = call.run(*transport_, json::array({to_hex(raw)}));
  if (!r) return std::unexpected(r.error());
  auto hash = parse_fixed<TxHash>(*r);
  if (!hash) return call.malformed("result: not 32 bytes of hex");
  return *hash;
}

RpcResult<std::optional<Receipt>> RpcClient::transaction_receipt(const TxHash& tx) {
  Call call(transport_->endpoint(), next_id_++, "eth_getTransactionReceipt");
  auto r = call.run(*transport_, json::array({tx.hex()}));
  if (!r) return std::unexpected(r.error());
  if (r->is_null()) return std::optional<Receipt>{};
  if (!r->is_object()) return call.malformed("result: not a receipt object");
  Receipt out;
  auto hash = parse_fixed<TxHash>(r->value("transactionHash", json()));
  auto number = parse_quantity(r->value("blockNumber", json()));
  auto block = parse_fixed<Hash32>(r->value("blockHash", json()));
  auto status = parse_quantity(r->value("status", json()));
  auto gas = parse_quantity(r->value("gasUsed", json()));
  auto price = parse_amount(r->value("effectiveGasPrice", json()));
  if (!hash || *hash != tx) return call.malformed("result.transactionHash: not the hash asked for");
  // A receipt of a pending transaction (some nodes answer one with null block fields) is none.
  if (r->value("blockNumber", json()).is_null()) return std::optional<Receipt>{};
  if (!number) return call.malformed("result.blockNumber: not a hex quantity below 2^64");
  if (!block) return call.malformed("result.blockHash: not 32 bytes of hex");
  if (!status || *status > 1) return call.malformed("result.status: not 0x0 or 0x1");
  if (!gas) return call.malformed("result.gasUsed: not a hex quantity below 2^64");
  if (!price) return call.malformed("result.effectiveGasPrice: not a hex quantity below 2^128");
  out.tx_hash = *hash;
  out.block_number = *number;
  out.block_hash = *block;
  out.success = *status == 1;
  out.gas_used = *gas;
  out.effective_gas_price = *price;
  return std::optional<Receipt>(out);
}

}  // namespace relay::evm
