// One sample of every adapter, node and peer message, with every field set to a distinct
// value, for the codec tests and the seeds of the fuzz tests. Genesis: tests/support/fixture.h
// (the adapter serves alpha, chain index 0).
#pragma once

#include <vector>

#include "tests/support/fixture.h"
#include "wire/messages.h"

namespace relay::test {

inline Hash32 filled(uint8_t b) {
  Hash32 h;
  h.bytes.fill(b);
  h.bytes[0] = 0x5a;
  return h;
}

inline msg::SignatureBytes signature(uint8_t b) {
  msg::SignatureBytes s;
  s.fill(b);
  s[64] = 27;
  return s;
}

inline msg::BlockHeader header(uint64_t height) {
  return {
      height,     filled(uint8_t(height)),       filled(uint8_t(height - 1)), 1764470000 + height,
      height * 2, filled(uint8_t(0x80 + height))};
}

inline msg::Blocks sample_blocks() {
  msg::Blocks b;
  b.seq = 3;
  b.headers = {header(7), header(8)};
  Event d = deposit("alpha", 7, 0, kUsdcAlpha, account(9), "123000000000000");
  d.tx = filled(0x11);
  b.events = {d, withdraw("alpha", 7, 3, account(1), "USDC", "5", "gamma"),
              withdraw("alpha", 8, 0, account(2), "ETH", "6", "chain_id:777"),
              claim("alpha", 8, 1, filled(0x1d))};
  return b;
}

inline std::vector<msg::AdapterMessage> sample_adapter_messages() {
  Genesis g = test_genesis();
  msg::PublishReport sent{12, msg::PublishReport::Outcome::sent, filled(0x22), 0, "in flight"};
  msg::PublishReport failed{13, msg::PublishReport::Outcome::failed, std::nullopt, 0, "funds"};
  msg::PublishReport committed{14, msg::PublishReport::Outcome::committed, filled(0x23), 99, ""};
  msg::PublishReport already{15, msg::PublishReport::Outcome::already_committed, std::nullopt, 0,
                             ""};
  return {msg::Hello{1, g.network_id, ChainId{1}, "relay-adapter-evm", "0.1.0"},
          sample_blocks(),
          sent,
          failed,
          committed,
          already,
          msg::CommittedOnChain{14, filled(0x33), 100, filled(0x34)},
          msg::AdapterAlarm{"reorg", "block 8: hash changed", true}};
}

inline std::vector<msg::NodeMessage> sample_node_messages() {
  return {msg::Resume{true, 9, filled(0x44), 17, filled(0x45)},
          msg::Resume{false, 0, Hash32{}, 0, Hash32{}}, msg::Ack{3, 8, filled(0x46)},
          msg::Error{msg::ErrorCode::accumulator_mismatch, "block 8: count 3, events fold to 2"},
          msg::PublishRequest{14, {1, 2, 3, 4}, {signature(1), signature(2)}, 1764470100}};
}

inline std::vector<msg::PeerMessage> sample_peer_messages() {
  return {msg::PeerSignature{5, filled(0x55), signature(3)},
          msg::PeerCertificate{5, {9, 8, 7}, {signature(4), signature(5), signature(6)}},
          msg::PeerStatus{filled(0x56), 4, 5},
          msg::PeerStatus{filled(0x57), std::nullopt, std::nullopt}, msg::CertificateRequest{4}};
}

}  // namespace relay::test
