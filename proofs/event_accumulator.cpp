#include "proofs/event_accumulator.h"

#include <string>
#include <string_view>

#include "proofs/keccak.h"
#include "proofs/withdrawal_tree_json.h"
#include "vault/amount.h"

namespace relay {
namespace {

constexpr std::string_view kChainIdPrefix = "chain_id:";

// The destination's numeric chain id: a genesis chain's, or the n of "chain_id:<n>" (the name
// the wire and the EVM decoder give a chain id the genesis does not know).
Result<uint64_t> dest_chain_id(const std::string& dest, const Genesis& genesis) {
  if (auto i = genesis.chain_index(dest)) return genesis.chains[*i].chain_id.value;
  const std::string bad = "dest_chain: \"" + dest +
                          "\" is neither a genesis chain name nor \"chain_id:<n>\"";
  if (!dest.starts_with(kChainIdPrefix)) return fail(bad);
  std::string_view digits = std::string_view(dest).substr(kChainIdPrefix.size());
  if (digits.empty() || digits.size() > 20 || (digits.size() > 1 && digits[0] == '0'))
    return fail(bad);
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9' || v > (UINT64_MAX - uint64_t(c - '0')) / 10) return fail(bad);
    v = v * 10 + uint64_t(c - '0');
  }
  return v;
}

void put_be64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

template <size_t N, class Tag>
void put(std::vector<uint8_t>& out, const FixedBytes<N, Tag>& b) {
  out.insert(out.end(), b.bytes.begin(), b.bytes.end());
}

}  // namespace

Result<std::vector<uint8_t>> accumulator_record(const Event& e, const Genesis& genesis) {
  std::vector<uint8_t> r;
  r.push_back(static_cast<uint8_t>(e.type));
  switch (e.type) {
    case EventType::deposit: {
      auto amount = uint256_from_decimal(e.amount);
      if (!amount) return fail("amount: \"" + e.amount + "\" is not a decimal below 2^256");
      put(r, e.token);
      put(r, e.account);
      r.insert(r.end(), amount->begin(), amount->end());
      return r;
    }
    case EventType::withdrawal_request: {
      auto amount = Amount::from_decimal(e.amount);
      if (!amount) return fail("amount: \"" + e.amount + "\" is not a decimal below 2^128");
      if (e.asset.empty() || e.asset.size() > kMaxAssetIdLength)
        return fail("asset: " + std::to_string(e.asset.size()) + " bytes, not 1 to 32");
      auto dest = dest_chain_id(e.dest_chain, genesis);
      if (!dest) return std::unexpected(dest.error());
      put(r, e.account);
      uint8_t be[16];
      amount->to_be_bytes(be);
      r.insert(r.end(), be, be + 16);
      put_be64(r, *dest);
      put(r, e.recipient);
      r.push_back(static_cast<uint8_t>(e.asset.size()));
      r.insert(r.end(), e.asset.begin(), e.asset.end());
      return r;
    }
    case EventType::withdrawal_claimed:
      put(r, e.withdrawal_id);
      return r;
  }
  return fail("type: unknown event type " + std::to_string(static_cast<int>(e.type)));
}

Result<void> accumulate(EventAccumulator& acc, const Event& e, const Genesis& genesis) {
  auto record = accumulator_record(e, genesis);
  if (!record) return std::unexpected(record.error());
  if (acc.count == UINT64_MAX) return fail("event count: already 2^64 - 1");
  std::vector<uint8_t> input;
  input.reserve(32 + record->size());
  input.insert(input.end(), acc.value.bytes.begin(), acc.value.bytes.end());
  input.insert(input.end(), record->begin(), record->end());
  acc.value = keccak256(input);
  acc.count += 1;
  return {};
}

}  // namespace relay
