#include "adapters/evm/publisher.h"

#include "adapters/evm/revert.h"
#include "adapters/evm/transaction.h"
#include "adapters/evm/vault_abi.h"

namespace relay::evm {

using Outcome = msg::PublishReport::Outcome;

namespace {

const BlockRef kLatest = BlockRef::named("latest");

std::string wei(Amount a) { return a.to_decimal() + " wei"; }

std::string fees_text(const Fees& f) {
  return "max fee " + wei(f.max_fee_per_gas) + "/gas, tip " + wei(f.max_priority_fee_per_gas) + "/gas";
}

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// A JSON-RPC error that says the call reverted (rather than that the node failed): revert data,
// or a node's "execution reverted" without any.
bool is_revert(const RpcError& e) {
  return e.kind == RpcFailure::rpc_error && (e.data.has_value() || contains(e.message, "revert"));
}

// The node has this very transaction already (a resend after a lost answer).
bool already_known(const RpcError& e) {
  return contains(e.message, "already known") || contains(e.message, "known transaction");
}

// The transport failed: a request may have reached the node without its answer reaching us.
bool maybe_delivered(const RpcError& e) {
  return e.kind == RpcFailure::timeout || e.kind == RpcFailure::connection;
}

}  // namespace

Publisher::Publisher(const ChainConfig& chain, PublisherKey key, RpcClient& rpc,
                     PublisherOptions options)
    : chain_(chain), key_(std::move(key)), rpc_(rpc), options_(options) {}

Result<void> Publisher::submit(msg::PublishRequest request) {
  const std::string where = chain_.name + ": publish request for epoch " +
                            std::to_string(request.epoch) + ": ";
  if (request.signatures.empty()) return fail(where + "no signatures");
  // The vault checks the rest; the epoch must be the commitment's own, since isCommitted and
  // the reports go by it. Every commitment starts with the words networkId and epoch (uint64).
  const auto& c = request.commitment;
  if (c.size() < 64)
    return fail(where + "commitment: " + std::to_string(c.size()) +
                " bytes, shorter than its first two words (network id, epoch)");
  uint64_t epoch = 0;
  for (size_t i = 32; i < 64; ++i) {
    if (i < 56 && c[i] != 0) return fail(where + "commitment: its epoch word is not a uint64");
    if (i >= 56) epoch = epoch << 8 | c[i];
  }
  if (epoch != request.epoch)
    return fail(where + "the commitment is epoch " + std::to_string(epoch) + "'s");
  if (jobs_.contains(request.epoch)) return {};
  Job job;
  std::vector<std::vector<uint8_t>> signatures;
  for (const auto& sig : request.signatures) signatures.emplace_back(sig.begin(), sig.end());
  job.calldata = encode_commit_epoch(request.commitment, signatures);
  job.request = std::move(request);
  jobs_.emplace(job.request.epoch, std::move(job));
  return {};
}

PublisherOutput Publisher::step(WallClock::time_point now) {
  PublisherOutput out;
  if (!chain_checked_) {
    auto id = rpc_.chain_id();
    if (!id) {
      rpc_failed(id.error(), out);
      return out;
    }
    if (*id != chain_.chain_id.value) {
      alarm(rpc_alarm_, "rpc", true,
            chain_.name + ": " + rpc_.endpoint() + " serves chain id " + std::to_string(*id) +
                ", the genesis says " + std::to_string(chain_.chain_id.value) + ": nothing is sent",
            out);
      return out;
    }
    chain_checked_ = true;
  }
  Job* job = nullptr;
  if (active_) {
    Job& j = jobs_.at(*active_);
    if (j.retry_at <= now) job = &j;
  } else {
    // In whole seconds, as not_before is: a time point of 2^63 ns would overflow.
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const uint64_t now_s = secs < 0 ? 0 : uint64_t(secs);
    for (auto& entry : jobs_) {
      Job& j = entry.second;
      if (j.request.not_before <= now_s && j.retry_at <= now) {
        job = &j;
        break;
      }
    }
  }
  step_failed_ = false;
  bool called = true;
  if (job != nullptr) {
    uint64_t epoch = job->request.epoch;
    if (job->tx) follow(*job, now, out);
    else start(*job, now, out);
    // A failed call keeps the job (finish() did not run): it is tried again later.
    if (step_failed_ && jobs_.contains(epoch)) jobs_.at(epoch).retry_at = now + options_.retry_after;
  } else if (jobs_.empty() && now >= next_balance_check_) {
    check_idle_balance(now, out);
  } else {
    called = false;
  }
  if (called && !step_failed_)
    alarm(rpc_alarm_, "rpc", false, chain_.name + ": " + rpc_.endpoint() + " answers again", out);
  return out;
}

void Publisher::start(Job& job, WallClock::time_point now, PublisherOutput& out) {
  const uint64_t epoch = job.request.epoch;
  auto committed = is_committed(epoch, out);
  if (!committed) return;
  if (*committed) {
    finish(epoch, {epoch, Outcome::already_committed, {}, 0,
                   "the vault holds epoch " + std::to_string(epoch) + " already: nothing sent"},
           out);
    return;
  }
  const CallRequest call{key_.address, chain_.vault, job.calldata};
  // Whatever would refuse the certificate (or find the epoch committed) shows here, for free.
  auto refused = [&](const RpcError& e, const char* how) {
    if (revert_name(e.data.value_or(std::vector<uint8_t>{})) == "EpochAlreadyCommitted")
      finish(epoch, {epoch, Outcome::already_committed, {}, 0,
                     std::string("commitEpoch would revert (") + how + "): " + revert_message(e) +
                         ": committed meanwhile; nothing sent"},
             out);
    else
      finish(epoch, {epoch, Outcome::failed, {}, 0,
                     std::string("commitEpoch would revert (") + how + "): " + revert_message(e) +
                         "; nothing sent"},
             out);
  };
  auto dry = rpc_.call(call, kLatest);
  if (!dry) {
    if (is_revert(dry.error())) return refused(dry.error(), "eth_call");
    return rpc_failed(dry.error(), out);
  }
  auto fees = current_fees(out);
  if (!fees) return;
  // The nonce: an orphan's while it is unmined and can be outbid (replacing it), else the
  // tracked one. Beyond the fee cap the orphan keeps its nonce (it may still be mined, and
  // revert) and this transaction takes the next one.
  if (orphan_) {
    auto mined = rpc_.transaction_count(key_.address, kLatest);
    if (!mined) return rpc_failed(mined.error(), out);
    auto outbid = replacement_fees(orphan_->fees, *fees, options_.fees);
    if (*mined > orphan_->nonce || !outbid) orphan_.reset();
    else fees = outbid;
  }
  if (!orphan_ && !next_nonce_) {
    auto n = rpc_.transaction_count(key_.address, BlockRef::named("pending"));
    if (!n) return rpc_failed(n.error(), out);
    next_nonce_ = *n;
  }
  const uint64_t nonce = orphan_ ? orphan_->nonce : *next_nonce_;
  auto gas = rpc_.estimate_gas(call);
  if (!gas) {
    if (is_revert(gas.error())) return refused(gas.error(), "eth_estimateGas");
    return rpc_failed(gas.error(), out);
  }
  const uint128_t with_margin = uint128_t(*gas) * (100 + options_.gas_margin_percent) / 100;
  const uint64_t gas_limit = with_margin > UINT64_MAX ? UINT64_MAX : uint64_t(with_margin);
  last_gas_limit_ = gas_limit;
  const Amount cost = max_cost(*fees, gas_limit);
  auto balance = watch_balance(cost, out);
  if (!balance) return;
  if (*balance < cost) {
    finish(epoch, {epoch, Outcome::failed, {}, 0,
                   "insufficient funds: " + key_.address.hex() + " holds " + wei(*balance) +
                       ", the transaction may cost up to " + wei(cost) + " (" +
                       std::to_string(gas_limit) + " gas at " + wei(fees->max_fee_per_gas) +
                       "/gas): fund it; nothing sent"},
           out);
    return;
  }
  Eip1559Transaction tx{chain_.chain_id.value, nonce, fees->max_priority_fee_per_gas,
                        fees->max_fee_per_gas, gas_limit, chain_.vault, Amount(), job.calldata};
  auto signed_tx = sign_transaction(tx, key_.secret, secp_);
  if (!signed_tx) {
    finish(epoch, {epoch, Outcome::failed, {}, 0, "signing: " + signed_tx.error().message}, out);
    return;
  }
  auto sent = rpc_.send_raw_transaction(signed_tx->raw);
  std::string note;
  if (!sent) {
    const RpcError& e = sent.error();
    if (contains(e.message, "insufficient funds")) {
      finish(epoch, {epoch, Outcome::failed, {}, 0,
                     "insufficient funds (the node says: " + e.message + "): fund " +
                         key_.address.hex()},
             out);
      return;
    }
    if (maybe_delivered(e)) {
      // It may be in the node's pool: follow it; if it never shows, the replacement resends.
      rpc_failed(e, out);
      note = " (the node did not answer: followed as if sent)";
    } else if (!already_known(e)) {
      // Refused ("nonce too low", "underpriced", …): learn the nonce again and retry.
      next_nonce_.reset();
      orphan_.reset();
      rpc_failed(e, out);
      return;
    }
  }
  if (orphan_) orphan_.reset();
  else next_nonce_ = nonce + 1;
  job.tx = InFlight{nonce, *fees, gas_limit, {signed_tx->hash}, now, std::nullopt};
  active_ = epoch;
  alarm(nonce_alarm_, "nonce", false, chain_.name + ": nonces follow again", out);
  out.reports.push_back({epoch, Outcome::sent, signed_tx->hash, 0,
                         "commitEpoch sent: nonce " + std::to_string(nonce) + ", gas limit " +
                             std::to_string(gas_limit) + ", " + fees_text(*fees) + note});
}

void Publisher::follow(Job& job, WallClock::time_point now, PublisherOutput& out) {
  InFlight& tx = *job.tx;
  const uint64_t epoch = job.request.epoch;
  if (tx.included) {
    auto r = rpc_.transaction_receipt(tx.included->tx_hash);
    if (!r) return rpc_failed(r.error(), out);
    if (!*r) {  // reorged out of the chain: back in the pool, or to be replaced
      tx.included.reset();
      tx.last_sent = now;
      return;
    }
    return settle(job, **r, out);
  }
  // All versions share one nonce: none is mined while the account's count has not passed it.
  auto mined = rpc_.transaction_count(key_.address, kLatest);
  if (!mined) return rpc_failed(mined.error(), out);
  if (*mined > tx.nonce) {
    for (auto h = tx.sent.rbegin(); h != tx.sent.rend(); ++h) {
      auto r = rpc_.transaction_receipt(*h);
      if (!r) return rpc_failed(r.error(), out);
      if (*r) return settle(job, **r, out);
    }
    alarm(nonce_alarm_, "nonce", true,
          chain_.name + ": nonce " + std::to_string(tx.nonce) + " of " + key_.address.hex() +
              " was used by a transaction the publisher did not send (is the key used "
              "elsewhere?); epoch " + std::to_string(epoch) + " starts over",
          out);
    job.tx.reset();
    active_.reset();
    next_nonce_.reset();
    return;
  }
  auto committed = is_committed(epoch, out);
  if (!committed) return;
  if (*committed) {
    orphan_ = Orphan{tx.nonce, tx.fees};
    finish(epoch, {epoch, Outcome::already_committed, tx.sent.back(), 0,
                   "another transaction committed epoch " + std::to_string(epoch) +
                       " first; ours (nonce " + std::to_string(tx.nonce) +
                       ") is left unmined and its nonce goes to the next publication"},
           out);
    return;
  }
  if (now - tx.last_sent >= options_.replace_after) replace(job, now, out);
}

void Publisher::replace(Job& job, WallClock::time_point now, PublisherOutput& out) {
  InFlight& tx = *job.tx;
  const uint64_t epoch = job.request.epoch;
  auto fresh = current_fees(out);
  if (!fresh) return;
  auto fees = replacement_fees(tx.fees, *fresh, options_.fees);
  const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - tx.last_sent);
  if (!fees) {
    alarm(fee_cap_alarm_, "fee_cap", true,
          chain_.name + ": epoch " + std::to_string(epoch) + ": transaction " + tx.sent.back().hex() +
              " is not in a block after " + std::to_string(waited.count()) +
              " s, and a replacement would offer more than the cap (" +
              wei(options_.fees.max_fee_per_gas) + "/gas): it waits as it is",
          out);
    tx.last_sent = now;
    return;
  }
  Eip1559Transaction t{chain_.chain_id.value, tx.nonce, fees->max_priority_fee_per_gas,
                       fees->max_fee_per_gas, tx.gas_limit, chain_.vault, Amount(), job.calldata};
  auto signed_tx = sign_transaction(t, key_.secret, secp_);
  if (!signed_tx) {
    finish(epoch, {epoch, Outcome::failed, {}, 0, "signing: " + signed_tx.error().message}, out);
    return;
  }
  auto sent = rpc_.send_raw_transaction(signed_tx->raw);
  if (!sent && !already_known(sent.error())) {
    const RpcError& e = sent.error();
    if (contains(e.message, "nonce too low")) return;  // a version was mined: follow finds it
    if (contains(e.message, "underpriced")) tx.fees = *fees;  // the next try bumps from here
    rpc_failed(e, out);
    if (!maybe_delivered(e)) return;  // refused; else it may be in the pool: followed as sent
  }
  const TxHash replaced = tx.sent.back();
  tx.sent.push_back(signed_tx->hash);
  tx.fees = *fees;
  tx.last_sent = now;
  out.reports.push_back({epoch, Outcome::sent, signed_tx->hash, 0,
                         "replaces " + replaced.hex() + " (nonce " + std::to_string(tx.nonce) +
                             ", not in a block after " + std::to_string(waited.count()) +
                             " s): " + fees_text(*fees)});
}

