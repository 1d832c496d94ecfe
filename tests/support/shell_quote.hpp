#pragma once
// One word for /bin/sh, whatever it holds: tests that run programs through std::system or
// popen quote every path and argument with it.

#include <string>

namespace rl::testing {

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char ch : s) {
    if (ch == '\'') {
      q.append("'\\''");  // close, an escaped quote, reopen
    } else {
      q.push_back(ch);
    }
  }
  q.push_back('\'');
  return q;
}

}  // namespace rl::testing
