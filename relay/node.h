// Node: one validator's running process (relayd), wired from its loaded configuration: the
// pipeline of docs/node.md, each stage its own component, driven by one loop on one thread:
//   adapters (one ROUTER per chain; the built-in ones run as supervised children) -> Ingest ->
//   ChainStore -> EpochLoop (cut, apply, commit) -> Signer (sign once) -> Certifier <->
//   PeerLinks (gossip) -> publishing to the adapters,
// and the query API (relay/http_api.h) answered from the loop's state under a lock: the loop
// holds it while it works, an HTTP thread while it reads (ApiSource, relay/node_api.cpp). The
// loop polls every socket, handles what arrived, applies every decided epoch, and every
// kGossipInterval re-sends its status and its signatures of uncertified epochs. It stops on
// SIGTERM or SIGINT.
// Node (node.cpp: opening and the loop), node_adapters.cpp (ingest and publishing),
// node_peers.cpp (signing, certifying and gossip), node_api.cpp (the query API and metrics).
// Owns the data folder and everything over it. run() on one thread; the ApiSource methods from
// any thread.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "proofs/secp256k1.h"
#include "relay/certifier.h"
#include "relay/chain_store.h"
#include "relay/config_check.h"
#include "relay/data_folder.h"
#include "relay/epoch_loop.h"
#include "relay/adapter_supervisor.h"
#include "relay/api.h"
#include "relay/http_api.h"
#include "relay/ingest.h"
#include "relay/log.h"
#include "relay/peer_links.h"
#include "relay/sign_record.h"
#include "relay/stop_signals.h"
#include "vault/result.h"
#include "wire/zmq.h"

namespace relay::node {

class Node final : public ApiSource {
 public:
  static constexpr std::chrono::seconds kGossipInterval{2};
  static constexpr size_t kMaxOutbox = 64;  // publish requests kept per chain for its adapter

  /// Opens the data folder (made and marked if new; refused if not this network's), the chain
  /// store, the epoch loop (state, commitments, cut engine), the signer and the certifier; binds
  /// the adapters' endpoints, the peer links and the HTTP API. Errors name what failed.
  /// `config` must outlive the node.
  static Result<std::unique_ptr<Node>> open(const LoadedConfig& config, Log log);
  ~Node();

  /// Runs until SIGTERM or SIGINT, then stops cleanly (everything written is synced).
  Result<void> run(StopSignals& stop);

  // ApiSource (docs/api.md), from the HTTP thread, under the lock.
  ApiReply status() override;
  ApiReply account(const AccountId& account, bool certified) override;
  ApiReply withdrawals(const WithdrawalQuery& query) override;
  ApiReply certificate(uint64_t epoch) override;
  ApiReply solvency() override;
  std::string metrics() override;

 private:
  // An alarm now up: what it says and since when (wall clock, unix seconds).
  struct Alarm {
    std::string message;
    uint64_t since = 0;
  };
  struct Adapter {
    uint32_t chain = 0;
    std::string endpoint;
    std::optional<net::RouterSocket> socket;
    std::unique_ptr<Ingest> ingest;
    std::optional<std::string> session;       // routing id of the last session that said Hello
    std::string name;                         // its adapter_name/version
    std::map<std::string, Alarm> alarms;      // kind -> alarm, while up
    std::map<std::string, uint64_t> refused;  // Error code -> messages refused (counted)
    std::deque<msg::PublishRequest> outbox;   // waiting for a session
    std::optional<uint64_t> last_published;   // the last epoch handed over or seen committed
    std::optional<uint64_t> committed_epoch;  // the highest epoch known committed on the chain
    std::unique_ptr<AdapterSupervisor> supervisor;  // adapter = "evm": the child process
  };

  Node(const LoadedConfig& config, Log log) : config_(config), log_(std::move(log)) {}
  Result<void> open_state();
  Result<void> open_adapters();
  std::unique_ptr<AdapterSupervisor> evm_adapter(const ChainSection& ch, const std::string& endpoint);
  void drain_adapter(Adapter& a);
  void on_adapter_outcome(Adapter& a, const std::string& routing_id, Ingest::Outcome o);
  void run_epochs();
  void on_applied(const EpochLoop::Applied& applied);
  void on_certifier_outcome(const Outcome& o);
  void on_peer(const PeerLinks::Incoming& in);
  void gossip();
  void publish(const Certificate& cert);
  void flush_outbox(Adapter& a);
  void record_publication(Adapter& a, uint64_t epoch, uint8_t state, const Hash32& tx);
  void raise(const std::string& kind, const std::string& message);
  void raise_chain(Adapter& a, const std::string& kind, const std::string& message);
  void track_waiting();
  std::optional<uint64_t> last_applied() const;

  const LoadedConfig& config_;
  Log log_;
  DataFolder folder_;
  std::unique_ptr<ChainStore> chains_;
  std::unique_ptr<EpochLoop> loop_;
  Secp256k1 secp_;
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<Certifier> certifier_;
  net::Context context_;
  std::optional<net::CurveKeyPair> curve_keys_;
  std::vector<Adapter> adapters_;
  std::unique_ptr<PeerLinks> peers_;
  std::mutex mu_;  // the loop's state: held by the loop while it works, by API calls
  std::map<std::string, uint64_t> peer_last_signature_;  // peer name -> highest epoch it signed
  std::optional<uint64_t> signed_epoch_;
  std::map<std::string, Alarm> alarms_;         // node-wide, kind -> alarm
  bool epochs_stalled_ = false;                 // an epoch failed to apply: no more until restart
  std::optional<uint64_t> waiting_epoch_, waiting_since_;
  std::chrono::steady_clock::time_point last_gossip_{};
  std::unique_ptr<HttpApi> http_;  // last: destroyed (stopped) first
};

}  // namespace relay::node
