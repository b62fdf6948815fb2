// What two endpoints' accounts of one range differ in, said in a line for an alarm: the first
// differing header field, event field or checkpoint. Pure function, thread-safe.
#pragma once

#include <string>

#include "adapters/evm/range_reader.h"

namespace relay::evm {

/// The first difference between `a` and `b` (which differ), e.g. "block 12: hash 0xab… vs
/// 0xcd…", "block 7 log 2: amount 5 vs 6", "block 9 log 0: an event only the first has".
std::string view_difference(const RangeView& a, const RangeView& b);

}  // namespace relay::evm
