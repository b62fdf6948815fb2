// Field helpers shared by the message codecs (wire/*_codec.cpp): typed reads of protobuf
// `bytes` fields that refuse a wrong length naming the field, and the writes back. Internal to
// wire/; no protobuf type here (the fields are std::string, as protobuf hands them out).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vault/types.h"
#include "wire/messages.h"

namespace relay::msg::detail {

inline std::unexpected<DecodeError> refuse(ErrorCode code, std::string message) {
  return std::unexpected(DecodeError{code, std::move(message)});
}

inline std::string wrong_size(const std::string& field, size_t want, size_t got) {
  return field + ": must be " + std::to_string(want) + " bytes, got " + std::to_string(got);
}

/// Exactly 32 bytes.
inline Decoded<Hash32> hash_field(const std::string& b, const std::string& field) {
  if (b.size() != 32) return refuse(ErrorCode::malformed, wrong_size(field, 32, b.size()));
  Hash32 h;
  std::memcpy(h.bytes.data(), b.data(), 32);
  return h;
}

/// 32 bytes, or empty for zero (fields that are zero when absent: Resume's tip without a tip).
inline Decoded<Hash32> hash_or_empty(const std::string& b, const std::string& field) {
  if (b.empty()) return Hash32{};
  if (b.size() != 32)
    return refuse(ErrorCode::malformed,
                  field + ": must be 32 bytes or empty, got " + std::to_string(b.size()));
  return hash_field(b, field);
}

/// 32 bytes, or empty for "none".
inline Decoded<std::optional<Hash32>> optional_hash(const std::string& b,
                                                    const std::string& field) {
  if (b.empty()) return std::optional<Hash32>{};
  auto h = hash_field(b, field);
  if (!h) return std::unexpected(h.error());
  return std::optional<Hash32>{*h};
}

inline Decoded<SignatureBytes> signature_field(const std::string& b, const std::string& field) {
  if (b.size() != 65) return refuse(ErrorCode::malformed, wrong_size(field, 65, b.size()));
  SignatureBytes s;
  std::memcpy(s.data(), b.data(), 65);
  return s;
}

/// A repeated bytes field of 65-byte signatures; the error names the index.
template <class Repeated>
Decoded<std::vector<SignatureBytes>> signatures_field(const Repeated& list,
                                                      const std::string& field) {
  std::vector<SignatureBytes> out;
  out.reserve(static_cast<size_t>(list.size()));
  for (int i = 0; i < list.size(); ++i) {
    auto s = signature_field(list.Get(i), field + "[" + std::to_string(i) + "]");
    if (!s) return std::unexpected(s.error());
    out.push_back(*s);
  }
  return out;
}

/// Non-empty bytes (a canonical commitment encoding).
inline Decoded<std::vector<uint8_t>> nonempty_bytes(const std::string& b,
                                                    const std::string& field) {
  if (b.empty()) return refuse(ErrorCode::malformed, field + ": missing");
  return std::vector<uint8_t>(b.begin(), b.end());
}

template <size_t N>
std::string bytes_of(const std::array<uint8_t, N>& a) {
  return std::string(reinterpret_cast<const char*>(a.data()), N);
}
template <size_t N, class Tag>
std::string bytes_of(const FixedBytes<N, Tag>& v) {
  return bytes_of(v.bytes);
}
inline std::string bytes_of(const std::vector<uint8_t>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size());
}

/// Serializes a protobuf message into a byte vector (any generated message type).
template <class Proto>
std::vector<uint8_t> serialize(const Proto& m) {
  std::vector<uint8_t> out(m.ByteSizeLong());
  m.SerializeWithCachedSizesToArray(out.data());
  return out;
}

/// Parses `bytes` into `m`, refusing oversized input before parsing and bytes that are not
/// the schema. `what` names the message type ("AdapterMessage").
template <class Proto>
std::optional<DecodeError> parse(std::span<const uint8_t> bytes, Proto& m, const char* what) {
  if (bytes.size() > kMaxMessageBytes)
    return DecodeError{ErrorCode::oversized, std::string(what) + ": " +
                                                 std::to_string(bytes.size()) +
                                                 " bytes, more than the 16 MiB limit"};
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return DecodeError{
        ErrorCode::malformed,
        std::string(what) + ": the bytes do not parse as proto/relay.proto's " + what};
  return std::nullopt;
}

}  // namespace relay::msg::detail
