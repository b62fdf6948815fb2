// The adapter, node and peer message codecs: every message round-trips through its bytes, and
// every refusal names the field and the reason and carries the ErrorCode the node answers with.
#include "wire/messages.h"

#include <gtest/gtest.h>

#include "proto/relay.pb.h"
#include "tests/wire/message_samples.h"

namespace relay::msg {
namespace {

using namespace test;

std::vector<uint8_t> bytes_of(const google::protobuf::Message& m) {
  std::string s = m.SerializeAsString();
  return std::vector<uint8_t>(s.begin(), s.end());
}

// Decodes an AdapterMessage for alpha (chain index 0) that must be refused; returns the error.
DecodeError refused(const wire::AdapterMessage& m) {
  auto d = decode_adapter_message(bytes_of(m), test_genesis(), 0);
  EXPECT_FALSE(d) << "decoded, but should have been refused";
  return d ? DecodeError{} : d.error();
}
DecodeError refused(const wire::NodeMessage& m) {
  auto d = decode_node_message(bytes_of(m));
  EXPECT_FALSE(d);
  return d ? DecodeError{} : d.error();
}
DecodeError refused(const wire::PeerMessage& m) {
  auto d = decode_peer_message(bytes_of(m));
  EXPECT_FALSE(d);
  return d ? DecodeError{} : d.error();
}

wire::AdapterMessage proto_of(const AdapterMessage& m) {
  wire::AdapterMessage p;
  auto b = encode(m, test_genesis());
  EXPECT_TRUE(p.ParseFromArray(b.data(), int(b.size())));
  return p;
}

TEST(Messages, EveryAdapterMessageRoundTrips) {
  Genesis g = test_genesis();
  for (const AdapterMessage& m : sample_adapter_messages()) {
    auto d = decode_adapter_message(encode(m, g), g, 0);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(*d, m) << "alternative " << m.index();
  }
}

TEST(Messages, EveryNodeMessageRoundTrips) {
  for (const NodeMessage& m : sample_node_messages()) {
    auto d = decode_node_message(encode(m));
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(*d, m) << "alternative " << m.index();
  }
}

TEST(Messages, EveryPeerMessageRoundTrips) {
  for (const PeerMessage& m : sample_peer_messages()) {
    auto d = decode_peer_message(encode(m));
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(*d, m) << "alternative " << m.index();
  }
}

TEST(Messages, BlocksCarryEventsWithTheServedChainsNameAndUnknownDestinations) {
  Genesis g = test_genesis();
  auto d = decode_adapter_message(encode(sample_blocks(), g), g, 0);
  ASSERT_TRUE(d);
  const Blocks& b = std::get<Blocks>(*d);
  ASSERT_EQ(b.events.size(), 4u);
  EXPECT_EQ(b.events[0].chain, "alpha");
  EXPECT_EQ(b.events[1].dest_chain, "gamma");
  EXPECT_EQ(b.events[2].dest_chain, "chain_id:777");
  // On the wire the unknown destination is its chain id.
  EXPECT_EQ(proto_of(sample_blocks()).blocks().events(2).withdrawal_request().dest_chain_id(),
            777u);
}

TEST(Messages, RefusesBytesThatAreNotTheSchemaAndEmptyOneofs) {
  Genesis g = test_genesis();
  const std::vector<uint8_t> junk = {0xff, 0xff, 0xff};
  auto a = decode_adapter_message(junk, g, 0);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::malformed);
  EXPECT_EQ(a.error().message,
            "AdapterMessage: the bytes do not parse as proto/relay.proto's AdapterMessage");
  EXPECT_EQ(decode_node_message(junk).error().code, ErrorCode::malformed);
  EXPECT_EQ(decode_peer_message(junk).error().code, ErrorCode::malformed);

