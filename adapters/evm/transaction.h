// EIP-1559 (type 2) transactions: the fields, the hash an account signs, and the signed raw
// transaction `eth_sendRawTransaction` takes (EIP-1559 "Specification", EIP-2718 typed
// envelopes). The publisher only calls a contract, so `to` is always an address (no contract
// creation) and the access list is always empty. Pure functions and value types, thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "proofs/keys.h"
#include "proofs/secp256k1.h"
#include "vault/amount.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay::evm {

/// A type-2 transaction before signing. Wei amounts are `Amount`s (up to 2^128 - 1 wei).
struct Eip1559Transaction {
  uint64_t chain_id = 0;                  // EIP-155 chain id (eth_chainId)
  uint64_t nonce = 0;                     // the sender's transaction count before this one
  Amount max_priority_fee_per_gas;        // wei per gas, the tip above the base fee
  Amount max_fee_per_gas;                 // wei per gas, base fee + tip at most
  uint64_t gas_limit = 0;
  Address to;
  Amount value;                           // wei sent along
  std::vector<uint8_t> data;              // calldata
};

/// keccak256(0x02 ‖ rlp([chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas,
/// gas_limit, to, value, data, access_list = []])): the digest the sender signs.
Hash32 signing_hash(const Eip1559Transaction& tx);

struct SignedTransaction {
  std::vector<uint8_t> raw;  // 0x02 ‖ rlp([..., access_list, y_parity, r, s]): eth_sendRawTransaction's argument
  TxHash hash;               // keccak256(raw): the transaction hash nodes report
};

/// Signs with secp256k1 recoverable ECDSA (RFC 6979 nonce, low s as EIP-2 requires; y_parity
/// is the recovery id, 0 or 1). Fails only for an invalid secret key.
Result<SignedTransaction> sign_transaction(const Eip1559Transaction& tx, const SecretKey& key,
                                           const Secp256k1& secp);

}  // namespace relay::evm
