#pragma once
// The files of a simulated device directory (docs/offline.md "CLI device simulator"), written the
// same way whether the device was personalized locally (`device create`) or through a node
// (`device enroll`), so that every other `device` subcommand works on either.

#include <string>

#include "crypto/keys.hpp"
#include "crypto/x509.hpp"
#include "ledger/genesis.hpp"

namespace rl::cli {

// genesis.json, key.pem (0600), cert.pem, chain.pem (the issuing CA), mac.key (hex, 0600) and an
// empty state/ journal directory.
Status write_device_dir(const std::string& dir, const ledger::Genesis& genesis,
                        const crypto::PrivateKey& key, const crypto::Certificate& cert,
                        const crypto::Certificate& issuer, ByteView mac_key);

}  // namespace rl::cli
