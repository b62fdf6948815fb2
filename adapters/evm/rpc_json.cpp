#include "adapters/evm/rpc_json.h"

#include "vault/hex.h"

namespace relay::evm::rpc_json {
namespace {

// A hex quantity's value if it has at most 2·sizeof(U) significant digits.
template <class U>
std::optional<U> parse_unsigned(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
  size_t start = s.find_first_not_of('0', 2);
  if (start == std::string::npos) return U(0);
  if (s.size() - start > 2 * sizeof(U)) return std::nullopt;
  U out = 0;
  for (size_t i = start; i < s.size(); ++i) {
    char c = s[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return std::nullopt;
    out = out << 4 | U(d);
  }
  return out;
}

}  // namespace

std::optional<uint64_t> parse_quantity(const json& v) { return parse_unsigned<uint64_t>(v); }

std::optional<Amount> parse_amount(const json& v) {
  auto u = parse_unsigned<uint128_t>(v);
  if (!u) return std::nullopt;
  return Amount(*u);
}

std::string quantity(uint64_t n) {
  static const char* digits = "0123456789abcdef";
  if (n == 0) return "0x0";
  std::string out;
  while (n) {
    out.insert(out.begin(), digits[n & 15]);
    n >>= 4;
  }
  return "0x" + out;
}

std::optional<std::vector<uint8_t>> parse_data(const json& v) {
  if (!v.is_string()) return std::nullopt;
  return relay::from_hex(v.get_ref<const std::string&>());  // "0x" is no bytes
}

json Call::request(const json& params) const {
  return {{"jsonrpc", "2.0"}, {"id", id_}, {"method", method_}, {"params", params}};
}

std::unexpected<RpcError> Call::malformed(const std::string& why) const {
  return std::unexpected(RpcError{RpcFailure::malformed, endpoint_ + ": " + method_ + ": " + why});
}

RpcResult<json> Call::result(const json& resp) const {
  if (!resp.is_object()) return malformed("the answer is not a JSON object");
  auto id = resp.find("id");
  if (id == resp.end() || !id->is_number_unsigned() || id->get<uint64_t>() != id_)
    return malformed("the answer's id is not the request's (" + std::to_string(id_) + ")");
  if (auto e = resp.find("error"); e != resp.end() && !e->is_null()) {
    RpcError err{RpcFailure::rpc_error, ""};
    std::string code = "?", msg = "?";
    if (e->is_object()) {
      if (auto c = e->find("code"); c != e->end() && c->is_number_integer()) {
        err.code = c->get<int64_t>();
        code = std::to_string(err.code);
      }
      if (auto m = e->find("message"); m != e->end() && m->is_string()) msg = m->get<std::string>();
      if (auto d = e->find("data"); d != e->end()) err.data = parse_data(*d);
    }
    err.message = endpoint_ + ": " + method_ + ": error " + code + ": " + msg;
    return std::unexpected(std::move(err));
  }
  auto result = resp.find("result");
  if (result == resp.end()) return malformed("the answer has neither result nor error");
  return *result;
}

RpcResult<json> Call::run(Transport& t, const json& params) const {
  auto body = t.post(request(params).dump());
  if (!body) {
    body.error().message += " (" + method_ + ")";
    return std::unexpected(body.error());
  }
  json resp = json::parse(*body, nullptr, /*allow_exceptions=*/false);
  if (resp.is_discarded()) return malformed("the answer is not JSON");
  return result(resp);
}

}  // namespace relay::evm::rpc_json
