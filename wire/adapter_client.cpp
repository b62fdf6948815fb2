#include "wire/adapter_client.h"

#include <chrono>

namespace relay::msg {

Result<net::DealerSocket> AdapterClient::open_socket(net::Context& context,
                                                     const AdapterClientOptions& options) {
  net::SocketOptions so;
  so.curve_client = options.curve;
  so.max_message_bytes = static_cast<int64_t>(kMaxMessageBytes);
  return net::DealerSocket::connect(context, options.endpoint, so);
}

Result<AdapterClient> AdapterClient::connect(net::Context& context, const Genesis& genesis,
                                             size_t chain_index, AdapterClientOptions options) {
  if (chain_index >= genesis.chains.size())
    return fail("adapter client: chain index " + std::to_string(chain_index) +
                " is not a genesis chain");
  if (options.hello.chain_id != genesis.chains[chain_index].chain_id)
    return fail("adapter client: Hello's chain id " + std::to_string(options.hello.chain_id.value) +
                " is not chain " + genesis.chains[chain_index].name + "'s (" +
                std::to_string(genesis.chains[chain_index].chain_id.value) + ")");
  if (options.window == 0) return fail("adapter client: window must be at least 1");
  if (options.endpoint.starts_with("tcp://") && !options.curve)
    return fail("adapter client: " + options.endpoint +
                ": a tcp endpoint needs CURVE (the node's public key and this adapter's keys)");
  auto socket = open_socket(context, options);
  if (!socket) return fail("adapter client: " + socket.error().message);
  return AdapterClient(context, genesis, chain_index, std::move(options), std::move(*socket));
}

AdapterClient::AdapterClient(net::Context& context, const Genesis& genesis, size_t chain_index,
                             AdapterClientOptions options, net::DealerSocket socket)
    : context_(&context),
      genesis_(genesis),
      chain_index_(chain_index),
      options_(std::move(options)),
      socket_(std::move(socket)) {}

Result<void> AdapterClient::reset() {
  auto socket = open_socket(*context_, options_);
  if (!socket) return fail("adapter client: " + socket.error().message);
  socket_ = std::move(*socket);
  used_ = false;
  resumed_ = false;
  sent_seq_ = 0;
  acked_seq_ = 0;
  pending_.clear();
  return {};
}

Result<void> AdapterClient::send_message(const AdapterMessage& m) {
  std::vector<uint8_t> bytes = encode(m, genesis_);
  if (bytes.size() > kMaxMessageBytes)
    return fail("adapter client: message of " + std::to_string(bytes.size()) +
                " bytes is over the 16 MiB limit; split it");
  used_ = true;
  return socket_.send(bytes);
}

Result<std::optional<NodeMessage>> AdapterClient::receive_one(int timeout_ms) {
  auto r = socket_.receive(timeout_ms);
  if (!r) return std::unexpected(r.error());
  if (!*r) return std::optional<NodeMessage>{};
  if ((*r)->frames != 1)
    return fail("adapter client: the node sent a message of " + std::to_string((*r)->frames) +
                " frames (the protocol has one)");
  auto m = decode_node_message((*r)->body);
  if (!m) return fail("adapter client: the node sent a bad message: " + m.error().message);
  track(*m);
  return std::optional<NodeMessage>{std::move(*m)};
}

void AdapterClient::track(const NodeMessage& m) {
  if (const Ack* a = std::get_if<Ack>(&m)) {
    // Acks are cumulative; one naming a seq not sent (a node bug) frees only what was sent.
    acked_seq_ = std::max(acked_seq_, std::min(a->seq, sent_seq_));
  } else if (std::holds_alternative<Error>(m)) {
    resumed_ = false;
  }
}

Result<std::variant<Resume, Error>> AdapterClient::hello(int timeout_ms) {
  if (used_) {
    if (auto r = reset(); !r) return std::unexpected(r.error());
  }
  if (auto s = send_message(options_.hello); !s) return std::unexpected(s.error());
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    auto m = receive_one(static_cast<int>(left));
    if (!m) return std::unexpected(m.error());
    if (!*m) continue;
    if (const Resume* r = std::get_if<Resume>(&**m)) {
      resumed_ = true;
      return std::variant<Resume, Error>{*r};
    }
    if (const Error* e = std::get_if<Error>(&**m)) return std::variant<Resume, Error>{*e};
    pending_.push_back(std::move(**m));
  }
  return fail("adapter client: no answer to Hello from " + options_.endpoint + " within " +
              std::to_string(timeout_ms) +
              " ms (is the node up, and does it know this adapter's CURVE key?)");
}

Result<uint64_t> AdapterClient::send_blocks(std::vector<BlockHeader> headers,
                                            std::vector<Event> events) {
  if (!resumed_)
    return fail("adapter client: no session (say Hello and wait for Resume before Blocks)");
  if (window_full())
    return fail("adapter client: " + std::to_string(unacknowledged()) +
                " Blocks unacknowledged (the window); poll() for Acks first");
  if (headers.empty()) return fail("adapter client: Blocks needs at least one header");
  if (headers.size() > kMaxBlockHeaders || events.size() > kMaxBlockEvents)
    return fail("adapter client: Blocks of " + std::to_string(headers.size()) + " headers and " +
                std::to_string(events.size()) + " events is over the limits (" +
                std::to_string(kMaxBlockHeaders) + ", " + std::to_string(kMaxBlockEvents) +
                "); split it");
  Blocks b{sent_seq_ + 1, std::move(headers), std::move(events)};
  if (auto s = send_message(b); !s) return std::unexpected(s.error());
  return ++sent_seq_;
}

Result<void> AdapterClient::send(const PublishReport& report) {
  if (!resumed_) return fail("adapter client: no session (say Hello first)");
  return send_message(report);
}
Result<void> AdapterClient::send(const CommittedOnChain& committed) {
  if (!resumed_) return fail("adapter client: no session (say Hello first)");
  return send_message(committed);
}
Result<void> AdapterClient::send(const AdapterAlarm& alarm) {
  if (!resumed_) return fail("adapter client: no session (say Hello first)");
  return send_message(alarm);
}

Result<std::vector<NodeMessage>> AdapterClient::poll(int timeout_ms) {
  std::vector<NodeMessage> out(std::make_move_iterator(pending_.begin()),
                               std::make_move_iterator(pending_.end()));
  pending_.clear();
  for (int wait = out.empty() ? timeout_ms : 0;; wait = 0) {
    auto m = receive_one(wait);
    if (!m) {
      for (auto& x : out) pending_.push_back(std::move(x));
      return std::unexpected(m.error());
    }
    if (!*m) break;
    out.push_back(std::move(**m));
  }
  return out;
}

}  // namespace relay::msg
