#include "adapters/evm/revert.h"

#include <cstring>

#include "adapters/evm/vault_abi.h"
#include "vault/amount.h"
#include "vault/hex.h"

namespace relay::evm {

const std::vector<std::string_view>& vault_error_declarations() {
  // deploy/contracts/RelayVault.sol's errors (tests/adapters/vault_abi_test.cpp compares).
  static const std::vector<std::string_view> kDeclarations = {
      "ValidatorListMismatch(uint256 validators, uint256 weights)",
      "InvalidValidator(uint256 index, address validator)",
      "DuplicateValidator(uint256 index, address validator)",
      "ZeroWeight(uint256 index, address validator)",
      "InvalidQuorum(uint64 quorum, uint256 totalWeight)",
      "InvalidChainIndex(uint32 chainIndex, uint32 chainCount)",
      "WrongChainId(uint256 chainId, uint64 expected)",
      "DuplicateToken(uint256 index, address token)",
      "InvalidDecimals(uint256 index, uint8 decimals, uint8 assetDecimals)",
      "TokenDecimalsMismatch(uint256 index, address token, uint8 decimals, uint8 tokenDecimals)",
      "WrongNetwork(bytes32 networkId)",
      "MalformedCommitment()",
      "SignatureLength(uint256 index, uint256 length)",
      "BadRecoveryId(uint256 index, uint8 v)",
      "MalformedSignature(uint256 index)",
      "HighS(uint256 index)",
      "UnknownSigner(uint256 index, address signer)",
      "DuplicateSigner(uint256 index, address signer)",
      "SignersNotAscending(uint256 index, address signer)",
      "InsufficientWeight(uint256 weight, uint64 quorum)",
      "EpochAlreadyCommitted(uint64 epoch)",
      "ZeroAmount()",
      "ZeroAccount()",
      "AccountNotWithdrawable(bytes32 account)",
      "NativeTokenNotAllowed()",
      "UnknownToken(address token)",
      "InexactAmount(address token, uint256 amount, uint256 unit)",
      "CustodyCap(address token, uint256 custody, uint256 cap)",
      "NotAContract(address token)",
      "TransferFailed(address token, address to, uint256 amount)",
      "ZeroRecipient()",
      "RecipientIsVault()",
      "InvalidAsset()",
      "UnknownEpoch(uint64 epoch)",
      "BadProof()",
      "AlreadyClaimed(bytes32 id)",
      "NotRecipient(address caller, address recipient)",
      "Reentrancy()",
  };
  return kDeclarations;
}

namespace {

struct Param {
  std::string type, name;
};

struct Declaration {
  std::string name;
  std::vector<Param> params;
  std::string signature() const {  // canonical: "Name(type,type)"
    std::string s = name + "(";
    for (size_t i = 0; i < params.size(); ++i) s += (i ? "," : "") + params[i].type;
    return s + ")";
  }
};

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

Declaration parse(std::string_view d) {
  Declaration out;
  size_t open = d.find('(');
  out.name = std::string(d.substr(0, open));
  std::string_view args = d.substr(open + 1, d.size() - open - 2);
  while (!args.empty()) {
    size_t comma = args.find(',');
    std::string p = trim(args.substr(0, comma));
    size_t space = p.find(' ');
    out.params.push_back({p.substr(0, space), space == std::string::npos ? "" : p.substr(space + 1)});
    args = comma == std::string_view::npos ? std::string_view{} : args.substr(comma + 1);
  }
  return out;
}

// One static ABI word as `type` shows it.
std::string word_value(const std::string& type, std::span<const uint8_t, 32> w) {
  auto high_zero = [&](size_t n) {
    for (size_t i = 0; i < n; ++i)
      if (w[i] != 0) return false;
    return true;
  };
  if (type == "address" && high_zero(12)) return to_hex(w.subspan(12));
  if (type == "bool" && high_zero(31) && w[31] <= 1) return w[31] ? "true" : "false";
  if (type.starts_with("uint") && high_zero(16)) {
    uint8_t be[16];
    std::memcpy(be, w.data() + 16, 16);
    return Amount::from_be_bytes(be).to_decimal();
  }
  return to_hex(w);
}

// Error(string)'s argument, or nullopt when the encoding does not hold.
std::optional<std::string> error_string(std::span<const uint8_t> args) {
  auto small = [&](size_t at) -> std::optional<size_t> {  // a word that fits in 32 bits
    if (at + 32 > args.size()) return std::nullopt;
    for (size_t i = at; i < at + 28; ++i)
      if (args[i] != 0) return std::nullopt;
    size_t v = 0;
    for (size_t i = at + 28; i < at + 32; ++i) v = v << 8 | args[i];
    return v;
  };
  auto offset = small(0);
  if (!offset) return std::nullopt;
  auto len = small(*offset);
  if (!len || *offset + 32 + *len > args.size()) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < *len; ++i) {
    uint8_t c = args[*offset + 32 + i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += char(c);
    } else {
      static constexpr char kDigits[] = "0123456789abcdef";
      out += "\\x";
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

// Panic codes are small and read in hex ("0x11": arithmetic overflow).
std::string panic_code(std::span<const uint8_t, 32> w) {
  std::string h = to_hex(w);  // "0x" + 64 digits
  size_t first = h.find_first_not_of('0', 2);
  if (first == std::string::npos) return "0x00";
  return "0x" + h.substr(first - (h.size() - first) % 2);  // whole bytes: 0x11, 0x0100
}

const std::vector<std::pair<std::array<uint8_t, 4>, Declaration>>& known() {
  static const auto kKnown = [] {
    std::vector<std::pair<std::array<uint8_t, 4>, Declaration>> out;
    for (auto d : vault_error_declarations()) {
      Declaration p = parse(d);
      out.emplace_back(selector(p.signature()), std::move(p));
    }
    for (auto d : {"Error(string message)", "Panic(uint256 code)"}) {
      Declaration p = parse(d);
      out.emplace_back(selector(p.signature()), std::move(p));
    }
    return out;
  }();
  return kKnown;
}

const Declaration* find(std::span<const uint8_t> data) {
  if (data.size() < 4) return nullptr;
  for (const auto& [sel, d] : known())
    if (std::memcmp(sel.data(), data.data(), 4) == 0) return &d;
  return nullptr;
}

std::string unknown(std::span<const uint8_t> data) {
  if (data.size() < 4) return "unknown revert data " + to_hex(data);
  return "unknown error " + to_hex(data.subspan(0, 4)) + " (" + std::to_string(data.size()) +
         " bytes of data)";
}

}  // namespace

std::string revert_name(std::span<const uint8_t> data) {
  const Declaration* d = find(data);
  return d ? d->name : "";
}

std::string describe_revert(std::span<const uint8_t> data) {
  if (data.empty()) return "no revert data";
  const Declaration* d = find(data);
  if (d == nullptr) return unknown(data);
  std::span<const uint8_t> args = data.subspan(4);
  if (d->name == "Error") {
    auto s = error_string(args);
    return s ? "Error(\"" + *s + "\")" : unknown(data);
  }
  if (args.size() != 32 * d->params.size()) return unknown(data);
  std::string out = d->name + "(";
  for (size_t i = 0; i < d->params.size(); ++i) {
    if (i) out += ", ";
    const Param& p = d->params[i];
    std::span<const uint8_t, 32> w(args.data() + 32 * i, 32);
    std::string v = d->name == "Panic" ? panic_code(w) : word_value(p.type, w);
    out += p.name.empty() ? v : p.name + "=" + v;
  }
  return out + ")";
}

}  // namespace relay::evm
