#pragma once
// The client's one way to put parameters into a request's query (decision 0076). Values on the
// command line are ids today, but an id, a period or a field list is user input: written into a
// query by hand, a value holding '&', '=' or '#' would end its parameter and add one of its own
// (`--org "a&org=b"`), or cut the query short. Encoding keys and values here, with the same
// encoding as path segments (api::percent_encode), leaves every call site unable to do that.

#include <concepts>
#include <string>
#include <string_view>

namespace rl::api {

class QueryString {
 public:
  // Appends key=value, both percent-encoded (RFC 3986 unreserved characters pass).
  QueryString& add(std::string_view key, std::string_view value);
  template <std::integral T>
  requires(!std::same_as<T, bool>) QueryString& add(std::string_view key, T value) {
    return add(key, std::string_view(std::to_string(value)));
  }
  // add() only for a non-empty value: the node reads a parameter sent empty as one not sent, and
  // leaving it out keeps the target short and plain.
  QueryString& add_if_set(std::string_view key, std::string_view value);

  bool empty() const { return encoded_.empty(); }
  // "?k=v&k2=v2", or "" when nothing was added: append it to a path from route_path.
  std::string str() const;

 private:
  std::string encoded_;  // "k=v&k2=v2"
};

}  // namespace rl::api
