// The journal implementations: FileStorage replaces its record atomically (a leftover
// temporary file from a crash mid-write is not the record), and reports I/O failures.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "offline/file_storage.hpp"

namespace rl::offline {
namespace {

std::string fresh_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "offline-storage-" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(FileStorage, NewDeviceHasNoRecordThenLastCommitWins) {
  FileStorage s(fresh_dir("basic"));
  EXPECT_FALSE(s.load().value().has_value());
  ASSERT_TRUE(s.commit(as_bytes("first")).ok());
  ASSERT_TRUE(s.commit(as_bytes("second")).ok());
  EXPECT_EQ(to_string(*s.load().value()), "second");
  EXPECT_FALSE(std::filesystem::exists(s.record_path() + ".tmp"));
}

TEST(FileStorage, TornTemporaryFileIsNotTheRecord) {
  const std::string dir = fresh_dir("torn");
  FileStorage s(dir);
  ASSERT_TRUE(s.commit(as_bytes("committed")).ok());
  // A crash after writing part of the next record, before the rename.
  std::ofstream(s.record_path() + ".tmp") << "half-writ";
  EXPECT_EQ(to_string(*FileStorage(dir).load().value()), "committed");
  ASSERT_TRUE(s.commit(as_bytes("next")).ok());
  EXPECT_EQ(to_string(*s.load().value()), "next");
}

TEST(FileStorage, ReportsFailures) {
  // A directory path that is a regular file cannot hold the journal.
  const std::string file = fresh_dir("notadir");
  std::ofstream(file) << "x";
  FileStorage s(file + "/sub");
  EXPECT_EQ(s.commit(as_bytes("r")).error().code, "storage_failed");
  // An oversized record is refused on load.
  FileStorage small(fresh_dir("small"), 4);
  ASSERT_TRUE(small.commit(as_bytes("12345")).ok());
  EXPECT_EQ(small.load().error().code, "storage_failed");
}

TEST(MemoryStorage, CopiesAreIndependent) {
  MemoryStorage a;
  ASSERT_TRUE(a.commit(as_bytes("one")).ok());
  MemoryStorage b = a;
  ASSERT_TRUE(a.commit(as_bytes("two")).ok());
  EXPECT_EQ(to_string(*b.load().value()), "one");
}

}  // namespace
}  // namespace rl::offline
