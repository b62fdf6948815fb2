#include "relay/node.h"

#include <signal.h>

#include "proofs/commitment_store.h"
#include "relay/key_search.h"
#include "relay/node_keys.h"

namespace relay::node {
namespace {

uint64_t wall_clock_seconds() {
  return uint64_t(std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
}

}  // namespace

Node::~Node() {
  if (http_) http_->set_source(nullptr);  // no API call runs into a node being destroyed
}

Result<void> Node::open_state() {
  const Genesis& g = config_.genesis;
  auto folder = open_data_folder(config_.config.node.data, g.network_id);
  if (!folder) return std::unexpected(folder.error());
  folder_ = std::move(*folder);
  if (folder_.created)
    log_.info("data folder created", {{"path", folder_.path}, {"network_id", g.network_id.hex()}});
  storage::KvStore& store = *folder_.store;
  chains_ = std::make_unique<ChainStore>(store, g);
  auto loop = EpochLoop::open(g, store, *chains_);
  if (!loop) return fail(folder_.path + ": " + loop.error().message);
  loop_ = std::move(*loop);
  signer_ = std::make_unique<Signer>(store, secp_, config_.validator_key.secret, g.network_id);
  auto certifier = Certifier::open(g, secp_, store, {});
  if (!certifier) return fail(folder_.path + ": " + certifier.error().message);
  certifier_ = std::move(*certifier);
  auto last_signed = last_epoch_under(store, keys::kSignRecord);
  if (!last_signed) return std::unexpected(last_signed.error());
  signed_epoch_ = *last_signed;
  return {};
}

Result<std::unique_ptr<Node>> Node::open(const LoadedConfig& config, Log log) {
  std::unique_ptr<Node> n(new Node(config, std::move(log)));
  // The API first: it answers 503 while the state opens (loading a large state takes a while).
  if (config.config.http) {
    auto http = HttpApi::start(*config.config.http, config.genesis, n->log_.component("http"));
    if (!http) return std::unexpected(http.error());
    n->http_ = std::move(*http);
  }
  if (auto ok = n->open_state(); !ok) return std::unexpected(ok.error());
  if (!config.config.node.curve_key.empty()) {
    auto keys = net::load_curve_key_file(config.config.node.curve_key);
    if (!keys) return fail("node.curve_key: " + keys.error().message);
    n->curve_keys_ = std::move(*keys);
  }
  if (auto ok = n->open_adapters(); !ok) return std::unexpected(ok.error());
  if (config.config.peers) {
    auto peers = PeerLinks::open(n->context_, *config.config.peers, *n->curve_keys_, n->log_.component("peers"));
    if (!peers) return std::unexpected(peers.error());
    n->peers_ = std::move(*peers);
  }
  // The uncertified epochs this node signed before a restart: the certifier counts them again.
  storage::KvStore& store = *n->folder_.store;
  auto records = n->signer_->records_from(n->certifier_->highest_certified().value_or(0));
  if (!records) return fail(records.error().message);
  for (const SignRecord& r : *records) {
    auto c = proofs::load_commitment(store, r.epoch);
    if (!c || c->hash != r.commitment_hash) continue;  // certified, or not ours: nothing to count
    for (const Outcome& o : n->certifier_->set_own(c->commitment, r.signature)) n->on_certifier_outcome(o);
  }
  n->track_waiting();
  if (n->http_) n->http_->set_source(n.get());
  return n;
}

void Node::raise(const std::string& kind, const std::string& message) {
  auto [it, fresh] = alarms_.try_emplace(kind, Alarm{message, wall_clock_seconds()});
  if (!fresh && it->second.message == message) return;
  it->second.message = message;
  log_.error("alarm", {{"kind", kind}, {"message", message}});
}

void Node::raise_chain(Adapter& a, const std::string& kind, const std::string& message) {
  auto [it, fresh] = a.alarms.try_emplace(kind, Alarm{message, wall_clock_seconds()});
  if (!fresh && it->second.message == message) return;
  it->second.message = message;
  log_.error("alarm", {{"chain", config_.genesis.chains[a.chain].name}, {"kind", kind}, {"message", message}});
}

std::optional<uint64_t> Node::last_applied() const {
  const uint64_t next = loop_->state().next_epoch();
  return next ? std::optional<uint64_t>(next - 1) : std::nullopt;
}

void Node::run_epochs() {
  while (!epochs_stalled_) {
    auto applied = loop_->step();
    if (!applied) {
      // Nothing was applied; the state may not be used again (CanonicalState::apply_batch).
      epochs_stalled_ = true;
      raise("epoch", "epoch " + std::to_string(loop_->state().next_epoch()) +
                         " could not be applied: " + applied.error().message +
                         "; epochs stop here until the node is restarted");
      return;
    }
    if (!*applied) return;
    on_applied(**applied);
  }
}

// Since when the next epoch waits (wall clock), for the status and the metrics: reset whenever
// the epoch it waits for changes.
void Node::track_waiting() {
  auto w = loop_->waiting();
  if (!w) {
    waiting_epoch_.reset();
    waiting_since_.reset();
    return;
  }
  if (waiting_epoch_ != w->epoch) {
    waiting_epoch_ = w->epoch;
    waiting_since_ = wall_clock_seconds();
  }
}

Result<void> Node::run(StopSignals& stop) {
  const Genesis& g = config_.genesis;
  log_.info("started", {{"network", g.network},
                        {"network_id", g.network_id.hex()},
                        {"validator", g.validators[config_.validator_index].name},
                        {"address", config_.validator_key.address.hex()},
                        {"data", folder_.path},
                        {"epochs", loop_->state().next_epoch()},
                        {"chains", g.chains.size()}});
  std::vector<net::Socket*> sockets;
  for (Adapter& a : adapters_) sockets.push_back(&*a.socket);
  if (peers_)
    for (net::Socket* s : peers_->sockets()) sockets.push_back(s);
  {
    std::lock_guard lock(mu_);
    run_epochs();
  }
  int sig = 0;
  while ((sig = stop.wait(std::chrono::milliseconds(0))) == 0) {
    auto ready = net::poll(sockets, 100);
    if (!ready) return std::unexpected(ready.error());
    std::lock_guard lock(mu_);
    for (Adapter& a : adapters_) {
      if (a.supervisor) a.supervisor->poll();
      drain_adapter(a);
    }
    if (peers_)
      for (const PeerLinks::Incoming& in : peers_->receive()) on_peer(in);
    run_epochs();
    if (std::chrono::steady_clock::now() - last_gossip_ >= kGossipInterval) {
      last_gossip_ = std::chrono::steady_clock::now();
      gossip();
      for (Adapter& a : adapters_) flush_outbox(a);
    }
    track_waiting();
  }
  log_.info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  if (http_) http_->set_source(nullptr);
  for (Adapter& a : adapters_) a.supervisor.reset();  // SIGTERM to the children, waited for
  log_.info("stopped", {{"epochs", loop_->state().next_epoch()}});
  return {};
}

}  // namespace relay::node
