#include "node/app/admin_socket.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <istream>
#include <list>
#include <mutex>
#include <thread>

namespace rl::node {
namespace {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;
using nlohmann::json;

Error socket_error(const std::string& what, const boost::system::error_code& ec) {
  return make_error("admin_socket_error", what + ": " + ec.message());
}

void send_line(Local::socket& s, const json& j) {
  const std::string line = j.dump() + "\n";
  boost::system::error_code ec;
  asio::write(s, asio::buffer(line), ec);  // a client that left just misses the rest
}

// One line of at most kMaxAdminRequestBytes, without its newline.
Result<std::string> read_line(Local::socket& s, asio::streambuf& buf) {
  boost::system::error_code ec;
  asio::read_until(s, buf, '\n', ec);
  if (ec && ec != asio::error::not_found) return socket_error("read", ec);
  if (ec == asio::error::not_found) {
    return make_error("bad_request",
                      "request longer than " + std::to_string(kMaxAdminRequestBytes) + " bytes");
  }
  std::istream in(&buf);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

struct AdminSocket::Impl {
  asio::io_context io;
  Local::acceptor acceptor{io};
  std::string path;
  std::map<std::string, AdminHandler> handlers;
  // One connection: its thread and socket. The socket is closed under `mu` when the thread is
  // done with it, so stop() never shuts down a descriptor that has been reused meanwhile.
  struct Worker {
    explicit Worker(Local::socket sock) : socket(std::move(sock)) {}
    Local::socket socket;
    std::thread thread;
    bool done = false;  // guarded by mu
  };

  std::thread accept_thread;
  std::mutex mu;              // guards workers, running_command and stopped
  std::list<Worker> workers;  // joined when done (on the next accept) or by stop()
  bool running_command = false;
  bool stopped = false;

  // Joins the threads of finished connections. Called with `mu` held; a finished thread no
  // longer takes it.
  void reap_locked() {
    for (auto it = workers.begin(); it != workers.end();) {
      if (!it->done) {
        ++it;
        continue;
      }
      it->thread.join();
      it = workers.erase(it);
    }
  }

  void serve(Local::socket& s) {
    asio::streambuf buf(kMaxAdminRequestBytes + 1);
    auto line = read_line(s, buf);
    if (!line.ok()) {
      send_line(s, {{"ok", false}, {"code", line.error().code}, {"message", line.error().message}});
      return;
    }
    json request = json::parse(*line, nullptr, false);
    if (!request.is_object() || !request.contains("command") || !request["command"].is_string()) {
      send_line(s, {{"ok", false},
                    {"code", "bad_request"},
                    {"message", "send one JSON object line with a \"command\""}});
      return;
    }
    const std::string command = request["command"];
    auto it = handlers.find(command);
    if (it == handlers.end()) {
      std::string known;
      for (const auto& [name, h] : handlers) known += (known.empty() ? "" : ", ") + name;
      send_line(s, {{"ok", false},
                    {"code", "unknown_command"},
                    {"message", "unknown command '" + command + "' (known: " + known + ")"}});
      return;
    }
    {
      std::lock_guard lock(mu);
      if (running_command) {
        send_line(s, {{"ok", false},
                      {"code", "busy"},
                      {"message", "another administration command is running"}});
        return;
      }
      running_command = true;
    }
    spdlog::info("admin command={} begin", command);
    auto result = it->second(request, [&s](const std::string& p) {
      send_line(s, {{"progress", p}});
    });
    {
      std::lock_guard lock(mu);
      running_command = false;
    }
    if (!result.ok()) {
      spdlog::error("admin command={} failed code={} message={}", command, result.error().code,
                    result.error().message);
      send_line(
          s, {{"ok", false}, {"code", result.error().code}, {"message", result.error().message}});
      return;
    }
    spdlog::info("admin command={} done", command);
    json done = result->is_object() ? *result : json::object();
    done["ok"] = true;
    send_line(s, done);
  }

  void accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      Local::socket s(io);
      acceptor.accept(s, ec);
      std::lock_guard lock(mu);
      if (stopped) return;
      if (ec) {
        spdlog::warn("admin socket accept failed error={}", ec.message());
        continue;
      }
      reap_locked();
      if (workers.size() >= kMaxAdminConnections) {
        send_line(s, {{"ok", false},
                      {"code", "busy"},
                      {"message", "too many administration connections are open"}});
        continue;
      }
      Worker& w = workers.emplace_back(std::move(s));
      w.thread = std::thread([this, &w] {
        serve(w.socket);
        std::lock_guard done_lock(mu);
        boost::system::error_code ignored;
        w.socket.close(ignored);
        w.done = true;
      });
    }
  }
};

AdminSocket::AdminSocket(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AdminSocket::~AdminSocket() {
  stop();
}

Result<std::unique_ptr<AdminSocket>> AdminSocket::start(
    const std::string& path, std::map<std::string, AdminHandler> handlers) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->handlers = std::move(handlers);
  std::error_code fs_ec;
  if (std::filesystem::exists(path, fs_ec)) {
    // A live node answers on it; a dead one left the file behind.
    Local::socket probe(impl->io);
    boost::system::error_code ec;
    probe.connect(Local::endpoint(path), ec);
    if (!ec) {
      return make_error("admin_socket_in_use",
                        path + " is in use: is another regledgerd running on this home?");
    }
    std::filesystem::remove(path, fs_ec);
  }
  boost::system::error_code ec;
  impl->acceptor.open(Local(), ec);
  // Created 0600 from the start: no window in which another user could connect.
  const mode_t old_mask = ::umask(0177);
  if (!ec) impl->acceptor.bind(Local::endpoint(path), ec);
  ::umask(old_mask);
  if (!ec) impl->acceptor.listen(4, ec);
  if (ec) return socket_error("bind " + path, ec);
  auto* raw = impl.get();
  impl->accept_thread = std::thread([raw] { raw->accept_loop(); });
  spdlog::info("admin socket listening path={}", path);
  return std::make_unique<AdminSocket>(std::move(impl));
}

void AdminSocket::stop() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  // Wake the blocking accept with a connection of our own, then close.
  {
    Local::socket wake(impl_->io);
    boost::system::error_code ec;
    wake.connect(Local::endpoint(impl_->path), ec);
  }
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  // A client that connected and sent nothing would hold its thread in a read forever: end every
  // open connection's reads. A command already running finishes (its progress lines are lost).
  {
    std::lock_guard lock(impl_->mu);
    for (auto& w : impl_->workers) {
      // On the descriptor: the worker's thread may be blocked in a read on the socket object.
      if (!w.done) ::shutdown(w.socket.native_handle(), SHUT_RDWR);
    }
  }
  for (auto& w : impl_->workers) w.thread.join();  // no new worker: the accept thread is gone
  impl_->workers.clear();
  std::error_code fs_ec;
  std::filesystem::remove(impl_->path, fs_ec);
}

