#pragma once
// Errors are values at module boundaries: every fallible public function returns Result<T>.
// Error codes are stable, lower_snake_case strings; the HTTP API and CLI surface them verbatim.

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace rl {

struct Error {
  std::string code;
  std::string message;

  std::string to_string() const { return code + ": " + message; }
};

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Accessing the wrong alternative is a programmer error, hence an exception.
  T& value() & {
    check_ok();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check_ok();
    return std::get<0>(v_);
  }
  T&& value() && {
    check_ok();
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    if (ok()) throw std::logic_error("Result::error() on a value");
    return std::get<1>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  void check_ok() const {
    if (!ok()) throw std::logic_error("Result::value() on error: " + std::get<1>(v_).to_string());
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    if (ok_) throw std::logic_error("Result<void>::error() on success");
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace rl

// Propagates an error from an expression returning Result<...>.
#define RL_TRY(expr)                                         \
  do {                                                       \
    auto rl_try_result_ = (expr);                            \
    if (!rl_try_result_.ok()) return rl_try_result_.error(); \
  } while (0)

#define RL_CONCAT_INNER(a, b) a##b
#define RL_CONCAT(a, b) RL_CONCAT_INNER(a, b)
// Declares `lhs` from the value of a Result, or returns its error.
#define RL_ASSIGN_OR_RETURN(lhs, expr)                                                 \
  auto RL_CONCAT(rl_res_, __LINE__) = (expr);                                          \
  if (!RL_CONCAT(rl_res_, __LINE__).ok()) return RL_CONCAT(rl_res_, __LINE__).error(); \
  lhs = std::move(RL_CONCAT(rl_res_, __LINE__)).value()
