#include "relay/data_folder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "relay/node_keys.h"

namespace relay::node {
namespace {

namespace fs = std::filesystem;

std::string marker_value(const Hash32& network_id) {
  std::string v(keys::kMarkerTag);
  codec::put_bytes(v, network_id);
  return v;
}

// The network id the folder's marker names; an error naming the folder when there is none.
Result<Hash32> read_marker(const storage::KvStore& store, const std::string& path) {
  auto v = store.get(keys::kMarker);
  if (!v) return fail(path + ": " + v.error().message);
  if (!*v)
    return fail(path +
                ": not a relay data folder: it holds a LevelDB database without the relay's "
                "marker (N/m/id), so it is left untouched (another program's database, or a "
                "folder made before markers: replay its history into a new folder)");
  const std::string& s = **v;
  if (s.size() != keys::kMarkerTag.size() + 32 || !s.starts_with(keys::kMarkerTag))
    return fail(path + ": the marker N/m/id is malformed (" + std::to_string(s.size()) +
                " bytes): not a relay data folder, left untouched");
  codec::Reader r(std::string_view(s).substr(keys::kMarkerTag.size()));
  return r.bytes<Hash32>();
}

Result<void> check_network(const Hash32& found, const std::optional<Hash32>& want,
                           const std::string& path) {
  if (want && found != *want)
    return fail(path + ": made for another network (its network id is " + found.hex() +
                ", the genesis's is " + want->hex() + ")");
  return {};
}

// A rename is durable once its folder is synced.
Result<void> sync_folder(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open " + dir.string() + " to sync it: " + std::strerror(errno));
  const int r = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (r != 0) return fail("cannot sync " + dir.string() + ": " + std::strerror(err));
  return {};
}

// The folder's path without a trailing "/", so that its name and parent are what they seem.
fs::path normal(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  return p;
}

// Makes a new data folder at `target` (absent, or an empty folder): built and marked under a
// temporary name beside it, then renamed into place.
Result<void> create(const fs::path& target, const Hash32& network_id) {
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return fail("cannot create data folder " + target.string() + ": " + ec.message());
  const fs::path tmp =
      parent / ("." + target.filename().string() + ".new-" + std::to_string(::getpid()));
  fs::remove_all(tmp, ec);  // a crashed creation's, by a process that had this pid
  {
    auto store = storage::open_leveldb(tmp);
    if (!store) return fail(store.error().message);
    storage::WriteBatch wb;
    wb.put(keys::kMarker, marker_value(network_id));
    if (auto w = (*store)->write(wb, /*sync=*/true); !w) {
      store->reset();
      fs::remove_all(tmp, ec);
      return fail("cannot write the marker of new data folder " + target.string() + ": " +
                  w.error().message);
    }
  }
  // rename(2) replaces an empty folder and refuses a non-empty one: another process that made
  // the folder meanwhile wins, and this one is refused below when it opens it.
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    return fail("cannot create data folder " + target.string() + ": " + ec.message());
  }
  return sync_folder(parent);
}

enum class Content { kAbsent, kNotAFolder, kEmpty, kDatabase, kOther };

Content content_of(const fs::path& p) {
  std::error_code ec;
  const auto st = fs::status(p, ec);
  if (!fs::exists(st)) return Content::kAbsent;
  if (!fs::is_directory(st)) return Content::kNotAFolder;
  if (fs::is_empty(p, ec)) return Content::kEmpty;
  return fs::exists(p / "CURRENT", ec) ? Content::kDatabase : Content::kOther;
}

Result<DataFolder> open_marked(const std::string& path, const std::optional<Hash32>& network_id,
                               bool read_only) {
  // Checked without writing first: a folder that is not this relay's is never opened to write.
  auto reader = storage::open_leveldb_read_only(path);
  if (!reader) return fail(reader.error().message);
  auto found = read_marker(**reader, path);
  if (!found) return std::unexpected(found.error());
  if (auto ok = check_network(*found, network_id, path); !ok) return std::unexpected(ok.error());
  if (read_only) return DataFolder{path, std::move(*reader), *found, false};
  reader->reset();  // one handle per folder: LevelDB locks it
  auto store = storage::open_leveldb(path);
  if (!store) return fail(store.error().message);
  return DataFolder{path, std::move(*store), *found, false};
}

std::string not_relay(const std::string& path) {
  return path +
         ": not a relay data folder: it holds files but no LevelDB database, so it is "
         "left untouched (give a new or empty folder)";
}

}  // namespace

Result<DataFolder> open_data_folder(const std::string& path, const Hash32& network_id) {
  const fs::path p = normal(path);
  switch (content_of(p)) {
    case Content::kNotAFolder:
      return fail(path + ": not a folder");
    case Content::kOther:
      return fail(not_relay(path));
    case Content::kDatabase:
      return open_marked(path, network_id, /*read_only=*/false);
    case Content::kAbsent:
    case Content::kEmpty:
      break;
  }
  if (auto made = create(p, network_id); !made) return std::unexpected(made.error());
  auto opened = open_marked(path, network_id, /*read_only=*/false);
  if (opened) opened->created = true;
  return opened;
}

Result<DataFolder> open_data_folder_read_only(const std::string& path,
                                              const std::optional<Hash32>& network_id) {
  switch (content_of(normal(path))) {
    case Content::kAbsent:
      return fail(path + ": no such data folder");
    case Content::kNotAFolder:
      return fail(path + ": not a folder");
    case Content::kEmpty:
      return fail(path + ": an empty folder, not a data folder");
    case Content::kOther:
      return fail(not_relay(path));
    case Content::kDatabase:
      break;
  }
  return open_marked(path, network_id, /*read_only=*/true);
}

Result<bool> discard_if_unused(DataFolder&& folder) {
  folder.store.reset();
  bool unused = true;
  {
    auto reader = storage::open_leveldb_read_only(folder.path);
    if (!reader) return fail(reader.error().message);
    auto scanned = (*reader)->scan("", [&](std::string_view k, std::string_view) {
      unused = k == keys::kMarker;
      return unused;
    });
    if (!scanned) return fail(folder.path + ": " + scanned.error().message);
  }
  if (!unused) return false;
  const fs::path p = normal(folder.path);
  std::error_code ec;
  fs::remove_all(p, ec);
  if (ec) return fail("cannot remove " + folder.path + ": " + ec.message());
  if (auto s = sync_folder(p.has_parent_path() ? p.parent_path() : fs::path(".")); !s)
    return std::unexpected(s.error());
  return true;
}

}  // namespace relay::node
