// `regledger device`: a device simulator for dual-offline transfers (docs/offline.md). Each
// device lives in its own directory (key, certificate, diversified MAC key, journal in
// offline::FileStorage); the four messages travel as files and no node is contacted except by
// register, load and settle.
#include <filesystem>
#include <iostream>
#include <memory>

#include "client/cli/context.hpp"
#include "client/cli/device_enroll.hpp"
#include "client/cli/device_files.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "crypto/x509.hpp"
#include "ledger/genesis.hpp"
#include "offline/clock.hpp"
#include "offline/codec.hpp"
#include "offline/device.hpp"
#include "offline/file_storage.hpp"
#include "offline/key_hierarchy.hpp"
#include "offline/random.hpp"
#include "offline/root_voucher.hpp"

namespace rl::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProtocolHelp =
    "Simulated offline devices (docs/offline.md). Protocol order, sender S and receiver R:\n"
    "  device enroll DIR --id ID --owner ORG --as ADMIN   personalize through a node (needs\n"
    "                                            --genesis): key made here, the CSR goes to\n"
    "                                            POST /v1/devices/enroll; the node's CA signs,\n"
    "                                            RegisterDevice is submitted, the MAC key comes\n"
    "                                            back. The node-backed way: no register step\n"
    "  or, holding the network's CA and master key files:\n"
    "  device create DIR --id ID --network NET   personalize: key, certificate from NET's\n"
    "                                            issuing CA, MAC key diversified from NET's\n"
    "                                            master key (the issuer's role)\n"
    "  device register DIR --as ADMIN --owner ORG   RegisterDevice on the ledger\n"
    "  device load DIR --as ADMIN --amount N --network NET   root voucher signed with NET's\n"
    "                                            issuer key, LoadDevice, then onto the device\n"
    "  offline, no node:\n"
    "  device init S --amount N --out init.msg\n"
    "  device respond R --in init.msg --out response.msg\n"
    "  device execute S --in response.msg --out execute.msg\n"
    "  device complete R --in execute.msg --out ack.msg\n"
    "  device finish S --in ack.msg\n"
    "  device settle DIR --as ACCOUNT            SettleVouchers with the device's provenance\n"
    "  device show DIR                           id, balance, coins";

// The device's long-lived parts; the ports outlive the Device that refers to them.
struct OpenDevice {
  offline::SystemClock clock;
  offline::SystemRandom random;
  std::unique_ptr<offline::FileStorage> storage;
  std::optional<offline::Device> dev;
  std::string id;
};

Result<ledger::Genesis> read_genesis(const fs::path& p) {
  RL_ASSIGN_OR_RETURN(auto text, read_file(p.string()));
  return ledger::parse_genesis(text);
}

Result<std::unique_ptr<OpenDevice>> open_device(const std::string& dir) {
  const fs::path d(dir);
  RL_ASSIGN_OR_RETURN(auto g, read_genesis(d / "genesis.json"));
  RL_ASSIGN_OR_RETURN(auto anchor, ledger::make_trust_anchor(g));
  if (anchor.offline_issuer_keys.empty()) {
    return make_error("offline_disabled", "the network's genesis has no offline section");
  }
  offline::DeviceConfig cfg;
  cfg.suite = anchor.suite;
  cfg.limits = anchor.offline_limits;
  cfg.trust.roots = anchor.roots;
  cfg.issuer_keys = anchor.offline_issuer_keys;
  RL_ASSIGN_OR_RETURN(auto key_pem, read_file((d / "key.pem").string()));
  RL_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::from_pem(key_pem));
  RL_ASSIGN_OR_RETURN(auto cert_pem, read_file((d / "cert.pem").string()));
  RL_ASSIGN_OR_RETURN(auto cert, crypto::Certificate::from_pem(cert_pem));
  RL_ASSIGN_OR_RETURN(auto chain_pem, read_file((d / "chain.pem").string()));
  RL_ASSIGN_OR_RETURN(auto inter, crypto::Certificate::from_pem(chain_pem));
  RL_ASSIGN_OR_RETURN(auto mac_key, ledger::read_master_key_file((d / "mac.key").string()));
  auto out = std::make_unique<OpenDevice>();
  out->id = cert.subject().common_name;
  offline::DeviceCredentials creds{
      std::move(key), std::move(cert), {std::move(inter)}, std::move(mac_key), "Wallet " + out->id};
  out->storage = std::make_unique<offline::FileStorage>((d / "state").string());
  RL_ASSIGN_OR_RETURN(auto dev, offline::Device::open(cfg, std::move(creds), *out->storage,
                                                      out->clock, out->random));
  out->dev.emplace(std::move(dev));
  return out;
}

