// regledger login | logout | whoami | enroll | enroll-approve | audit verify: sessions with a
// node and enrollment through it (docs/identity.md).
//
// The identity directory (--identity DIR, $REGLEDGER_IDENTITY) holds the account's key and
// certificate; the password comes from --password-file, $REGLEDGER_PASSWORD_FILE or
// DIR/password. `login` saves the node's token in DIR/session.json (0600) and every query
// command then sends it, logging in again by itself when the node says the session ended.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "api/audit_chain.hpp"
#include "api/error_codes.hpp"
#include "api/query_string.hpp"
#include "api/routes.hpp"
#include "client/cli/context.hpp"
#include "common/file_io.hpp"
#include "crypto/x509.hpp"

namespace rl::cli {

using api::Route;
namespace {

using nlohmann::json;

std::string session_path(const Globals& g) {
  return (std::filesystem::path(g.identity_dir) / "session.json").string();
}

json load_sessions(const Globals& g) {
  auto text = read_file(session_path(g), 64 * 1024);
  if (!text.ok()) return json::object();
  auto j = json::parse(*text, nullptr, false);
  return j.is_object() ? j : json::object();
}

Status save_session(const Globals& g, const std::string& url, const client::SessionToken& t) {
  auto j = load_sessions(g);
  j[url] = {{"token", t.token}, {"expires_at", t.expires_at_ms}};
  return write_file(session_path(g), j.dump(2) + "\n", /*private=*/true);
}

int run_login(Globals& g) {
  if (g.identity_dir.empty()) {
    return report_error(make_error("no_identity", "give --identity DIR ($REGLEDGER_IDENTITY)"));
  }
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  auto t = c->login();
  if (!t.ok()) return report_error(t.error());
  auto saved = save_session(g, c->current_url(), *t);
  if (!saved.ok()) return report_error(saved.error());
  if (g.json_output) {
    std::cout << json{{"node", c->current_url()},
                      {"expires_at", t->expires_at_ms},
                      {"permission", t->permission}}
                     .dump()
              << "\n";
  } else {
    std::cout << "logged in to " << c->current_url()
              << " permission=" << t->permission.value("code", "")
              << " (input=" << t->permission.value("input", false)
              << " output=" << t->permission.value("output", false)
              << " level=" << t->permission.value("level", 0) << "); session saved to "
              << session_path(g) << "\n";
  }
  return 0;
}

int run_logout(Globals& g) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  auto r = c->post_json(api::route_path<Route::kAuthLogout>(), json::object());
  if (!r.ok()) return report_error(r.error());
  auto j = load_sessions(g);
  j.erase(c->current_url());
  auto w = write_file(session_path(g), j.dump(2) + "\n", true);
  if (!w.ok()) return report_error(w.error());
  std::cout << "logged out of " << c->current_url() << "\n";
  return 0;
}

int run_whoami(Globals& g) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  auto r = c->get_json(api::route_path<Route::kAuthSession>());
  if (!r.ok()) return report_error(r.error());
  std::cout << r->dump(g.json_output ? -1 : 2) << "\n";
  return 0;
}

int run_audit_verify(Globals& g) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  std::vector<api::AuditEntry> entries;
  for (std::uint64_t from = 1;;) {
    auto r = c->get_json(api::route_path<Route::kAudit>() +
                         api::QueryString().add("from", from).add("limit", 1000).str());
    if (!r.ok()) return report_error(r.error());
    const auto& page = (*r)["entries"];
    if (!page.is_array() || page.empty()) break;
    for (const auto& x : page) {
      auto e = api::audit_entry_from_json(x);
      if (!e.ok()) return report_error(e.error());
      entries.push_back(std::move(e).value());
    }
    from = entries.back().seq + 1;
  }
  auto head = api::audit_verify_entries(entries, api::audit_genesis_hash());
  if (!head.ok()) return report_error(head.error());
  if (!entries.empty() && entries.front().seq != 1) {
    return report_error(make_error(std::string(api::to_string(api::ApiError::kAuditTampered)),
                                   "the log does not start at entry 1"));
  }
  std::cout << "audit log of " << c->current_url() << " verified: " << entries.size()
            << " entries, head " << to_hex(*head) << "\n";
  return 0;
}