  DecodeError e = refused(wire::AdapterMessage{});
  EXPECT_EQ(e.code, ErrorCode::malformed);
  EXPECT_EQ(e.message,
            "AdapterMessage.body: missing (hello, blocks, publish_report, committed or alarm)");
  EXPECT_EQ(refused(wire::NodeMessage{}).message,
            "NodeMessage.body: missing (resume, ack, error or publish)");
  EXPECT_EQ(refused(wire::PeerMessage{}).message,
            "PeerMessage.body: missing (signature, certificate, status or request)");
}

TEST(Messages, RefusesHashesThatAreNot32Bytes) {
  wire::AdapterMessage hello = proto_of(sample_adapter_messages()[0]);
  hello.mutable_hello()->mutable_network_id()->pop_back();
  EXPECT_EQ(refused(hello).message, "hello.network_id: must be 32 bytes, got 31");

  wire::AdapterMessage blocks = proto_of(sample_blocks());
  blocks.mutable_blocks()->mutable_headers(1)->clear_parent_hash();
  DecodeError e = refused(blocks);
  EXPECT_EQ(e.code, ErrorCode::malformed);
  EXPECT_EQ(e.message, "blocks.headers[1].parent_hash: must be 32 bytes, got 0");

  wire::AdapterMessage committed = proto_of(sample_adapter_messages()[6]);
  committed.mutable_committed()->mutable_tx_hash()->append("x");
  EXPECT_EQ(refused(committed).message, "committed.tx_hash: must be 32 bytes, got 33");

  wire::AdapterMessage report = proto_of(sample_adapter_messages()[2]);
  report.mutable_publish_report()->set_tx_hash("short");
  EXPECT_EQ(refused(report).message, "publish_report.tx_hash: must be 32 bytes, got 5");

  wire::NodeMessage ack;
  ack.mutable_ack()->set_block_hash(std::string(64, 'a'));
  EXPECT_EQ(refused(ack).message, "ack.block_hash: must be 32 bytes, got 64");

  wire::NodeMessage resume;
  resume.mutable_resume()->set_has_tip(true);
  EXPECT_EQ(refused(resume).message, "resume.tip_hash: must be 32 bytes, got 0");
  resume.mutable_resume()->set_has_tip(false);
  resume.mutable_resume()->set_accumulator("abc");
  EXPECT_EQ(refused(resume).message, "resume.accumulator: must be 32 bytes or empty, got 3");

  wire::PeerMessage status;
  status.mutable_status()->set_network_id("");
  EXPECT_EQ(refused(status).message, "status.network_id: must be 32 bytes, got 0");
}

TEST(Messages, RefusesSignaturesThatAreNot65Bytes) {
  auto node = encode(sample_node_messages()[4]);
  wire::NodeMessage publish;
  ASSERT_TRUE(publish.ParseFromArray(node.data(), int(node.size())));
  publish.mutable_publish()->mutable_signatures(1)->pop_back();
  DecodeError e = refused(publish);
  EXPECT_EQ(e.code, ErrorCode::malformed);
  EXPECT_EQ(e.message, "publish.signatures[1]: must be 65 bytes, got 64");

  wire::PeerMessage sig;
  sig.mutable_signature()->set_commitment_hash(std::string(32, 'h'));
  sig.mutable_signature()->set_signature(std::string(66, 's'));
  EXPECT_EQ(refused(sig).message, "signature.signature: must be 65 bytes, got 66");

  wire::PeerMessage cert;
  cert.mutable_certificate()->set_commitment("c");
  cert.mutable_certificate()->add_signatures(std::string(65, 's'));
  cert.mutable_certificate()->add_signatures("");
  EXPECT_EQ(refused(cert).message, "certificate.signatures[1]: must be 65 bytes, got 0");
}

TEST(Messages, RefusesMissingCommitmentsOutcomesAndAlarmKinds) {
  wire::NodeMessage publish;
  publish.mutable_publish()->set_epoch(3);
  EXPECT_EQ(refused(publish).message, "publish.commitment: missing");
  wire::PeerMessage cert;
  cert.mutable_certificate();
  EXPECT_EQ(refused(cert).message, "certificate.commitment: missing");

  wire::AdapterMessage report = proto_of(sample_adapter_messages()[2]);
  report.mutable_publish_report()->set_outcome(wire::PublishReport::OUTCOME_UNSPECIFIED);
  EXPECT_EQ(refused(report).message, "publish_report.outcome: missing");
  report.mutable_publish_report()->set_outcome(static_cast<wire::PublishReport::Outcome>(9));
  EXPECT_EQ(refused(report).message, "publish_report.outcome: unknown value 9");

  wire::AdapterMessage alarm;
  alarm.mutable_alarm()->set_message("no kind");
  EXPECT_EQ(refused(alarm).message, "alarm.kind: missing");

  wire::AdapterMessage blocks = proto_of(sample_blocks());
  blocks.mutable_blocks()->clear_headers();
  EXPECT_EQ(refused(blocks).message, "blocks.headers: empty");
}

TEST(Messages, RefusesEventsOfAnotherChainOrMalformedAsBadEvent) {
  Genesis g = test_genesis();
  Blocks b = sample_blocks();
  b.events[1].chain = "beta";
  wire::AdapterMessage m = proto_of(b);
  DecodeError e = refused(m);
  EXPECT_EQ(e.code, ErrorCode::bad_event);
  EXPECT_EQ(e.message,
            "blocks.events[1].position.chain_id: 2 is not this endpoint's chain "
            "(alpha, 1)");
  // The same bytes are fine at beta's endpoint... except for the events of alpha.
  auto at_beta = decode_adapter_message(bytes_of(m), g, 1);
  ASSERT_FALSE(at_beta);
  EXPECT_EQ(at_beta.error().message,
            "blocks.events[0].position.chain_id: 1 is not this endpoint's chain (beta, 2)");

  m = proto_of(sample_blocks());
  m.mutable_blocks()->mutable_events(0)->mutable_deposit()->set_account("short");
  e = refused(m);
  EXPECT_EQ(e.code, ErrorCode::bad_event);
  EXPECT_EQ(e.message, "blocks.events[0].deposit.account: must be 32 bytes, got 5");
  m.mutable_blocks()->mutable_events(0)->mutable_position()->set_chain_id(42);
  EXPECT_EQ(refused(m).message, "blocks.events[0].position.chain_id: 42 is not a genesis chain");
}

TEST(Messages, RefusesMoreThanTheLimits) {
  Genesis g = test_genesis();
  std::vector<uint8_t> huge(kMaxMessageBytes + 1, 0);
  for (auto d : {decode_adapter_message(huge, g, 0).error(), decode_node_message(huge).error(),
                 decode_peer_message(huge).error()})
    EXPECT_EQ(d.code, ErrorCode::oversized) << d.message;
  EXPECT_EQ(decode_adapter_message(huge, g, 0).error().message,
            "AdapterMessage: 16777217 bytes, more than the 16 MiB limit");

  wire::AdapterMessage many_headers = proto_of(sample_blocks());
  auto* blocks = many_headers.mutable_blocks();
  while (size_t(blocks->headers_size()) <= kMaxBlockHeaders)
    *blocks->add_headers() = blocks->headers(0);
  DecodeError e = refused(many_headers);
  EXPECT_EQ(e.code, ErrorCode::oversized);
  EXPECT_EQ(e.message, "blocks.headers: 10001 headers, more than the limit of 10000");

  wire::AdapterMessage many_events = proto_of(sample_blocks());
  blocks = many_events.mutable_blocks();
  const wire::ChainEvent claim = blocks->events(3);
  while (size_t(blocks->events_size()) <= kMaxBlockEvents) *blocks->add_events() = claim;
  ASSERT_LT(many_events.ByteSizeLong(), kMaxMessageBytes);
  e = refused(many_events);
  EXPECT_EQ(e.code, ErrorCode::oversized);
  EXPECT_EQ(e.message, "blocks.events: 100001 events, more than the limit of 100000");
}

TEST(Messages, AnErrorWithACodeThisLibraryDoesNotKnowKeepsItsMessage) {
  wire::NodeMessage m;
  m.mutable_error()->set_code(static_cast<wire::ErrorCode>(40));
  m.mutable_error()->set_message("from a newer node");
  auto d = decode_node_message(bytes_of(m));
  ASSERT_TRUE(d);
  EXPECT_EQ(std::get<Error>(*d), (Error{ErrorCode::unspecified, "from a newer node"}));
}

TEST(Messages, ErrorCodesMirrorTheProtoValueForValue) {
  for (int v = 0; v <= 11; ++v) {
    EXPECT_EQ(std::string(to_string(static_cast<ErrorCode>(v))),
              wire::ErrorCode_Name(static_cast<wire::ErrorCode>(v)));
  }
  EXPECT_EQ(wire::ErrorCode_MAX, 11);  // a new proto code needs its enum value here
  for (int v = 1; v <= 4; ++v)
    EXPECT_EQ(std::string(to_string(static_cast<PublishReport::Outcome>(v))),
              wire::PublishReport::Outcome_Name(static_cast<wire::PublishReport::Outcome>(v)));
}

}  // namespace
}  // namespace relay::msg
