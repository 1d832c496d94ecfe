#pragma once
// Device enrollment through the node (docs/offline.md "Device enrollment through a node"): an
// admin of the owner organization (or a regulator admin), logged in, sends a device id, the owner
// organization and the device's CSR. The node's issuing CA signs the device certificate (CN =
// device id), the node's operator identity submits the RegisterDevice transaction, and the answer
// carries the device's MAC key, diversified from the issuer master key this node holds as a
// validator. The device's private key never leaves the device: only the CSR comes here.

#include <chrono>
#include <string>
#include <vector>

#include "node/app/identity/auth_service.hpp"
#include "node/app/identity/enroll_service.hpp"
#include "node/app/identity/operator_tx.hpp"
#include "node/app/identity/principal.hpp"

namespace rl::node::identity {

struct DeviceEnrollRequest {
  std::string device_id;
  std::string owner_org;
  std::string csr_pem;
};

struct DeviceEnrollResult {
  std::string device_id;
  std::string owner_org;
  std::string certificate_pem;
  std::vector<std::string> chain_pem;  // issuing CA
  std::string tx_id;
  bool committed = false;
  Bytes mac_key;  // diversify_device_key(suite, master key, device id)
};

class DeviceEnrollService {
 public:
  // The issuing CA, operator identity, certificate validity and commit wait of `config` (the
  // account enrollment's: one CA and one operator per node). `offline_master_key`: the issuer
  // master MAC key this node holds as a validator (config offline.master_key_file, checked
  // against genesis by Chain::set_offline_master_key); empty when it holds none.
  DeviceEnrollService(AuthService& auth, const EnrollConfig& config, Bytes offline_master_key)
      : auth_(auth),
        ca_(config.ca),
        op_(config.op),
        cert_validity_s_(config.cert_validity_s),
        wait_(config.wait),
        master_key_(std::move(offline_master_key)) {}

  // Codes: offline_disabled (genesis has no offline section), enroll_unavailable (this node has
  // no offline master key), bad_field (device id or owner organization), permission_denied,
  // those of check_csr (csr_check.hpp), and the admission codes of RegisterDevice
  // (device_exists, not_found, ...). A refusal submits nothing.
  Result<DeviceEnrollResult> enroll(const Principal& caller, const DeviceEnrollRequest& req,
                                    const std::string& remote, const TxSubmitter& submit);

 private:
  Result<DeviceEnrollResult> issue_and_register(const DeviceEnrollRequest& req,
                                                const crypto::CertificateRequest& csr,
                                                const TxSubmitter& submit);

  AuthService& auth_;
  IssuingCa ca_;
  OperatorIdentity op_;
  std::int64_t cert_validity_s_;
  std::chrono::milliseconds wait_;
  Bytes master_key_;
};

}  // namespace rl::node::identity