Status create_device(const std::string& dir, const std::string& id, const std::string& net) {
  const fs::path d(dir), n(net);
  if (fs::exists(d / "key.pem")) return make_error("already_exists", dir + " holds a device");
  RL_ASSIGN_OR_RETURN(auto g, read_genesis(n / "genesis.json"));
  RL_ASSIGN_OR_RETURN(auto issuer_pem, read_file((n / "ca/issuing.pem").string()));
  RL_ASSIGN_OR_RETURN(auto issuer, crypto::Certificate::from_pem(issuer_pem));
  RL_ASSIGN_OR_RETURN(auto issuer_key_pem, read_file((n / "ca/issuing.key").string()));
  RL_ASSIGN_OR_RETURN(auto issuer_key, crypto::PrivateKey::from_pem(issuer_key_pem));
  RL_ASSIGN_OR_RETURN(auto master,
                      ledger::read_master_key_file((n / "ca/offline-master.key").string()));
  // The key pair is made here, "on the device"; only the CSR leaves it.
  RL_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::generate(g.suite));
  RL_ASSIGN_OR_RETURN(auto csr,
                      crypto::CertificateRequest::create(key, {id, "RegLedger", "Devices", ""}));
  const std::int64_t now = offline::SystemClock().now();
  crypto::IssueOptions opt;
  opt.not_before = now - 300;
  opt.not_after = now + 365 * 86400;
  opt.profile = crypto::CertProfile::kEndEntity;
  RL_ASSIGN_OR_RETURN(auto cert, crypto::issue_certificate(issuer, issuer_key, csr, opt));
  RL_ASSIGN_OR_RETURN(auto mac_key, offline::diversify_device_key(g.suite, master, id));
  return write_device_dir(dir, g, key, cert, issuer, mac_key);
}

// One protocol step: message in (may be empty), message out (may be empty).
template <typename Step>
int step(const std::string& dir, const std::string& in, const std::string& out, Step&& run) {
  auto d = open_device(dir);
  if (!d.ok()) return report_error(d.error());
  Bytes input;
  if (!in.empty()) {
    auto text = read_file(in, 1024 * 1024);
    if (!text.ok()) return report_error(text.error());
    input = to_bytes(*text);
  }
  Result<Bytes> msg = run(*(*d)->dev, input);
  if (!msg.ok()) return report_error(msg.error());
  if (!out.empty()) {
    auto w = write_file(out, to_string(*msg));
    if (!w.ok()) return report_error(w.error());
  }
  std::cout << (*d)->id << " balance " << (*d)->dev->balance() << "\n";
  return 0;
}

}  // namespace

