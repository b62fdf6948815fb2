#include "relay/epoch_loop.h"

#include "proofs/event_accumulator.h"
#include "relay/block_codec.h"
#include "relay/node_keys.h"

namespace relay::node {
namespace {

// A cut as the commitment writes it: the empty cut is all zeros (docs/node.md).
ChainCut to_chain_cut(const Cut& c) {
  if (!c) return ChainCut{};
  return ChainCut{c->height, c->hash, c->timestamp, c->event_count, c->accumulator};
}

}  // namespace

// Stages the epoch's cuts (N/c/) into the batch the canonical state commits, then the epoch
// committer's records: the cuts, the state and the commitment are on disk together or not.
class EpochLoop::CutsObserver final : public CommitObserver {
 public:
  explicit CutsObserver(CommitObserver& inner) : inner_(inner) {}
  void set(std::vector<Cut> cuts) { cuts_ = std::move(cuts); }
  Result<void> stage(const EpochChanges& changes, storage::WriteBatch& batch) override {
    batch.put(keys::cuts_key(changes.epoch), encode_cuts(cuts_));
    return inner_.stage(changes, batch);
  }
  void committed(bool ok) override { inner_.committed(ok); }

 private:
  CommitObserver& inner_;
  std::vector<Cut> cuts_;
};

EpochLoop::EpochLoop(const Genesis& genesis, storage::KvStore& store, ChainStore& chains)
    : genesis_(genesis), store_(store), chains_(chains) {}

EpochLoop::~EpochLoop() = default;

Result<std::unique_ptr<EpochLoop>> EpochLoop::open(const Genesis& genesis, storage::KvStore& store,
                                                   ChainStore& chains) {
  if (!genesis.epochs)
    return fail("the genesis has no \"epochs\" {start_time, seconds}: relayd needs it to cut epochs");
  std::unique_ptr<EpochLoop> loop(new EpochLoop(genesis, store, chains));
  auto committer = proofs::EpochCommitter::open(genesis, store);
  if (!committer) return std::unexpected(committer.error());
  loop->committer_ = std::move(*committer);
  loop->observer_ = std::make_unique<CutsObserver>(*loop->committer_);
  auto state = CanonicalState::open(genesis, store, loop->observer_.get());
  if (!state) return std::unexpected(state.error());
  loop->state_ = std::move(*state);
  if (auto ok = loop->committer_->check_state_epochs(loop->state_->next_epoch()); !ok)
    return std::unexpected(ok.error());
  if (auto ok = loop->load_engine(); !ok) return std::unexpected(ok.error());
  return loop;
}

Result<void> EpochLoop::load_engine() {
  const uint64_t next = state_->next_epoch();
  std::vector<Cut> cuts(genesis_.chains.size());
  if (next > 0) {
    const std::string what = "the cuts of epoch " + std::to_string(next - 1) + " (N/c/)";
    auto v = store_.get(keys::cuts_key(next - 1));
    if (!v) return std::unexpected(v.error());
    if (!*v)
      return fail("the folder holds " + std::to_string(next) +
                  " epochs applied without cuts (by relayctl replay?): relayd cannot continue it; "
                  "give relayd a new data folder");
    auto decoded = decode_cuts(**v, genesis_.chains.size(), what);
    if (!decoded) return std::unexpected(decoded.error());
    cuts = std::move(*decoded);
  }
  std::vector<CutEngine::ChainStart> starts;
  for (size_t c = 0; c < cuts.size(); ++c) starts.push_back({genesis_.chains[c].start_block, cuts[c]});
  engine_ = std::make_unique<CutEngine>(genesis_.epochs->start_time, genesis_.epochs->seconds, next,
                                        std::move(starts));
  // The blocks stored after each cut, in chunks.
  for (uint32_t c = 0; c < genesis_.chains.size(); ++c) {
    uint64_t from = cuts[c] ? cuts[c]->height + 1 : genesis_.chains[c].start_block;
    for (;;) {
      auto blocks = chains_.blocks(c, from, 4096);
      if (!blocks) return std::unexpected(blocks.error());
      if (blocks->empty()) break;
      if (auto ok = engine_->add(c, *blocks); !ok)
        return fail("the stored blocks of chain " + genesis_.chains[c].name + ": " + ok.error().message);
      from = blocks->back().height + 1;
    }
  }
  return {};
}

std::expected<void, CutError> EpochLoop::add(uint32_t chain, std::span<const BlockRecord> blocks) {
  return engine_->add(chain, blocks);
}

std::optional<CutEngine::Waiting> EpochLoop::waiting() const {
  auto d = engine_->decide();
  if (auto* w = std::get_if<CutEngine::Waiting>(&d)) return *w;
  return std::nullopt;
}

Result<std::optional<EpochLoop::Applied>> EpochLoop::step() {
  auto d = engine_->decide();
  auto* decided = std::get_if<CutEngine::Decided>(&d);
  if (!decided) return std::optional<Applied>{};
  std::vector<Event> events;
  std::vector<Cut> cuts;
  for (uint32_t c = 0; c < decided->chains.size(); ++c) {
    const CutEngine::ChainStep& s = decided->chains[c];
    cuts.push_back(s.cut);
    if (!s.moved()) continue;
    const uint64_t first = s.previous ? s.previous->height + 1 : genesis_.chains[c].start_block;
    auto got = chains_.events(c, first, s.cut->height);
    if (!got) return std::unexpected(got.error());
    // The events of the epoch must fold from the previous cut's accumulator to this cut's.
    EventAccumulator acc;
    if (s.previous) acc = {s.previous->event_count, s.previous->accumulator};
    for (const Event& e : *got)
      if (auto ok = accumulate(acc, e, genesis_); !ok)
        return fail("chain " + genesis_.chains[c].name + ": " + ok.error().message);
    if (acc.count != s.cut->event_count || acc.value != s.cut->accumulator)
      return fail("chain " + genesis_.chains[c].name + ": at the cut of epoch " +
                  std::to_string(decided->epoch) + " (block " + std::to_string(s.cut->height) +
                  ") the vault says count " + std::to_string(s.cut->event_count) + ", accumulator " +
                  s.cut->accumulator.hex() + ", but the stored events fold to count " +
                  std::to_string(acc.count) + ", accumulator " + acc.value.hex() +
                  ": nothing is applied or signed");
    events.insert(events.end(), std::make_move_iterator(got->begin()), std::make_move_iterator(got->end()));
  }
  if (state_->next_epoch() != decided->epoch)
    return fail("the cut engine decided epoch " + std::to_string(decided->epoch) +
                " but the state's next is " + std::to_string(state_->next_epoch()));
  // The commitment names the cuts (docs/node.md "Commitment", fields 4 to 9): the committer
  // checks them against the previous epoch's and puts them in what the validators sign.
  std::vector<ChainCut> chain_cuts;
  for (const Cut& c : cuts) chain_cuts.push_back(to_chain_cut(c));
  if (auto ok = committer_->set_next_cuts(decided->epoch, decided->end_time, std::move(chain_cuts)); !ok)
    return std::unexpected(ok.error());
  observer_->set(cuts);
  auto stats = state_->apply_batch(events);
  if (!stats) return std::unexpected(stats.error());
  engine_->advance(*decided);
  Applied a;
  a.epoch = decided->epoch;
  a.commitment = *committer_->last_commitment();
  a.hash = committer_->last_hash();
  a.stats = *stats;
  a.events = events.size();
  return std::optional<Applied>{std::move(a)};
}

}  // namespace relay::node
