#include "adapters/evm/rpc_json.h"

#include "vault/hex.h"
#include "vault/json_strict.h"

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
  // Strict: an answer with a repeated key ("result" twice) is malformed, not read one way.
  auto parsed = parse_json_strict(*body, "the answer");
  if (!parsed) return malformed(parsed.error().message);
  return result(*parsed);
}

RpcResult<std::optional<BlockHeader>> parse_block(const Call& c, const json& r,
                                                  std::optional<uint64_t> asked) {
  if (r.is_null()) return std::optional<BlockHeader>{};
  if (!r.is_object()) return c.malformed("result: not a block object");
  auto number = parse_quantity(r.value("number", json()));
  auto hash = parse_fixed<Hash32>(r.value("hash", json()));
  auto parent = parse_fixed<Hash32>(r.value("parentHash", json()));
  auto timestamp = parse_quantity(r.value("timestamp", json()));
  auto bloom = parse_data(r.value("logsBloom", json()));
  if (!number) return c.malformed("result.number: not a hex quantity below 2^64");
  if (!hash) return c.malformed("result.hash: not 32 bytes of hex");
  if (!parent) return c.malformed("result.parentHash: not 32 bytes of hex");
  if (!timestamp) return c.malformed("result.timestamp: not a hex quantity below 2^64");
  // "0x" is taken as an empty bloom (no hint): some nodes (Filecoin's FEVM) answer it even for
  // blocks with logs; the accumulator checks those blocks all the same.
  if (!bloom || (bloom->size() != 256 && !bloom->empty()))
    return c.malformed("result.logsBloom: not 256 bytes of hex");
  if (asked && *number != *asked)
    return c.malformed("asked for block " + std::to_string(*asked) + ", got block " +
                       std::to_string(*number));
  BlockHeader h;
  h.number = *number;
  h.hash = *hash;
  h.parent_hash = *parent;
  h.timestamp = *timestamp;
  if (!bloom->empty()) std::copy(bloom->begin(), bloom->end(), h.logs_bloom.begin());
  return std::optional<BlockHeader>(h);
}

namespace {
RpcResult<Log> parse_log(const Call& c, const json& j, size_t i) {
  std::string at = "result[" + std::to_string(i) + "].";
  if (!j.is_object()) return c.malformed("result[" + std::to_string(i) + "]: not an object");
  Log l;
  auto address = parse_fixed<Address>(j.value("address", json()));
  auto block = parse_quantity(j.value("blockNumber", json()));
  auto block_hash = parse_fixed<Hash32>(j.value("blockHash", json()));
  auto tx = parse_fixed<TxHash>(j.value("transactionHash", json()));
  auto index = parse_quantity(j.value("logIndex", json()));
  auto data = parse_data(j.value("data", json()));
  if (!address) return c.malformed(at + "address: not 20 bytes of hex");
  if (!block) return c.malformed(at + "blockNumber: not a hex quantity below 2^64");
  if (!block_hash) return c.malformed(at + "blockHash: not 32 bytes of hex");
  if (!tx) return c.malformed(at + "transactionHash: not 32 bytes of hex");
  if (!index || *index > UINT32_MAX) return c.malformed(at + "logIndex: not a hex quantity below 2^32");
  if (!data) return c.malformed(at + "data: not hex bytes");
  auto topics = j.find("topics");
  if (topics == j.end() || !topics->is_array()) return c.malformed(at + "topics: not an array");
  for (size_t t = 0; t < topics->size(); ++t) {
    auto topic = parse_fixed<Hash32>((*topics)[t]);
    if (!topic) return c.malformed(at + "topics[" + std::to_string(t) + "]: not 32 bytes of hex");
    l.topics.push_back(*topic);
  }
  if (auto rm = j.find("removed"); rm != j.end()) {
    if (!rm->is_boolean()) return c.malformed(at + "removed: not a boolean");
    l.removed = rm->get<bool>();
  }
  l.address = *address;
  l.block_number = *block;
  l.block_hash = *block_hash;
  l.tx_hash = *tx;
  l.log_index = uint32_t(*index);
  l.data = std::move(*data);
  return l;
}
}  // namespace

RpcResult<std::vector<Log>> parse_logs(const Call& c, const json& r) {
  if (!r.is_array()) return c.malformed("result: not an array of logs");
  std::vector<Log> out;
  out.reserve(r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    auto l = parse_log(c, r[i], i);
    if (!l) return std::unexpected(l.error());
    out.push_back(std::move(*l));
  }
  return out;
}

}  // namespace relay::evm::rpc_json