void Publisher::settle(Job& job, const Receipt& r, PublisherOutput& out) {
  const uint64_t epoch = job.request.epoch;
  const std::string at = "transaction " + r.tx_hash.hex() + " in block " + std::to_string(r.block_number);
  if (!r.success) {
    auto committed = is_committed(epoch, out);
    if (!committed) return;
    if (*committed) {
      finish(epoch, {epoch, Outcome::already_committed, r.tx_hash, r.block_number,
                     at + " reverted: another transaction committed the epoch first"},
             out);
      return;
    }
    // Named by replaying the call on the state after that block (the closest a node without
    // tracing offers).
    auto replay = rpc_.call({key_.address, chain_.vault, job.calldata}, BlockRef::at(r.block_number));
    std::string why = !replay && is_revert(replay.error())
                          ? revert_message(replay.error())
                          : "no reason given (gas used " + std::to_string(r.gas_used) + " of " +
                                std::to_string(job.tx->gas_limit) + ")";
    finish(epoch, {epoch, Outcome::failed, r.tx_hash, r.block_number, at + " reverted: " + why}, out);
    return;
  }
  job.tx->included = r;
  auto done = is_final(r, out);
  if (!done) return;
  if (*done)
    finish(epoch, {epoch, Outcome::committed, r.tx_hash, r.block_number,
                   "epoch " + std::to_string(epoch) + " committed by " + at + " (final)"},
           out);
}

