#include "relay/peer_links.h"

namespace relay::node {
namespace {

constexpr const char* kZapDomain = "peers";

}  // namespace

Result<std::unique_ptr<PeerLinks>> PeerLinks::open(net::Context& context, const PeersSection& peers,
                                                   const net::CurveKeyPair& own, Log log) {
  std::vector<net::CurvePublicKey> allowed;
  std::map<std::string, std::string> names;
  for (const PeerEntry& p : peers.peers) {
    auto key = net::curve_public_key_from_z85(p.curve_public_key);
    if (!key) return fail("peers: " + p.name + ": " + key.error().message);
    allowed.push_back(*key);
    names[p.curve_public_key] = p.name;
  }
  net::ZapAuthenticator& zap = context.authenticator();
  zap.allow(kZapDomain, allowed);
  // Logged once per key (the count is in refused()); runs on the authenticator's thread.
  zap.on_refusal([log](const std::string&, const net::CurvePublicKey& key, uint64_t count) {
    if (count == 1)
      log.warn("peer refused: its CURVE key is not a configured peer's", {{"curve_public_key", net::to_z85(key)}});
  });
  net::SocketOptions server;
  server.curve_server = net::CurveServer{own, kZapDomain};
  auto router = net::RouterSocket::bind(context, peers.listen, server);
  if (!router) return fail("peers.listen " + peers.listen + ": " + router.error().message);
  std::unique_ptr<PeerLinks> links(new PeerLinks(context, std::move(*router), log));
  links->names_ = std::move(names);
  for (size_t i = 0; i < peers.peers.size(); ++i) {
    const PeerEntry& p = peers.peers[i];
    net::SocketOptions client;
    client.curve_client = net::CurveClient{allowed[i], own};
    auto dealer = net::DealerSocket::connect(context, p.address, client);
    if (!dealer) return fail("peers.peer[" + std::to_string(i) + "] " + p.name + ": " + dealer.error().message);
    links->dealers_.push_back(Dealer{p.name, std::move(*dealer)});
  }
  log.info("peers listening", {{"endpoint", links->router_.endpoint()}, {"peers", peers.peers.size()}});
  return links;
}

std::vector<net::Socket*> PeerLinks::sockets() {
  std::vector<net::Socket*> out{&router_};
  for (Dealer& d : dealers_) out.push_back(&d.socket);
  return out;
}

void PeerLinks::broadcast(const msg::PeerMessage& m) {
  const std::vector<uint8_t> bytes = msg::encode(m);
  for (Dealer& d : dealers_)
    if (auto r = d.socket.send(bytes); !r) log_.debug("peer send failed", {{"peer", d.name}, {"reason", r.error().message}});
}

std::vector<PeerLinks::Incoming> PeerLinks::receive() {
  std::vector<Incoming> out;
  auto take = [&](net::Socket& s, const std::string& dealer_name, bool router) {
    for (;;) {
      auto r = s.receive(0);
      if (!r || !*r) return;
      const net::Received& got = **r;
      std::string peer = dealer_name;
      if (router) {
        auto it = names_.find(got.user_id);
        peer = it != names_.end() ? it->second : "(unknown " + got.user_id + ")";
      }
      if (got.frames != 1) {
        ++dropped_;
        log_.warn("peer message dropped: not one frame", {{"peer", peer}, {"frames", got.frames}});
        continue;
      }
      auto m = msg::decode_peer_message(got.body);
      if (!m) {
        ++dropped_;
        log_.warn("peer message dropped", {{"peer", peer}, {"reason", m.error().message}});
        continue;
      }
      out.push_back(Incoming{std::move(*m), peer, router ? std::optional(got.routing_id) : std::nullopt});
    }
  };
  take(router_, "", true);
  for (Dealer& d : dealers_) take(d.socket, d.name, false);
  return out;
}

void PeerLinks::reply(const Incoming& to, const msg::PeerMessage& m) {
  const std::vector<uint8_t> bytes = msg::encode(m);
  if (to.routing_id) {
    if (auto r = router_.send(*to.routing_id, bytes); !r)
      log_.debug("peer reply failed", {{"peer", to.peer}, {"reason", r.error().message}});
    return;
  }
  for (Dealer& d : dealers_)
    if (d.name == to.peer) (void)d.socket.send(bytes);
}

uint64_t PeerLinks::refused() const {
  uint64_t n = 0;
  for (const auto& [key, count] : context_.authenticator().refusals()) n += count;
  return n;
}

}  // namespace relay::node
