// PeerLinks: the node's ZeroMQ links to the other validators (docs/node.md "Peers"): a ROUTER
// bound at [peers] listen as a CURVE server whose ZAP allow-list is exactly the configured
// peers' public keys (every refusal counted and logged once per key), and one DEALER per
// configured peer, a CURVE client holding that peer's public key. Messages go out on the
// DEALERs and come in on the ROUTER; an answer to a message that came in on the ROUTER goes
// back on it. Every message is one PeerMessage (wire/messages.h); one that does not decode is
// dropped and logged. Owns its sockets; the context outlives it. Not thread-safe: the node
// loop owns it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay/config.h"
#include "relay/log.h"
#include "vault/result.h"
#include "wire/messages.h"
#include "wire/zmq.h"

namespace relay::node {

class PeerLinks {
 public:
  static Result<std::unique_ptr<PeerLinks>> open(net::Context& context, const PeersSection& peers,
                                                 const net::CurveKeyPair& own, Log log);

  /// The sockets to poll (the ROUTER, then each DEALER).
  std::vector<net::Socket*> sockets();

  /// Sends to every peer; a peer whose queue is full misses it (gossip repeats itself).
  void broadcast(const msg::PeerMessage& m);

  struct Incoming {
    msg::PeerMessage message;
    std::string peer;                       // the configured name of the sender
    std::optional<std::string> routing_id;  // set when it came in on the ROUTER
  };
  /// Every message waiting on any socket, without blocking.
  std::vector<Incoming> receive();
  /// Answers `to` on the socket it came in on (a message from a DEALER is answered on it).
  void reply(const Incoming& to, const msg::PeerMessage& m);

  /// The endpoint the ROUTER is bound to (a port 0 / * resolved).
  std::string endpoint() const { return router_.endpoint(); }
  /// Refusals by the ZAP handler so far (relay_peer_refused_total).
  uint64_t refused() const;
  /// Messages dropped so far because they were not one frame of one PeerMessage
  /// (relay_peer_dropped_total).
  uint64_t dropped() const { return dropped_; }

 private:
  PeerLinks(net::Context& context, net::RouterSocket router, Log log)
      : context_(context), router_(std::move(router)), log_(std::move(log)) {}

  net::Context& context_;
  net::RouterSocket router_;
  struct Dealer {
    std::string name;
    net::DealerSocket socket;
  };
  std::vector<Dealer> dealers_;
  std::map<std::string, std::string> names_;  // Z85 public key -> peer name
  Log log_;
  uint64_t dropped_ = 0;
};

}  // namespace relay::node
