#include "canonical_state/canonical_state.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "canonical_state/codec.h"
#include "storage/background_writer.h"
#include "storage/worker.h"
#include "vault/sha256.h"

namespace relay {

using namespace codec;

uint64_t BatchStats::rejected_total() const {
  uint64_t n = 0;
  for (uint64_t r : rejected) n += r;
  return n;
}

void BatchStats::add(const BatchStats& o) {
  applied += o.applied;
  duplicates += o.duplicates;
  for (size_t i = 0; i < rejected.size(); ++i) rejected[i] += o.rejected[i];
}

CanonicalState::CanonicalState(const Genesis& genesis, storage::KvStore& store,
                               CommitObserver* observer, Options options)
    : genesis_(genesis),
      store_(store),
      observer_(observer),
      writer_(options.writer),
      worker_(options.worker),
      min_snapshot_deltas_(options.min_snapshot_deltas),
      snapshot_ratio_(std::max<uint64_t>(1, options.snapshot_ratio)),
      vault_(genesis),
      cursors_(genesis.chains.size()) {}

Result<std::unique_ptr<CanonicalState>> CanonicalState::open(const Genesis& genesis,
                                                             storage::KvStore& store,
                                                             CommitObserver* observer,
                                                             Options options) {
  if (options.writer && &options.writer->store() != &store)
    return fail("the background writer writes another store than the state's");
  // A state given up before its flush() (after an error, say) may have left epochs with the
  // writer: load them all, or the next epoch would be written over them. A writer that
  // failed refuses (its error is sticky): the store holds a prefix, reopen with a new one.
  if (options.writer)
    if (auto r = options.writer->wait(); !r) return std::unexpected(r.error());
  std::unique_ptr<CanonicalState> s(new CanonicalState(genesis, store, observer, options));
  if (auto r = s->load(); !r) return std::unexpected(r.error());
  return s;
}

namespace {
Result<std::string> get_required(const storage::KvStore& store, std::string_view key) {
  auto v = store.get(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return fail("data folder is missing " + std::string(key));
  return std::move(**v);
}

Result<void> corrupt(std::string_view what) {
  return fail("data folder is corrupt: bad " + std::string(what) + " record");
}
}  // namespace

Result<void> CanonicalState::load() {
  auto net = store_.get(kMetaNetwork);
  if (!net) return std::unexpected(net.error());
  if (!*net) {
    // A fresh folder must be empty of state, or it is one a crash cannot have produced.
    bool any = false;
    auto r = store_.scan("S/", [&](std::string_view, std::string_view) { return !(any = true); });
    if (!r) return r;
    if (any) return fail("data folder holds state records but no network id");
    return {};
  }
  fresh_ = false;
  if (**net != std::string_view(reinterpret_cast<const char*>(genesis_.network_id.bytes.data()), 32))
    return fail("data folder belongs to another network (its genesis differs from this one)");

  {
    auto format = store_.get(kMetaFormat);
    if (!format) return std::unexpected(format.error());
    uint32_t version = 0;
    if (*format) {
      Reader fr(**format);
      version = fr.be32();
      if (!fr.done()) return corrupt("format");
    }
    if (version != kFormatVersion)
      return fail("data folder was written in " +
                  (version ? "storage format " + std::to_string(version) : "an older storage format") +
                  "; this relay reads format " + std::to_string(kFormatVersion) +
                  ": replay the history into a new folder");
  }
  auto epoch = get_required(store_, kMetaEpoch);
  if (!epoch) return std::unexpected(epoch.error());
  Reader er(*epoch);
  next_epoch_ = er.be64();
  if (!er.done()) return corrupt("epoch");
  auto hist = get_required(store_, kMetaHistory);
  if (!hist) return std::unexpected(hist.error());
  Reader hr(*hist);
  history_ = hr.bytes<Hash32>();
  if (!hr.done()) return corrupt("history");

  const uint32_t chains = uint32_t(genesis_.chains.size());
  const uint32_t assets = uint32_t(genesis_.assets.size());
  bool bad = false;
  std::string what;
  auto check = [&](bool ok, const char* w) {
    if (!ok && !bad) {
      bad = true;
      what = w;
    }
    return !bad;
  };
  auto r = store_.scan(kCursor, [&](std::string_view k, std::string_view v) {
    Reader kr(k.substr(kCursor.size())), vr(v);
    uint32_t chain = kr.be32();
    EventPosition pos{vr.be64(), vr.be32()};
    if (!check(kr.done() && vr.done() && chain < chains, "cursor")) return false;
    cursors_[chain] = pos;
    return true;
  });
  // Balances: the snapshot, then each epoch's changes in order (a zero removes a balance).
  auto balance_records = [&](std::string_view v, bool zero_ok) {
    if (!chunk_size_ok(v, kBalanceRecordSize, kBalanceChunkMax)) return false;
    for (size_t at = 0; at < v.size(); at += kBalanceRecordSize) {
      Reader vr(v.substr(at, kBalanceRecordSize));
      BalanceKey key;
      key.asset = vr.be32();
      key.account = vr.bytes<AccountId>();
      Amount a = vr.amount();
      if (key.asset >= assets || (a.is_zero() && !zero_ok)) return false;
      vault_.load_balance(key, a);
    }
    return true;
  };
  if (r) {
    auto snap = store_.get(kMetaSnapshot);
    if (!snap) return std::unexpected(snap.error());
    if (*snap) {
      Reader sr(**snap);
      balance_log_.snapshot_epoch = sr.be64();
      if (!sr.done() || *balance_log_.snapshot_epoch >= next_epoch_) return corrupt("snapshot epoch");
    }
  }
  if (r) r = store_.scan(kSnapshot, [&](std::string_view k, std::string_view v) {
    Reader kr(k.substr(kSnapshot.size()));
    const uint32_t chunk = kr.be32();
    if (!check(kr.done() && balance_log_.snapshot_epoch &&
                   chunk == balance_log_.snapshot_chunks && balance_records(v, false),
               "balance snapshot"))
      return false;
    ++balance_log_.snapshot_chunks;
    balance_log_.snapshot_entries += v.size() / kBalanceRecordSize;
    return true;
  });
  // Per-epoch chunks (deltas, withdrawals, claims): an epoch's chunks are 0, 1, 2... and the
  // epochs increase, below the next epoch.
  auto chunk_in_order = [&](std::optional<std::pair<uint64_t, uint32_t>>& last, uint64_t at,
                            uint32_t chunk) {
    const bool ok = at < next_epoch_ &&
                    (last && last->first == at ? chunk == last->second + 1
                                               : chunk == 0 && (!last || last->first < at));
    last = std::pair{at, chunk};
    return ok;
  };
  std::optional<std::pair<uint64_t, uint32_t>> last_delta;
  if (r) r = store_.scan(kDelta, [&](std::string_view k, std::string_view v) {
    Reader kr(k.substr(kDelta.size()));
    const uint64_t at = kr.be64();
    const uint32_t chunk = kr.be32();
    const bool after_snapshot = !balance_log_.snapshot_epoch || at > *balance_log_.snapshot_epoch;
    if (!check(kr.done() && chunk_in_order(last_delta, at, chunk) && after_snapshot &&
                   balance_records(v, true),
               "balance delta"))
      return false;
    auto& deltas = balance_log_.deltas;
    if (chunk == 0) deltas.emplace_back(at, 0);
    ++deltas.back().second;
    balance_log_.delta_entries += v.size() / kBalanceRecordSize;
    return true;
  });
  if (r) r = store_.scan(kCustody, [&](std::string_view k, std::string_view v) {
    Reader kr(k.substr(kCustody.size())), vr(v);
    uint32_t chain = kr.be32(), asset = kr.be32();
    Amount cu = vr.amount(), pe = vr.amount();
    if (!check(kr.done() && vr.done() && chain < chains && asset < assets, "custody"))
      return false;
    vault_.load_custody(chain, asset, cu, pe);
    return true;
  });
  // Withdrawals: each epoch's requests, then each epoch's claims of earlier requests.
  std::optional<std::pair<uint64_t, uint32_t>> last_request, last_claim;
  if (r) r = store_.scan(kWithdrawal, [&](std::string_view k, std::string_view v) {
    Reader kr(k.substr(kWithdrawal.size()));
    const uint64_t at = kr.be64();
    const uint32_t chunk = kr.be32();
    bool ok = kr.done() && chunk_in_order(last_request, at, chunk) &&
              chunk_size_ok(v, kWithdrawalRecordSize, kWithdrawalChunkMax);
    for (size_t off = 0; ok && off < v.size(); off += kWithdrawalRecordSize) {
      Reader vr(v.substr(off, kWithdrawalRecordSize));
      const WithdrawalId id = vr.bytes<WithdrawalId>();
      WithdrawalRecord w;
      w.account = vr.bytes<AccountId>();
      w.asset = vr.be32();
      w.amount = vr.amount();
      w.origin_chain = vr.be32();
      w.origin.block = vr.be64();
      w.origin.log_index = vr.be32();
      w.dest_chain = vr.be32();
      w.recipient = vr.bytes<Address>();
      w.epoch = at;
      ok = vr.done() && w.asset < assets && w.origin_chain < chains && w.dest_chain < chains &&
           !vault_.withdrawal(id) &&
           id == withdrawal_id(genesis_.chains[w.origin_chain].chain_id, w.origin);
      if (ok) vault_.load_withdrawal(id, w);
    }
    return check(ok, "withdrawal");
  });
  if (r) r = store_.scan(kClaim, [&](std::string_view k, std::string_view v) {
    Reader kr(k.substr(kClaim.size()));
    const uint64_t at = kr.be64();
    const uint32_t chunk = kr.be32();
    bool ok = kr.done() && chunk_in_order(last_claim, at, chunk) &&
              chunk_size_ok(v, WithdrawalId::size(), kClaimChunkMax);
    for (size_t off = 0; ok && off < v.size(); off += WithdrawalId::size()) {
      const WithdrawalId id = Reader(v.substr(off, WithdrawalId::size())).bytes<WithdrawalId>();
      const WithdrawalRecord* w = vault_.withdrawal(id);
      ok = w && !w->claimed && w->epoch < at;  // claimed once, in a later epoch
      if (ok) {
        WithdrawalRecord claimed = *w;
        claimed.claimed = true;
        vault_.load_withdrawal(id, claimed);
      }
    }
    return check(ok, "withdrawal claim");
  });
  if (!r) return r;
  if (bad) return corrupt(what);
  if (auto broken = vault_.finish_load())
    return fail("data folder breaks an invariant: " + *broken);
  return {};
}

namespace {
// The event-list digest (docs/state.md): SHA-256("relay.events.v1" || be64(count) || each
// event's identity, in order). One definition for apply_batch and events_digest.
class EventListDigest {
 public:
  explicit EventListDigest(uint64_t count) { h_.update("relay.events.v1").update_be64(count); }
  void add(const Hash32& identity) { h_.update(identity.span()); }
  Hash32 finish() { return h_.finish(); }

