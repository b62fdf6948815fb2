// Files that hold a secret (validator key files, CURVE key files): created with mode 0600 and
// never overwritten, and refused on load when the group or others may access them. One
// implementation for every kind of key file, so they all enforce the same rules. Stateless
// functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "vault/result.h"

namespace relay {

/// Creates `path` with mode 0600 (O_CREAT|O_EXCL|O_NOFOLLOW: an existing file, or a symlink,
/// is refused, never overwritten), writes `text` and syncs it. On failure no partial file is
/// left behind. Errors read "<what> <path>: <reason>" (what: "key file").
Result<void> write_secret_file(const std::string& path, std::string_view text, const char* what);

/// The whole text of a secret file. Refuses a path that is not a regular file, a file that
/// group or others can read or write (mode & 077 != 0: the error says to chmod 600), and one
/// larger than 64 KiB. The caller wipes the returned text (explicit_bzero) when done.
Result<std::string> read_secret_file(const std::string& path, const char* what);

}  // namespace relay
