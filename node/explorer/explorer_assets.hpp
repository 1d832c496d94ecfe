#pragma once
// The explorer's web files, embedded into the node at build time (embed_assets.cmake writes
// the definition of embedded_assets() from the files in node/explorer/web).

#include <span>
#include <string_view>

namespace rl::node::explorer {

struct Asset {
  std::string_view name;  // file name in node/explorer/web, e.g. "app.js"
  std::span<const unsigned char> bytes;
};

// Every embedded file, in the order CMakeLists.txt lists them.
std::span<const Asset> embedded_assets();

}  // namespace rl::node::explorer
