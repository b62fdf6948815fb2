// ReadOnlyEnv: a LevelDB Env under which opening and reading a database changes nothing on
// disk. LevelDB has no read-only mode: DB::Open replays the log into a new table, writes a new
// MANIFEST and CURRENT, starts a new log, and reads may trigger compactions. Under this Env
// every file LevelDB creates, renames or deletes lives in memory (LevelDB's own MemEnv) and
// shadows the file of that name on disk; files it only reads come from disk. So a database
// opened with it reads exactly what is on disk, and closing it leaves every file as it was.
// Written by hand: LevelDB ships no such Env (only the purely in-memory MemEnv).
// Internal to storage/ (storage::open_leveldb_read_only uses it); includes LevelDB headers.
// Thread-safety: as every Env, callable from LevelDB's threads at once (one mutex).
#pragma once

#include <leveldb/env.h>

#include <memory>

namespace relay::storage {

/// A new ReadOnlyEnv over the process's default Env. Destroy it after the DB that uses it.
std::unique_ptr<leveldb::Env> make_read_only_env();

}  // namespace relay::storage