 private:
  Sha256 h_;
};
}  // namespace

Hash32 CanonicalState::events_digest(std::span<const Event> events) {
  EventListDigest list(events.size());
  Sha256 item;
  for (const Event& e : events) list.add(event_identity(e, item));
  return list.finish();
}

Result<BatchStats> CanonicalState::apply_batch(std::span<const Event> events, bool sync) {
  if (poisoned_) return fail("canonical state unusable after a failed commit; reopen it");
  // Any way out before the end (an error, an exception) leaves the vault with part of the
  // batch applied: the object must not be used again.
  poisoned_ = true;
  const uint64_t epoch = next_epoch_;
  BatchStats stats;
  storage::WriteBatch& wb = batch_;  // reused: its buffer keeps the last epoch's capacity
  wb.clear();
  std::vector<std::optional<EventPosition>> cursors = cursors_;
  // Events stored as seen in this batch, per chain, in increasing position: a duplicate inside
  // the batch is found by binary search, one from an earlier batch in the store.
  // Reused buffers (they keep their capacity): a fresh vector of this size every epoch was
  // fresh pages, and so page faults, every epoch.
  SeenList& batch_seen = batch_seen_;
  batch_seen.resize(cursors.size());
  for (auto& v : batch_seen) v.clear();
  std::vector<Deferred>& deferred = deferred_;
  deferred.clear();
  std::string rec, kbuf, rkey;  // reused: the batch copies them
  uint32_t last_chain = uint32_t(genesis_.chains.size());

  // The events' identities and the event-list digest: about a quarter of the work of an epoch,
  // and needed by none of the rules (only to tell a duplicate from a conflict, for receipts
  // and for the seen records, all settled after the loop), so hashed on the worker, if there
  // is one, while this thread applies the events. `hashed` waits for it on every way out.
  identities_.resize(events.size());
  Hash32 digest;
  auto hash_events = [this, events, &digest] {
    Sha256 hasher;
    EventListDigest list(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      identities_[i] = event_identity(events[i], hasher);
      list.add(identities_[i]);
    }
    digest = list.finish();
  };
  struct Hashed {
    storage::Worker* worker;
    void wait() {
      if (worker) std::exchange(worker, nullptr)->wait();
    }
    ~Hashed() {
      try {
        wait();
      } catch (...) {  // leaving early on another error: that one is reported
      }
    }
  } hashed{worker_};
  if (worker_)
    worker_->start(hash_events);
  else
    hash_events();

  // First pass: each event's chain (genesis index, or kNoChain) and the balance it will look
  // up, so the second can fetch the balances a few events ahead into the cache while it
  // applies this one (Vault::prefetch: the index entry 16 ahead, the balance 8 ahead): over
  // many accounts, each lookup is otherwise two cache misses in a row.
  constexpr uint32_t kNoChain = UINT32_MAX;
  constexpr uint32_t kNotInBatch = UINT32_MAX;
  constexpr size_t kIndexAhead = 16, kBalanceAhead = 8;
  auto& ahead = lookahead_;  // reused: keeps its capacity
  ahead.resize(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    // Events come grouped by chain: comparing with the previous one's chain first skips the
    // search through the genesis for nearly every event.
    if (last_chain == genesis_.chains.size() || genesis_.chains[last_chain].name != e.chain) {
      auto c = genesis_.chain_index(e.chain);
      if (!c) {
        ahead[i] = {kNoChain, std::nullopt};
        continue;
      }
      last_chain = uint32_t(*c);
    }
    ahead[i] = {last_chain, vault_.balance_key(e, last_chain)};
  }
  auto prefetch = [&](size_t i, Vault::Prefetch stage) {
    if (i < events.size() && ahead[i].key) vault_.prefetch(*ahead[i].key, stage);
  };
  for (size_t i = 0; i < kIndexAhead; ++i) prefetch(i, Vault::Prefetch::index);
  for (size_t i = 0; i < kBalanceAhead; ++i) prefetch(i, Vault::Prefetch::balance);

  for (uint32_t index = 0; index < events.size(); ++index) {
    const Event& e = events[index];
    prefetch(index + kIndexAhead, Vault::Prefetch::index);
    prefetch(index + kBalanceAhead, Vault::Prefetch::balance);

    // Rule 1: the chain must be in the genesis.
    if (ahead[index].chain == kNoChain) {
      deferred.push_back({index, Reason::unknown_chain, kNotInBatch, {}});
      continue;
    }
    const uint32_t chain = ahead[index].chain;

    // Rules 2 and 3: at or below the chain's cursor, the event is a duplicate, a conflict, or
    // out of order. Above it, it cannot have been seen.
    if (cursors[chain] && e.pos <= *cursors[chain]) {
      // In this batch, in the epochs the writer may not have written yet, or in the store.
      auto in = [&](const SeenList& seen_list) -> const Seen* {
        if (chain >= seen_list.size()) return nullptr;
        const auto& v = seen_list[chain];
        auto it = std::lower_bound(v.begin(), v.end(), e.pos,
                                   [](const Seen& x, const EventPosition& p) { return x.pos < p; });
        return it != v.end() && it->pos == e.pos ? &*it : nullptr;
      };
      auto in_flight = [&]() -> const Seen* {
        for (const SeenList& l : inflight_seen_)
          if (const Seen* f = in(l)) return f;
        return nullptr;
      };
      if (const Seen* s = in(batch_seen)) {
        deferred.push_back({index, std::nullopt, s->index, {}});
      } else if (const Seen* f = in_flight()) {
        deferred.push_back({index, std::nullopt, kNotInBatch, f->identity});
      } else if (cursors_[chain] && e.pos <= *cursors_[chain]) {
        auto found = find_seen(chain, e.pos);
        if (!found) return std::unexpected(found.error());
        if (*found)
          deferred.push_back({index, std::nullopt, kNotInBatch, **found});
        else
          deferred.push_back({index, Reason::out_of_order, kNotInBatch, {}});
      } else {
        deferred.push_back({index, Reason::out_of_order, kNotInBatch, {}});
      }
      continue;
    }
    cursors[chain] = e.pos;
    batch_seen[chain].push_back({e.pos, index, {}});

    // Rules 4-6.
    if (auto reason = vault_.apply(e, chain, epoch))
      deferred.push_back({index, *reason, kNotInBatch, {}});
    else
      ++stats.applied;
  }

  // The identities are needed from here on.
  hashed.wait();
  for (const Deferred& d : deferred) {
    const Hash32& identity = identities_[d.index];
    std::optional<Reason> reason = d.reason;
    if (!reason) {
      const Hash32& seen = d.seen_index == kNotInBatch ? d.seen : identities_[d.seen_index];
      if (seen == identity) {
        ++stats.duplicates;
        continue;
      }
      reason = Reason::conflict;
    }
    const Event& e = events[d.index];
    ++stats.rejected[size_t(*reason)];
    rkey.assign(kReceipt);
    put_be64(rkey, epoch);
    put_be32(rkey, d.index);
    rec.clear();
    rec.push_back(char(*reason));
    put_be64(rec, e.pos.block);
    put_be32(rec, e.pos.log_index);
    put_bytes(rec, identity);
    rec += e.chain;
    wb.put(rkey, rec);
  }

  // The events stored as seen, in groups per chain (codec.h, kSeenGroupMax).
  for (uint32_t c = 0; c < batch_seen.size(); ++c) {
    auto& seen = batch_seen[c];
    for (Seen& s : seen) s.identity = identities_[s.index];
    for (size_t g = 0; g < seen.size(); g += kSeenGroupMax) {
      const size_t end = std::min(seen.size(), g + kSeenGroupMax);
      assign_seen_key(kbuf, c, seen[end - 1].pos);
      rec.clear();
      for (size_t i = g; i < end; ++i) put_seen_record(rec, seen[i].pos, seen[i].identity);
      wb.put(kbuf, rec);
    }
  }

  // The vault's changes, the cursors, and the epoch's bookkeeping, in the same batch.
  EpochChanges& changes = changes_;
  changes.balances.clear();
  changes.withdrawals.clear();
  changes.custody.clear();
  changes.pending.clear();
  changes.heights.clear();
  changes.epoch = epoch;
  // Grouped by asset in asset order, each group in the order its balances first changed (as
  // EpochChanges promises): a counting sort, one pass per asset; a full sort by account cost
  // more than the rest of the commit, and nothing needs it (the liabilities trees order by
  // their own key).
  const auto changed = vault_.changed_balances();
  const auto slots = vault_.balance_slots();
  changes.balances.resize(changed.size());
  {
    std::vector<size_t> start(genesis_.assets.size() + 1, 0);
    for (uint32_t i : changed) ++start[slots[i].first.asset + 1];
    for (size_t a = 1; a < start.size(); ++a) start[a] += start[a - 1];
    for (uint32_t i : changed) {
      const Vault::BalanceSlot& b = slots[i];
      changes.balances[start[b.first.asset]++] =
          BalanceChange{b.first.account, b.first.asset, b.second.amount};
    }
  }
  const BalanceLogUpdate balance_update = write_balances(epoch, changes.balances, wb);
  if (vault_.custody_changed()) {
    for (uint32_t c = 0; c < genesis_.chains.size(); ++c) {
      for (uint32_t a = 0; a < genesis_.assets.size(); ++a) {
        std::string key(kCustody), v;
        put_be32(key, c);
        put_be32(key, a);
        put_amount(v, vault_.custody(c, a));
        put_amount(v, vault_.pending(c, a));
        wb.put(key, v);
      }
    }
  }
  for (const WithdrawalId& id : vault_.changed_withdrawals()) {  // in request order
    const WithdrawalRecord& w = *vault_.withdrawal(id);
    if (w.epoch == epoch && !w.claimed) {
      const AssetConfig& ac = genesis_.assets[w.asset];
      const TokenConfig* token = ac.token_on(w.dest_chain);
      auto units = AssetRegistry::to_token_units(w.amount, ac.decimals, token->decimals);
      changes.withdrawals.push_back(
          CertifiedWithdrawal{id, w.dest_chain, w.asset, w.recipient, token->address, *units});
    }
  }
  // The epoch's requests and claims, each in chunks under the epoch (codec.h).
  {
    std::string claims;
    rec.clear();
    for (const WithdrawalId& id : vault_.changed_withdrawals()) {  // in the order they changed
      const WithdrawalRecord& w = *vault_.withdrawal(id);
      if (w.claimed) {  // claimed now: requested in an earlier epoch
        put_bytes(claims, id);
        continue;
      }
      put_bytes(rec, id);
      put_bytes(rec, w.account);
      put_be32(rec, w.asset);
      put_amount(rec, w.amount);
      put_be32(rec, w.origin_chain);
      put_be64(rec, w.origin.block);
      put_be32(rec, w.origin.log_index);
      put_be32(rec, w.dest_chain);
      put_bytes(rec, w.recipient);
    }
    put_chunks(wb, rec, kWithdrawalRecordSize, kWithdrawalChunkMax,
               [&](uint32_t c) { return epoch_chunk_key(kWithdrawal, epoch, c); });
    put_chunks(wb, claims, WithdrawalId::size(), kClaimChunkMax,
               [&](uint32_t c) { return epoch_chunk_key(kClaim, epoch, c); });
  }
  for (uint32_t c = 0; c < genesis_.chains.size(); ++c)
    for (uint32_t a = 0; a < genesis_.assets.size(); ++a) {
      changes.custody.push_back(vault_.custody(c, a));
      changes.pending.push_back(vault_.pending(c, a));
    }
  for (const auto& c : cursors) changes.heights.push_back(c ? c->block : 0);
  for (uint32_t c = 0; c < cursors.size(); ++c) {
    if (cursors[c] == cursors_[c]) continue;
    std::string key(kCursor), v;
    put_be32(key, c);
    put_be64(v, cursors[c]->block);
    put_be32(v, cursors[c]->log_index);
    wb.put(key, v);
  }
  {
    std::string key(kEpochDigest), v;
    put_be64(key, epoch);
    put_bytes(v, digest);
    wb.put(key, v);
  }
  const Hash32 history = Sha256()
                             .update("relay.history.v1")
                             .update(history_.span())
                             .update_be64(epoch)
                             .update(digest.span())
                             .finish();
  {
    std::string v;
    put_bytes(v, history);
    wb.put(kMetaHistory, v);
    v.clear();
    put_be64(v, epoch + 1);
    wb.put(kMetaEpoch, v);
    if (fresh_) {
      v.clear();
      put_bytes(v, genesis_.network_id);
      wb.put(kMetaNetwork, v);
      v.clear();
      put_be32(v, kFormatVersion);
      wb.put(kMetaFormat, v);
    }
  }

  if (observer_) {
    if (auto r = observer_->stage(changes, wb); !r) {
      observer_->committed(false);
      return std::unexpected(r.error());
    }
  }
  // Pipelined, submit() returns once the writer has taken this epoch, with fewer than depth()
  // before it still unwritten (and hands back a spare buffer); an error is an earlier epoch's.
  if (auto r = writer_ ? writer_->submit(wb, sync) : store_.write(wb, sync); !r) {
    if (observer_) observer_->committed(false);
    return std::unexpected(r.error());
  }
  if (observer_) observer_->committed(true);
  if (writer_) {
    // Keep this epoch's seen list while it may be unwritten: the writer holds at most depth()
    // epochs, so the one before those is on disk (its list is reused for the next epoch).
    inflight_seen_.push_back(std::move(batch_seen_));
    batch_seen_.clear();
    if (inflight_seen_.size() > writer_->depth()) {
      batch_seen_ = std::move(inflight_seen_.front());
      inflight_seen_.pop_front();
    }
  }
  vault_.clear_changes();
  cursors_ = std::move(cursors);
  if (balance_update.snapshot) {
    balance_log_ = BalanceLog{epoch, balance_update.entries, balance_update.chunks, 0, {}};
  } else if (balance_update.chunks) {
    balance_log_.deltas.emplace_back(epoch, balance_update.chunks);
    balance_log_.delta_entries += balance_update.entries;
  }
  history_ = history;
  next_epoch_ = epoch + 1;
  fresh_ = false;
  poisoned_ = false;
  return stats;
}

Result<void> CanonicalState::flush() {
  if (!writer_) return {};
  auto r = writer_->wait();
  if (!r) poisoned_ = true;
  return r;
}

CanonicalState::BalanceLogUpdate CanonicalState::write_balances(
    uint64_t epoch, std::span<const BalanceChange> changes, storage::WriteBatch& wb) const {
  const BalanceLog& log = balance_log_;
  std::string rec;
  // A new snapshot once the deltas would hold snapshot_ratio_ times the snapshot's records (and
  // at least min_snapshot_deltas_): a snapshot's cost (it is sorted) is then spread over that
  // many delta records, and opening a folder reads at most about ratio + 1 times the live
  // balances.
  if (!changes.empty() &&
      log.delta_entries + changes.size() >= std::max(min_snapshot_deltas_, snapshot_ratio_ * log.snapshot_entries)) {
    // In (asset, account) order, so the snapshot's bytes depend on the state alone, not on
    // the order its entries were made in (which a reopened folder does not share). The key is
    // copied next to the slot number as five big-endian words, so the sort compares integers
    // in place instead of following a pointer per comparison (accounts are mostly left-padded
    // addresses: their first 12 bytes rarely decide).
    struct Item {
      std::array<uint64_t, 5> key;  // asset, then the account as 4 big-endian words
      const Vault::BalanceSlot* slot;
    };
    std::vector<Item> order;
    order.reserve(vault_.balance_slots().size());
    for (const Vault::BalanceSlot& slot : vault_.balance_slots()) {
      if (slot.second.amount.is_zero()) continue;
      Item it{{slot.first.asset, 0, 0, 0, 0}, &slot};
      for (size_t w = 0; w < 4; ++w) {
        uint64_t word;
        std::memcpy(&word, slot.first.account.bytes.data() + 8 * w, 8);
        it.key[1 + w] = std::endian::native == std::endian::little ? __builtin_bswap64(word) : word;
      }
      order.push_back(it);
    }
    std::sort(order.begin(), order.end(),
              [](const Item& a, const Item& b) { return a.key < b.key; });
    rec.reserve(order.size() * kBalanceRecordSize);
    for (const Item& it : order)
      put_balance_record(rec, it.slot->first.asset, it.slot->first.account, it.slot->second.amount);
    const uint32_t chunk = put_chunks(wb, rec, kBalanceRecordSize, kBalanceChunkMax, snapshot_key);
    for (uint32_t c = chunk; c < log.snapshot_chunks; ++c) wb.del(snapshot_key(c));
    for (const auto& [e, chunks] : log.deltas)
      for (uint32_t c = 0; c < chunks; ++c) wb.del(delta_key(e, c));
    rec.clear();
    put_be64(rec, epoch);
    wb.put(kMetaSnapshot, rec);
    return BalanceLogUpdate{true, order.size(), chunk};
  }
  rec.reserve(changes.size() * kBalanceRecordSize);
  for (const BalanceChange& c : changes)
    put_balance_record(rec, uint32_t(c.asset), c.account, c.balance);
  const uint32_t chunks = put_chunks(wb, rec, kBalanceRecordSize, kBalanceChunkMax,
                                     [&](uint32_t c) { return delta_key(epoch, c); });
  return BalanceLogUpdate{false, changes.size(), chunks};
}

Result<std::optional<Hash32>> CanonicalState::find_seen(uint32_t chain, EventPosition pos) const {
  std::string prefix(kSeen);
  put_be32(prefix, chain);
  auto group = store_.ceiling(prefix, seen_key(chain, pos));
  if (!group) return std::unexpected(group.error());
  if (!*group) return std::optional<Hash32>{};
  Reader kr(std::string_view((*group)->key).substr(prefix.size()));
  EventPosition last;
  last.block = kr.be64();
  last.log_index = kr.be32();
  const std::string_view v = (*group)->value;
  if (!kr.done() || !seen_group_ok(v, last))
    return fail("data folder is corrupt: bad seen-event record");
  // Binary search by position among the group's records.
  size_t lo = 0, hi = v.size() / kSeenRecordSize;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (seen_record_position(v, mid) < pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == v.size() / kSeenRecordSize || seen_record_position(v, lo) != pos)
    return std::optional<Hash32>{};
  Reader r(v.substr(lo * kSeenRecordSize + 12, 32));
  return std::optional<Hash32>{r.bytes<Hash32>()};
}

Hash32 CanonicalState::state_digest() const {
  // docs/state.md, "State digest".
  Sha256 h;
  h.update("relay.state.v1");
  h.update(genesis_.network_id.span());
  h.update_be64(next_epoch_);
  h.update(history_.span());
  uint8_t b[16];
  auto amount = [&](Amount a) {
    a.to_be_bytes(b);
    h.update(std::span<const uint8_t>(b, 16));
  };
  for (const auto& c : cursors_) {
    h.update_u8(c ? 1 : 0);
    h.update_be64(c ? c->block : 0);
    h.update_be32(c ? c->log_index : 0);
  }
  for (uint32_t c = 0; c < genesis_.chains.size(); ++c) {
    for (uint32_t a = 0; a < genesis_.assets.size(); ++a) {
      amount(vault_.custody(c, a));
      amount(vault_.pending(c, a));
    }
  }
  auto balances = vault_.sorted_balances();
  h.update_be64(balances.size());
  for (const auto& [k, v] : balances) {
    h.update_be32(k.asset);
    h.update(k.account.span());
    amount(v);
  }
  auto withdrawals = vault_.sorted_withdrawals();
  h.update_be64(withdrawals.size());
  for (const auto& [id, w] : withdrawals) {
    h.update(id.span());
    h.update(w.account.span());
    h.update_be32(w.asset);
    amount(w.amount);
    h.update_be32(w.origin_chain);
    h.update_be64(w.origin.block);
    h.update_be32(w.origin.log_index);
    h.update_be32(w.dest_chain);
    h.update(w.recipient.span());
    h.update_be64(w.epoch);
    h.update_u8(w.claimed ? 1 : 0);
  }
  return h.finish();
}

Result<std::optional<Hash32>> CanonicalState::epoch_digest(uint64_t epoch) const {
  std::string key(kEpochDigest);
  put_be64(key, epoch);
  auto v = store_.get(key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::optional<Hash32>{};
  Reader r(**v);
  Hash32 d = r.bytes<Hash32>();
  if (!r.done()) return fail("data folder is corrupt: bad epoch digest record");
  return std::optional<Hash32>{d};
}

Result<std::vector<Receipt>> CanonicalState::receipts(uint64_t epoch) const {
  std::string prefix(kReceipt);
  put_be64(prefix, epoch);
  std::vector<Receipt> out;
  bool bad = false;
  auto r = store_.scan(prefix, [&](std::string_view k, std::string_view v) {
    Reader kr(k.substr(prefix.size())), vr(v);
    Receipt rc;
    rc.epoch = epoch;
    rc.index = kr.be32();
    uint8_t reason = vr.u8();
    rc.pos.block = vr.be64();
    rc.pos.log_index = vr.be32();
    rc.event = vr.bytes<Hash32>();
    rc.chain = std::string(vr.rest());
    if (!kr.done() || !vr.ok() || reason == 0 || reason > kReasonCount) return !(bad = true);
    rc.reason = Reason(reason);
    out.push_back(std::move(rc));
    return true;
  });
  if (!r) return std::unexpected(r.error());
  if (bad) return fail("data folder is corrupt: bad receipt record");
  return out;
}

}  // namespace relay
