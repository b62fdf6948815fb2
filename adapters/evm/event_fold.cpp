#include "adapters/evm/event_fold.h"

#include <charconv>
#include <vector>

#include "proofs/keccak.h"

namespace relay::evm {
namespace {

// A decimal string as a big-endian unsigned integer of `width` bytes; nullopt when it is not
// all digits or does not fit. (uint256 amounts have no type of their own here; Amount is 128.)
std::optional<std::vector<uint8_t>> decimal_be(const std::string& s, size_t width) {
  if (s.empty()) return std::nullopt;
  std::vector<uint8_t> out(width, 0);
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    unsigned carry = unsigned(c - '0');
    for (size_t i = width; i-- > 0;) {
      unsigned v = out[i] * 10u + carry;
      out[i] = uint8_t(v);
      carry = v >> 8;
    }
    if (carry) return std::nullopt;
  }
  return out;
}

std::optional<uint64_t> dest_chain_id(const std::string& name, const Genesis& g) {
  if (auto i = g.chain_index(name)) return g.chains[*i].chain_id.value;
  const std::string prefix = "chain_id:";
  if (name.rfind(prefix, 0) != 0) return std::nullopt;
  uint64_t v = 0;
  const char* b = name.data() + prefix.size();
  const char* e = name.data() + name.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || b == e) return std::nullopt;
  return v;
}

template <class Bytes>
void put(std::vector<uint8_t>& out, const Bytes& b) {
  out.insert(out.end(), b.begin(), b.end());
}

}  // namespace

Result<void> fold_event(EventState& state, const Event& e, const Genesis& genesis) {
  std::vector<uint8_t> rec(state.accumulator.bytes.begin(), state.accumulator.bytes.end());
  const std::string at = "block " + std::to_string(e.pos.block) + " log " +
                         std::to_string(e.pos.log_index) + ": ";
  switch (e.type) {
    case EventType::deposit: {
      auto amount = decimal_be(e.amount, 32);
      if (!amount) return fail(at + "deposit amount " + e.amount + " is not a uint256");
      rec.push_back(1);
      put(rec, e.token.bytes);
      put(rec, e.account.bytes);
      put(rec, *amount);
      break;
    }
    case EventType::withdrawal_request: {
      auto amount = decimal_be(e.amount, 16);
      auto dest = dest_chain_id(e.dest_chain, genesis);
      if (!amount) return fail(at + "request amount " + e.amount + " is not a uint128");
      if (!dest) return fail(at + "destination " + e.dest_chain + " has no chain id");
      if (e.asset.empty() || e.asset.size() > 255) return fail(at + "asset of a wrong length");
      rec.push_back(2);
      put(rec, e.account.bytes);
      put(rec, *amount);
      for (int s = 56; s >= 0; s -= 8) rec.push_back(uint8_t(*dest >> s));
      put(rec, e.recipient.bytes);
      rec.push_back(uint8_t(e.asset.size()));
      put(rec, e.asset);
      break;
    }
    case EventType::withdrawal_claimed:
      rec.push_back(3);
      put(rec, e.withdrawal_id.bytes);
      break;
  }
  state.accumulator = keccak256(rec);
  ++state.count;
  return {};
}

}  // namespace relay::evm
