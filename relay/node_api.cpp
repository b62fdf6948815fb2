// Node: the query API (docs/api.md) and the metrics, answered from the loop's state under its
// lock (relay/api.h). Nothing here writes.
#include <sstream>

#include "proofs/certificate_json.h"
#include "relay/api_json.h"
#include "relay/node.h"
#include "relay/publication.h"
#include "vault/json_strict.h"

namespace relay::node {
namespace {

using nlohmann::json;

json optional(std::optional<uint64_t> v) { return v ? json(*v) : json(nullptr); }

// A Prometheus label value: backslash, double quote and newline escaped (exposition format).
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) out += c == '\\' ? "\\\\" : c == '"' ? "\\\"" : c == '\n' ? "\\n" : std::string(1, c);
  return out;
}

}  // namespace

ApiReply Node::status() {
  std::lock_guard lock(mu_);
  const Genesis& g = config_.genesis;
  const uint64_t next = loop_->state().next_epoch();
  json waiting_for = json::array();
  if (auto w = loop_->waiting())
    for (size_t c : w->chains) waiting_for.push_back(g.chains[c].name);
  json chains = json::array(), alarms = json::array();
  for (const auto& [kind, a] : alarms_)
    alarms.push_back({{"kind", kind}, {"chain", nullptr}, {"message", a.message}, {"since", a.since}});
  for (const Adapter& a : adapters_) {
    const std::string& name = g.chains[a.chain].name;
    std::string adapter = a.session ? "connected" : "disconnected";
    if (a.supervisor && a.supervisor->state() != "running") adapter = a.supervisor->state();
    Cut tip = loop_->engine().last_block(a.chain);
    chains.push_back({{"name", name},
                      {"chain_id", g.chains[a.chain].chain_id.value},
                      {"adapter", adapter},
                      {"adapter_name", a.name},
                      {"height", tip ? json(tip->height) : json(nullptr)},
                      {"timestamp", tip ? json(tip->timestamp) : json(nullptr)},
                      {"committed_epoch", optional(a.committed_epoch)},
                      {"refused", a.refused}});
    for (const auto& [kind, al] : a.alarms)
      alarms.push_back({{"kind", kind}, {"chain", name}, {"message", al.message}, {"since", al.since}});
  }
  json peers = json::array();
  if (config_.config.peers)
    for (const PeerEntry& p : config_.config.peers->peers) {
      auto it = peer_last_signature_.find(p.name);
      peers.push_back({{"name", p.name},
                       {"last_signature_epoch", it == peer_last_signature_.end() ? json(nullptr) : json(it->second)}});
    }
  return {200,
          {{"network", g.network},
           {"network_id", g.network_id.hex()},
           {"validator", g.validators[config_.validator_index].name},
           {"address", config_.validator_key.address.hex()},
           {"epoch",
            {{"next", next},
             {"end_time", optional(g.epochs->end_time(next))},
             {"waiting_for", waiting_for},
             {"waiting_since", waiting_for.empty() ? json(nullptr) : optional(waiting_since_)}}},
           {"signed_epoch", optional(signed_epoch_)},
           {"certified_epoch", optional(certifier_->highest_certified())},
           {"halted", certifier_->halted()},
           {"epochs_stalled", epochs_stalled_},
           {"chains", chains},
           {"peers", peers},
           {"alarms", alarms}}};
}

ApiReply Node::account(const AccountId& account, bool certified) {
  std::lock_guard lock(mu_);
  if (!certified) return {200, account_json(loop_->state(), account, last_applied())};
  const std::optional<uint64_t> c = certifier_->highest_certified();
  if (!c) return api_error(404, "not_found", "no epoch is certified yet");
  // The node keeps balances for its live state only: they are the certified ones while the last
  // applied epoch is the last certified one, which it is once its certificate forms.
  if (c != last_applied())
    return api_error(503, "unavailable",
                     "epoch " + std::to_string(*last_applied()) + " is applied but not certified yet; "
                     "this node keeps balances only for its last applied epoch: ask again once it "
                     "is certified, or without certified=true");
  return {200, account_json(loop_->state(), account, c)};
}

ApiReply Node::withdrawals(const WithdrawalQuery& q) {
  std::lock_guard lock(mu_);
  const storage::KvStore& store = *folder_.store;
  auto committed_on = [&](uint64_t epoch) {
    std::vector<uint32_t> out;
    for (const Adapter& a : adapters_)
      if (auto p = publication(store, a.chain, epoch); p && *p == Publication::kCommitted) out.push_back(a.chain);
    return out;
  };
  auto j = withdrawals_json(loop_->state(), store, q, certifier_->highest_certified(), committed_on);
  if (!j) {
    log_.component("http").error("withdrawals not answered", {{"reason", j.error().message}});
    return api_error(500, "internal", "the node could not read its withdrawals: " + j.error().message);
  }
  return {200, std::move(*j)};
}

