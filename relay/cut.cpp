#include "relay/cut.h"

#include <algorithm>

namespace relay::node {
namespace {

std::unexpected<CutError> refuse(CutErrorKind kind, std::string message) {
  return std::unexpected(CutError{kind, std::move(message)});
}

}  // namespace

CutEngine::CutEngine(uint64_t start_time, uint64_t seconds, uint64_t next_epoch,
                     std::vector<ChainStart> chains)
    : start_time_(start_time), seconds_(seconds), next_epoch_(next_epoch) {
  for (auto& c : chains) chains_.push_back(Chain{c.start_block, std::move(c.cut), {}});
}

uint64_t CutEngine::end_time(uint64_t epoch) const {
  uint64_t n = 0, span = 0, t = 0;
  if (__builtin_add_overflow(epoch, 1, &n) || __builtin_mul_overflow(n, seconds_, &span) ||
      __builtin_add_overflow(start_time_, span, &t))
    return UINT64_MAX;
  return t;
}

Cut CutEngine::last_block(size_t chain) const {
  const Chain& c = chains_[chain];
  return c.blocks.empty() ? c.cut : Cut(c.blocks.back());
}

std::expected<void, CutError> CutEngine::add(size_t chain, std::span<const BlockRecord> blocks) {
  if (chain >= chains_.size())
    return refuse(CutErrorKind::kUnknownChain,
                  "chain " + std::to_string(chain) + " is not a genesis chain");
  Chain& c = chains_[chain];
  const std::string where = "chain " + std::to_string(chain) + ": ";
  // The block each new one must follow: the last held, else the cut, else none (start_block).
  const BlockRecord* prev = !c.blocks.empty() ? &c.blocks.back() : (c.cut ? &*c.cut : nullptr);
  for (const BlockRecord& b : blocks) {
    if (!prev) {
      if (b.height < c.start_block)
        return refuse(CutErrorKind::kBeforeStart, where + "block " + std::to_string(b.height) +
                                                      " is below start_block " +
                                                      std::to_string(c.start_block));
      if (b.height != c.start_block)
        return refuse(CutErrorKind::kOutOfOrder, where + "the first block must be start_block " +
                                                     std::to_string(c.start_block) + ", not " +
                                                     std::to_string(b.height));
    } else {
      if (b.height != prev->height + 1)
        return refuse(CutErrorKind::kOutOfOrder, where + "block " + std::to_string(b.height) +
                                                     " does not follow block " +
                                                     std::to_string(prev->height));
      if (b.parent_hash != prev->hash)
        return refuse(CutErrorKind::kOutOfOrder, where + "block " + std::to_string(b.height) +
                                                     " names parent " + b.parent_hash.hex() +
                                                     ", but block " + std::to_string(prev->height) +
                                                     " is " + prev->hash.hex());
      if (b.timestamp < prev->timestamp)
        return refuse(CutErrorKind::kTimestampDecreased,
                      where + "block " + std::to_string(b.height) + " has timestamp " +
                          std::to_string(b.timestamp) + ", older than its parent's " +
                          std::to_string(prev->timestamp));
    }
    prev = &b;
  }
  c.blocks.insert(c.blocks.end(), blocks.begin(), blocks.end());
  return {};
}

std::variant<CutEngine::Decided, CutEngine::Waiting> CutEngine::decide() const {
  const uint64_t t = end_time(next_epoch_);
  Decided d{next_epoch_, t, {}};
  Waiting w{next_epoch_, t, {}};
  for (size_t i = 0; i < chains_.size(); ++i) {
    const Chain& c = chains_[i];
    // Timestamps do not decrease: the blocks ≤ T_e are a prefix; the cut is decided when a
    // block after it exists.
    auto after = std::partition_point(c.blocks.begin(), c.blocks.end(),
                                      [&](const BlockRecord& b) { return b.timestamp <= t; });
    if (after == c.blocks.end()) {
      w.chains.push_back(i);
      continue;
    }
    d.chains.push_back(ChainStep{c.cut, after == c.blocks.begin() ? c.cut : Cut(*(after - 1))});
  }
  if (!w.chains.empty()) return w;
  return d;
}

void CutEngine::advance(const Decided& d) {
  for (size_t i = 0; i < chains_.size(); ++i) {
    Chain& c = chains_[i];
    const Cut& cut = d.chains[i].cut;
    while (cut && !c.blocks.empty() && c.blocks.front().height <= cut->height) c.blocks.pop_front();
    c.cut = cut;
  }
  next_epoch_ = d.epoch + 1;
}

}  // namespace relay::node
