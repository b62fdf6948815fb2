// Ingest: the node's side of the adapter protocol for one chain (docs/adapter-protocol.md),
// socket-free: it takes each message a chain's ROUTER received (the sender's routing id and the
// bytes) and says what to answer and what happened. Per routing id a session: Hello checks the
// version, network and chain and is answered with Resume from the stored tip; Blocks must carry
// the next seq and pass check_blocks (relay/blocks_check.h), then are stored in one synced
// batch (relay/chain_store.h) and acknowledged. A refused message is answered with Error and
// ends the session: what follows is dropped without answer until a new Hello; a message without
// a session is HELLO_FIRST. Reports and alarms from the adapter are handed on.
// Owns its sessions (at most kMaxSessions, the least recently used dropped); the store, genesis
// outlive it. Not thread-safe: the node loop owns it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "relay/blocks_check.h"
#include "relay/chain_store.h"
#include "vault/genesis.h"
#include "wire/messages.h"

namespace relay::node {

class Ingest {
 public:
  static constexpr size_t kMaxSessions = 16;

  Ingest(const Genesis& genesis, uint32_t chain, ChainStore& store)
      : genesis_(genesis), chain_(chain), store_(store) {}

  /// What one message led to.
  struct Outcome {
    std::optional<msg::NodeMessage> reply;  // to the sender
    std::vector<BlockRecord> stored;        // new blocks now stored (for the cut engine)
    std::optional<BlocksRefusal> refusal;   // the message was refused (reply is its Error)
    std::optional<msg::Hello> hello;        // a session began (for logs and status)
    std::optional<msg::PublishReport> report;
    std::optional<msg::CommittedOnChain> committed;
    std::optional<msg::AdapterAlarm> alarm;
  };
  Outcome handle(const std::string& routing_id, std::span<const uint8_t> bytes);

  /// The Resume a Hello gets now: from the stored tip, or the chain's start_block.
  Result<msg::Resume> resume() const;

 private:
  struct Session {
    enum class State { kActive, kEnded } state = State::kActive;
    uint64_t next_seq = 1;
    uint64_t last_use = 0;
  };
  Outcome refuse(const std::string& routing_id, BlocksRefusal refusal);
  Outcome on_hello(const std::string& routing_id, const msg::Hello& hello);
  Outcome on_blocks(const std::string& routing_id, Session& session, const msg::Blocks& blocks);

  const Genesis& genesis_;
  uint32_t chain_;
  ChainStore& store_;
  std::map<std::string, Session> sessions_;
  uint64_t clock_ = 0;  // counts messages, to find the least recently used session
};

}  // namespace relay::node