void Publisher::check_idle_balance(WallClock::time_point now, PublisherOutput& out) {
  next_balance_check_ = now + options_.balance_check_every;
  auto fees = current_fees(out);
  if (fees) watch_balance(max_cost(*fees, last_gas_limit_ ? last_gas_limit_ : options_.typical_gas), out);
}

std::optional<bool> Publisher::is_committed(uint64_t epoch, PublisherOutput& out) {
  auto r = rpc_.call({std::nullopt, chain_.vault, encode_is_committed(epoch)}, kLatest);
  if (!r) {
    rpc_failed(r.error(), out);
    return std::nullopt;
  }
  auto b = decode_bool(*r);
  if (!b) {
    rpc_failed({RpcFailure::malformed, rpc_.endpoint() + ": isCommitted(" + std::to_string(epoch) +
                                           ") at " + chain_.vault.hex() + ": " + b.error().message +
                                           " (is that the vault?)"},
               out);
    return std::nullopt;
  }
  return *b;
}

std::optional<Fees> Publisher::current_fees(PublisherOutput& out) {
  auto h = rpc_.fee_history(std::max<uint64_t>(1, options_.fees.history_blocks),
                            {options_.fees.reward_percentile});
  if (!h) {
    rpc_failed(h.error(), out);
    return std::nullopt;
  }
  return fees_from_history(*h, options_.fees);
}

