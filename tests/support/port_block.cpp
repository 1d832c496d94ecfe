#include "tests/support/port_block.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace rl::testing {
namespace {

// Below the kernel's ephemeral range (32768+), so outgoing connections do not take them.
constexpr int kFirstPort = 20000;
constexpr int kSlots = (32000 - kFirstPort) / PortBlock::kSlotPorts;

bool port_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

std::filesystem::path lock_dir() {
  auto dir = std::filesystem::temp_directory_path() / "regledger-test-ports";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return dir;
}

}  // namespace

PortBlock PortBlock::lease(int count) {
  if (count <= 0 || count > kSlotPorts) throw std::logic_error("port block size out of range");
  std::random_device rd;
  std::mt19937 rng(rd());
  std::uniform_int_distribution<int> pick(0, kSlots - 1);
  for (int attempt = 0; attempt < 400; ++attempt) {
    const int slot = pick(rng);
    const int base = kFirstPort + slot * kSlotPorts;
    const auto path = lock_path(base);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {  // another test holds this slot
      ::close(fd);
      continue;
    }
    bool all = true;
    for (int i = 0; i < count && all; ++i) all = port_free(base + i);
    if (all) return PortBlock(base, fd);
    ::close(fd);  // something outside the tests uses a port here
  }
  throw std::runtime_error("no free block of loopback ports");
}

std::string PortBlock::lock_path(int base) {
  const int slot = (base - kFirstPort) / kSlotPorts;
  return (lock_dir() / ("slot-" + std::to_string(slot) + ".lock")).string();
}

PortBlock::PortBlock(PortBlock&& other) noexcept
    : base_(other.base_), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

PortBlock& PortBlock::operator=(PortBlock&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    base_ = other.base_;
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

PortBlock::~PortBlock() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing the last descriptor releases the flock
}

}  // namespace rl::testing
