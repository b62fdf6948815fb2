// The LevelDB keys and values of the stored epoch commitments, under "P/C/", and of each epoch's
// certified withdrawals, under "P/W/" (docs/proofs.md "Storage of commitments and withdrawals").
// Fixed-width big-endian fields, so a prefix scan returns epochs and chains in order.
// Stateless helpers, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proofs/liabilities_keys.h"

namespace relay::proofs::commitment_keys {

inline constexpr std::string_view kCommitments = "P/C/e/";  // + be64 epoch -> abi encoding
inline constexpr std::string_view kHead = "P/C/h";  // -> be64 last epoch || its commitment hash
inline constexpr std::string_view kFormat = "P/C/format";  // -> be32 kFormatVersion
/// The format of the records under P/C/ and P/W/, written with every epoch's head: 2 = the
/// fourteen-field commitment (docs/proofs.md "Epoch commitment"). A folder whose commitments
/// have none (the eight-field commitments of before) or another is refused by name, never
/// misread.
inline constexpr uint32_t kFormatVersion = 2;
inline constexpr std::string_view kWithdrawals = "P/W/";  // + be64 epoch + be32 chain -> leaves
inline constexpr size_t kHeadSize = 8 + 32;
inline constexpr size_t kLeafSize = 32 + 20 + 20 + 32;  // id, recipient, token, u256(amount)

inline std::string commitment_key(uint64_t epoch) {
  return std::string(kCommitments) + liabilities_keys::be64(epoch);
}
inline std::string withdrawals_key(uint64_t epoch, size_t chain) {
  return std::string(kWithdrawals) + liabilities_keys::be64(epoch) +
         liabilities_keys::be32(uint32_t(chain));
}

}  // namespace relay::proofs::commitment_keys
