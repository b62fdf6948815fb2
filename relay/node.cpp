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

Node::~Node() = default;

Result<std::unique_ptr<Node>> Node::open(const LoadedConfig& config, Log log) {
  std::unique_ptr<Node> n(new Node(config, std::move(log)));
  const Genesis& g = config.genesis;
  auto folder = open_data_folder(config.config.node.data, g.network_id);
  if (!folder) return std::unexpected(folder.error());
  n->folder_ = std::move(*folder);
  if (n->folder_.created)
    n->log_.info("data folder created", {{"path", n->folder_.path}, {"network_id", g.network_id.hex()}});
  storage::KvStore& store = *n->folder_.store;
  n->chains_ = std::make_unique<ChainStore>(store, g);
  auto loop = EpochLoop::open(g, store, *n->chains_);
  if (!loop) return fail(n->folder_.path + ": " + loop.error().message);
  n->loop_ = std::move(*loop);
  n->signer_ = std::make_unique<Signer>(store, n->secp_, config.validator_key.secret, g.network_id);
  auto certifier = Certifier::open(g, n->secp_, store, {});
  if (!certifier) return fail(n->folder_.path + ": " + certifier.error().message);
  n->certifier_ = std::move(*certifier);
  auto last_signed = last_epoch_under(store, keys::kSignRecord);
  if (!last_signed) return std::unexpected(last_signed.error());
  n->signed_epoch_ = *last_signed;
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
  auto records = n->signer_->records_from(n->certifier_->highest_certified().value_or(0));
  if (!records) return fail(records.error().message);
  for (const SignRecord& r : *records) {
    auto c = proofs::load_commitment(store, r.epoch);
    if (!c || c->hash != r.commitment_hash) continue;  // certified, or not ours: nothing to count
    for (const Outcome& o : n->certifier_->set_own(c->commitment, r.signature)) n->on_certifier_outcome(o);
  }
  n->update_status();
  if (config.config.http) {
    auto http = HttpApi::start(*config.config.http, n->board_, n->log_.component("http"));
    if (!http) return std::unexpected(http.error());
    n->http_ = std::move(*http);
  }
  return n;
}

void Node::raise(const std::string& kind, const std::string& message) {
  auto& slot = alarms_[kind];
  if (slot == message) return;
  slot = message;
  log_.error("alarm", {{"kind", kind}, {"message", message}});
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

void Node::update_status() {
  const Genesis& g = config_.genesis;
  NodeStatus s;
  s.network = g.network;
  s.network_id = g.network_id.hex();
  s.validator = g.validators[config_.validator_index].name;
  s.next_epoch = loop_->state().next_epoch();
  if (auto w = loop_->waiting()) {
    if (waiting_epoch_ != w->epoch) {
      waiting_epoch_ = w->epoch;
      waiting_since_ = wall_clock_seconds();
    }
    for (size_t c : w->chains) s.waiting_for.push_back(g.chains[c].name);
    s.waiting_end_time = w->end_time;
    s.waiting_since = waiting_since_;
  }
  s.signed_epoch = signed_epoch_;
  s.certified_epoch = certifier_->highest_certified();
  s.halted = certifier_->halted();
  for (const auto& [kind, message] : alarms_) s.alarms.push_back(kind + ": " + message);
  for (const Adapter& a : adapters_) {
    ChainStatus c;
    c.name = g.chains[a.chain].name;
    c.chain_id = g.chains[a.chain].chain_id.value;
    if (Cut tip = loop_->engine().last_block(a.chain)) {
      c.height = tip->height;
      c.timestamp = tip->timestamp;
    }
    c.adapter_connected = a.session.has_value();
    c.adapter = a.name;
    for (const auto& [kind, message] : a.alarms) c.alarms.push_back(kind + ": " + message);
    s.chains.push_back(std::move(c));
  }
  board_.set(std::move(s));
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
  run_epochs();
  int sig = 0;
  while ((sig = stop.wait(std::chrono::milliseconds(0))) == 0) {
    auto ready = net::poll(sockets, 100);
    if (!ready) return std::unexpected(ready.error());
    for (Adapter& a : adapters_) drain_adapter(a);
    if (peers_)
      for (const PeerLinks::Incoming& in : peers_->receive()) on_peer(in);
    run_epochs();
    if (std::chrono::steady_clock::now() - last_gossip_ >= kGossipInterval) {
      last_gossip_ = std::chrono::steady_clock::now();
      gossip();
      for (Adapter& a : adapters_) flush_outbox(a);
    }
    update_status();
  }
  log_.info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  http_.reset();
  log_.info("stopped", {{"epochs", loop_->state().next_epoch()}});
  return {};
}

}  // namespace relay::node
