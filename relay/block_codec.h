// The node's records of blocks and cuts (docs/node.md "Storage of the node"), big-endian:
//   block record (N/h/ values, in N/t/ and N/c/): hash (32) ‖ parent hash (32) ‖ be64 timestamp
//     ‖ be64 event count ‖ accumulator (32) = 112 bytes; the height is in the key (or before it);
//   cuts record (N/c/ + be64 epoch): per genesis chain, u8 0 (the empty cut) or u8 1 ‖ be64
//     height ‖ block record.
// Decoders refuse any other length, naming what they read. Stateless, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "relay/cut.h"
#include "vault/result.h"

namespace relay::node {

inline constexpr size_t kBlockRecordSize = 32 + 32 + 8 + 8 + 32;

std::string encode_block_record(const BlockRecord& b);
/// `what` names the record in the error ("block 12 of chain 0 (N/h/)").
Result<BlockRecord> decode_block_record(uint64_t height, std::string_view v, const std::string& what);

std::string encode_cuts(const std::vector<Cut>& cuts);
Result<std::vector<Cut>> decode_cuts(std::string_view v, size_t chains, const std::string& what);

}  // namespace relay::node
