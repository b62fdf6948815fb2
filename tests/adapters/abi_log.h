// Vault logs built by hand from the Solidity ABI spec (event encoding: topic0 = keccak256 of
// the signature, indexed arguments as 32-byte topics, the rest abi-encoded in data), for the
// decoder's and watcher's tests. topic0s are pinned as literals, computed outside the C++
// (node: keccak_256 of the signature), so the decoder's own keccak is checked too.
#pragma once

#include <string>
#include <vector>

#include "adapters/evm/rpc_client.h"
#include "vault/amount.h"
#include "vault/types.h"

namespace relay::evm::testing {

inline Hash32 h32(const std::string& hex) { return *Hash32::from_hex(hex); }

inline const Hash32 kDeposited =
    h32("0x81226022599698f02239ac5895ce7a96962ba5fe72f8f7610d1cc2cb0405f391");
inline const Hash32 kWithdrawalRequested =
    h32("0xea93ca838c4cb53288ea7c490041c5478445fc5508341d632e20f9ec9bca54dd");
inline const Hash32 kWithdrawalClaimed =
    h32("0x21680886b6aa80d371c48bf86ba4dbf57eb23ac7bfd23000ed5e9def6becc728");

/// A 32-byte word holding `v` big-endian.
inline Hash32 word(uint128_t v) {
  Hash32 w;
  for (int i = 31; i >= 16; --i, v >>= 8) w.bytes[size_t(i)] = uint8_t(v);
  return w;
}
inline Hash32 word(const Address& a) {
  Hash32 w;
  std::copy(a.bytes.begin(), a.bytes.end(), w.bytes.begin() + 12);
  return w;
}
inline void append(std::vector<uint8_t>& data, const Hash32& w) {
  data.insert(data.end(), w.bytes.begin(), w.bytes.end());
}

inline Address addr(uint8_t fill) {
  Address a;
  a.bytes.fill(fill);
  return a;
}

/// A log of `vault` at (block, index) with the given topics and data.
inline Log make_log(const Address& vault, uint64_t block, uint32_t index, std::vector<Hash32> topics,
                    std::vector<uint8_t> data) {
  Log l;
  l.address = vault;
  l.block_number = block;
  l.log_index = index;
  l.topics = std::move(topics);
  l.data = std::move(data);
  l.block_hash = word(uint128_t(0xb10c0000) + block);
  l.tx_hash = word(uint128_t(0x7a000000) + block * 1000 + index);
  return l;
}

/// Deposited(address indexed token, bytes32 indexed account, address indexed depositor,
///           uint256 amount)
inline Log deposited(const Address& vault, uint64_t block, uint32_t index, const Address& token,
                     const Hash32& account, const Address& depositor, const Hash32& amount) {
  std::vector<uint8_t> data;
  append(data, amount);
  return make_log(vault, block, index, {kDeposited, word(token), account, word(depositor)}, data);
}

/// WithdrawalRequested(bytes32 indexed account, string asset, uint128 amount,
///                     uint64 indexed destChainId, address recipient)
inline Log withdrawal_requested(const Address& vault, uint64_t block, uint32_t index,
                                const Hash32& account, const std::string& asset,
                                const Hash32& amount, uint64_t dest, const Address& recipient) {
  std::vector<uint8_t> data;
  append(data, word(96));
  append(data, amount);
  append(data, word(recipient));
  append(data, word(asset.size()));
  data.insert(data.end(), asset.begin(), asset.end());
  data.resize(data.size() + (32 - asset.size() % 32) % 32, 0);
  return make_log(vault, block, index, {kWithdrawalRequested, account, word(dest)}, data);
}

/// WithdrawalClaimed(bytes32 indexed id, address indexed recipient, address indexed token,
///                   uint256 amount)
inline Log withdrawal_claimed(const Address& vault, uint64_t block, uint32_t index, const Hash32& id,
                              const Address& recipient, const Address& token, uint128_t amount) {
  std::vector<uint8_t> data;
  append(data, word(amount));
  return make_log(vault, block, index, {kWithdrawalClaimed, id, word(recipient), word(token)},
                  data);
}

}  // namespace relay::evm::testing