void add_device_commands(CLI::App& app, Globals& g) {
  auto* dev = app.add_subcommand("device", kProtocolHelp);
  dev->require_subcommand(1);
  struct Opts {
    std::string dir, id, net, as, owner, in, out;
    std::int64_t amount = 0;
  };
  auto o = std::make_shared<Opts>();
  auto dir_arg = [o](CLI::App* c) { c->add_option("dir", o->dir, "Device directory")->required(); };

  auto* create = dev->add_subcommand("create", "Personalize a new device in DIR");
  dir_arg(create);
  create->add_option("--id", o->id, "Device id (certificate CN)")->required();
  create->add_option("--network", o->net, "genesis init output directory")->required();
  create->callback([o, &g] {
    auto s = create_device(o->dir, o->id, o->net);
    g.exit_code = s.ok() ? 0 : report_error(s.error());
    if (s.ok()) std::cout << "device " << o->id << " created in " << o->dir << "\n";
  });

  auto* enroll = dev->add_subcommand(
      "enroll", "Personalize a new device in DIR through a node (POST /v1/devices/enroll)");
  dir_arg(enroll);
  enroll->add_option("--id", o->id, "Device id (certificate CN)")->required();
  enroll->add_option("--owner", o->owner, "Owner organization")->required();
  enroll->add_option("--as", o->as,
                     "Identity directory of an admin of ORG or a regulator admin "
                     "(default: --identity)");
  enroll->callback([o, &g] {
    g.exit_code = run_device_enroll(g, {o->dir, o->id, o->owner, o->as});
  });

  auto* reg = dev->add_subcommand("register", "RegisterDevice on the ledger");
  dir_arg(reg);
  reg->add_option("--as", o->as, "Admin identity directory")->required();
  reg->add_option("--owner", o->owner, "Owner organization")->required();
  reg->callback([o, &g] {
    auto cert_pem = read_file((fs::path(o->dir) / "cert.pem").string());
    auto chain_pem = read_file((fs::path(o->dir) / "chain.pem").string());
    if (!cert_pem.ok() || !chain_pem.ok()) {
      g.exit_code = report_error(make_error("no_device", o->dir + " holds no device"));
      return;
    }
    auto cert = crypto::Certificate::from_pem(*cert_pem);
    auto chain = crypto::Certificate::from_pem(*chain_pem);
    if (!cert.ok() || !chain.ok()) {
      g.exit_code = report_error(make_error("bad_certificate", "device certificate files"));
      return;
    }
    const std::string id = cert->subject().common_name;
    g.exit_code = submit_signed(
        g, o->as,
        [&](ledger::pb::TxBody& b) {
          auto* r = b.mutable_register_device();
          r->set_device_id(id);
          r->set_owner_org(o->owner);
          r->set_certificate_der(to_string(cert->to_der()));
          r->add_chain_der(to_string(chain->to_der()));
        },
        "register_device " + id);
  });

  auto* load = dev->add_subcommand("load", "LoadDevice on the ledger, then onto the device");
  dir_arg(load);
  load->add_option("--as", o->as, "Admin identity directory of the owner")->required();
  load->add_option("--amount", o->amount, "Minor units")->required();
  load->add_option("--network", o->net, "genesis init output (ca/offline-issuer.key)")->required();
  load->callback([o, &g] {
    auto d = open_device(o->dir);
    if (!d.ok()) {
      g.exit_code = report_error(d.error());
      return;
    }
    auto pem = read_file((fs::path(o->net) / "ca/offline-issuer.key").string());
    auto key =
        pem.ok() ? crypto::PrivateKey::from_pem(*pem) : Result<crypto::PrivateKey>(pem.error());
    if (!key.ok()) {
      g.exit_code = report_error(key.error());
      return;
    }
    const std::int64_t now = (*d)->clock.now();
    auto root = offline::issue_root_voucher(
        *key, {(*d)->id, o->amount, now + 7 * 86400, client::random_nonce()});
    if (!root.ok()) {
      g.exit_code = report_error(root.error());
      return;
    }
    g.exit_code = submit_signed(
        g, o->as,
        [&](ledger::pb::TxBody& b) {
          b.mutable_load_device()->set_device_id((*d)->id);
          b.mutable_load_device()->set_root_voucher(to_string(*root));
        },
        "load_device " + (*d)->id);
    if (g.exit_code != 0) return;
    auto s = (*d)->dev->load(*root);
    if (!s.ok()) {
      g.exit_code = report_error(s.error());
      return;
    }
    std::cout << (*d)->id << " balance " << (*d)->dev->balance() << "\n";
  });

  auto io = [o](CLI::App* c, bool in, bool out) {
    if (in) c->add_option("--in", o->in, "Message file from the peer")->required();
    if (out) c->add_option("--out", o->out, "Message file for the peer")->required();
  };
  auto* init = dev->add_subcommand("init", "Sender, step 1: INIT for --amount");
  dir_arg(init);
  init->add_option("--amount", o->amount, "Minor units")->required();
  io(init, false, true);
  init->callback([o, &g] {
    g.exit_code = step(o->dir, "", o->out,
                       [&](offline::Device& d, const Bytes&) { return d.init(o->amount); });
  });
  auto* respond = dev->add_subcommand("respond", "Receiver, step 2: RESPONSE to an INIT");
  dir_arg(respond);
  io(respond, true, true);
  respond->callback([o, &g] {
    g.exit_code = step(o->dir, o->in, o->out,
                       [](offline::Device& d, const Bytes& m) { return d.respond(m); });
  });
  auto* execute = dev->add_subcommand("execute", "Sender, step 3: EXECUTE (pays, journals)");
  dir_arg(execute);
  io(execute, true, true);
  execute->callback([o, &g] {
    g.exit_code = step(o->dir, o->in, o->out,
                       [](offline::Device& d, const Bytes& m) { return d.execute(m); });
  });
  auto* complete = dev->add_subcommand("complete", "Receiver, step 4: verify, store, ACK");
  dir_arg(complete);
  io(complete, true, true);
  complete->callback([o, &g] {
    g.exit_code = step(o->dir, o->in, o->out,
                       [](offline::Device& d, const Bytes& m) { return d.complete(m); });
  });
  auto* finish = dev->add_subcommand("finish", "Sender, step 5: take the ACK");
  dir_arg(finish);
  io(finish, true, false);
  finish->callback([o, &g] {
    g.exit_code = step(o->dir, o->in, "", [](offline::Device& d, const Bytes& m) -> Result<Bytes> {
      RL_TRY(d.finish(m));
      return Bytes{};
    });
  });

  auto* settle = dev->add_subcommand("settle", "SettleVouchers with the device's provenance");
  dir_arg(settle);
  settle->add_option("--as", o->as, "An account of the owner organization")->required();
  settle->callback([o, &g] {
    auto d = open_device(o->dir);
    if (!d.ok()) {
      g.exit_code = report_error(d.error());
      return;
    }
    const Bytes prov = offline::encode((*d)->dev->settlement_provenance());
    g.exit_code = submit_signed(
        g, o->as,
        [&](ledger::pb::TxBody& b) {
          b.mutable_settle_vouchers()->set_device_id((*d)->id);
          b.mutable_settle_vouchers()->set_provenance(to_string(prov));
        },
        "settle_vouchers " + (*d)->id);
  });

  auto* show = dev->add_subcommand("show", "The device's id and offline balance");
  dir_arg(show);
  show->callback([o, &g] {
    auto d = open_device(o->dir);
    if (!d.ok()) {
      g.exit_code = report_error(d.error());
      return;
    }
    std::cout << (*d)->id << " balance " << (*d)->dev->balance() << "\n";
  });
}

}  // namespace rl::cli
