// AdapterClient: the adapter's side of the adapter protocol (docs/adapter-protocol.md), for
// adapters written in C++ (relay-adapter-evm). It owns a DEALER connected to the node's
// ROUTER (ipc, or tcp with CURVE), says Hello and waits for Resume, numbers Blocks from 1 and
// keeps at most `window` of them unacknowledged, and hands back what the node sends. It keeps
// no chain state: what to send next is the caller's (from Resume and the Acks).
//
// After an Error from the node nothing more may be sent until the caller has called reset()
// and hello() again (the proto's rule: "After an Error the adapter says Hello again"); reset()
// opens a fresh connection, so no answer to a message of the old session can be mistaken for
// one of the new. One thread at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "vault/genesis.h"
#include "vault/result.h"
#include "wire/messages.h"
#include "wire/zmq.h"

namespace relay::msg {

struct AdapterClientOptions {
  std::string endpoint;  // the node's: "ipc://DATA/adapter-alpha.ipc" or "tcp://host:port"
  /// Required for tcp endpoints: the node's CURVE public key and this adapter's key pair.
  std::optional<net::CurveClient> curve;
  Hello hello;        // sent by hello(); its chain must be genesis.chains[chain_index]
  size_t window = 8;  // at most this many Blocks unacknowledged
};

class AdapterClient {
 public:
  /// Connects (ZeroMQ connects in the background: a node not yet up is not an error). Refuses
  /// a tcp endpoint without CURVE, a window of 0, and a Hello whose chain id is not
  /// genesis.chains[chain_index]'s.
  /// `context` must outlive the client; the genesis is copied.
  static Result<AdapterClient> connect(net::Context& context, const Genesis& genesis,
                                       size_t chain_index, AdapterClientOptions options);

  /// Sends Hello (on a fresh connection if this one was used: reset() is implied) and waits up
  /// to timeout_ms for the node's answer: its Resume, or its Error
  /// (returned as a value: the node refused; after reset() the caller may try again). The
  /// Result's error is a local failure: a timeout ("no answer from tcp://…"), a socket error,
  /// a message from the node that does not decode. Acks and PublishRequests that arrive first
  /// are kept for poll().
  Result<std::variant<Resume, Error>> hello(int timeout_ms);

  /// Sends one Blocks with the next seq (returned). Fails without sending when the session has
  /// no Resume yet or ended with an Error, when `window` Blocks are unacknowledged, when the
  /// message is over the limits (kMaxBlockHeaders, kMaxBlockEvents, kMaxMessageBytes: split it),
  /// or when the socket's queue is full.
  Result<uint64_t> send_blocks(std::vector<BlockHeader> headers, std::vector<Event> events);
  /// Reports; allowed once the session is resumed.
  Result<void> send(const PublishReport& report);
  Result<void> send(const CommittedOnChain& committed);
  Result<void> send(const AdapterAlarm& alarm);

  /// Waits up to timeout_ms for messages from the node and returns every one received (those
  /// already queued without waiting). An Ack frees the window up to its seq; an Error ends the
  /// session (needs_hello() becomes true). A message that does not decode is an error (the
  /// messages decoded before it are returned by the next call).
  Result<std::vector<NodeMessage>> poll(int timeout_ms);

  /// Drops the session: a fresh connection, seq back to 1, the window empty. Call hello() next.
  Result<void> reset();

  bool resumed() const { return resumed_; }  // Resume received and no Error since
  bool needs_hello() const { return !resumed_; }
  size_t unacknowledged() const { return static_cast<size_t>(sent_seq_ - acked_seq_); }
  bool window_full() const { return unacknowledged() >= options_.window; }
  uint64_t last_sent_seq() const { return sent_seq_; }
  uint64_t last_acked_seq() const { return acked_seq_; }

 private:
  AdapterClient(net::Context& context, const Genesis& genesis, size_t chain_index,
                AdapterClientOptions options, net::DealerSocket socket);
  static Result<net::DealerSocket> open_socket(net::Context& context,
                                               const AdapterClientOptions& options);
  Result<void> send_message(const AdapterMessage& m);
  Result<std::optional<NodeMessage>> receive_one(int timeout_ms);
  void track(const NodeMessage& m);

  net::Context* context_;
  Genesis genesis_;
  size_t chain_index_;
  AdapterClientOptions options_;
  net::DealerSocket socket_;
  bool used_ = false;  // something was sent on this connection
  bool resumed_ = false;
  uint64_t sent_seq_ = 0;
  uint64_t acked_seq_ = 0;
  std::deque<NodeMessage> pending_;  // received during hello(), for poll()
};

}  // namespace relay::msg
