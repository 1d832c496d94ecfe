#include "node/app/metrics/metrics_server.hpp"

#include <prometheus/exposer.h>

#include <exception>

#include "config/node_config.hpp"

namespace rl::node::metrics {

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(
    const std::string& listen, std::vector<std::shared_ptr<prometheus::Collectable>> collectables) {
  RL_ASSIGN_OR_RETURN(auto address, parse_listen_address(listen));
  // civetweb's form: "127.0.0.1:9464" or "[::1]:9464".
  const std::string bind = address.host.find(':') != std::string::npos
                               ? "[" + address.host + "]:" + std::to_string(address.port)
                               : address.host + ":" + std::to_string(address.port);
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // One thread: a scrape every few seconds, and a slow scraper must not hold more than that.
    exposer = std::make_unique<prometheus::Exposer>(bind, 1);
  } catch (const std::exception& e) {
    return make_error("bind_failed", "metrics listener " + bind + ": " + e.what());
  }
  const auto ports = exposer->GetListeningPorts();
  if (ports.empty()) return make_error("bind_failed", "metrics listener " + bind + " has no port");
  for (const auto& c : collectables) exposer->RegisterCollectable(c);
  return std::make_unique<MetricsServer>(PrivateTag{}, std::move(exposer), std::move(collectables),
                                         static_cast<std::uint16_t>(ports.front()));
}

MetricsServer::MetricsServer(PrivateTag, std::unique_ptr<prometheus::Exposer> exposer,
                             std::vector<std::shared_ptr<prometheus::Collectable>> collectables,
                             std::uint16_t port)
    : collectables_(std::move(collectables)), exposer_(std::move(exposer)), port_(port) {}

MetricsServer::~MetricsServer() = default;

}  // namespace rl::node::metrics
