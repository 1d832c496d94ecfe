#pragma once
// An account identity on disk, as created by `genesis init` and `account enroll`:
//   DIR/identity.json  {"account","org","chain_id","suite"}
//   DIR/key.pem        private key (0600)
//   DIR/cert.pem       certificate bound to the account on the ledger
//   DIR/password       (optional) the account password, 0600

#include <string>

#include "crypto/keys.hpp"
#include "crypto/x509.hpp"

namespace rl::client {

struct Identity {
  std::string dir;
  std::string account;
  std::string org;
  std::string chain_id;
  crypto::Suite suite = crypto::Suite::kP256Sha256;
  crypto::PrivateKey key;
  crypto::Certificate cert;
  Bytes cert_id;
};

// Code: bad_identity (with the file and the reason).
Result<Identity> load_identity(const std::string& dir);
Status save_identity(const std::string& dir, const std::string& account, const std::string& org,
                     const std::string& chain_id, crypto::Suite suite,
                     const crypto::PrivateKey& key, const crypto::Certificate& cert);

}  // namespace rl::client
