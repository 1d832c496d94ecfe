#include "node/app/identity/auth_stats.hpp"

namespace rl::node::identity {

std::string_view login_factor_name(LoginFactor f) {
  switch (f) {
    case LoginFactor::kAccount:
      return "account";
    case LoginFactor::kChallenge:
      return "challenge";
    case LoginFactor::kPassword:
      return "password";
    case LoginFactor::kCertificate:
      return "certificate";
    case LoginFactor::kSignature:
      return "signature";
    case LoginFactor::kOther:
    case LoginFactor::kCount:
      break;
  }
  return "other";
}

LoginFactor login_factor_for(std::string_view code) {
  if (code.starts_with("account_")) return LoginFactor::kAccount;
  if (code.starts_with("challenge_")) return LoginFactor::kChallenge;
  if (code == "bad_password") return LoginFactor::kPassword;
  if (code.starts_with("certificate_")) return LoginFactor::kCertificate;
  if (code == "bad_login_signature") return LoginFactor::kSignature;
  return LoginFactor::kOther;
}

}  // namespace rl::node::identity
