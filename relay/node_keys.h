// The node's LevelDB keys, all under "N/" (docs/node.md "Storage of the node"); the canonical
// state keeps "S/" (canonical_state/codec.h) and the commitments "P/" (proofs/commitment_keys.h).
// Every integer in a key is fixed-width big-endian (canonical_state/codec.h's helpers), so a
// prefix scan returns chains, heights and epochs in numeric order. Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "canonical_state/codec.h"
#include "vault/types.h"

namespace relay::node::keys {

/// The folder's marker: kMarkerTag ‖ network id (32 bytes). The first write into a new folder.
inline constexpr std::string_view kMarker = "N/m/id";
inline constexpr std::string_view kMarkerTag = "relay-node";

inline constexpr std::string_view kHeader = "N/h/";       // + be32 chain + be64 height
inline constexpr std::string_view kEvent = "N/e/";        // + be32 chain + be64 block + be32 log
inline constexpr std::string_view kTip = "N/t/";          // + be32 chain
inline constexpr std::string_view kCuts = "N/c/";         // + be64 epoch
inline constexpr std::string_view kSignRecord = "N/s/";   // + be64 epoch
inline constexpr std::string_view kCertificate = "N/q/";  // + be64 epoch
inline constexpr std::string_view kEvidence = "N/x/";     // + be64 epoch + signer (20)
inline constexpr std::string_view kPublication = "N/p/";  // + be32 chain + be64 epoch

inline std::string epoch_key(std::string_view prefix, uint64_t epoch) {
  std::string k(prefix);
  codec::put_be64(k, epoch);
  return k;
}
inline std::string sign_record_key(uint64_t epoch) { return epoch_key(kSignRecord, epoch); }
inline std::string certificate_key(uint64_t epoch) { return epoch_key(kCertificate, epoch); }
inline std::string cuts_key(uint64_t epoch) { return epoch_key(kCuts, epoch); }
inline std::string evidence_key(uint64_t epoch, const Address& signer) {
  std::string k = epoch_key(kEvidence, epoch);
  codec::put_bytes(k, signer);
  return k;
}

}  // namespace relay::node::keys
