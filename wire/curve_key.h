// CURVE keys for ZeroMQ (RFC 26 CurveZMQ, as libzmq implements it): Curve25519 key pairs, their
// Z85 text (ZeroMQ RFC 32; 40 characters for 32 bytes), and the CURVE key file
// `{"type":"relay-curve-key","version":1,"public_key":"<Z85>","secret_key":"<Z85>"}`, which is
// created with mode 0600 and refused when group or others can access it, exactly as the
// validator key file (proofs/secret_file.h). A CurveSecretKey has no printer and no text form
// but the file's; it wipes its bytes when destroyed. Value types and stateless functions,
// thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "vault/result.h"
#include "vault/types.h"

namespace relay::net {

struct CurvePublicTag {};
/// A Curve25519 public key (32 bytes): what a ZAP allow-list and a CURVE client hold.
using CurvePublicKey = FixedBytes<32, CurvePublicTag>;

/// The key's Z85 text: 40 characters.
std::string to_z85(const CurvePublicKey& key);
/// Reads 40 Z85 characters; the error says what is wrong ("must be 40 Z85 characters, got 12").
Result<CurvePublicKey> curve_public_key_from_z85(std::string_view text);

class CurveSecretKey {
 public:
  static constexpr size_t kSize = 32;
  explicit CurveSecretKey(std::span<const uint8_t, kSize> bytes);
  CurveSecretKey(const CurveSecretKey&) = default;
  CurveSecretKey& operator=(const CurveSecretKey&) = default;
  ~CurveSecretKey();
  /// Only for the ZeroMQ seam and the key file writer; never print these.
  std::span<const uint8_t, kSize> expose_secret() const { return bytes_; }

 private:
  std::array<uint8_t, kSize> bytes_;
};

struct CurveKeyPair {
  CurvePublicKey public_key;
  CurveSecretKey secret_key;
};

/// A fresh key pair (zmq_curve_keypair: libzmq's CSPRNG).
Result<CurveKeyPair> generate_curve_key_pair();
/// The public key of a secret key (zmq_curve_public).
Result<CurvePublicKey> curve_public_key_of(const CurveSecretKey& secret);

/// Creates the key file at `path`: mode 0600, never overwriting (an existing file or symlink
/// is refused); no partial file on failure.
Result<void> write_curve_key_file(const std::string& path, const CurveKeyPair& keys);
/// Loads a CURVE key file. Refuses a file that is not a regular file, that group or others can
/// access (mode & 077 != 0), that is not this format, or whose public key does not belong to
/// its secret key. Errors read "CURVE key file <path>: <reason>" and never hold the secret.
Result<CurveKeyPair> load_curve_key_file(const std::string& path);

}  // namespace relay::net
