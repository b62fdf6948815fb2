#include "adapters/evm/backoff.h"

#include <algorithm>

namespace relay::evm {

std::chrono::milliseconds Backoff::delay(uint32_t failures,
                                         std::optional<std::chrono::seconds> retry_after) {
  using std::chrono::milliseconds;
  if (retry_after)
    return std::chrono::duration_cast<milliseconds>(std::min(*retry_after, options_.max_retry_after));
  int64_t d = std::max<int64_t>(options_.base.count(), 1);
  for (uint32_t i = 1; i < failures && d < options_.max.count(); ++i) d *= 2;
  d = std::min<int64_t>(d, std::max<int64_t>(options_.max.count(), 1));
  std::uniform_int_distribution<int64_t> half(0, d / 2);
  return milliseconds(d - d / 2 + half(random_));
}

}  // namespace relay::evm
