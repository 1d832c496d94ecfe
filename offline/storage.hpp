#pragma once
// The device's persistent journal: one record (the serialized device state), replaced
// atomically. After a crash at any point, load() returns either the old or the new record.

#include <optional>

#include "common/bytes.hpp"

namespace rl::offline {

class Storage {
 public:
  virtual ~Storage() = default;
  // The last committed record, or nullopt for a new device. Code: storage_failed.
  virtual Result<std::optional<Bytes>> load() = 0;
  // Atomically replaces the record; on error the old record is still in place (or, after a
  // crash in the middle, exactly one of the two). Code: storage_failed.
  virtual Status commit(ByteView record) = 0;
};

// In memory, for tests and simulations; copyable, so a test can roll a device back.
class MemoryStorage final : public Storage {
 public:
  Result<std::optional<Bytes>> load() override { return record_; }
  Status commit(ByteView record) override {
    record_ = Bytes(record.begin(), record.end());
    return {};
  }
  const std::optional<Bytes>& record() const { return record_; }

 private:
  std::optional<Bytes> record_;
};

}  // namespace rl::offline
