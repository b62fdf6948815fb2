// The messages of the adapter protocol and of the peer protocol (proto/relay.proto,
// docs/adapter-protocol.md, docs/node.md "Peers") as plain domain types, and their codecs.
// No protobuf type appears here: wire/messages.cpp is the one place that converts (STYLE.md,
// point 3). Namespace relay::msg, because relay::wire is the generated protobuf namespace.
//
// Decoders take untrusted bytes (from an adapter, the node or a peer) and refuse, with a
// DecodeError whose code is the proto's ErrorCode and whose message names the field and the
// reason, anything that is not a well-formed message: bytes that are not the schema, an empty
// oneof, a hash that is not 32 bytes, a signature that is not 65 bytes, more than the limits
// below, an event whose chain is not the chain served. They check shape only; the protocol's
// rules (blocks consecutive, events inside their blocks, accumulators) are the node's.
// Encoders never fail on what a decoder produced. Stateless functions, thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "vault/event.h"
#include "vault/genesis.h"
#include "vault/types.h"

namespace relay::msg {

/// Protocol version a Hello carries (Hello.protocol_version).
inline constexpr uint32_t kProtocolVersion = 1;
/// The largest message, in bytes, on every socket (also ZMQ_MAXMSGSIZE): 16 MiB.
inline constexpr size_t kMaxMessageBytes = size_t{16} * 1024 * 1024;
/// At most this many headers, and this many events, in one Blocks message.
inline constexpr size_t kMaxBlockHeaders = 10'000;
inline constexpr size_t kMaxBlockEvents = 100'000;

/// A recoverable secp256k1 signature: r (32) || s (32) || v (1), docs/proofs.md "Signatures".
using SignatureBytes = std::array<uint8_t, 65>;

/// Mirrors proto ErrorCode value for value (docs/adapter-protocol.md "Errors").
enum class ErrorCode : uint32_t {
  unspecified = 0,
  malformed = 1,              // not a message of this schema, or a field of the wrong size
  oversized = 2,              // over 16 MiB, or too many headers/events in one Blocks
  wrong_network = 3,          // Hello's network id is not this node's
  wrong_chain = 4,            // Hello's chain id is not the chain of this endpoint
  unsupported_version = 5,    // Hello's protocol_version
  hello_first = 6,            // a message before Hello
  out_of_order = 7,           // a block that does not follow the stored tip, or seq skipped
  conflict = 8,               // a block at a stored height with another hash
  bad_event = 9,              // an event outside the message's blocks, out of order, malformed
  accumulator_mismatch = 10,  // the events do not fold to a header's count and accumulator
  timestamp_decreased = 11,   // a block older than its parent
};
/// The proto's name of a code ("MALFORMED"), for logs and messages.
const char* to_string(ErrorCode code);

/// Why a decoder refused: the code to answer with, and a message naming field and reason
/// ("blocks.headers[2].hash: must be 32 bytes, got 31").
struct DecodeError {
  ErrorCode code = ErrorCode::malformed;
  std::string message;
};
template <class T>
using Decoded = std::expected<T, DecodeError>;

// ---- adapter -> node ----------------------------------------------------------------------

struct Hello {
  uint32_t protocol_version = kProtocolVersion;
  Hash32 network_id;  // SHA-256 of the genesis file
  ChainId chain_id;   // the genesis chain this adapter serves
  std::string adapter_name;
  std::string adapter_version;
  bool operator==(const Hello&) const = default;
};

/// A final block; event_count and accumulator are the vault's after it (docs/node.md).
struct BlockHeader {
  uint64_t height = 0;
  Hash32 hash;
  Hash32 parent_hash;
  uint64_t timestamp = 0;  // unix seconds
  uint64_t event_count = 0;
  Hash32 accumulator;
  bool operator==(const BlockHeader&) const = default;
};

/// Consecutive final blocks and their vault events in (block, log index) order. Each event's
/// chain is the served genesis chain's name (event_from_proto's conversion).
struct Blocks {
  uint64_t seq = 0;  // per connection, from 1
  std::vector<BlockHeader> headers;
  std::vector<Event> events;
  bool operator==(const Blocks&) const = default;
};

struct PublishReport {
  enum class Outcome : uint32_t { sent = 1, committed = 2, already_committed = 3, failed = 4 };
  uint64_t epoch = 0;
  Outcome outcome = Outcome::sent;
  std::optional<Hash32> tx_hash;  // when a transaction exists
  uint64_t block = 0;             // inclusion block when committed
  std::string message;
  bool operator==(const PublishReport&) const = default;
};
const char* to_string(PublishReport::Outcome outcome);  // "SENT", "COMMITTED", ...

struct CommittedOnChain {
  uint64_t epoch = 0;
  Hash32 commitment_hash;
  uint64_t block = 0;
  Hash32 tx_hash;
  bool operator==(const CommittedOnChain&) const = default;
};

struct AdapterAlarm {
  std::string kind;  // "reorg", "rpc_disagreement", "accumulator_mismatch", "rpc", "low_balance"
  std::string message;
  bool cleared = false;
  bool operator==(const AdapterAlarm&) const = default;
};

using AdapterMessage = std::variant<Hello, Blocks, PublishReport, CommittedOnChain, AdapterAlarm>;

// ---- node -> adapter ----------------------------------------------------------------------

/// Where to resume. Without a tip, tip_hash and accumulator are zero and event_count 0.
struct Resume {
  bool has_tip = false;
  uint64_t next_height = 0;
  Hash32 tip_hash;
  uint64_t event_count = 0;
  Hash32 accumulator;
  bool operator==(const Resume&) const = default;
};

struct Ack {
  uint64_t seq = 0;
  uint64_t height = 0;
  Hash32 block_hash;
  bool operator==(const Ack&) const = default;
};

/// The node refused a message (nothing of it was stored). A code this library does not know
/// decodes as ErrorCode::unspecified with its message kept: an Error is never lost.
struct Error {
  ErrorCode code = ErrorCode::unspecified;
  std::string message;
  bool operator==(const Error&) const = default;
};

struct PublishRequest {
  uint64_t epoch = 0;
  std::vector<uint8_t> commitment;         // canonical encoding (docs/proofs.md "Epoch commitment")
  std::vector<SignatureBytes> signatures;  // ascending signer address
  uint64_t not_before = 0;                 // wall-clock unix seconds
  bool operator==(const PublishRequest&) const = default;
};

using NodeMessage = std::variant<Resume, Ack, Error, PublishRequest>;

// ---- peer <-> peer ------------------------------------------------------------------------

struct PeerSignature {
  uint64_t epoch = 0;
  Hash32 commitment_hash;
  SignatureBytes signature{};
  bool operator==(const PeerSignature&) const = default;
};

struct PeerCertificate {
  uint64_t epoch = 0;
  std::vector<uint8_t> commitment;  // canonical encoding
  std::vector<SignatureBytes> signatures;
  bool operator==(const PeerCertificate&) const = default;
};

struct PeerStatus {
  Hash32 network_id;
  std::optional<uint64_t> certified_epoch;  // highest epoch with a certificate, if any
  std::optional<uint64_t> signed_epoch;     // highest epoch signed, if any
  bool operator==(const PeerStatus&) const = default;
};

struct CertificateRequest {
  uint64_t epoch = 0;
  bool operator==(const CertificateRequest&) const = default;
};

using PeerMessage = std::variant<PeerSignature, PeerCertificate, PeerStatus, CertificateRequest>;

// ---- codecs -------------------------------------------------------------------------------

/// One AdapterMessage from an adapter serving genesis.chains[chain_index]
/// (REQUIRES: chain_index < genesis.chains.size()). Refuses (code
/// malformed, oversized or bad_event) as the header comment says; an event that is malformed or
/// names another chain is bad_event.
Decoded<AdapterMessage> decode_adapter_message(std::span<const uint8_t> bytes,
                                               const Genesis& genesis, size_t chain_index);
/// The message's protobuf bytes. Throws std::invalid_argument (a programmer error) only for an
/// event whose chain, or whose withdrawal's destination, is neither a genesis chain nor
/// "chain_id:<n>".
std::vector<uint8_t> encode(const AdapterMessage& message, const Genesis& genesis);

Decoded<NodeMessage> decode_node_message(std::span<const uint8_t> bytes);
std::vector<uint8_t> encode(const NodeMessage& message);

Decoded<PeerMessage> decode_peer_message(std::span<const uint8_t> bytes);
std::vector<uint8_t> encode(const PeerMessage& message);

}  // namespace relay::msg
