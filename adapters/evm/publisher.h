// Publisher: commits the certificates the node hands an EVM adapter to the chain's vault, as
// EIP-1559 transactions calling `commitEpoch(bytes commitment, bytes[] signatures)` signed with
// the publisher key (docs/adapters.md "Publisher"; docs/node.md "Publishing").
//
// Driven by the adapter's loop: submit() queues a request, and each step(now) does one bounded
// piece of work — at most one epoch's next move, a handful of RPC calls each bounded by the
// RpcClient's transport timeouts, stopping at the first that fails — and returns what happened
// as reports (the protocol's PublishReport outcomes) and alarms. It never sleeps and never
// reads a clock: `now` is the caller's wall-clock time, so tests step through minutes without
// waiting.
//
// Per request: wait for not_before; if the vault already holds the epoch (isCommitted), report
// ALREADY_COMMITTED and send nothing; dry-run commitEpoch with eth_call (a revert is FAILED,
// named, nothing sent); pick the nonce (eth_getTransactionCount "pending" once, then tracked),
// fees (eth_feeHistory, fees.h) and gas (eth_estimateGas plus a margin); check the balance;
// sign and send (SENT); follow the receipt to the chain's finality (COMMITTED with the block);
// replace a transaction not in a block after `replace_after` with the same nonce and fees
// bumped ≥ 12.5% (SENT again, the new hash); stop with ALREADY_COMMITTED if someone else
// commits the epoch meanwhile; a reverted receipt is FAILED with the reason. One transaction
// is in flight at a time; other ready requests wait their turn (lowest epoch first).
//
// Keeps nothing the node cannot rebuild: after a restart the node hands the certificates again
// and isCommitted tells what is done. Not thread-safe; one per chain, owned by the adapter loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/evm/fees.h"
#include "adapters/evm/rpc_client.h"
#include "proofs/keys_file.h"
#include "proofs/secp256k1.h"
#include "vault/genesis.h"
#include "vault/result.h"
#include "wire/messages.h"

namespace relay::evm {

using WallClock = std::chrono::system_clock;

/// What a step did: reports (the protocol's PublishReport, proto/relay.proto) and alarms (its
/// AdapterAlarm), for the adapter to send the node as they are. Alarm kinds the publisher
/// raises: "rpc" (a call failed; retried), "low_balance" (fewer than low_balance_transactions
/// transactions' worth of fees left), "fee_cap" (a transaction needs a replacement the fee cap
/// forbids), "nonce" (our nonce was used by a transaction we did not send: is the key used
/// elsewhere?). Each is raised once and cleared (cleared = true) when the condition ends.
/// Outcomes: SENT (a transaction is in flight: first send or a replacement, tx_hash),
/// COMMITTED (ours is in a final block: tx_hash, block), ALREADY_COMMITTED (the vault holds the
/// epoch, whoever sent it: nothing more sent), FAILED (given up, the message says why: the
/// revert, the funds; the request is dropped).
struct PublisherOutput {
  std::vector<msg::PublishReport> reports;
  std::vector<msg::AdapterAlarm> alarms;
};

struct PublisherOptions {
  FeePolicy fees{};
  /// A transaction not in a block this long after it was sent is replaced.
  std::chrono::seconds replace_after{60};
  /// After a failed RPC call, the request is tried again this much later.
  std::chrono::seconds retry_after{5};
  uint32_t gas_margin_percent = 25;  // gas limit = eth_estimateGas × (100 + margin) / 100
  /// The low_balance alarm: balance below this many transactions at the current max fee.
  uint64_t low_balance_transactions = 20;
  /// Gas of one commitEpoch for the alarm before any estimate was made.
  uint64_t typical_gas = 300'000;
  /// While idle, the balance is checked this often.
  std::chrono::seconds balance_check_every{300};
};

class Publisher {
 public:
  /// REQUIRES: chain and rpc outlive the publisher; rpc serves `chain` (its eth_chainId is
  /// checked at the first step: another chain is an "rpc" alarm and nothing is sent).
  Publisher(const ChainConfig& chain, PublisherKey key, RpcClient& rpc,
            PublisherOptions options = {});

