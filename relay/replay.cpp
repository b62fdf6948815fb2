#include "relay/replay.h"

#include <chrono>
#include <vector>

#include "wire/event_log.h"

namespace relay::node {

Replay::Replay(std::string name, std::unique_ptr<proofs::EpochCommitter> committer,
               storage::KvStore& store, Options options)
    : name_(std::move(name)),
      options_(std::move(options)),
      committer_(std::move(committer)),
      writer_(store, storage::kPipelineDepth) {}

Replay::~Replay() = default;

Result<std::unique_ptr<Replay>> Replay::open(const Genesis& genesis, storage::KvStore& store,
                                             std::string name, Options options) {
  auto committer = proofs::EpochCommitter::open(genesis, store);
  if (!committer) return fail(name + ": " + committer.error().message);
  std::unique_ptr<Replay> r(new Replay(std::move(name), std::move(*committer), store, options));
  // Pipelined commits: epoch k+1 is applied while epoch k (and up to kPipelineDepth - 1 before
  // it) is written and synced, and each epoch's events are hashed on a worker while they are
  // applied. Every way out of run() flushes first, so the batches before a bad line are on
  // disk as promised.
  CanonicalState::Options state_options = options.state;
  state_options.writer = &r->writer_;
  state_options.worker = &r->worker_;
  auto state = CanonicalState::open(genesis, store, r->committer_.get(), state_options);
  if (!state) return fail(r->name_ + ": " + state.error().message);
  r->state_ = std::move(*state);
  // State, trees and commitments are written in one batch per epoch, so they can only disagree
  // if the folder was written by something else (or before commitments were kept).
  if (auto ok = r->committer_->check_state_epochs(r->state_->next_epoch()); !ok)
    return fail(r->name_ + ": " + ok.error().message);
  return r;
}

Error Replay::stop(const std::string& message) {
  // A write that failed makes the state unusable; what stopped the run is then that failure
  // (the folder holds the epochs before it), whatever else went wrong after.
  if (auto r = state_->flush(); !r)
    return Error{name_ + ": writing an epoch failed (" + r.error().message +
                 "); the folder holds the epochs before it, replay again to resume"};
  return Error{message};
}

Result<void> Replay::close_batch(std::vector<Event>& batch, ReplayOutcome& out) {
  CanonicalState& cs = *state_;
  if (out.batches < cs.next_epoch()) {
    // Already committed: it must be the same events, or the file is not this folder's history.
    auto stored = cs.epoch_digest(out.batches);
    if (!stored) return std::unexpected(stored.error());
    if (*stored != CanonicalState::events_digest(batch))
      return fail("batch " + std::to_string(out.batches) +
                  " differs from the epoch the data folder committed under that number");
    ++out.skipped;
  } else {
    auto stats = cs.apply_batch(batch);
    if (!stats) return std::unexpected(stats.error());
    out.applied.add(*stats);
  }
  ++out.batches;
  batch.clear();
  return {};
}

Result<ReplayOutcome> Replay::run(std::istream& in, const std::string& events_name) {
  ReplayOutcome out;
  std::vector<Event> batch;
  auto last_report = std::chrono::steady_clock::now();
  auto batch_done = [&]() -> Result<void> {
    if (auto r = close_batch(batch, out); !r)
      return std::unexpected(stop(events_name + ": " + r.error().message));
    if (!options_.progress) return {};
    const auto now = std::chrono::steady_clock::now();
    if (now - last_report > std::chrono::seconds(2)) {
      last_report = now;
      options_.progress(out.batches, out.applied.applied);
    }
    return {};
  };

  std::string line;
  uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto parsed = parse_event_line(line);
    if (!parsed)
      return std::unexpected(
          stop(events_name + ": line " + std::to_string(line_no) + ": " + parsed.error().message));
    if (!parsed->is_epoch) {
      batch.push_back(std::move(parsed->event));
    } else if (auto r = batch_done(); !r) {
      return std::unexpected(r.error());
    }
  }
  if (in.bad()) return std::unexpected(stop(events_name + ": read error"));
  if (!batch.empty())
    if (auto r = batch_done(); !r) return std::unexpected(r.error());
  if (auto r = state_->flush(); !r)
    return fail(name_ + ": writing an epoch failed (" + r.error().message +
                "); the folder holds the epochs before it, replay again to resume");
  // The file is the whole history: one shorter than the folder's is another history.
  if (out.batches < state_->next_epoch())
    return fail(events_name + ": the file has " + std::to_string(out.batches) +
                " batch(es) but the data folder holds " + std::to_string(state_->next_epoch()) +
                " epochs; it is not this folder's history");
  return out;
}

}  // namespace relay::node
