// What a failed JSON-RPC call means for the watcher: every RpcError is temporary (the call may
// succeed later or on another endpoint), and some of them say the eth_getLogs range asked for
// is too large for this node or provider, so a smaller one should be asked instead.
// Pure functions, thread-safe.
#pragma once

#include "adapters/evm/http_transport.h"

namespace relay::evm {

/// Whether a failed eth_getLogs says "ask for fewer blocks": an answer over the size limit, HTTP
/// 413, or an error message of the known provider forms — result caps ("query returned more than
/// 10000 results", Alchemy's "Log response size exceeded", "logs matched by query exceeds limit",
/// "query exceeds max results"), block-span caps ("block range too large", "block range is too
/// wide", "range 1000000 exceeds limit of 10000", "eth_getLogs is limited to a 10,000 range",
/// "Max range: 3500", "exceed maximum block range", ...) and query timeouts ("query timeout
/// exceeded"). The list is in rpc_errors.cpp with the provider each form comes from.
bool is_range_too_large(const RpcError& e);

}  // namespace relay::evm
