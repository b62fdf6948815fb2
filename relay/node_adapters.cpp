// Node: the adapters' side (docs/adapter-protocol.md), the built-in adapters' processes, and
// publishing (docs/node.md "Publishing"; the records are relay/publication.h's).
#include <filesystem>

#include "proofs/commitment.h"
#include "relay/key_search.h"
#include "relay/node.h"
#include "relay/node_keys.h"
#include "relay/publication.h"
#include "relay/publish_plan.h"

namespace relay::node {
namespace {

constexpr uint8_t kHanded = uint8_t(Publication::kHanded), kSent = uint8_t(Publication::kSent),
                  kCommitted = uint8_t(Publication::kCommitted);
constexpr const char* kEvmAdapter = "relay-adapter-evm";

const char* alarm_kind(msg::ErrorCode code) {
  switch (code) {
    case msg::ErrorCode::conflict: return "conflict";
    case msg::ErrorCode::timestamp_decreased: return "timestamp_decreased";
    case msg::ErrorCode::accumulator_mismatch: return "accumulator_mismatch";
    default: return "ingest";
  }
}

uint64_t wall_clock_seconds() {
  return uint64_t(std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
}

}  // namespace

Result<void> Node::open_adapters() {
  const Genesis& g = config_.genesis;
  for (uint32_t c = 0; c < g.chains.size(); ++c) {
    const ChainSection& ch = config_.config.chains[c];
    Adapter a;
    a.chain = c;
    net::SocketOptions options;
    if (ch.adapter == AdapterKind::kEvm) {
      a.endpoint = "ipc://" + (std::filesystem::absolute(folder_.path) / ("adapter-" + ch.name + ".ipc")).string();
      a.supervisor = evm_adapter(ch, a.endpoint);
    } else {
      a.endpoint = ch.endpoint;
      if (a.endpoint.starts_with("tcp://")) {
        auto key = net::curve_public_key_from_z85(ch.adapter_curve_public_key);
        if (!key) return fail("chains." + ch.name + ".adapter_curve_public_key: " + key.error().message);
        const std::string domain = "adapter-" + ch.name;
        context_.authenticator().allow(domain, {*key});
        options.curve_server = net::CurveServer{*curve_keys_, domain};
      }
    }
    auto socket = net::RouterSocket::bind(context_, a.endpoint, options);
    if (!socket) return fail("chains." + ch.name + ": cannot bind " + a.endpoint + ": " + socket.error().message);
    a.socket = std::move(*socket);
    a.ingest = std::make_unique<Ingest>(g, c, *chains_);
    auto last = last_epoch_under(*folder_.store, publication_prefix(c));
    if (!last) return std::unexpected(last.error());
    a.last_published = *last;
    auto committed = highest_committed(*folder_.store, c);
    if (!committed) return std::unexpected(committed.error());
    a.committed_epoch = *committed;
    log_.info("adapter endpoint", {{"chain", ch.name}, {"endpoint", a.socket->endpoint()}});
    adapters_.push_back(std::move(a));
  }
  return {};
}

// relay-adapter-evm's command line (it reads no node.toml): the genesis, the chain, the
// endpoint it connects to, its RPCs (URLs in files stay in files: --rpc-file), the agreement,
// the publisher key and the node's log settings.
std::unique_ptr<AdapterSupervisor> Node::evm_adapter(const ChainSection& ch, const std::string& endpoint) {
  const NodeSection& n = config_.config.node;
  std::vector<std::string> args = {"--genesis", n.genesis, "--chain", ch.name, "--endpoint", endpoint};
  for (const std::string& url : ch.rpc) args.insert(args.end(), {"--rpc", url});
  for (const std::string& file : ch.rpc_files) args.insert(args.end(), {"--rpc-file", file});
  args.insert(args.end(), {"--agree", std::to_string(ch.agree)});
  if (ch.publisher_key) args.insert(args.end(), {"--publisher-key", *ch.publisher_key});
  args.insert(args.end(), {"--log-level", to_string(n.log_level), "--log-format", to_string(n.log_format)});
  std::string looked;
  auto program = AdapterSupervisor::find_program(kEvmAdapter, looked);
  if (!program) {
    log_.error(std::string(kEvmAdapter) + " not found: chain " + ch.name +
                   " (adapter = \"evm\") needs it beside relayd or on PATH",
               {{"chain", ch.name}, {"looked_in", looked}});
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    program = (self.parent_path() / kEvmAdapter).string();  // retried there with the backoff
  }
  return std::make_unique<AdapterSupervisor>(*program, std::move(args), ch.name, log_.component("adapter"));
}

void Node::drain_adapter(Adapter& a) {
  for (;;) {
    auto r = a.socket->receive(0);
    if (!r || !*r) return;
    const net::Received& got = **r;
    if (got.frames != 1) {
      ++a.refused[msg::to_string(msg::ErrorCode::malformed)];
      log_.component("ingest").warn("refused", {{"chain", config_.genesis.chains[a.chain].name},
                                                {"code", msg::to_string(msg::ErrorCode::malformed)},
                                                {"reason", "a message of " + std::to_string(got.frames) + " frames"}});
      const auto reply = msg::encode(msg::NodeMessage{msg::Error{msg::ErrorCode::malformed, "one frame per message"}});
      (void)a.socket->send(got.routing_id, reply);
      continue;
    }
    on_adapter_outcome(a, got.routing_id, a.ingest->handle(got.routing_id, got.body));
  }
}

void Node::on_adapter_outcome(Adapter& a, const std::string& routing_id, Ingest::Outcome o) {
  const std::string& chain = config_.genesis.chains[a.chain].name;
  Log log = log_.component("ingest");
  if (o.reply)
    if (auto r = a.socket->send(routing_id, msg::encode(*o.reply)); !r)
      log.warn("reply not sent", {{"chain", chain}, {"reason", r.error().message}});
  if (o.hello) {
    a.session = routing_id;
    a.name = o.hello->adapter_name + " " + o.hello->adapter_version;
    log.info("adapter session", {{"chain", chain}, {"adapter", a.name}});
    flush_outbox(a);
  }
  if (o.refusal) {
    ++a.refused[msg::to_string(o.refusal->code)];
    log.warn("refused", {{"chain", chain}, {"code", msg::to_string(o.refusal->code)}, {"reason", o.refusal->message}});
    if (o.refusal->alarm) raise_chain(a, alarm_kind(o.refusal->code), o.refusal->message);
    if (a.session == routing_id) a.session.reset();
  }
  if (!o.stored.empty()) {
    for (const char* kind : {"conflict", "accumulator_mismatch", "ingest"}) a.alarms.erase(kind);
    if (auto ok = loop_->add(a.chain, o.stored); !ok)
      raise_chain(a, "cut", ok.error().message);
    log.debug("stored", {{"chain", chain}, {"blocks", o.stored.size()}, {"height", o.stored.back().height}});
  }
  if (o.alarm) {
    if (o.alarm->cleared)
      a.alarms.erase("adapter:" + o.alarm->kind);
    else
      raise_chain(a, "adapter:" + o.alarm->kind, o.alarm->message);
    log.warn("adapter alarm", {{"chain", chain}, {"kind", o.alarm->kind}, {"message", o.alarm->message}, {"cleared", o.alarm->cleared}});
  }
  auto done = [&](uint64_t epoch, uint8_t state, const Hash32& tx) {
    record_publication(a, epoch, state, tx);
    if (state == kCommitted) {
      a.last_published = std::max(a.last_published.value_or(epoch), epoch);
      a.committed_epoch = std::max(a.committed_epoch.value_or(epoch), epoch);
      std::erase_if(a.outbox, [&](const msg::PublishRequest& r) { return r.epoch == epoch; });
    }
  };
  if (o.report) {
    const auto& r = *o.report;
    log_.component("publish").info("report", {{"chain", chain}, {"epoch", r.epoch}, {"outcome", msg::to_string(r.outcome)}, {"message", r.message}});
    using Result = msg::PublishReport::Outcome;
    if (r.outcome == Result::committed || r.outcome == Result::already_committed)
      done(r.epoch, kCommitted, r.tx_hash.value_or(Hash32{}));
    else if (r.outcome == Result::sent)
      done(r.epoch, kSent, r.tx_hash.value_or(Hash32{}));
  }
  if (o.committed) done(o.committed->epoch, kCommitted, o.committed->tx_hash);
}

void Node::record_publication(Adapter& a, uint64_t epoch, uint8_t state, const Hash32& tx) {
  if (auto w = node::record_publication(*folder_.store, a.chain, epoch, Publication(state), tx); !w)
    log_.warn("publication record not written", {{"chain", config_.genesis.chains[a.chain].name},
                                                  {"epoch", epoch},
                                                  {"reason", w.error().message}});
}

void Node::publish(const Certificate& cert) {
  const Genesis& g = config_.genesis;
  const uint64_t epoch = cert.commitment.epoch;
  for (Adapter& a : adapters_) {
    const ChainSection& ch = config_.config.chains[a.chain];
    const PublishDecision d = publish_decision(cert.commitment, a.chain, a.last_published, ch.publish_heartbeat_epochs);
    if (!d.publish()) continue;
    msg::PublishRequest r;
    r.epoch = epoch;
    r.commitment = encode_commitment(cert.commitment);
    for (const auto& s : cert.signatures) {
      msg::SignatureBytes b{};
      std::copy(s.begin(), s.end(), b.begin());
      r.signatures.push_back(b);
    }
    r.not_before = publish_not_before(epoch, g.validators.size(), config_.validator_index,
                                      ch.publish_grace_seconds, wall_clock_seconds());
    a.last_published = epoch;
    record_publication(a, epoch, kHanded, Hash32{});
    if (a.outbox.size() >= kMaxOutbox) a.outbox.pop_front();
    a.outbox.push_back(std::move(r));
    log_.component("publish").info("handed to the adapter", {{"chain", ch.name}, {"epoch", epoch}, {"withdrawals", d.withdrawals}, {"heartbeat", d.heartbeat}});
    flush_outbox(a);
  }
}

void Node::flush_outbox(Adapter& a) {
  if (!a.session) return;
  // Sent again every gossip interval until the chain reports it committed: the adapter handles a
  // repeated request idempotently (docs/adapter-protocol.md).
  for (const msg::PublishRequest& r : a.outbox)
    if (auto s = a.socket->send(*a.session, msg::encode(msg::NodeMessage{r})); !s) {
      a.session.reset();  // gone: the next Hello brings it back
      return;
    }
}

}  // namespace relay::node
