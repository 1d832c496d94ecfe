// regledgerd: the RegLedger validator node.
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/logging.hpp"
#include "config/node_config.hpp"
#include "crypto/keys.hpp"
#include "ledger/chain.hpp"
#include "ledger/sealed_access.hpp"
#include "node/app/admin_socket.hpp"
#include "node/app/api.hpp"
#include "node/app/metrics/metrics_server.hpp"
#include "node/app/metrics/node_collector.hpp"
#include "node/app/node_backup.hpp"
#include "node/app/node_restore.hpp"
#include "node/app/node_storage.hpp"
#include "node/app/periodic_task.hpp"
#include "node/app/sealed/sealed_api.hpp"
#include "node/app/sealer.hpp"
#include "node/app/storage_maintenance.hpp"
#include "node/app/third_party/mask_key.hpp"
#include "node/app/third_party/third_party_api.hpp"
#include "node/http/https_server.hpp"
#include "node/http/shutdown_signal.hpp"
#include "node/p2p/p2p_network.hpp"
#include "node/validator/consensus_shell.hpp"
#include "node/validator/network_setup.hpp"

namespace {

int fail(const rl::Error& e) {
  spdlog::critical("startup failed code={} message={}", e.code, e.message);
  return 1;
}

int run(const std::string& home, const std::string& log_level_override, int port_override) {
  // Catch SIGINT/SIGTERM from the start, before any thread exists.
  rl::http::ShutdownSignal shutdown;
  auto cfg = rl::node::load_node_config(home);
  if (!cfg.ok()) {
    rl::init_logging("regledgerd", "info");
    return fail(cfg.error());
  }
  rl::init_logging("regledgerd", log_level_override.empty() ? cfg->log_level : log_level_override);
  if (port_override >= 0) {
    cfg->api_port = static_cast<std::uint16_t>(port_override);
    if (auto st = rl::node::check_metrics_listen(*cfg); !st.ok()) return fail(st.error());
  }

  auto genesis_text = rl::read_file(cfg->path(cfg->genesis_file));
  if (!genesis_text.ok()) return fail(genesis_text.error());
  auto genesis = rl::ledger::parse_genesis(*genesis_text);
  if (!genesis.ok()) return fail(genesis.error());
  auto key_pem = rl::read_file(cfg->path(cfg->key_file), 64 * 1024);
  if (!key_pem.ok()) return fail(key_pem.error());
  auto key = rl::crypto::PrivateKey::from_pem(*key_pem);
  if (!key.ok()) return fail(key.error());
  auto tls_cert_pem = rl::read_file(
      cfg->path(cfg->tls_cert_file.empty() ? cfg->cert_file : cfg->tls_cert_file), 64 * 1024);
  if (!tls_cert_pem.ok()) return fail(tls_cert_pem.error());
  auto tls_key_pem = rl::read_file(
      cfg->path(cfg->tls_key_file.empty() ? cfg->key_file : cfg->tls_key_file), 64 * 1024);
  if (!tls_key_pem.ok()) return fail(tls_key_pem.error());

  // Encryption at rest: KEK and data keys first; a wrong or missing key stops the node here,
  // before any store is opened or written.
  auto storage = rl::node::open_node_storage(*cfg, genesis->suite);
  if (!storage.ok()) return fail(storage.error());
  auto chain =
      rl::ledger::Chain::open(cfg->path(cfg->data_dir), *genesis, {}, storage->store_options());
  if (!chain.ok()) return fail(chain.error());
  // Every node of an offline network executes SettleVouchers, which needs the issuer master
  // key: a node without it, or with another one, would disagree with the others, so it does
  // not start.
  rl::Bytes offline_master_key;  // also derives device MAC keys (POST /v1/devices/enroll)
  if (genesis->offline) {
    if (cfg->offline_master_key_file.empty()) {
      return fail(rl::make_error("offline_key_missing",
                                 "genesis has an offline section; config.json needs "
                                 "offline.master_key_file"));
    }
    auto master = rl::ledger::read_master_key_file(cfg->path(cfg->offline_master_key_file));
    if (!master.ok()) return fail(master.error());
    offline_master_key = *master;
    auto set = (*chain)->set_offline_master_key(std::move(master).value());
    if (!set.ok()) return fail(set.error());
  }
  auto& anchor = (*chain)->anchor();
  auto latest_set = (*chain)->latest_validator_set();
  if (!latest_set.ok()) return fail(latest_set.error());
  if (!cfg->observer) {
    // A genesis validator must sit at its configured index. A key genesis does not list is a
    // validator governance added (or is about to add): it follows until its key is in force
    // (decision 0041). The single-validator sealer has no follower mode.
    const auto self_der = key->public_key().to_der();
    const auto genesis_index = anchor.genesis_keys.set.index_of(self_der);
    const bool in_genesis = genesis_index.has_value();
    if (in_genesis && *genesis_index != cfg->validator_index) {
      return fail(rl::make_error("key_mismatch", "node.key is not the key of validator " +
                                                     std::to_string(cfg->validator_index) +
                                                     " in genesis"));
    }
    if (!in_genesis) {
      spdlog::warn(
          "node key is not a genesis validator key name={}; it joins through governance "
          "(regledger governance propose add-validator) and follows until then",
          cfg->name);
    }
  }

  auto audit =
      rl::node::identity::AuditLog::open(cfg->path(cfg->audit_dir), storage->store_options());
  if (!audit.ok()) return fail(audit.error());
  rl::node::identity::AuthService auth(**chain, **audit, rl::node::identity_auth_config(*cfg));
  std::optional<rl::node::identity::IssuingCa> issuing_ca;
  if (!cfg->ca_cert_file.empty()) {
    auto ca_pem = rl::read_file(cfg->path(cfg->ca_cert_file), 64 * 1024);
    if (!ca_pem.ok()) return fail(ca_pem.error());
    auto ca_key_pem = rl::read_file(cfg->path(cfg->ca_key_file), 64 * 1024);
    if (!ca_key_pem.ok()) return fail(ca_key_pem.error());
    auto ca_cert = rl::crypto::Certificate::from_pem(*ca_pem);
    if (!ca_cert.ok()) return fail(ca_cert.error());
    auto ca_key = rl::crypto::PrivateKey::from_pem(*ca_key_pem);
    if (!ca_key.ok()) return fail(ca_key.error());
    issuing_ca = rl::node::identity::IssuingCa{*ca_cert, *ca_key};
  }
  std::unique_ptr<rl::node::identity::EnrollService> enroll;
  std::unique_ptr<rl::node::identity::DeviceEnrollService> device_enroll;
  if (issuing_ca && !cfg->operator_dir.empty()) {
    auto op =
        rl::node::identity::load_operator_identity(cfg->path(cfg->operator_dir), anchor.suite);
    if (!op.ok()) return fail(op.error());
    rl::node::identity::EnrollConfig ec{.ca = *issuing_ca, .op = std::move(op).value()};
    ec.cert_validity_s = std::int64_t{cfg->cert_validity_days} * 86'400;
    ec.wait = std::chrono::milliseconds(cfg->enroll_wait_ms);
    for (const auto& [org, mode] : cfg->enroll_approval) {
      if (mode == "admin") ec.admin_approval_orgs.insert(org);
    }
    device_enroll =
        std::make_unique<rl::node::identity::DeviceEnrollService>(auth, ec, offline_master_key);
    enroll = std::make_unique<rl::node::identity::EnrollService>(auth, std::move(ec));
  }
  rl::node::identity::IdentityApi identity(auth,
                                           cfg->read_access == "open"
                                               ? rl::node::identity::ReadAccess::kOpen
                                               : rl::node::identity::ReadAccess::kSession,
                                           std::move(issuing_ca));
  identity.set_enroll_service(enroll.get());
  identity.set_device_enroll_service(device_enroll.get());

  // Relayed txs may fill the mempool to n times the client bound (n validators): the whole
  // network's pending set, which compact proposals are rebuilt from (decision 0042).
  rl::node::Mempool mempool(cfg->mempool_max_txs, cfg->mempool_max_bytes,
                            std::max<std::size_t>(2, (*chain)->anchor().genesis_keys.set.size()));
  rl::node::Api api(**chain, mempool, identity, cfg->name);
  // Third parties read masked payloads only, and only on nodes holding the network's mask key.
  rl::node::third_party::ThirdPartyConfig tp_config;
  if (!cfg->mask_key_file.empty()) {
    auto mask_key = rl::node::third_party::read_mask_key_file(cfg->path(cfg->mask_key_file));
    if (!mask_key.ok()) return fail(mask_key.error());
    spdlog::info("third-party access enabled mask_key_id={}",
                 rl::node::third_party::mask_key_id(anchor.suite, *mask_key));
    tp_config.mask_key = std::move(mask_key).value();
  }
  rl::node::third_party::ThirdPartyApi third_party(**chain, identity, std::move(tp_config));
  api.set_third_party(&third_party);
  // Sealed reports: every node serves the document channel; a regulator's node configured with
  // a key service key also serves the key channel (docs/sealed.md "Key services").
  std::unique_ptr<rl::node::sealed::KeyReleaser> releaser;
  if (cfg->runs_key_service()) {
    std::vector<std::string> key_paths{cfg->path(cfg->key_service_key_file)};
    for (const auto& f : cfg->key_service_previous_key_files) key_paths.push_back(cfg->path(f));
    auto keys = rl::node::sealed::KeyServiceKeys::load(anchor.suite, key_paths);
    if (!keys.ok()) return fail(keys.error());
    auto registry = rl::ledger::load_key_services(**chain);
    if (!registry.ok()) return fail(registry.error());
    const auto* entry = rl::ledger::find_key_service(*registry, cfg->key_service_name);
    if (entry == nullptr || !entry->active()) {
      spdlog::warn(
          "key service is not active on the ledger service={}; it refuses releases "
          "until governance registers it (governance propose --set-key-service)",
          cfg->key_service_name);
    } else if (keys->find(rl::as_bytes(entry->key_id())) == nullptr) {
      spdlog::warn(
          "key service key differs from the ledger's service={} ledger_key_id={}; "
          "shares sealed to the ledger's key cannot be released by this node",
          cfg->key_service_name, rl::to_hex(rl::as_bytes(entry->key_id())));
    }
    spdlog::info("key service enabled service={} key_id={}", cfg->key_service_name,
                 rl::to_hex(keys->current_key_id()));
    releaser = std::make_unique<rl::node::sealed::KeyReleaser>(**chain, cfg->key_service_name,
                                                               std::move(keys).value());
  }
  rl::node::sealed::SealedApi sealed_api(**chain, identity, std::move(releaser));
  api.set_sealed(&sealed_api);
  std::atomic<bool> fatal{false};
  auto on_fatal = [&fatal, &shutdown](const rl::Error&) {
    fatal = true;
    shutdown.request();  // ends shutdown.wait() on the main thread
  };

  // Block production: the single-validator sealer (decision 0032), or consensus over the
  // validator network when genesis has several validators or observers.
  std::unique_ptr<rl::node::Sealer> sealer;
  std::unique_ptr<rl::node::ConsensusShell> shell;
  std::unique_ptr<rl::p2p::P2pNetwork> network;
  const bool networked =
      rl::node::uses_validator_network(*genesis, *cfg, latest_set->members.size()) ||
      (!cfg->observer && anchor.genesis_keys.set.size() == 1 &&
       !anchor.genesis_keys.set.index_of(key->public_key().to_der()));
  if (!networked) {
    rl::node::SealerConfig sc;
    sc.interval = std::chrono::milliseconds(genesis->block.block_interval_ms);
    sc.max_block_txs = genesis->block.max_block_txs;
    sc.on_fatal = on_fatal;
    sealer = std::make_unique<rl::node::Sealer>(**chain, mempool, *key, cfg->validator_index, sc);
  } else {
    rl::node::ShellConfig sc;
    sc.timeouts.propose_base_ms = cfg->timeout_propose_ms;
    sc.timeouts.propose_delta_ms = cfg->timeout_delta_ms;
    sc.timeouts.prevote_base_ms = cfg->timeout_vote_ms;
    sc.timeouts.prevote_delta_ms = cfg->timeout_delta_ms;
    sc.timeouts.precommit_base_ms = cfg->timeout_vote_ms;
    sc.timeouts.precommit_delta_ms = cfg->timeout_delta_ms;
    sc.block_interval = std::chrono::milliseconds(genesis->block.block_interval_ms);
    sc.empty_block_interval =
        std::chrono::milliseconds(std::min<std::uint64_t>(1000, cfg->timeout_propose_ms / 2));
    sc.max_block_txs = genesis->block.max_block_txs;
    sc.sign_from_height = cfg->sign_from_height;
    sc.part_bytes = cfg->p2p_part_bytes;
    sc.compact_proposals = cfg->compact_proposals;
    sc.on_fatal = on_fatal;
    // P2P membership follows the ledger's validator sets (decision 0041).
    sc.on_validator_sets_changed = [&network, &genesis, &chain, &cfg](std::uint64_t head) {
      auto validators = rl::node::validators_around(**chain, head);
      if (!validators.ok()) {
        spdlog::error("p2p membership not updated code={} message={}", validators.error().code,
                      validators.error().message);
        return;
      }
      auto m = rl::node::p2p_membership(*genesis, *validators, cfg->name, cfg->p2p_peer_addresses);
      if (!m.ok() || !network) {
        if (!m.ok()) spdlog::error("p2p membership not updated message={}", m.error().message);
        return;
      }
      auto st = network->set_members(std::move(m->members), std::move(m->dial));
      if (!st.ok()) spdlog::error("p2p membership not updated message={}", st.error().message);
    };
    std::optional<rl::crypto::PrivateKey> validator_key;
    if (!cfg->observer) validator_key = *key;
    auto created = rl::node::ConsensusShell::create(**chain, mempool, validator_key, sc);
    if (!created.ok()) return fail(created.error());
    shell = std::move(created).value();
    auto ca_pem = rl::read_file(cfg->path(cfg->ca_file), 256 * 1024);
    if (!ca_pem.ok()) return fail(ca_pem.error());
    auto validators = rl::node::validators_around(**chain, (*chain)->head().height);
    if (!validators.ok()) return fail(validators.error());
    auto pc = rl::node::make_p2p_config(*genesis, *cfg, {*tls_cert_pem, *tls_key_pem}, *ca_pem,
                                        *validators);
    if (!pc.ok()) return fail(pc.error());
    auto* sh = shell.get();
    auto net = rl::p2p::P2pNetwork::start(
        std::move(pc).value(),
        [sh](const std::string& peer, rl::p2p::Channel ch, rl::p2p::SharedBytes payload) {
          sh->on_frame(peer, ch, std::move(payload));
        },
        [sh](const std::string& peer, bool up) { sh->on_peer(peer, up); });
    if (!net.ok()) return fail(net.error());
    network = std::move(net).value();
    shell->set_network(network.get());
    api.set_on_accepted([sh](const rl::Bytes& raw) { sh->gossip_tx(raw); });
  }

  rl::http::HttpsServerConfig hc;
  hc.bind_address = cfg->api_listen_host;
  hc.port = cfg->api_port;
  hc.identity = {*tls_cert_pem, *tls_key_pem};
  hc.max_body_bytes = cfg->api_max_body_bytes;
  hc.threads = cfg->api_threads;
  auto server = rl::http::HttpsServer::start(
      hc, [&api](rl::http::HttpRequest&& req, rl::http::Responder respond) {
        api.handle(std::move(req), std::move(respond));
      });
  if (!server.ok()) return fail(server.error());
  // Local administration (HOME/admin.sock): rekey, backup, status. A rekey interrupted by a
  // crash resumes on its own once the node is up. Storage maintenance runs one job at a time:
  // a rekey re-encrypts backup files and replaces the keystore a backup copies.
  std::mutex storage_maintenance_mu;
  const std::string backup_root = cfg->path(cfg->backup_dir);
  auto run_rekey = [&](bool resume_only, const rl::node::AdminProgress& progress) {
    std::lock_guard lock(storage_maintenance_mu);
    return rl::node::rekey_node(*storage, (*chain)->store(), (*audit)->store(), backup_root,
                                resume_only, progress);
  };
  auto run_backup = [&](const rl::node::AdminProgress& progress) {
    std::lock_guard lock(storage_maintenance_mu);
    return rl::node::backup_node_reply(backup_root, **chain, **audit, *storage, cfg->backup_keep,
                                       progress);
  };
  std::map<std::string, rl::node::AdminHandler> admin_handlers;
  admin_handlers["rekey"] = [&](const nlohmann::json&, const rl::node::AdminProgress& progress) {
    return run_rekey(false, progress);
  };
  admin_handlers["backup"] = [&](const nlohmann::json&, const rl::node::AdminProgress& progress) {
    return run_backup(progress);
  };
  admin_handlers["status"] = [&](const nlohmann::json&,
                                 const rl::node::AdminProgress&) -> rl::Result<nlohmann::json> {
    auto h = (*chain)->head();
    nlohmann::json j{{"name", cfg->name},
                     {"height", h.height},
                     {"app_hash", rl::to_hex(h.app_hash)},
                     {"encrypted", storage->keys != nullptr}};
    if (storage->keys) {
      j["data_key"] = storage->keys->current_id();
      j["retiring_keys"] = storage->keys->retiring();
    }
    return j;
  };
  auto admin =
      rl::node::AdminSocket::start(cfg->path(cfg->admin_socket), std::move(admin_handlers));
  if (!admin.ok()) return fail(admin.error());
  std::jthread resume_rekey;
  if (storage->keys && !storage->keys->retiring().empty()) {
    spdlog::warn("an interrupted rekey is resuming retiring_keys={}",
                 storage->keys->retiring().size());
    resume_rekey = std::jthread([&run_rekey] {
      auto r = run_rekey(true, {});
      if (!r.ok()) {
        spdlog::error("rekey resume failed code={} message={} (run `regledgerd rekey` again)",
                      r.error().code, r.error().message);
      }
    });
  }
  // Scheduled backups (config.json backup.interval_s; 0: on demand only).
  std::unique_ptr<rl::node::PeriodicTask> backup_schedule;
  if (cfg->backup_interval_s > 0) {
    backup_schedule = std::make_unique<rl::node::PeriodicTask>(
        std::chrono::seconds(cfg->backup_interval_s), [&run_backup] {
          auto r = run_backup({});
          if (!r.ok()) {
            spdlog::error("scheduled backup failed code={} message={}", r.error().code,
                          r.error().message);
          }
        });
  }
  // Prometheus metrics on a listener of their own (config.json metrics.listen; off when empty).
  std::unique_ptr<rl::node::metrics::MetricsServer> metrics;
  if (!cfg->metrics_listen.empty()) {
    rl::node::metrics::MetricSources sources;
    sources.chain = chain->get();
    sources.mempool = &mempool;
    sources.api = &api.stats();
    sources.auth = &auth;
    sources.shell = shell.get();
    sources.network = network.get();
    sources.sealer = sealer.get();
    sources.stores = {{"chain", &(*chain)->store()}, {"audit", &(*audit)->store()}};
    // What does not change while the node runs, as one info series (a Registry gauge).
    auto registry = std::make_shared<prometheus::Registry>();
    prometheus::BuildGauge()
        .Name("regledger_node_info")
        .Help("Constant 1; the labels say which node, network and build this is.")
        .Register(*registry)
        .Add({{"name", cfg->name},
              {"chain_id", anchor.chain_id},
              {"role", cfg->observer ? "observer" : "validator"},
              {"suite", std::string(rl::crypto::suite_name(anchor.suite))},
              {"version", RL_VERSION}})
        .Set(1);
    auto started = rl::node::metrics::MetricsServer::start(
        cfg->metrics_listen,
        {registry, std::make_shared<rl::node::metrics::NodeCollector>(std::move(sources))});
    if (!started.ok()) return fail(started.error());
    metrics = std::move(started).value();
    if (cfg->metrics_allow_remote) {
      spdlog::warn("metrics served beyond loopback listen={}: unauthenticated plain HTTP",
                   cfg->metrics_listen);
    }
  }
  if (sealer) sealer->start();
  if (shell) shell->start();
  auto head = (*chain)->head();
  spdlog::info(
      "node started name={} role={} chain_id={} height={} api=https://{}:{} p2p={} metrics={} "
      "validators={}",
      cfg->name, cfg->observer ? "observer" : "validator", anchor.chain_id, head.height,
      cfg->api_listen_host, (*server)->port(),
      network ? cfg->p2p_listen_host + ":" + std::to_string(network->port()) : "off",
      metrics ? "http://" + rl::node::parse_listen_address(cfg->metrics_listen)->host + ":" +
                    std::to_string(metrics->port()) + "/metrics"
              : "off",
      latest_set->members.size());

  int sig = shutdown.wait();
  spdlog::info("shutting down signal={} fatal={}", sig, fatal.load());
  metrics.reset();  // no scrape reads the modules below while they stop
  if (backup_schedule) backup_schedule->stop();  // lets a backup in progress finish
  (*admin)->stop();                              // waits for a running command
  if (resume_rekey.joinable()) resume_rekey.join();
  (*server)->stop();
  if (sealer) sealer->stop();
  if (network) network->stop();  // no frame reaches the shell after this
  if (shell) shell->stop();
  head = (*chain)->head();
  spdlog::info("node stopped height={} app_hash={}", head.height, rl::to_hex(head.app_hash));
  return fatal ? 2 : 0;
}

using Print = std::function<void(const std::string&)>;

// Runs `command` inside the node running on `home` (HOME/admin.sock); when no node runs there,
// `offline` runs on the stores directly (the stores' locks keep the two from overlapping).
// `offline` returns the line that says what it did.
int online_or_offline(const std::string& home, const std::string& command,
                      const std::function<rl::Result<std::string>(const Print&)>& offline) {
  rl::init_logging("regledgerd", "warn");
  Print print = [](const std::string& line) { std::printf("%s\n", line.c_str()); };
  // The socket is where the home's config puts it (config.json admin_socket). A config that does
  // not load gets the default: the offline path below reports what is wrong with it.
  auto cfg = rl::node::load_node_config(home);
  const std::string socket = cfg.ok() ? cfg->path(cfg->admin_socket)
                                      : (std::filesystem::path(home) / "admin.sock").string();
  auto reply = rl::node::admin_call(socket, {{"command", command}}, print);
  if (!reply.ok() && reply.error().code != "node_not_running") {
    std::fprintf(stderr, "%s failed: %s: %s\n", command.c_str(), reply.error().code.c_str(),
                 reply.error().message.c_str());
    return 1;
  }
  if (reply.ok()) {
    std::printf("%s done (online): %s\n", command.c_str(), reply->dump().c_str());
    return 0;
  }
  std::printf("no node is running on %s: running %s on its stores directly\n", home.c_str(),
              command.c_str());
  auto done = offline(print);
  if (!done.ok()) {
    std::fprintf(stderr, "%s failed: %s: %s\n", command.c_str(), done.error().code.c_str(),
                 done.error().message.c_str());
    return 1;
  }
  std::printf("%s done (offline): %s\n", command.c_str(), done->c_str());
  return 0;
}

// A home's config, genesis and storage keys, for the offline commands.
struct OfflineHome {
  rl::node::NodeConfig cfg;
  rl::ledger::Genesis genesis;
  rl::node::NodeStorage storage;
};
rl::Result<OfflineHome> open_offline_home(const std::string& home) {
  RL_ASSIGN_OR_RETURN(auto cfg, rl::node::load_node_config(home));
  // Maintenance is of stores that exist: opening them here must not create a new, empty node.
  RL_ASSIGN_OR_RETURN(auto state, rl::ledger::store_encryption_state(cfg.path(cfg.data_dir)));
  if (!state) {
    return rl::make_error(
        "no_stores", cfg.path(cfg.data_dir) + " holds no store: nothing to maintain on this home");
  }
  RL_ASSIGN_OR_RETURN(auto genesis_text, rl::read_file(cfg.path(cfg.genesis_file)));
  RL_ASSIGN_OR_RETURN(auto genesis, rl::ledger::parse_genesis(genesis_text));
  RL_ASSIGN_OR_RETURN(auto storage, rl::node::open_node_storage(cfg, genesis.suite));
  return OfflineHome{std::move(cfg), std::move(genesis), std::move(storage)};
}

// `regledgerd rekey`.
int rekey_command(const std::string& home) {
  return online_or_offline(home, "rekey", [&](const Print& print) -> rl::Result<std::string> {
    RL_ASSIGN_OR_RETURN(auto h, open_offline_home(home));
    const auto opts = h.storage.store_options();
    RL_ASSIGN_OR_RETURN(auto data, rl::ledger::Store::open(h.cfg.path(h.cfg.data_dir), opts));
    RL_ASSIGN_OR_RETURN(auto audit, rl::ledger::Store::open(h.cfg.path(h.cfg.audit_dir), opts));
    RL_ASSIGN_OR_RETURN(auto r, rl::node::rekey_node(h.storage, *data, *audit,
                                                     h.cfg.path(h.cfg.backup_dir), false, print));
    return r.dump();
  });
}

// `regledgerd backup`.
int backup_command(const std::string& home) {
  return online_or_offline(home, "backup", [&](const Print& print) -> rl::Result<std::string> {
    RL_ASSIGN_OR_RETURN(auto h, open_offline_home(home));
    const auto opts = h.storage.store_options();
    RL_ASSIGN_OR_RETURN(auto chain,
                        rl::ledger::Chain::open(h.cfg.path(h.cfg.data_dir), h.genesis, {}, opts));
    RL_ASSIGN_OR_RETURN(auto audit,
                        rl::node::identity::AuditLog::open(h.cfg.path(h.cfg.audit_dir), opts));
    RL_ASSIGN_OR_RETURN(
        auto r, rl::node::backup_node_reply(h.cfg.path(h.cfg.backup_dir), *chain, *audit, h.storage,
                                            h.cfg.backup_keep, print));
    return r.dump();
  });
}

// `regledgerd restore`: offline only (the home has no stores, so no node runs on it).
int restore_command(const rl::node::RestoreRequest& req) {
  rl::init_logging("regledgerd", "warn");
  auto r = rl::node::restore_home(
      req, [](const std::string& line) { std::printf("%s\n", line.c_str()); });
  if (!r.ok()) {
    std::fprintf(stderr, "restore failed: %s: %s\n", r.error().code.c_str(),
                 r.error().message.c_str());
    return 1;
  }
  std::printf("restored backup %u (taken at height %llu): height %llu, app hash %s\n", r->backup.id,
              static_cast<unsigned long long>(r->backup.height),
              static_cast<unsigned long long>(r->height), r->app_hash_hex.c_str());
  if (r->keystore_installed) std::printf("installed the backup's keystore (data-keys.json)\n");
  if (r->sign_from_height != 0) {
    std::printf("config.json consensus.sign_from_height = %llu: the node signs nothing below it\n",
                static_cast<unsigned long long>(r->sign_from_height));
  }
  std::printf("start the node: it catches up from its peers\n");
  return 0;
}

// `regledgerd --check-config`: what `run` reads before it opens anything, checked the same way.
int check_config_command(const std::string& home) {
  auto problem = [](const rl::Error& e) {
    std::fprintf(stderr, "config check FAILED: %s: %s\n", e.code.c_str(), e.message.c_str());
    return 1;
  };
  auto cfg = rl::node::load_node_config(home);
  if (!cfg.ok()) return problem(cfg.error());
  auto genesis_text = rl::read_file(cfg->path(cfg->genesis_file));
  if (!genesis_text.ok()) return problem(genesis_text.error());
  auto genesis = rl::ledger::parse_genesis(*genesis_text);
  if (!genesis.ok()) return problem(genesis.error());
  auto key_pem = rl::read_file(cfg->path(cfg->key_file), 64 * 1024);
  if (!key_pem.ok()) return problem(key_pem.error());
  auto key = rl::crypto::PrivateKey::from_pem(*key_pem);
  if (!key.ok()) return problem(key.error());
  std::printf(
      "config OK: %s (%s), chain %s, api %s:%u, p2p %s:%u, metrics %s, log_level %s\n",
      cfg->name.c_str(), cfg->observer ? "observer" : "validator", genesis->chain_id.c_str(),
      cfg->api_listen_host.c_str(), cfg->api_port, cfg->p2p_listen_host.c_str(), cfg->p2p_port,
      cfg->metrics_listen.empty() ? "off" : cfg->metrics_listen.c_str(), cfg->log_level.c_str());
  return 0;
}

// `regledgerd verify-backup`.
int verify_backup_command(const std::string& home, const std::string& from,
                          std::optional<std::uint32_t> id) {
  rl::init_logging("regledgerd", "warn");
  auto r = rl::node::verify_backup_home(
      home, from, id, [](const std::string& line) { std::printf("%s\n", line.c_str()); });
  if (!r.ok()) {
    std::fprintf(stderr, "verify-backup FAILED: %s: %s\n", r.error().code.c_str(),
                 r.error().message.c_str());
    return 1;
  }
  std::printf(
      "backup %u: height %llu, app hash %s, %zu validator handoff(s), %llu audit entries: OK\n",
      r->backup.id, static_cast<unsigned long long>(r->height), r->app_hash_hex.c_str(),
      r->validator_handoffs, static_cast<unsigned long long>(r->audit_entries));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "regledgerd - RegLedger validator / observer node.\n\n"
      "Serves the client API over HTTPS (TLS 1.3) and commits submitted transactions into\n"
      "blocks: alone when genesis has one validator, otherwise by Tendermint consensus with\n"
      "the other validators over mutual-TLS P2P (observers follow without voting).\n"
      "The home directory is created by `regledger genesis init`; see docs/operations.md.\n"
      "Without a subcommand it runs the node; the subcommands administer a home\n"
      "(docs/protection.md)."};
  std::string home;
  std::string log_level;
  int port = -1;
  app.add_option("--home", home, "Node home directory (config.json, genesis.json, node.key, data/)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--log-level", log_level,
                 "trace|debug|info|warn|error|critical|off (overrides config.json)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  bool check_config = false;
  app.add_flag("--check-config", check_config,
               "Check the home's config.json (every section strict: unknown keys and a bad\n"
               "log level are refused) and its genesis and node key, print what the node would\n"
               "run with, and exit: 0 when it would start, 1 naming the first problem");
  app.add_option("--api-port", port, "Override the API port from config.json (0 = ephemeral)");
  app.require_subcommand(0, 1);

  std::string rekey_home;
  auto* rekey = app.add_subcommand(
      "rekey",
      "Re-encrypt every stored file (data, audit log, backups) under a new data key, then\n"
      "destroy the old key. Runs inside the running node (it keeps serving), or directly on\n"
      "the stores when no node runs on the home. Resumable: run it again after a crash.");
  rekey->add_option("--home", rekey_home, "Node home directory")
      ->required()
      ->check(CLI::ExistingDirectory);

  std::string backup_home;
  auto* backup = app.add_subcommand(
      "backup",
      "Back up the chain and audit stores (and the wrapped data keys) into the home's backup\n"
      "directory (config.json backup.dir), keeping the newest backup.keep. Online inside the\n"
      "running node, or directly on the stores when no node runs on the home.");
  backup->add_option("--home", backup_home, "Node home directory")
      ->required()
      ->check(CLI::ExistingDirectory);

  rl::node::RestoreRequest restore_req;
  std::uint32_t restore_id = 0;
  std::uint64_t restore_sign_from = 0;
  auto* restore = app.add_subcommand(
      "restore",
      "Restore a backup onto a home without data/ and audit/ (config.json, node key and KEK\n"
      "present). Verifies every checksum first. A validator needs --sign-from-height above the\n"
      "network's current height (decision 0061).");
  restore->add_option("--home", restore_req.home, "Node home directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  restore->add_option("--from", restore_req.from, "Backup directory (e.g. OLDHOME/backups)")
      ->required()
      ->check(CLI::ExistingDirectory);
  auto* restore_id_opt =
      restore->add_option("--backup-id", restore_id, "Backup id (default: newest)");
  auto* restore_sign_opt = restore->add_option(
      "--sign-from-height", restore_sign_from,
      "Never sign below this height (above the network's current height; validators only)");

  std::string verify_home;
  std::string verify_from;
  std::uint32_t verify_id = 0;
  auto* verify = app.add_subcommand(
      "verify-backup",
      "Verify a backup: every file's checksum, then the chain from genesis to its head with\n"
      "every commit certificate, and the audit log's hash chain (restored into a scratch\n"
      "directory under the home, encrypted like the live stores).");
  verify->add_option("--home", verify_home, "Node home directory (config, genesis, KEK)")
      ->required()
      ->check(CLI::ExistingDirectory);
  verify->add_option("--from", verify_from, "Backup directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  auto* verify_id_opt = verify->add_option("--backup-id", verify_id, "Backup id (default: newest)");

  CLI11_PARSE(app, argc, argv);
  // Subcommands print progress as it happens, also into a pipe or a log file.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (rekey->parsed()) return rekey_command(rekey_home);
  if (backup->parsed()) return backup_command(backup_home);
  if (restore->parsed()) {
    if (restore_id_opt->count() > 0) restore_req.backup_id = restore_id;
    if (restore_sign_opt->count() > 0) restore_req.sign_from_height = restore_sign_from;
    return restore_command(restore_req);
  }
  if (verify->parsed()) {
    return verify_backup_command(
        verify_home, verify_from,
        verify_id_opt->count() > 0 ? std::optional<std::uint32_t>(verify_id) : std::nullopt);
  }
  if (home.empty()) {
    std::fprintf(stderr, "--home is required\n%s", app.help().c_str());
    return 2;
  }
  if (check_config) return check_config_command(home);
  return run(home, log_level, port);
}
