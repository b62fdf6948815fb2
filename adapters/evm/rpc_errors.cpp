#include "adapters/evm/rpc_errors.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <utility>

namespace relay::evm {
namespace {

// Lower-case fragments of the eth_getLogs refusals of the main nodes and providers, gathered
// from their documentation and issue trackers (2024-2026). Matching is by fragment because the
// numbers in them (limits, suggested ranges) vary by plan and chain.
constexpr std::array<std::string_view, 25> kRangeTooLarge = {
    "query returned more than",            // geth-style result cap: Infura, zkSync, Linea, mevblocker
    "log response size exceeded",          // Alchemy
    "this block range should work",        // Alchemy (suggests a range)
    "try with this block range",           // Infura, zkSync (suggests a range)
    "logs matched by query exceeds limit", // Arbitrum (nitro)
    "query exceeds max results",           // LlamaRPC, Ankr
    "query exceeds max block range",       // Hyperliquid
    "block range too large",               // Base, Erigon
    "block range is too large",            // Optimism
    "range is too large",                  // Merkle ("eth_getLogs range is too large")
    "block range is too wide",             // Ankr, Moonbeam/Moonriver
    "exceeds limit of",                    // Infura ("range 1000000 exceeds limit of 10000")
    "is limited to a",                     // QuickNode, 1RPC, Blast ("limited to a 10,000 range")
    "requested too many blocks",           // Avalanche
    "max range:",                          // Cloudflare
    "maximum allowed number of requested blocks",  // thirdweb
    "response size should not greater than",       // 1RPC
    "backend response too large",          // Optimism
    "block range limit exceeded",          // Chainstack
    "please limit the query to at most",   // Coinbase
    "maximum block range",                 // PublicNode
    "exceed maximum block range",          // op-geth and geth-based gateways
    "block range greater than",            // Swell
    "block range exceeds",                 // Somnia
    "query timeout exceeded",              // Infura, geth (a range too costly to answer in time)
};

// Fragments that mean a range limit only together ("limited to" alone is also a rate limit's).
constexpr std::array<std::pair<std::string_view, std::string_view>, 1> kRangeTooLargePairs = {{
    {"limited to", "block"},  // BlockPI ("eth_getLogs is limited to 1024 block range")
}};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

}  // namespace

bool is_range_too_large(const RpcError& e) {
  if (e.kind == RpcFailure::too_large) return true;
  if (e.kind == RpcFailure::http_status && e.http_status == 413) return true;
  if (e.kind != RpcFailure::rpc_error && e.kind != RpcFailure::http_status) return false;
  std::string m = lower(e.message);
  auto has = [&](std::string_view f) { return m.find(f) != std::string::npos; };
  return std::any_of(kRangeTooLarge.begin(), kRangeTooLarge.end(), has) ||
         std::any_of(kRangeTooLargePairs.begin(), kRangeTooLargePairs.end(),
                     [&](const auto& p) { return has(p.first) && has(p.second); });
}

}  // namespace relay::evm
