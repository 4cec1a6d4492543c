// Reading inputs from disk: binary op streams, and text traces (files ending in .trace),
// which are encoded to the binary form so every engine sees the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hafuzz {

inline constexpr const char* TRACE_SUFFIX = ".trace";

bool is_trace_file(const std::string& path);

// Regular files named by paths, with directories expanded (sorted, not recursive).
std::vector<std::string> expand_input_paths(const std::vector<std::string>& paths);

// Reads a file as binary stream bytes; a .trace file is parsed and encoded. On failure returns
// false and sets *error.
bool load_input(const std::string& path, std::vector<std::uint8_t>* bytes, std::string* error);

bool read_file_bytes(const std::string& path, std::string* contents);

}  // namespace hafuzz
