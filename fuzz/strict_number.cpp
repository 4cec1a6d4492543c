#include "strict_number.h"

#include <cerrno>
#include <cstdlib>

namespace hafuzz {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

bool parse_unsigned_strict(const std::string& text, std::uint64_t min, std::uint64_t max, std::uint64_t* out,
                           std::string* reason, bool allow_hex) {
  const bool hex = allow_hex && text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const std::size_t first_digit = hex ? 2 : 0;
  bool digits_only = text.size() > first_digit;
  for (std::size_t i = first_digit; i < text.size() && digits_only; ++i) {
    digits_only = hex ? is_hex_digit(text[i]) : is_digit(text[i]);
  }
  if (!digits_only) {
    *reason = "'" + text + "' is not a non-negative integer";
    return false;
  }
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str() + first_digit, nullptr, hex ? 16 : 10);
  if (errno == ERANGE || value > max) {
    *reason = "'" + text + "' is above the maximum " + std::to_string(max);
    return false;
  }
  if (value < min) {
    *reason = "'" + text + "' is below the minimum " + std::to_string(min);
    return false;
  }
  *out = value;
  return true;
}

bool parse_seconds_strict(const std::string& text, double max, double* out, std::string* reason) {
  // Digits, at most one '.', at least one digit: no sign, exponent, "inf" or "nan".
  unsigned digit_count = 0;
  unsigned dot_count = 0;
  bool well_formed = !text.empty();
  for (const char c : text) {
    if (is_digit(c)) {
      ++digit_count;
    } else if (c == '.') {
      ++dot_count;
    } else {
      well_formed = false;
    }
  }
  if (!well_formed || digit_count == 0 || dot_count > 1) {
    *reason = "'" + text + "' is not a number of seconds";
    return false;
  }
  const double value = std::strtod(text.c_str(), nullptr);
  if (!(value > 0)) {
    *reason = "'" + text + "' must be more than 0 seconds";
    return false;
  }
  if (value > max) {
    *reason = "'" + text + "' is above the maximum " + std::to_string(static_cast<std::uint64_t>(max)) + " s";
    return false;
  }
  *out = value;
  return true;
}

}  // namespace hafuzz
