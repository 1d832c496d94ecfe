// regledger report open | search | set-policy | key-services: directed opening of sealed
// reports (docs/sealed.md). `report submit --seal FILE` (cmd_report.cpp) seals through
// seal_for_submit below.
#include <iostream>

#include "api/error_codes.hpp"
#include "api/routes.hpp"
#include "client/cli/context.hpp"
#include "client/http/https_url.hpp"
#include "client/lib/sealed_client.hpp"
#include "common/file_io.hpp"
#include "crypto/symmetric.hpp"

namespace rl::cli {

using api::ApiError;
using api::Route;

namespace {

using nlohmann::json;

Result<std::vector<client::KeyServiceInfo>> key_services(client::NodeClient& c) {
  RL_ASSIGN_OR_RETURN(auto j, c.get_json(api::route_path<Route::kKeyServices>()));
  return client::parse_key_services(j);
}

// The reader: --identity and its password (the key channel logs in on each key service).
struct Reader {
  client::Identity id;
  std::string password;
};

Result<Reader> load_reader(const Globals& g) {
  if (g.identity_dir.empty()) {
    return make_error("no_identity", "give the reader with --identity DIR ($REGLEDGER_IDENTITY)");
  }
  RL_ASSIGN_OR_RETURN(auto id, load_signer(g.identity_dir));
  RL_ASSIGN_OR_RETURN(auto pw, read_password(g));
  return Reader{std::move(id), std::move(pw)};
}

// Fetches the ciphertext over the document channel and collects shares until t, asking the key
// services in the envelope's order. Each answer is printed on stderr as it comes.
Result<http::HttpsClient> key_service_client(const Globals& g, const std::string& api_url) {
  RL_ASSIGN_OR_RETURN(auto url, http::parse_https_url(api_url));
  RL_ASSIGN_OR_RETURN(std::string ca, read_file(g.ca_file, 1024 * 1024));
  http::HttpsClientConfig cfg;
  cfg.host = url.host;
  cfg.port = url.port;
  cfg.ca_pem = ca;
  cfg.timeout_ms = g.timeout_ms;
  return http::HttpsClient(cfg);
}

// The document channel answers report_not_found to a reader who may not fetch the report; the
// key channel tells an authenticated reader which policy level it fails. Ask the key services
// in turn (a service holding no share of it says so) and pass that on; otherwise the report is
// not found.
Error explain_not_found(const Globals& g, client::NodeClient& c, const Reader& reader,
                        const std::string& report_id, const Error& not_found) {
  auto services = key_services(c);
  if (!services.ok()) return not_found;
  for (const auto& s : *services) {
    if (!s.active) continue;
    auto ks = key_service_client(g, s.api_url);
    if (!ks.ok()) continue;
    auto share = client::request_share(*ks, reader.id, reader.password, report_id, s.name, 0);
    if (share.ok()) break;  // cannot happen for x = 0; nothing to explain
    const auto& code = share.error().code;
    if (code == api::to_string(ApiError::kPolicyRefused) ||
        code == api::to_string(ApiError::kPermissionDenied)) {
      return make_error(
          code, share.error().message + " (the document channel serves it only to its readers)");
    }
    if (code != api::to_string(ApiError::kNoShareHere)) break;
  }
  return not_found;
}

Result<Bytes> recover_key(const Globals& g, client::NodeClient& c, const Reader& reader,
                          const std::string& report_id, client::FetchedSealed& fetched) {
  auto doc = c.get_json(api::route_path<Route::kSealed>(report_id));
  if (!doc.ok()) {
    if (doc.error().code != api::to_string(ApiError::kReportNotFound)) return doc.error();
    return explain_not_found(g, c, reader, report_id, doc.error());
  }
  RL_ASSIGN_OR_RETURN(fetched, client::parse_fetched_sealed(reader.id.chain_id, *doc));
  std::vector<crypto::shamir::Share> shares;
  std::vector<std::string> refusals;
  for (const auto& s : fetched.shares) {
    if (shares.size() >= fetched.threshold) break;
    auto ks = key_service_client(g, s.api_url);
    if (!ks.ok()) {
      refusals.push_back(s.service + ": no usable api_url");
      continue;
    }
    auto share = client::request_share(*ks, reader.id, reader.password, report_id, s.service, s.x);
    if (!share.ok()) {
      std::cerr << "key service " << s.service << ": no share: " << share.error().code << ": "
                << share.error().message << "\n";
      refusals.push_back(s.service + ": " + share.error().code + " (" + share.error().message +
                         ")");
      continue;
    }
    std::cerr << "key service " << s.service << ": share " << s.x << " released\n";
    shares.push_back(std::move(share).value());
  }
  if (shares.size() < fetched.threshold) {
    std::string why;
    for (const auto& r : refusals) why += (why.empty() ? "" : "; ") + r;
    return make_error("open_refused", std::to_string(shares.size()) + " of the " +
                                          std::to_string(fetched.threshold) +
                                          " shares needed were released: " + why);
  }
  auto key = client::recover_data_key(reader.id.suite, fetched, shares);
  for (auto& s : shares) crypto::cleanse(s.y);
  return key;
}

struct OpenOpts {
  std::string report_id, out;
};

int report_open(Globals& g, const OpenOpts& o) {
  auto reader = load_reader(g);
  if (!reader.ok()) return report_error(reader.error());
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  client::FetchedSealed fetched;
  auto key = recover_key(g, *c, *reader, o.report_id, fetched);
  if (!key.ok()) return report_error(key.error());
  auto plain = client::open_payload(reader->id.suite, fetched, *key);
  crypto::cleanse(*key);
  if (!plain.ok()) return report_error(plain.error());
  if (!o.out.empty()) {
    auto st = write_file(o.out, to_string(*plain), /*private=*/true);
    if (!st.ok()) return report_error(st.error());
    std::cerr << "opened report " << o.report_id << ": " << plain->size() << " bytes written to "
              << o.out << "\n";
  } else {
    std::cout << to_string(*plain) << "\n";
  }
  return 0;
}

struct SearchOpts {
  std::vector<std::string> keywords;
  std::vector<std::string> report_ids;
};

// For each report: its key (so the reader must be able to open it), the search key derived
// from it, and the trapdoor of each keyword. Only trapdoors travel to the node.
int report_search(Globals& g, const SearchOpts& o) {
  auto reader = load_reader(g);
  if (!reader.ok()) return report_error(reader.error());
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  json queries = json::array();
  for (const auto& id : o.report_ids) {
    client::FetchedSealed fetched;
    auto key = recover_key(g, *c, *reader, id, fetched);
    if (!key.ok()) return report_error(key.error());
    auto search = ledger::sealing::search_key(reader->id.suite, fetched.context.seal_id, *key);
    crypto::cleanse(*key);
    if (!search.ok()) return report_error(search.error());
    for (const auto& w : o.keywords) {
      auto trapdoor = ledger::sealing::keyword_tag(reader->id.suite, *search, w);
      if (!trapdoor.ok()) return report_error(trapdoor.error());
      queries.push_back({{"report_id", id}, {"trapdoor", to_hex(*trapdoor)}});
    }
    crypto::cleanse(*search);
  }
  if (queries.size() > 64) {
    return report_error(make_error("bad_request", "at most 64 report x keyword pairs per search"));
  }
  auto r = c->post_json(api::route_path<Route::kSealedSearch>(), {{"queries", queries}});
  if (!r.ok()) return report_error(r.error());
  json unique = json::array();
  for (const auto& m : (*r)["matches"]) {
    if (std::find(unique.begin(), unique.end(), m) == unique.end()) unique.push_back(m);
  }
  std::cout << json{{"matches", unique}, {"count", unique.size()}}.dump(2) << "\n";
  return 0;
}

struct SetPolicyOpts {
  std::string as, report_id, s_policy;
};

}  // namespace

Status seal_for_submit(Globals& g, client::NodeClient& c, const client::Identity& signer,
                       const std::string& seal_file, ledger::pb::SubmitReport& p) {
  RL_ASSIGN_OR_RETURN(std::string text, read_file(seal_file, 64 * 1024));
  RL_ASSIGN_OR_RETURN(auto request, client::parse_seal_request(text));
  RL_ASSIGN_OR_RETURN(auto services, key_services(c));
  RL_ASSIGN_OR_RETURN(
      auto sealed, client::seal_payload(signer.suite, signer.chain_id, signer.org, signer.account,
                                        request, services, as_bytes(p.payload())));
  if (!g.json_output) {
    std::cerr << "sealed " << p.payload().size() << " bytes: " << sealed.envelope.threshold()
              << " of " << sealed.envelope.shares_size() << " key services, T=" << request.t_policy
              << ", " << sealed.envelope.keyword_tags_size() << " keyword tags\n";
  }
  p.set_payload(to_string(sealed.ciphertext));
  *p.mutable_seal() = std::move(sealed.envelope);
  return {};
}

void add_sealed_commands(CLI::App& rep, Globals& g) {
  auto oo = std::make_shared<OpenOpts>();
  auto* open = rep.add_subcommand(
      "open",
      "Open a sealed report (directed opening): fetch its ciphertext, collect t shares of its "
      "key from the key services as --identity, and decrypt. A refusal names the policy level "
      "that failed (T or S).");
  open->add_option("report_id", oo->report_id, "Report id")->required();
  open->add_option("--out", oo->out, "Write the plaintext here (mode 0600) instead of stdout");
  open->callback([oo, &g] { g.exit_code = report_open(g, *oo); });

  auto so = std::make_shared<SearchOpts>();
  auto* search = rep.add_subcommand(
      "search",
      "Which of these sealed reports carry a keyword: the node answers from keyed tags and "
      "never sees the keyword. Needs the right to open each report (its key derives the tags).");
  search->add_option("--keyword", so->keywords, "A keyword (repeatable)")->required();
  search->add_option("report_ids", so->report_ids, "Sealed report ids")->required();
  search->callback([so, &g] { g.exit_code = report_search(g, *so); });

  auto po = std::make_shared<SetPolicyOpts>();
  auto* setp = rep.add_subcommand(
      "set-policy",
      "Change a sealed report's level-S policy (its submitter or an admin of its organization). "
      "Key services follow it from the next committed height; nothing is re-encrypted.");
  setp->add_option("report_id", po->report_id, "Report id")->required();
  setp->add_option("--as", po->as, "Identity directory of the signer")->required();
  setp->add_option("--s-policy", po->s_policy, "The new policy (docs/sealed.md)")->required();
  setp->callback([po, &g] {
    g.exit_code = submit_signed(
        g, po->as,
        [po](ledger::pb::TxBody& b) {
          auto* p = b.mutable_set_sealed_report_policy();
          p->set_report_id(po->report_id);
          p->set_s_policy(po->s_policy);
        },
        "policy of report " + po->report_id);
  });

  auto* ks = rep.add_subcommand("key-services", "List the key services on the ledger");
  ks->callback([&g] {
    auto c = make_client(g);
    if (!c.ok()) {
      g.exit_code = report_error(c.error());
      return;
    }
    auto r = c->get_json(api::route_path<Route::kKeyServices>());
    if (!r.ok()) {
      g.exit_code = report_error(r.error());
      return;
    }
    std::cout << r->dump(2) << "\n";
  });
}

}  // namespace rl::cli