struct EnrollOptions {
  std::string account;
  std::string password_file;
  std::string out;
  bool resume = false;
};

std::string request_path(const std::string& out) {
  return (std::filesystem::path(out) / "enroll-request.json").string();
}

// Saves the identity once the node's answer carries the certificate for `key`.
int finish_enroll(const std::string& out, const crypto::PrivateKey& key, const json& answer,
                  const std::string& chain_id) {
  auto cert = crypto::Certificate::from_pem(answer.value("certificate_pem", ""));
  if (!cert.ok()) return report_error(make_error("bad_response", "no certificate in the answer"));
  if (cert->public_key().to_der() != key.public_key().to_der()) {
    return report_error(make_error("bad_response", "the certificate is not for our key"));
  }
  auto saved = client::save_identity(out, answer.value("account", ""), answer.value("org", ""),
                                     chain_id, key.suite(), key, *cert);
  if (!saved.ok()) return report_error(saved.error());
  std::error_code ec;
  std::filesystem::remove(request_path(out), ec);
  std::cout << "enrolled " << answer.value("account", "") << ": certificate saved to " << out
            << "/cert.pem, key in " << out << "/key.pem (never sent); BindCertificate tx "
            << answer.value("tx_id", "") << " " << answer.value("status", "") << "\n";
  return 0;
}

// `enroll --resume`: the request waited for an admin's approval; ask what became of it.
int resume_enroll(Globals& g, const EnrollOptions& o) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  auto text = read_file(request_path(o.out), 64 * 1024);
  if (!text.ok()) return report_error(make_error("no_request", "no pending request in " + o.out));
  auto req = json::parse(*text, nullptr, false);
  auto key_pem = read_file((std::filesystem::path(o.out) / "key.pem").string(), 64 * 1024);
  if (!req.is_object() || !key_pem.ok()) {
    return report_error(
        make_error("no_request", "the pending request in " + o.out + " is damaged"));
  }
  auto key = crypto::PrivateKey::from_pem(*key_pem);
  if (!key.ok()) return report_error(key.error());
  auto r = c->get_json(api::route_path<Route::kEnrollment>(req.value("request_id", "")));
  if (!r.ok()) return report_error(r.error());
  if (r->value("status", "") == "awaiting_approval") {
    std::cout << "request " << req.value("request_id", "") << " still awaits approval\n";
    return 3;
  }
  return finish_enroll(o.out, *key, *r, req.value("chain_id", ""));
}

// The holder's side of enrollment through a node: the key pair and CSR are made here and only
// the CSR is sent; the node's issuing CA signs and binds it.
int run_enroll(Globals& g, const EnrollOptions& o) {
  if (o.resume) return resume_enroll(g, o);
  if (o.account.empty() || o.password_file.empty()) {
    return report_error(make_error("bad_usage", "enroll needs --account and --password-file"));
  }
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  Globals pw_source = g;
  pw_source.password_file = o.password_file;
  auto password = read_password(pw_source);
  if (!password.ok()) return report_error(password.error());
  auto st = c->status();
  if (!st.ok()) return report_error(st.error());
  auto suite = crypto::parse_suite(st->value("suite", ""));
  if (!suite.ok()) return report_error(suite.error());
  auto key = crypto::PrivateKey::generate(*suite);
  if (!key.ok()) return report_error(key.error());
  auto csr = crypto::CertificateRequest::create(*key, {o.account, "", "", ""});
  if (!csr.ok()) return report_error(csr.error());
  auto r = c->post_json(
      api::route_path<Route::kEnroll>(),
      json{{"account", o.account}, {"password", *password}, {"csr_pem", csr->to_pem()}});
  if (!r.ok()) return report_error(r.error());
  const std::string chain_id = st->value("chain_id", "");
  if (r->value("status", "") == "awaiting_approval") {
    // Keep the key (0600) and the request; `enroll --resume` collects the certificate.
    std::error_code ec;
    std::filesystem::create_directories(o.out, ec);
    auto w = write_file((std::filesystem::path(o.out) / "key.pem").string(), key->to_pem(), true);
    if (w.ok()) {
      w = write_file(request_path(o.out), json{{"request_id", r->value("request_id", "")},
                                               {"account", o.account},
                                               {"chain_id", chain_id}}
                                              .dump(2));
    }
    if (!w.ok()) return report_error(w.error());
    std::cout << "request " << r->value("request_id", "") << " awaits the approval of an admin of "
              << r->value("org", "") << "; then run: regledger enroll --resume --out " << o.out
              << "\n";
    return 0;
  }
  return finish_enroll(o.out, *key, *r, chain_id);
}

