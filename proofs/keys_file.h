// Key files (docs/proofs.md "Key file"): one JSON object holding the secret key and, for a
// person's convenience and as a corruption check, the public key and EVM address it derives.
// Two roles share the format and every check, told apart by the file's "type": a validator's
// signing key ("relay-validator-key") and an EVM publisher's transaction key
// ("relay-publisher-key", docs/adapters.md "Publisher"); a file of one role is refused as the
// other, so a validator key never pays gas and a funded hot key never signs commitments.
// Files are created with mode 0600 and never overwritten; a file that the group or others may
// read is refused when loading. Stateless functions, thread-safe.
#pragma once

#include <string>

#include "proofs/keys.h"
#include "vault/result.h"

namespace relay {

/// A loaded or generated validator key with what derives from it.
struct ValidatorKey {
  SecretKey secret;
  PublicKey public_key;
  Address address;  // EVM address: what ecrecover yields for this key's signatures
};

/// The same key material for a publisher: a secp256k1 key and the EVM address that sends.
using PublisherKey = ValidatorKey;

/// The role a key file is for: its "type" field.
enum class KeyRole {
  validator,  // "relay-validator-key": signs epoch commitments
  publisher,  // "relay-publisher-key": signs the chain transactions that commit certificates
};
const char* key_file_type(KeyRole role);

/// Derives the public key and address of a secret key; fails for an invalid secret.
Result<ValidatorKey> make_validator_key(const SecretKey& secret);

/// Creates `path` with mode 0600 (O_CREAT|O_EXCL: an existing file, or a symlink, is refused,
/// never overwritten) and writes the key. On failure no partial file is left behind.
Result<void> write_key_file(const std::string& path, const ValidatorKey& key,
                           KeyRole role = KeyRole::validator);

/// Loads a key file. Refuses a file that is not a regular file, that group or others can read
/// or write (mode & 077 != 0), that is not a key file of this format and role (a file of the
/// other role is named as such), whose secret is not a valid secp256k1 key, or whose
/// public_key/address do not match the secret.
Result<ValidatorKey> load_key_file(const std::string& path, KeyRole role = KeyRole::validator);

}  // namespace relay
