// The layout that the encoder, the decoder and the JSON form of an EpochCommitment share
// (docs/proofs.md "Epoch commitment"): four static head words, then ten dynamic arrays, each an
// offset word in the head and, in the tail, its length then its elements. for_each_array visits
// the ten arrays in encoding order with their snake_case names (the JSON field names), so the
// three readers and writers cannot disagree on the order. Header-only, stateless.
#pragma once

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

/// Calls f(name, array) for the ten arrays in encoding order. `array` is a std::vector of
/// uint64_t (uint64 words), Hash32 (bytes32) or Amount (uint128), const when `c` is.
template <class Commitment, class F>
void for_each_array(Commitment& c, F&& f) {
  f(std::string_view("cut_heights"), c.cut_heights);
  f(std::string_view("cut_hashes"), c.cut_hashes);
  f(std::string_view("cut_timestamps"), c.cut_timestamps);
  f(std::string_view("event_counts"), c.event_counts);
  f(std::string_view("event_accumulators"), c.event_accumulators);
  f(std::string_view("liabilities_roots"), c.liabilities_roots);
  f(std::string_view("liabilities_totals"), c.liabilities_totals);
  f(std::string_view("custody"), c.custody);
  f(std::string_view("pending"), c.pending);
  f(std::string_view("withdrawal_roots"), c.withdrawal_roots);
}

}  // namespace relay::commitment_layout
