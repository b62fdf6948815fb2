#include "wire/wire.h"

#include <charconv>
#include <optional>
#include <string_view>

#include "proto/relay.pb.h"

namespace relay {
namespace {

template <class T>
Result<T> bytes_field(const std::string& b, const char* field) {
  if (b.size() != T::size())
    return fail(std::string(field) + ": must be " + std::to_string(T::size()) + " bytes, got " +
                std::to_string(b.size()));
  return T::from_span(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.data()), b.size()));
}

Result<std::string> amount_field(const std::string& s, const char* field) {
  if (s.empty() || s.size() > 78 || s.find_first_not_of("0123456789") != std::string::npos)
    return fail(std::string(field) + ": must be 1 to 78 decimal digits");
  size_t nz = s.find_first_not_of('0');
  return nz == std::string::npos ? std::string("0") : s.substr(nz);
}

template <class T>
std::string to_bytes(const T& v) {
  return std::string(reinterpret_cast<const char*>(v.bytes.data()), v.bytes.size());
}

// The chain id of a withdrawal's destination: a genesis chain's, or the n of "chain_id:<n>",
// the name event_from_proto gives a destination the genesis does not know (so such an event,
// which the state machine rejects, still travels the wire unchanged).
std::optional<uint64_t> dest_chain_id(const std::string& name, const Genesis& genesis) {
  if (auto i = genesis.chain_index(name)) return genesis.chains[*i].chain_id.value;
  constexpr std::string_view kPrefix = "chain_id:";
  if (!name.starts_with(kPrefix)) return std::nullopt;
  std::string_view digits = std::string_view(name).substr(kPrefix.size());
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (std::to_string(v) != digits) return std::nullopt;  // one spelling per id: no "chain_id:07"
  return v;
}

}  // namespace

Result<Event> event_from_proto(const wire::ChainEvent& msg, const Genesis& genesis) {
  Event e;
  if (!msg.has_position()) return fail("position: missing");
  const auto& p = msg.position();
  auto chain = genesis.chain_index(ChainId{p.chain_id()});
  if (!chain) return fail("position.chain_id: " + std::to_string(p.chain_id()) + " is not a genesis chain");
  e.chain = genesis.chains[*chain].name;
  e.pos = {p.block(), p.log_index()};
  if (!p.tx_hash().empty()) {
    auto tx = bytes_field<TxHash>(p.tx_hash(), "position.tx_hash");
    if (!tx) return std::unexpected(tx.error());
    e.tx = *tx;
  }
  switch (msg.body_case()) {
    case wire::ChainEvent::kDeposit: {
      e.type = EventType::deposit;
      auto token = bytes_field<Address>(msg.deposit().token(), "deposit.token");
      auto account = bytes_field<AccountId>(msg.deposit().account(), "deposit.account");
      auto amount = amount_field(msg.deposit().amount(), "deposit.amount");
      if (!token) return std::unexpected(token.error());
      if (!account) return std::unexpected(account.error());
      if (!amount) return std::unexpected(amount.error());
      e.token = *token;
      e.account = *account;
      e.amount = *amount;
      return e;
    }
    case wire::ChainEvent::kWithdrawalRequest: {
      const auto& w = msg.withdrawal_request();
      e.type = EventType::withdrawal_request;
      auto account = bytes_field<AccountId>(w.account(), "withdrawal_request.account");
      auto recipient = bytes_field<Address>(w.recipient(), "withdrawal_request.recipient");
      auto amount = amount_field(w.amount(), "withdrawal_request.amount");
      if (!account) return std::unexpected(account.error());
      if (!recipient) return std::unexpected(recipient.error());
      if (!amount) return std::unexpected(amount.error());
      if (w.asset().empty()) return fail("withdrawal_request.asset: missing");
      e.account = *account;
      e.recipient = *recipient;
      e.amount = *amount;
      e.asset = w.asset();
      auto dest = genesis.chain_index(ChainId{w.dest_chain_id()});
      e.dest_chain = dest ? genesis.chains[*dest].name
                          : "chain_id:" + std::to_string(w.dest_chain_id());
      return e;
    }
    case wire::ChainEvent::kWithdrawalClaimed: {
      e.type = EventType::withdrawal_claimed;
      auto id = bytes_field<Hash32>(msg.withdrawal_claimed().withdrawal_id(),
                                    "withdrawal_claimed.withdrawal_id");
      if (!id) return std::unexpected(id.error());
      e.withdrawal_id = *id;
      return e;
    }
    case wire::ChainEvent::BODY_NOT_SET:
      break;
  }
  return fail("body: missing (deposit, withdrawal_request or withdrawal_claimed)");
}

Result<void> event_to_proto(const Event& e, const Genesis& genesis, wire::ChainEvent& out) {
  out.Clear();
  auto chain = genesis.chain_index(e.chain);
  if (!chain) return fail("chain: \"" + e.chain + "\" is not a genesis chain");
  auto* p = out.mutable_position();
  p->set_chain_id(genesis.chains[*chain].chain_id.value);
  p->set_block(e.pos.block);
  p->set_log_index(e.pos.log_index);
  if (e.tx) p->set_tx_hash(to_bytes(*e.tx));
  switch (e.type) {
    case EventType::deposit: {
      auto* d = out.mutable_deposit();
      d->set_token(to_bytes(e.token));
      d->set_account(to_bytes(e.account));
      d->set_amount(e.amount);
      break;
    }
    case EventType::withdrawal_request: {
      auto dest = dest_chain_id(e.dest_chain, genesis);
      if (!dest)
        return fail("dest_chain: \"" + e.dest_chain +
                    "\" is neither a genesis chain nor \"chain_id:<n>\"");
      auto* w = out.mutable_withdrawal_request();
      w->set_account(to_bytes(e.account));
      w->set_asset(e.asset);
      w->set_amount(e.amount);
      w->set_dest_chain_id(*dest);
      w->set_recipient(to_bytes(e.recipient));
      break;
    }
    case EventType::withdrawal_claimed:
      out.mutable_withdrawal_claimed()->set_withdrawal_id(to_bytes(e.withdrawal_id));
      break;
  }
  return {};
}

Result<std::string> event_to_bytes(const Event& e, const Genesis& genesis) {
  wire::ChainEvent msg;
  if (auto r = event_to_proto(e, genesis, msg); !r) return std::unexpected(r.error());
  return msg.SerializeAsString();
}

Result<Event> event_from_bytes(std::string_view bytes, const Genesis& genesis) {
  wire::ChainEvent msg;
  if (!msg.ParseFromArray(bytes.data(), int(bytes.size()))) return fail("not a ChainEvent");
  return event_from_proto(msg, genesis);
}

Result<EpochBatchData> batch_from_proto(const wire::EpochBatch& msg, const Genesis& genesis) {
  EpochBatchData out;
  out.epoch = msg.epoch();
  out.events.reserve(msg.events_size());
  for (int i = 0; i < msg.events_size(); ++i) {
    auto e = event_from_proto(msg.events(i), genesis);
    if (!e) return fail("events[" + std::to_string(i) + "]." + e.error().message);
    out.events.push_back(std::move(*e));
  }
  return out;
}

}  // namespace relay
