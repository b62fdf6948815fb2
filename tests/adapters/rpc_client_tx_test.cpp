// The publisher's JSON-RPC methods (adapters/evm/rpc_client_tx.cpp): answers of the wrong shape
// are `malformed` errors naming the method and the field; a revert keeps its data (what
// adapters/evm/revert.h names); quantities up to 2^128 read as wei amounts.
#include <gtest/gtest.h>

#include "adapters/evm/rpc_client.h"
#include "tests/adapters/fake_node.h"

namespace relay::evm {
namespace {

using namespace testing;

RpcClient answering(const std::string& result_json) {
  return RpcClient(std::make_unique<CannedTransport>(R"({"jsonrpc":"2.0","id":1,"result":)" + result_json + "}"));
}

std::string message(const RpcError& e) { return e.message; }

const Address kVault = *Address::from_hex("0x5fbdb2315678afecb367f032d93f642f64180aa3");
const std::string kHash = "0x" + std::string(64, 'a');

TEST(RpcClientTx, ARevertKeepsItsCodeAndData) {
  RpcClient rpc(std::make_unique<CannedTransport>(
      R"({"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted: custom error 0xdeadbeef","data":"0xdeadbeef0001"}})"));
  auto r = rpc.call({std::nullopt, kVault, {}}, BlockRef::named("latest"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RpcFailure::rpc_error);
  EXPECT_EQ(r.error().code, 3);
  ASSERT_TRUE(r.error().data);
  EXPECT_EQ(*r.error().data, (std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef, 0x00, 0x01}));
  EXPECT_NE(message(r.error()).find("eth_call: error 3: execution reverted"), std::string::npos);
  // Data that is not hex (some nodes put a text there) is no data.
  RpcClient text(std::make_unique<CannedTransport>(
      R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"execution reverted","data":"Reverted"}})"));
  EXPECT_FALSE(text.estimate_gas({std::nullopt, kVault, {}}).error().data);
}

TEST(RpcClientTx, ReadsWeiAmountsUpTo2To128) {
  EXPECT_EQ(answering(R"("0x3635c9adc5dea00000")").balance(kVault, BlockRef::named("latest")).value(),
            *Amount::from_decimal("1000000000000000000000"));
  EXPECT_EQ(answering("\"0x" + std::string(32, 'f') + "\"").balance(kVault, BlockRef::named("latest")).value(),
            Amount::max());
  auto over = answering("\"0x1" + std::string(32, '0') + "\"").balance(kVault, BlockRef::named("latest"));
  ASSERT_FALSE(over);
  EXPECT_NE(message(over.error()).find("eth_getBalance: result: not a hex quantity below 2^128"), std::string::npos);
  EXPECT_EQ(answering(R"("0x1a")").transaction_count(kVault, BlockRef::named("pending")).value(), 26u);
  EXPECT_EQ(answering(R"("0x5208")").estimate_gas({std::nullopt, kVault, {}}).value(), 21000u);
  EXPECT_EQ(answering(R"("0x")").call({std::nullopt, kVault, {}}, BlockRef::at(5)).value(), std::vector<uint8_t>{});
}

TEST(RpcClientTx, FeeHistoryIsCheckedForShape) {
  auto fh = [](const std::string& result) { return answering(result).fee_history(2, {50}); };
  auto ok = fh(R"({"oldestBlock":"0x9","baseFeePerGas":["0x1","0x2","0x3"],"reward":[["0x4"],["0x5"]]})");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->oldest_block, 9u);
  EXPECT_EQ(ok->base_fee_per_gas.back(), Amount(3));
  EXPECT_EQ(ok->reward[1][0], Amount(5));
  // A young chain has fewer blocks than asked for.
  EXPECT_TRUE(fh(R"({"oldestBlock":"0x0","baseFeePerGas":["0x1","0x2"],"reward":[["0x0"]]})"));
  struct Case {
    const char* result;
    const char* expect;
  } cases[] = {
      {"[]", "result: not an object"},
      {R"({"baseFeePerGas":["0x1"],"reward":[]})", "result.oldestBlock"},
      {R"({"oldestBlock":"0x9","baseFeePerGas":[],"reward":[]})", "result.baseFeePerGas: not 1 to 3"},
      {R"({"oldestBlock":"0x9","baseFeePerGas":["0x1","0x1","0x1","0x1"],"reward":[]})", "result.baseFeePerGas"},
      {R"({"oldestBlock":"0x9","baseFeePerGas":["0x1","12"],"reward":[["0x1"]]})", "result.baseFeePerGas"},
      {R"({"oldestBlock":"0x9","baseFeePerGas":["0x1","0x1","0x1"],"reward":[["0x1"]]})", "result.reward: not one row per block (2)"},
      {R"({"oldestBlock":"0x9","baseFeePerGas":["0x1","0x1","0x1"],"reward":[["0x1"],[]]})", "result.reward[1]: not 1 hex"},
  };
  for (const auto& c : cases) {
    auto r = fh(c.result);
    ASSERT_FALSE(r) << c.result;
    EXPECT_EQ(r.error().kind, RpcFailure::malformed);
    EXPECT_NE(message(r.error()).find(std::string("eth_feeHistory: ") + c.expect), std::string::npos)
        << message(r.error());
  }
}

