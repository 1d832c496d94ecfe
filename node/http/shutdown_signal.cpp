#include "node/http/shutdown_signal.hpp"

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

namespace rl::http {

struct ShutdownSignal::Impl {
  boost::asio::io_context ioc{1};
  boost::asio::signal_set signals{ioc, SIGINT, SIGTERM};
};

ShutdownSignal::ShutdownSignal() : impl_(std::make_unique<Impl>()) {}
ShutdownSignal::~ShutdownSignal() = default;

int ShutdownSignal::wait() {
  int received = 0;
  impl_->signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) received = sig;
  });
  impl_->ioc.run();
  return received;
}

void ShutdownSignal::request() {
  boost::asio::post(impl_->ioc, [this] {
    boost::system::error_code ignored;
    impl_->signals.cancel(ignored);
  });
}

}  // namespace rl::http
