#include "wire/event_log.h"

#include <nlohmann/json.hpp>

#include "vault/json_strict.h"

namespace relay {
namespace {

using json = nlohmann::json;

// 2^256 - 1 has 78 digits: no chain can emit a longer amount.
constexpr size_t kMaxAmountDigits = 78;

struct Fields {
  const json& obj;
  std::string error;

  const json* need(const char* key) {
    if (!error.empty()) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end()) {
      error = std::string(key) + ": missing";
      return nullptr;
    }
    return &*it;
  }
  std::string string(const char* key) {
    const json* v = need(key);
    if (!v) return {};
    if (!v->is_string() || v->get_ref<const std::string&>().empty()) {
      error = std::string(key) + ": must be a non-empty string";
      return {};
    }
    return v->get<std::string>();
  }
  uint64_t uint(const char* key, uint64_t max) {
    const json* v = need(key);
    if (!v) return 0;
    if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0)) {
      error = std::string(key) + ": must be a non-negative integer";
      return 0;
    }
    uint64_t x = v->get<uint64_t>();
    if (x > max) {
      error = std::string(key) + ": must be at most " + std::to_string(max);
      return 0;
    }
    return x;
  }
  template <class T>
  T hex(const char* key, const char* what) {
    std::string s = string(key);
    if (!error.empty()) return {};
    auto v = T::from_hex(s);
    if (!v) {
      error = std::string(key) + ": must be 0x and " + what;
      return {};
    }
    return *v;
  }
  std::string amount(const char* key) {
    std::string s = string(key);
    if (!error.empty()) return {};
    if (s.find_first_not_of("0123456789") != std::string::npos) {
      error = std::string(key) + ": must be a decimal string of digits";
      return {};
    }
    size_t nz = s.find_first_not_of('0');
    s = nz == std::string::npos ? "0" : s.substr(nz);
    if (s.size() > kMaxAmountDigits) {
      error = std::string(key) + ": exceeds 2^256-1";
      return {};
    }
    return s;
  }
};

}  // namespace

Result<LogLine> parse_event_line(std::string_view line) {
  auto parsed = parse_json_strict(line, "");
  if (!parsed) return std::unexpected(parsed.error());
  const json& obj = *parsed;
  if (!obj.is_object()) return fail("line: must be a JSON object");
  Fields f{obj, {}};
  std::string type = f.string("type");
  if (!f.error.empty()) return fail(f.error);
  LogLine out;
  if (type == "epoch") {
    out.is_epoch = true;
    return out;
  }
  Event& e = out.event;
  if (type == "deposit")
    e.type = EventType::deposit;
  else if (type == "withdrawal_request")
    e.type = EventType::withdrawal_request;
  else if (type == "withdrawal_claimed")
    e.type = EventType::withdrawal_claimed;
  else
    return fail("type: unknown event type \"" + type + "\"");

  e.chain = f.string("chain");
  e.pos.block = f.uint("block", UINT64_MAX);
  e.pos.log_index = static_cast<uint32_t>(f.uint("log_index", UINT32_MAX));
  if (f.error.empty() && obj.contains("tx")) e.tx = f.hex<TxHash>("tx", "64 hex digits");
  switch (e.type) {
    case EventType::deposit:
      e.token = f.hex<Address>("token", "40 hex digits");
      e.account = f.hex<AccountId>("account", "64 hex digits");
      e.amount = f.amount("amount");
      break;
    case EventType::withdrawal_request:
      e.account = f.hex<AccountId>("account", "64 hex digits");
      e.asset = f.string("asset");
      e.amount = f.amount("amount");
      e.dest_chain = f.string("dest_chain");
      e.recipient = f.hex<Address>("recipient", "40 hex digits");
      break;
    case EventType::withdrawal_claimed:
      e.withdrawal_id = f.hex<Hash32>("withdrawal_id", "64 hex digits");
      break;
  }
  if (!f.error.empty()) return fail(f.error);
  return out;
}

std::string event_to_json_line(const Event& e) {
  json j;
  j["type"] = to_string(e.type);
  j["chain"] = e.chain;
  j["block"] = e.pos.block;
  j["log_index"] = e.pos.log_index;
  if (e.tx) j["tx"] = e.tx->hex();
  switch (e.type) {
    case EventType::deposit:
      j["token"] = e.token.hex();
      j["account"] = e.account.hex();
      j["amount"] = e.amount;
      break;
    case EventType::withdrawal_request:
      j["account"] = e.account.hex();
      j["asset"] = e.asset;
      j["amount"] = e.amount;
      j["dest_chain"] = e.dest_chain;
      j["recipient"] = e.recipient.hex();
      break;
    case EventType::withdrawal_claimed:
      j["withdrawal_id"] = e.withdrawal_id.hex();
      break;
  }
  return j.dump();
}

}  // namespace relay
