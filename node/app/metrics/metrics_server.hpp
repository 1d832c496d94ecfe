#pragma once
// The /metrics listener: plain HTTP on an address of its own (config.json metrics.listen), never
// the API port, serving the Prometheus text format through prometheus-cpp's Exposer. Only
// GET /metrics is answered; any other path is 404. It holds no secret and changes nothing,
// which is why it needs no TLS or login on loopback (docs/operations.md "Metrics").

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

#include "common/result.hpp"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace rl::node::metrics {

class MetricsServer {
 public:
  // Binds `listen` ("HOST:PORT"; port 0: any free port) and serves `collectables`, which it
  // keeps alive. Codes: bad_config, bind_failed.
  static Result<std::unique_ptr<MetricsServer>> start(
      const std::string& listen,
      std::vector<std::shared_ptr<prometheus::Collectable>> collectables);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t port() const { return port_; }

  struct PrivateTag {};
  MetricsServer(PrivateTag, std::unique_ptr<prometheus::Exposer> exposer,
                std::vector<std::shared_ptr<prometheus::Collectable>> collectables,
                std::uint16_t port);

 private:
  // Declared first so they outlive the exposer, whose threads call Collect() until it is gone.
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::uint16_t port_ = 0;
};

}  // namespace rl::node::metrics