Result<json> admin_call(const std::string& path, const json& request,
                        const std::function<void(const std::string&)>& on_progress) {
  asio::io_context io;
  Local::socket s(io);
  boost::system::error_code ec;
  s.connect(Local::endpoint(path), ec);
  if (ec) {
    return make_error("node_not_running", "no node answers on " + path + " (" + ec.message() + ")");
  }
  const std::string line = request.dump() + "\n";
  asio::write(s, asio::buffer(line), ec);
  // A node that refuses the connection (busy) answers and closes before reading the request, so
  // the write can fail with its answer already waiting: read it before reporting the write.
  const boost::system::error_code write_ec = ec;
  asio::streambuf buf;
  for (;;) {
    asio::read_until(s, buf, '\n', ec);
    if (ec && write_ec) return socket_error("write", write_ec);
    if (ec) return socket_error("the node closed the connection before answering", ec);
    std::istream in(&buf);
    std::string reply;
    std::getline(in, reply);
    json j = json::parse(reply, nullptr, false);
    if (!j.is_object()) return make_error("admin_socket_error", "malformed reply: " + reply);
    if (j.contains("progress")) {
      if (on_progress) on_progress(j.value("progress", ""));
      continue;
    }
    if (j.value("ok", false)) return j;
    return make_error(j.value("code", std::string("admin_error")),
                      j.value("message", std::string()));
  }
}

}  // namespace rl::node