  /// Queues a request (wire/messages.h's, as the node sent it). Refused (error naming the
  /// field): no signatures, a commitment shorter than two words or whose epoch (its second word, docs/proofs.md "Epoch
  /// commitment") is not `epoch`. The rest is the vault's to check (the dry run names what it
  /// refuses). A request for an epoch already queued is ignored (the node re-sends; the first
  /// one stays).
  Result<void> submit(msg::PublishRequest request);

  /// One bounded piece of work at wall-clock time `now` (see the file comment).
  PublisherOutput step(WallClock::time_point now);

  /// Requests queued or in flight.
  size_t queued() const { return jobs_.size(); }
  /// The account that sends (the address to fund).
  const Address& address() const { return key_.address; }

 private:
  struct InFlight {
    uint64_t nonce = 0;
    Fees fees;
    uint64_t gas_limit = 0;
    std::vector<TxHash> sent;  // every version with this nonce, the latest last
    WallClock::time_point last_sent;
    std::optional<Receipt> included;  // ours, waiting for finality
  };
  struct Job {
    msg::PublishRequest request;
    std::vector<uint8_t> calldata;  // commitEpoch(commitment, signatures)
    WallClock::time_point retry_at;
    std::optional<InFlight> tx;
  };
  /// A transaction of a request that ended while it was still unmined (someone else committed
  /// the epoch): its nonce is given to the next transaction, so no gap is left.
  struct Orphan {
    uint64_t nonce = 0;
    Fees fees;
  };

  // One move of a job; an RPC failure sets step_failed_ (step() then sets the retry time).
  // Those that end the job (finish()) leave `job` dangling: nothing may touch it after them.
  void start(Job& job, WallClock::time_point now, PublisherOutput& out);
  void follow(Job& job, WallClock::time_point now, PublisherOutput& out);
  void replace(Job& job, WallClock::time_point now, PublisherOutput& out);
  void settle(Job& job, const Receipt& r, PublisherOutput& out);
  void check_idle_balance(WallClock::time_point now, PublisherOutput& out);

  // Small RPC helpers: nullopt after recording an "rpc" failure.
  std::optional<bool> is_committed(uint64_t epoch, PublisherOutput& out);
  std::optional<Fees> current_fees(PublisherOutput& out);
  std::optional<bool> is_final(const Receipt& r, PublisherOutput& out);
  /// Raises low_balance when the balance covers fewer than low_balance_transactions of
  /// `one_tx` wei; returns the balance.
  std::optional<Amount> watch_balance(Amount one_tx, PublisherOutput& out);

  void finish(uint64_t epoch, msg::PublishReport report, PublisherOutput& out);
  void rpc_failed(const RpcError& e, PublisherOutput& out);
  void alarm(bool& raised, const char* kind, bool on, const std::string& message,
             PublisherOutput& out);
  std::string revert_message(const RpcError& e) const;

  const ChainConfig& chain_;
  PublisherKey key_;
  RpcClient& rpc_;
  PublisherOptions options_;
  Secp256k1 secp_;
  std::map<uint64_t, Job> jobs_;       // by epoch
  std::optional<uint64_t> active_;     // the epoch whose transaction is in flight
  std::optional<uint64_t> next_nonce_;
  std::optional<Orphan> orphan_;
  bool chain_checked_ = false;
  bool step_failed_ = false;  // an RPC call of the current step failed
  uint64_t last_gas_limit_ = 0;
  WallClock::time_point next_balance_check_{};
  bool rpc_alarm_ = false, low_balance_alarm_ = false, fee_cap_alarm_ = false, nonce_alarm_ = false;
};

}  // namespace relay::evm