TEST(RpcClientTx, ReceiptsAreCheckedForShape) {
  TxHash tx = *TxHash::from_hex(kHash);
  std::string good = R"({"transactionHash":")" + kHash + R"(","blockNumber":"0x10","blockHash":")" + kHash +
                     R"(","status":"0x1","gasUsed":"0x5208","effectiveGasPrice":"0x3b9aca00"})";
  auto r = answering(good).transaction_receipt(tx);
  ASSERT_TRUE(r && *r) << (r ? "null" : r.error().message);
  EXPECT_EQ((*r)->block_number, 16u);
  EXPECT_TRUE((*r)->success);
  EXPECT_EQ((*r)->gas_used, 21000u);
  EXPECT_EQ((*r)->effective_gas_price, Amount(1'000'000'000));
  EXPECT_FALSE(*answering("null").transaction_receipt(tx));
  auto swap = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return answering(s).transaction_receipt(tx);
  };
  EXPECT_FALSE((*swap(R"("status":"0x1")", R"("status":"0x0")"))->success);
  EXPECT_NE(message(swap(R"("status":"0x1")", R"("status":"0x2")").error()).find("result.status: not 0x0 or 0x1"),
            std::string::npos);
  EXPECT_NE(message(swap(R"("transactionHash":"0xaa)", R"("transactionHash":"0xbb)").error())
                .find("result.transactionHash: not the hash asked for"),
            std::string::npos);
  EXPECT_NE(message(swap(R"("gasUsed":"0x5208",)", "").error()).find("result.gasUsed"), std::string::npos);
  // A pending transaction's receipt with null block fields (some nodes): none yet.
  auto pending = swap(R"("blockNumber":"0x10")", R"("blockNumber":null)");
  ASSERT_TRUE(pending);
  EXPECT_FALSE(*pending);
  EXPECT_NE(message(answering("[]").transaction_receipt(tx).error()).find("not a receipt object"), std::string::npos);
}

TEST(RpcClientTx, SendRawTransactionReturnsTheNodesHash) {
  EXPECT_EQ(answering("\"" + kHash + "\"").send_raw_transaction(std::vector<uint8_t>{2, 1}).value().hex(), kHash);
  EXPECT_NE(message(answering(R"("0x12")").send_raw_transaction(std::vector<uint8_t>{2}).error())
                .find("eth_sendRawTransaction: result: not 32 bytes of hex"),
            std::string::npos);
}

}  // namespace
}  // namespace relay::evm
