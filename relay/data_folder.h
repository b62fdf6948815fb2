// A node's data folder: one LevelDB database (storage::KvStore) identified by its marker
// N/m/id = "relay-node" ‖ network id (docs/node.md "Storage of the node"). relayd and
// `relayctl replay` write through open_data_folder; the commands that only read use
// open_data_folder_read_only.
//
// - A new folder is made under a temporary name beside it (".NAME.new-PID"), its marker is
//   written and synced, and it is renamed into place: a folder at the path always carries its
//   marker, whatever point a crash stops the creation at.
// - A folder that is not this relay's (it holds files but no marker: another program's
//   LevelDB, anything else) is refused and left untouched: it is only ever opened with
//   storage::open_leveldb_read_only, which changes no file.
// - A folder of another network (its marker holds another network id) is refused.
// Stateless functions; the returned store has one owner (KvStore's thread rules).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "storage/kv_store.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay::node {

struct DataFolder {
  std::string path;
  std::unique_ptr<storage::KvStore> store;
  Hash32 network_id;     // from the marker
  bool created = false;  // this open made the folder: it held nothing before
};

/// Opens `path` to read and write for the network `network_id`. A path that does not exist,
/// or an empty folder, becomes a new data folder holding only the marker (parents are created).
/// Refuses, naming the path and the reason: a path that is not a folder; a folder that holds
/// files but no LevelDB database, or a database without the marker (not this relay's); a
/// marker of another network ("made for another network"); LevelDB's own errors (locked by
/// another process, corrupt, not writable).
Result<DataFolder> open_data_folder(const std::string& path, const Hash32& network_id);

/// Opens an existing data folder to read, writing nothing to it (storage::open_leveldb_read_only:
/// no folder, marker or LevelDB file is created or changed; the store's write() refuses).
/// With `network_id`, a folder of another network is refused. Refuses a missing path, a
/// folder without a database, and a database without the marker, naming the path.
Result<DataFolder> open_data_folder_read_only(const std::string& path,
                                              const std::optional<Hash32>& network_id = {});

/// Closes a folder this run created (folder.created) and removes it if it still holds nothing
/// but its marker, so that a first run that failed before committing anything leaves no folder
/// behind that a later command would take for an empty state. Returns whether it was removed;
/// a folder holding anything else is kept (closed). REQUIRES: folder.created.
Result<bool> discard_if_unused(DataFolder&& folder);

}  // namespace relay::node
