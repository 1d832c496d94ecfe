#include "offline/provenance.hpp"

#include <set>
#include <string>

namespace rl::offline {

void merge_provenance(regledger::offline::v1::Provenance& into,
                      const regledger::offline::v1::Provenance& from) {
  std::set<std::string> roots(into.roots().begin(), into.roots().end());
  std::set<std::string> hops(into.hops().begin(), into.hops().end());
  for (const std::string& r : from.roots()) {
    if (roots.insert(r).second) into.add_roots(r);
  }
  for (const std::string& h : from.hops()) {
    if (hops.insert(h).second) into.add_hops(h);
  }
}

}  // namespace rl::offline
