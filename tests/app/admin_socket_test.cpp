// The local administration socket (node/app/admin_socket.hpp): who may connect (mode 0600), one
// command at a time, and a clear answer to every malformed request.
#include "node/app/admin_socket.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

namespace rl::node {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A raw connection to `path` (-1 if it fails): the client side without admin_call's manners.
int idle_connection(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A raw client: writes `bytes`, reads until the node closes.
std::string raw_exchange(const std::string& path, const std::string& bytes) {
  const int fd = idle_connection(path);
  if (fd < 0) return "connect failed";
  (void)!::write(fd, bytes.data(), bytes.size());
  ::shutdown(fd, SHUT_WR);
  std::string out;
  char buf[1024];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

class AdminSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rl-admin-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "admin.sock").string();
  }
  void TearDown() override {
    socket_.reset();
    fs::remove_all(dir_);
  }
  void start(std::map<std::string, AdminHandler> handlers) {
    auto s = AdminSocket::start(path_, std::move(handlers));
    ASSERT_TRUE(s.ok()) << s.error().message;
    socket_ = std::move(s).value();
  }

  fs::path dir_;
  std::string path_;
  std::unique_ptr<AdminSocket> socket_;
};

TEST_F(AdminSocketTest, OnlyTheOwnerMayConnect) {
  start({});
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AdminSocketTest, ACommandStreamsProgressThenItsResult) {
  start({{"echo", [](const json& req, const AdminProgress& progress) -> Result<json> {
            progress("one");
            progress("two");
            return json{{"said", req.value("what", "")}};
          }}});
  std::vector<std::string> seen;
  auto r = admin_call(path_, {{"command", "echo"}, {"what", "hello"}},
                      [&](const std::string& p) { seen.push_back(p); });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["said"], "hello");
  EXPECT_EQ((*r)["ok"], true);
  EXPECT_EQ(seen, (std::vector<std::string>{"one", "two"}));
}

TEST_F(AdminSocketTest, AFailedCommandReturnsItsCode) {
  start({{"fail", [](const json&, const AdminProgress&) -> Result<json> {
            return make_error("encryption_off", "nothing to rekey");
          }}});
  auto r = admin_call(path_, {{"command", "fail"}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "encryption_off");
}

TEST_F(AdminSocketTest, MalformedRequestsGetClearErrors) {
  start({{"status", [](const json&, const AdminProgress&) -> Result<json> { return json{}; }}});
  EXPECT_NE(raw_exchange(path_, "not json\n").find("\"code\":\"bad_request\""), std::string::npos);
  EXPECT_NE(raw_exchange(path_, "[1,2]\n").find("\"code\":\"bad_request\""), std::string::npos);
  EXPECT_NE(raw_exchange(path_, "{\"command\":7}\n").find("\"code\":\"bad_request\""),
            std::string::npos);
  const std::string unknown = raw_exchange(path_, "{\"command\":\"format-disk\"}\n");
  EXPECT_NE(unknown.find("\"code\":\"unknown_command\""), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("status"), std::string::npos) << "names the known commands";
  const std::string big = raw_exchange(path_, std::string(10000, 'x') + "\n");
  EXPECT_NE(big.find("\"code\":\"bad_request\""), std::string::npos) << big;
  EXPECT_NE(big.find("longer than 4096"), std::string::npos) << big;
  // The node still answers after all that.
  EXPECT_TRUE(admin_call(path_, {{"command", "status"}}, {}).ok());
}

TEST_F(AdminSocketTest, OneCommandAtATime) {
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  start({{"slow", [&](const json&, const AdminProgress&) -> Result<json> {
            entered.set_value();
            released.wait();
            return json{};
          }}});
  auto first = std::async(std::launch::async, [&] {
    return admin_call(path_, {{"command", "slow"}}, {});
  });
  entered.get_future().wait();
  auto second = admin_call(path_, {{"command", "slow"}}, {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "busy");
  release.set_value();
  EXPECT_TRUE(first.get().ok());
}

TEST_F(AdminSocketTest, ASecondNodeOnTheSameHomeIsRefusedAStaleSocketIsReplaced) {
  start({});
  auto second = AdminSocket::start(path_, {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "admin_socket_in_use");
  socket_.reset();  // removes the socket file
  EXPECT_FALSE(fs::exists(path_));
  // A dead node's leftover: a socket file nobody listens on.
  {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::close(fd);
  }
  ASSERT_TRUE(fs::exists(path_));
  start({});
}

// A client that connects and sends nothing must not keep the node from shutting down.
TEST_F(AdminSocketTest, StopEndsIdleConnections) {
  start({});
  const int fd = idle_connection(path_);
  ASSERT_GE(fd, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // accepted, reading
  auto stopped = std::async(std::launch::async, [this] { socket_->stop(); });
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "stop() waits for an idle client";
  ::close(fd);
}

TEST_F(AdminSocketTest, ConnectionsBeyondTheLimitAreRefusedAndSlotsComeBack) {
  start({{"status", [](const json&, const AdminProgress&) -> Result<json> { return json{}; }}});
  std::vector<int> idle;
  for (std::size_t i = 0; i < kMaxAdminConnections; ++i) {
    idle.push_back(idle_connection(path_));
    ASSERT_GE(idle.back(), 0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto refused = admin_call(path_, {{"command", "status"}}, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "busy");
  for (int fd : idle) ::close(fd);  // their reads end: the slots are freed
  // The server notices the closes on its own thread: on a loaded machine that takes a while, so
  // ask until a slot is back (a slot that never comes back fails after 10 s).
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    served = admin_call(path_, {{"command", "status"}}, {}).ok();
  }
  EXPECT_TRUE(served);
}

TEST_F(AdminSocketTest, NoNodeMeansNodeNotRunning) {
  auto r = admin_call(path_, {{"command", "status"}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "node_not_running");
}

}  // namespace
}  // namespace rl::node
