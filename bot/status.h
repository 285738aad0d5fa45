// Status and StatusOr<T>: expected failures travel as values, never as exceptions
// across a seam (STYLE.md 1). Modelled on leveldb::Status / absl::StatusOr.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace linli {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input; HTTP 400
  kUnauthenticated,     // bad or missing signature/secret; HTTP 401
  kPermissionDenied,    // authenticated but not allowed; HTTP 403
  kNotFound,            // HTTP 404
  kAlreadyExists,       // duplicate (e.g. a redelivered webhook)
  kFailedPrecondition,  // state does not allow it (e.g. "already claimed")
  kResourceExhausted,   // too large / rate limited; HTTP 413 / 429
  kUnavailable,         // transient: network error, 5xx, busy database - retry
  kDeadlineExceeded,    // timed out; outcome may be unknown
  kInternal,            // bug or invariant broken
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DeadlineExceeded(std::string m) {
    return {StatusCode::kDeadlineExceeded, std::move(m)};
  }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK" or "<CODE>: <message>".
  std::string ToString() const;

  // The conventional HTTP status for this code (200 for OK).
  int HttpStatus() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "StatusOr from an OK Status has no value");
  }
  StatusOr(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  // A copy: bind it to a value, not a reference (`x.status().message()` dangles if kept).
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace linli

// Early-return helpers.
#define LINLI_RETURN_IF_ERROR(expr)          \
  do {                                       \
    ::linli::Status _linli_st = (expr);      \
    if (!_linli_st.ok()) return _linli_st;   \
  } while (0)

#define LINLI_CONCAT_INNER(a, b) a##b
#define LINLI_CONCAT(a, b) LINLI_CONCAT_INNER(a, b)
#define LINLI_ASSIGN_OR_RETURN(lhs, expr) \
  LINLI_ASSIGN_OR_RETURN_IMPL(LINLI_CONCAT(_linli_or_, __LINE__), lhs, expr)
#define LINLI_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
