// Strict parsing of numbers from command lines and the environment, for every tool of the
// suite. A value is accepted only when the whole text is the number: "abc", "", "12x", "-1",
// " 5" and values out of range are errors with a reason, never 0 or a wrapped value (strtoull
// turns "-1" into 2^64 - 1 and "abc" into 0).
#pragma once

#include <cstdint>
#include <string>

namespace hafuzz {

// Decimal digits only (or 0x-hex when allow_hex), within [min, max]. On failure returns false
// and sets *reason ("'abc' is not a non-negative integer", "'0' is below the minimum 1").
bool parse_unsigned_strict(const std::string& text, std::uint64_t min, std::uint64_t max, std::uint64_t* out,
                           std::string* reason, bool allow_hex = false);

// A decimal number of seconds ("20", "0.5"), positive and at most max.
bool parse_seconds_strict(const std::string& text, double max, double* out, std::string* reason);

}  // namespace hafuzz