// An organization admin (--identity) approves a waiting enrollment request.
int run_enroll_approve(Globals& g, const std::string& request_id) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  if (g.identity_dir.empty()) {
    return report_error(make_error("no_identity", "approve as --identity ADMIN_DIR"));
  }
  // The approval needs a session: log in first (the endpoint is a POST, which the client does
  // not log in for by itself).
  auto t = c->login();
  if (!t.ok()) return report_error(t.error());
  auto r = c->post_json(api::route_path<Route::kEnrollmentApprove>(request_id), json::object());
  if (!r.ok()) return report_error(r.error());
  std::cout << "approved " << request_id << " for " << r->value("account", "")
            << ": BindCertificate tx " << r->value("tx_id", "") << " " << r->value("status", "")
            << "\n";
  return 0;
}

}  // namespace

Result<std::string> read_password(const Globals& g) {
  std::string file = g.password_file;
  if (file.empty()) file = (std::filesystem::path(g.identity_dir) / "password").string();
  auto pw = read_file(file, 4096);
  if (!pw.ok()) return make_error("no_password", "cannot read the password: " + pw.error().message);
  std::string p = *pw;
  while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
  return p;
}

Status attach_session(const Globals& g, client::NodeClient& c) {
  if (g.identity_dir.empty()) return {};
  RL_ASSIGN_OR_RETURN(auto id, load_signer(g.identity_dir));
  auto sessions = load_sessions(g);
  for (const auto& [url, s] : sessions.items()) {
    if (s.is_object() && s.contains("token") && s["token"].is_string()) {
      c.set_session(url, s["token"].get<std::string>());
    }
  }
  // Without a password the saved sessions are all there is; with one, the client logs in
  // again whenever a node says the session ended.
  auto pw = read_password(g);
  if (pw.ok()) c.set_login(std::move(id), std::move(pw).value());
  return {};
}

void add_auth_commands(CLI::App& app, Globals& g) {
  app.add_subcommand("login",
                     "Log in to a node (challenge, password, certificate signature) and "
                     "save the session in the identity directory")
      ->callback([&g] { g.exit_code = run_login(g); });
  app.add_subcommand("logout", "End the saved session on the node")->callback([&g] {
    g.exit_code = run_logout(g);
  });
  app.add_subcommand("whoami", "Show the account, organization and permission of the session")
      ->callback([&g] { g.exit_code = run_whoami(g); });
  auto eo = std::make_shared<EnrollOptions>();
  auto* enroll = app.add_subcommand(
      "enroll",
      "Enroll through a node: make a key pair and CSR here, send the CSR with account and "
      "password; the node's issuing CA signs it and binds it on the ledger");
  enroll->add_option("--account", eo->account, "Account id (registered by an admin)");
  enroll->add_option("--password-file", eo->password_file, "File holding the account password");
  enroll->add_flag("--resume", eo->resume,
                   "Collect the certificate of a request that awaited an admin's approval");
  enroll->add_option("--out", eo->out, "Identity directory to write (key.pem, cert.pem)")
      ->required();
  enroll->callback([&g, eo] { g.exit_code = run_enroll(g, *eo); });
  auto approve_id = std::make_shared<std::string>();
  auto* approve = app.add_subcommand(
      "enroll-approve", "As an organization admin (--identity), approve a waiting enrollment");
  approve->add_option("request_id", *approve_id, "The request id the holder was given")->required();
  approve->callback([&g, approve_id] { g.exit_code = run_enroll_approve(g, *approve_id); });

  auto* audit = app.add_subcommand("audit", "The node's authentication audit log");
  audit->require_subcommand(1);
  audit
      ->add_subcommand("verify",
                       "Fetch the whole audit log (auditor or regulator session) and check "
                       "every entry's hash and link")
      ->callback([&g] { g.exit_code = run_audit_verify(g); });
}

}  // namespace rl::cli
