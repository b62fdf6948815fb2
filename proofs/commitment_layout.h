// The layout that the encoder, the decoder and the JSON form of an EpochCommitment share
// (docs/proofs.md "Epoch commitment"): four static head words, then ten dynamic arrays, each an
// offset word in the head and, in the tail, its length then its elements. for_each_array visits
// the ten arrays in encoding order with their snake_case names (the JSON field names), so the
// three readers and writers cannot disagree on the order. Header-only, stateless.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "proofs/commitment.h"

namespace relay::commitment_layout {

/// networkId, epoch, previousCommitment, endTime.
inline constexpr size_t kStaticWords = 4;
/// cutHeights .. withdrawalRoots.
inline constexpr size_t kArrays = 10;
/// The head: the static words, then one offset per array.
inline constexpr size_t kHeadWords = kStaticWords + kArrays;

/// The names of the four static fields and of the ten arrays, in encoding order: the JSON
/// field names, and what error messages call them.
inline constexpr std::array<std::string_view, kStaticWords> kStaticNames = {
    "network_id", "epoch", "previous", "end_time"};
inline constexpr std::array<std::string_view, kArrays> kArrayNames = {
    "cut_heights",       "cut_hashes",         "cut_timestamps", "event_counts",
    "event_accumulators", "liabilities_roots", "liabilities_totals", "custody",
    "pending",           "withdrawal_roots"};

/// Calls f(name, array) for the ten arrays in encoding order. `array` is a std::vector of
/// uint64_t (uint64 words), Hash32 (bytes32) or Amount (uint128), const when `c` is.
template <class Commitment, class F>
void for_each_array(Commitment& c, F&& f) {
  f(kArrayNames[0], c.cut_heights);
  f(kArrayNames[1], c.cut_hashes);
  f(kArrayNames[2], c.cut_timestamps);
  f(kArrayNames[3], c.event_counts);
  f(kArrayNames[4], c.event_accumulators);
  f(kArrayNames[5], c.liabilities_roots);
  f(kArrayNames[6], c.liabilities_totals);
  f(kArrayNames[7], c.custody);
  f(kArrayNames[8], c.pending);
  f(kArrayNames[9], c.withdrawal_roots);
}

}  // namespace relay::commitment_layout
