#include "adapters/evm/vault_log.h"

#include <algorithm>
#include <string_view>

#include "proofs/keccak.h"
#include "vault/asset_registry.h"

namespace relay::evm {
namespace {

Hash32 topic(std::string_view signature) {
  return keccak256({reinterpret_cast<const uint8_t*>(signature.data()), signature.size()});
}

using Word = std::span<const uint8_t, 32>;

bool zero_prefix(std::span<const uint8_t> w, size_t n) {
  return std::all_of(w.begin(), w.begin() + ptrdiff_t(n), [](uint8_t b) { return b == 0; });
}

// An ABI word holding a value of `bytes` significant bytes (address 20, uint128 16, uint64 8):
// the rest must be zero, or the word is not that type's encoding.
bool fits(Word w, size_t bytes) { return zero_prefix(w, 32 - bytes); }

uint64_t be_u64(Word w) {
  uint64_t v = 0;
  for (size_t i = 24; i < 32; ++i) v = v << 8 | w[i];
  return v;
}

Address address_of(Word w) { return Address::from_span(w.subspan(12)); }

// The vault refuses a request whose asset is not 1 to 32 letters, digits, '_', '.' or '-'
// (InvalidAsset, docs/contract.md): the genesis' rule for asset ids (vault/genesis.cpp). A log
// with any other asset did not come from the vault.
bool is_asset_id(std::span<const uint8_t> bytes) {
  return !bytes.empty() && bytes.size() <= 32 && std::all_of(bytes.begin(), bytes.end(), [](uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

VaultTopics vault_topics() {
  return {topic("Deposited(address,bytes32,address,uint256)"),
          topic("WithdrawalRequested(bytes32,string,uint128,uint64,address)"),
          topic("WithdrawalClaimed(bytes32,address,address,uint256)")};
}

VaultLogDecoder::VaultLogDecoder(const Genesis& genesis, size_t chain)
    : genesis_(genesis), chain_(chain), topics_(vault_topics()) {}

std::vector<Hash32> VaultLogDecoder::topic0s() const {
  return {topics_.deposited, topics_.withdrawal_requested, topics_.withdrawal_claimed};
}

bool VaultLogDecoder::is_relay_event(const Log& log) const {
  if (log.topics.empty()) return false;
  const Hash32& t0 = log.topics[0];
  return t0 == topics_.deposited || t0 == topics_.withdrawal_requested ||
         t0 == topics_.withdrawal_claimed;
}

Result<Event> VaultLogDecoder::decode(const Log& log) const {
  const std::string where =
      "block " + std::to_string(log.block_number) + " log " + std::to_string(log.log_index) + ": ";
  auto bad = [&](const std::string& why) { return fail(where + why); };
  const ChainConfig& chain = genesis_.chains[chain_];
  if (log.removed) return bad("marked removed (its block was reorged away)");
  if (log.address != chain.vault)
    return bad("emitted by " + log.address.hex() + ", not the vault " + chain.vault.hex());
  if (log.topics.empty()) return bad("no topic0 (an anonymous event, not the vault's)");

  auto word = [&](size_t i) { return Word(log.data.data() + 32 * i, 32); };
  auto topic_word = [&](size_t i) { return Word(log.topics[i].bytes.data(), 32); };
  auto expect_shape = [&](const char* name, size_t topics, size_t data) -> Result<void> {
    if (log.topics.size() != topics)
      return bad(std::string(name) + ": " + std::to_string(log.topics.size()) +
                 " topics, the event has " + std::to_string(topics));
    if (log.data.size() < data)
      return bad(std::string(name) + ": data is " + std::to_string(log.data.size()) +
                 " bytes, shorter than the " + std::to_string(data) + " the event needs");
    return {};
  };

  Event e;
  e.chain = chain.name;
  e.pos = {log.block_number, log.log_index};
  e.tx = log.tx_hash;
  const Hash32& t0 = log.topics[0];

  if (t0 == topics_.deposited) {
    // Deposited(address indexed token, bytes32 indexed account, address indexed depositor,
    //           uint256 amount)
    if (auto r = expect_shape("Deposited", 4, 32); !r) return std::unexpected(r.error());
    if (log.data.size() != 32)
      return bad("Deposited: data is " + std::to_string(log.data.size()) + " bytes, not 32");
    if (!fits(topic_word(1), 20)) return bad("Deposited: topic1 (token) is not an address");
    if (!fits(topic_word(3), 20)) return bad("Deposited: topic3 (depositor) is not an address");
    e.type = EventType::deposit;
    e.token = address_of(topic_word(1));
    e.account = AccountId::from_span(log.topics[2].span());
    Uint256 amount;
    std::copy_n(log.data.begin(), 32, amount.begin());
    // uint256 token units, passed on whole: the state machine normalizes it to the asset's
    // decimals and rejects what reaches 2^128 as `overflow` (docs/state.md rule 4).
    e.amount = uint256_to_decimal(amount);
    return e;
  }

  if (t0 == topics_.withdrawal_requested) {
    // WithdrawalRequested(bytes32 indexed account, string asset, uint128 amount,
    //                     uint64 indexed destChainId, address recipient)
    // data = offset(asset) ‖ amount ‖ recipient ‖ len ‖ asset bytes, zero-padded to 32.
    if (auto r = expect_shape("WithdrawalRequested", 3, 4 * 32); !r)
      return std::unexpected(r.error());
    if (!fits(topic_word(2), 8))
      return bad("WithdrawalRequested: topic2 (destChainId) is wider than uint64");
    if (!fits(word(0), 8) || be_u64(word(0)) != 3 * 32)
      return bad("WithdrawalRequested: the asset's offset is not 96 (non-canonical encoding)");
    if (!fits(word(1), 16)) return bad("WithdrawalRequested: amount is 2^128 or more");
    if (!fits(word(2), 20)) return bad("WithdrawalRequested: recipient is not an address");
    if (!fits(word(3), 8) || be_u64(word(3)) > log.data.size())
      return bad("WithdrawalRequested: the asset's length runs past the data");
    size_t len = size_t(be_u64(word(3)));
    size_t padded = (len + 31) / 32 * 32;
    if (log.data.size() != 4 * 32 + padded)
      return bad("WithdrawalRequested: data is " + std::to_string(log.data.size()) +
                 " bytes, the encoding of a " + std::to_string(len) + "-byte asset is " +
                 std::to_string(4 * 32 + padded));
    if (!zero_prefix(std::span(log.data).subspan(4 * 32 + len), padded - len))
      return bad("WithdrawalRequested: the asset's padding is not zero");
    e.type = EventType::withdrawal_request;
    e.account = AccountId::from_span(log.topics[1].span());
    auto asset = std::span(log.data).subspan(4 * 32, len);
    if (!is_asset_id(asset))
      return bad("WithdrawalRequested: asset " + to_hex(asset) +
                 " is not 1 to 32 letters, digits, '_', '.' or '-' (the vault refuses it)");
    e.asset = std::string(asset.begin(), asset.end());
    uint128_t amount = 0;
    for (size_t i = 16; i < 32; ++i) amount = amount << 8 | word(1)[i];
    e.amount = Amount(amount).to_decimal();
    uint64_t dest = be_u64(topic_word(2));
    auto dest_index = genesis_.chain_index(ChainId{dest});
    // An unknown destination keeps its id, as the wire does (canonical_state/wire.cpp): the
    // state machine rejects it as unknown_chain.
    e.dest_chain = dest_index ? genesis_.chains[*dest_index].name : "chain_id:" + std::to_string(dest);
    e.recipient = address_of(word(2));
    return e;
  }

  if (t0 == topics_.withdrawal_claimed) {
    // WithdrawalClaimed(bytes32 indexed id, address indexed recipient, address indexed token,
    //                   uint256 amount)
    if (auto r = expect_shape("WithdrawalClaimed", 4, 32); !r) return std::unexpected(r.error());
    if (log.data.size() != 32)
      return bad("WithdrawalClaimed: data is " + std::to_string(log.data.size()) + " bytes, not 32");
    if (!fits(topic_word(2), 20)) return bad("WithdrawalClaimed: topic2 (recipient) is not an address");
    if (!fits(topic_word(3), 20)) return bad("WithdrawalClaimed: topic3 (token) is not an address");
    e.type = EventType::withdrawal_claimed;
    e.withdrawal_id = log.topics[1];
    return e;
  }

  return bad("unknown topic0 " + t0.hex() + " (not a vault event the relay reads)");
}

}  // namespace relay::evm