std::optional<bool> Publisher::is_final(const Receipt& r, PublisherOutput& out) {
  const Finality& f = chain_.finality;
  if (f.finalized_tag) {
    auto h = rpc_.block(BlockRef::named("finalized"));
    if (!h) {
    rpc_failed(h.error(), out);
    return std::nullopt;
  }
    return *h && (*h)->number >= r.block_number;
  }
  if (f.confirmations == 0) return true;
  auto latest = rpc_.block_number();
  if (!latest) {
    rpc_failed(latest.error(), out);
    return std::nullopt;
  }
  return *latest >= r.block_number + f.confirmations;
}

std::optional<Amount> Publisher::watch_balance(Amount one_tx, PublisherOutput& out) {
  auto b = rpc_.balance(key_.address, kLatest);
  if (!b) {
    rpc_failed(b.error(), out);
    return std::nullopt;
  }
  Amount floor = one_tx.checked_mul(Amount(options_.low_balance_transactions)).value_or(Amount::max());
  bool low = *b < floor;
  alarm(low_balance_alarm_, "low_balance", low,
        chain_.name + ": " + key_.address.hex() + " holds " + wei(*b) +
            (low ? ", less than " : ", at least ") +
            std::to_string(options_.low_balance_transactions) + " commits at up to " +
            wei(one_tx) + " each (" + wei(floor) + ")" + (low ? ": fund it" : ""),
        out);
  return *b;
}

void Publisher::finish(uint64_t epoch, msg::PublishReport report, PublisherOutput& out) {
  out.reports.push_back(std::move(report));
  jobs_.erase(epoch);
  if (active_ == epoch) active_.reset();
  alarm(fee_cap_alarm_, "fee_cap", false, chain_.name + ": epoch " + std::to_string(epoch) + " settled", out);
}

void Publisher::rpc_failed(const RpcError& e, PublisherOutput& out) {
  step_failed_ = true;
  alarm(rpc_alarm_, "rpc", true, chain_.name + ": " + e.message, out);
}

void Publisher::alarm(bool& raised, const char* kind, bool on, const std::string& message,
                      PublisherOutput& out) {
  if (on == raised) return;
  raised = on;
  out.alarms.push_back({kind, message, !on});
}

std::string Publisher::revert_message(const RpcError& e) const {
  return e.data ? describe_revert(*e.data) : e.message;
}

}  // namespace relay::evm
