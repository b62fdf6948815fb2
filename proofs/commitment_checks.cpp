#include "proofs/commitment_checks.h"

#include <string>

namespace relay {
namespace {

std::string chain_at(const Genesis& g, size_t c) {
  return "commitment: chain " + g.chains[c].name + ": ";
}

Result<void> check_cut(const ChainCut& k, uint64_t end_time, const std::string& at) {
  if (k.hash.is_zero() && !k.is_empty())
    return fail(at + "cut hash zero (the empty cut) but height " + std::to_string(k.height) +
                ", timestamp " + std::to_string(k.timestamp) + ", event count " +
                std::to_string(k.event_count) + " and accumulator " + k.accumulator.hex() +
                " (the empty cut is all zero)");
  if ((k.event_count == 0) != k.accumulator.is_zero())
    return fail(at + "event count " + std::to_string(k.event_count) + " with accumulator " +
                k.accumulator.hex() + " (the accumulator is zero exactly when no event was "
                "emitted)");
  if (end_time == 0 && !k.is_empty())
    return fail(at + "end_time 0 (no chain data) but the cut is at block " +
                std::to_string(k.height) + " (" + k.hash.hex() + "), not the empty cut");
  if (k.timestamp > end_time)
    return fail(at + "cut timestamp " + std::to_string(k.timestamp) + " is after end_time " +
                std::to_string(end_time));
  return {};
}

}  // namespace

Result<void> check_commitment_amounts(const EpochCommitment& c, const Genesis& g) {
  for (size_t a = 0; a < c.asset_count(); ++a) {
    const std::string at = "commitment: asset " + g.assets[a].id.value + ": ";
    Amount custody, owed = c.liabilities_totals[a], pending;
    for (size_t ch = 0; ch < c.chain_count(); ++ch) {
      if (c.pending_at(ch, a) > c.custody_at(ch, a))
        return fail(at + "pending " + c.pending_at(ch, a).to_decimal() + " to chain " +
                    g.chains[ch].name + " is above its custody there " +
                    c.custody_at(ch, a).to_decimal());
      auto cu = custody.checked_add(c.custody_at(ch, a));
      auto pe = pending.checked_add(c.pending_at(ch, a));
      auto ow = owed.checked_add(c.pending_at(ch, a));
      if (!cu || !pe || !ow) return fail(at + "custody, pending, or liabilities total + pending, over all chains "
                                         "reaches 2^128");
      custody = *cu, pending = *pe, owed = *ow;
    }
    if (custody != owed)
      return fail(at + "custody " + custody.to_decimal() + " != liabilities total " +
                  c.liabilities_totals[a].to_decimal() + " + pending " + pending.to_decimal());
  }
  return {};
}

Result<void> check_commitment_cuts(const EpochCommitment& c, const Genesis& genesis) {
  if (c.end_time != 0) {
    const auto t = genesis.epochs ? genesis.epochs->end_time(c.epoch) : std::nullopt;
    if (!genesis.epochs)
      return fail("commitment.end_time: " + std::to_string(c.end_time) +
                  ", but the genesis has no epochs schedule (its commitments have end_time 0)");
    if (!t || *t != c.end_time)
      return fail("commitment.end_time: " + std::to_string(c.end_time) + ", but epoch " +
                  std::to_string(c.epoch) + " of the genesis schedule ends at " +
                  (t ? std::to_string(*t) : std::string("no time below 2^64")));
  }
  for (size_t ch = 0; ch < c.chain_count(); ++ch)
    if (auto r = check_cut(c.cut(ch), c.end_time, chain_at(genesis, ch)); !r) return r;
  return {};
}

Result<void> check_commitment_content(const EpochCommitment& c, const Genesis& genesis) {
  if (auto r = check_commitment_cuts(c, genesis); !r) return r;
  return check_commitment_amounts(c, genesis);
}

Result<void> check_cuts_follow(const EpochCommitment& previous, const EpochCommitment& next,
                               const Genesis& genesis) {
  const std::string e = "epoch " + std::to_string(next.epoch);
  if (previous.end_time == 0) return {};  // no chain data before: any cuts may start here
  if (next.end_time == 0)
    return fail(e + " has no cuts (end_time 0), but epoch " + std::to_string(previous.epoch) +
                "'s commitment has: once one epoch carries cuts, every later one must");
  if (next.end_time <= previous.end_time)
    return fail(e + ": end_time " + std::to_string(next.end_time) + " is not after epoch " +
                std::to_string(previous.epoch) + "'s " + std::to_string(previous.end_time));
  for (size_t ch = 0; ch < next.chain_count(); ++ch) {
    const ChainCut p = previous.cut(ch), n = next.cut(ch);
    if (p.is_empty() || n == p) continue;
    const std::string at = e + ": chain " + genesis.chains[ch].name + ": the cut at block " +
                           std::to_string(n.height) + " does not extend the previous cut at " +
                           std::to_string(p.height) + " (";
    if (n.height <= p.height)
      return fail(at + (n.height == p.height ? "same height, another block or event state"
                                             : "a lower block") + ")");
    if (n.timestamp < p.timestamp)
      return fail(at + "timestamp " + std::to_string(n.timestamp) + " below " +
                  std::to_string(p.timestamp) + ")");
    if (n.event_count < p.event_count || (n.event_count == p.event_count &&
                                          n.accumulator != p.accumulator))
      return fail(at + "event count " + std::to_string(n.event_count) + " after " +
                  std::to_string(p.event_count) + ", accumulator " + n.accumulator.hex() + ")");
  }
  return {};
}

}  // namespace relay