ApiReply Node::certificate(uint64_t epoch) {
  std::lock_guard lock(mu_);
  auto cert = certifier_->certificate(epoch);
  if (!cert) return api_error(500, "internal", "the node could not read its certificates: " + cert.error().message);
  if (!*cert) {
    const auto c = certifier_->highest_certified();
    return api_error(404, "not_found",
                     "epoch " + std::to_string(epoch) + " has no certificate on this node" +
                         (c ? " (the highest certified epoch is " + std::to_string(*c) + ")" : " (none is certified yet)"));
  }
  auto j = parse_json_strict(certificate_to_json(**cert), "certificate");
  if (!j) return api_error(500, "internal", j.error().message);
  return {200, std::move(*j)};
}

ApiReply Node::solvency() {
  std::lock_guard lock(mu_);
  const std::optional<uint64_t> applied = last_applied(), c = certifier_->highest_certified();
  json certified = nullptr;
  if (c) {
    auto cert = certifier_->certificate(*c);
    if (!cert || !*cert)
      return api_error(500, "internal", "the certificate of epoch " + std::to_string(*c) + " cannot be read");
    certified = solvency_block_json(config_.genesis, (*cert)->commitment);
  }
  return {200, {{"certified", certified}, {"live", solvency_block_json(loop_->state(), applied)}}};
}

std::string Node::metrics() {
  std::lock_guard lock(mu_);
  const Genesis& g = config_.genesis;
  std::ostringstream m;
  auto gauge = [&](const char* name, const char* help) {
    m << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
  };
  auto counter = [&](const char* name, const char* help) {
    m << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n";
  };
  gauge("relay_epoch_next", "The epoch this node applies next.");
  m << "relay_epoch_next " << loop_->state().next_epoch() << "\n";
  gauge("relay_epoch_signed", "The highest epoch this node signed (absent before the first).");
  if (signed_epoch_) m << "relay_epoch_signed " << *signed_epoch_ << "\n";
  gauge("relay_epoch_certified", "The highest epoch this node holds a certificate for.");
  if (auto c = certifier_->highest_certified()) m << "relay_epoch_certified " << *c << "\n";
  gauge("relay_epoch_waiting", "1 for each chain the next epoch waits for.");
  gauge("relay_epoch_waiting_since_seconds", "Since when (unix seconds) the next epoch waits.");
  if (auto w = loop_->waiting()) {
    for (size_t c : w->chains) m << "relay_epoch_waiting{chain=\"" << label(g.chains[c].name) << "\"} 1\n";
    if (waiting_since_) m << "relay_epoch_waiting_since_seconds " << *waiting_since_ << "\n";
  }
  gauge("relay_chain_height", "The highest final block stored per chain.");
  gauge("relay_adapter_connected", "1 while a chain's adapter has a session.");
  counter("relay_adapter_refused_total", "Adapter messages refused, by chain and error code.");
  counter("relay_adapter_starts_total", "Times a built-in adapter process was started.");
  for (const Adapter& a : adapters_) {
    const std::string chain = label(g.chains[a.chain].name);
    if (Cut tip = loop_->engine().last_block(a.chain)) m << "relay_chain_height{chain=\"" << chain << "\"} " << tip->height << "\n";
    m << "relay_adapter_connected{chain=\"" << chain << "\"} " << (a.session ? 1 : 0) << "\n";
    for (const auto& [code, n] : a.refused)
      m << "relay_adapter_refused_total{chain=\"" << chain << "\",code=\"" << label(code) << "\"} " << n << "\n";
    if (a.supervisor) m << "relay_adapter_starts_total{chain=\"" << chain << "\"} " << a.supervisor->starts() << "\n";
  }
  counter("relay_peer_refused_total", "Peer connections refused by the CURVE allow-list.");
  counter("relay_peer_dropped_total", "Peer messages dropped as malformed.");
  if (peers_) {
    m << "relay_peer_refused_total " << peers_->refused() << "\n";
    m << "relay_peer_dropped_total " << peers_->dropped() << "\n";
  }
  gauge("relay_alarms", "Alarms now up, by kind.");
  std::map<std::string, uint64_t> kinds;
  for (const auto& [kind, a] : alarms_) ++kinds[kind];
  for (const Adapter& a : adapters_)
    for (const auto& [kind, al] : a.alarms) ++kinds[kind];
  for (const auto& [kind, n] : kinds) m << "relay_alarms{kind=\"" << label(kind) << "\"} " << n << "\n";
  return m.str();
}

}  // namespace relay::node
