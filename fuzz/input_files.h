// Reading inputs from disk: binary op streams and text traces. A file is text when it ends in
// .trace or looks like a trace (looks_like_trace); a text file must parse. Anything else is
// binary (every byte string is a valid stream). Text is encoded to the binary form, so every
// engine sees the same bytes. Errors are one line with the reason: "cannot read nope.bin: No
// such file or directory", "cannot read corpus: Is a directory".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hafuzz {

inline constexpr const char* TRACE_SUFFIX = ".trace";

bool is_trace_file(const std::string& path);

// Printable ASCII whose first line that is not blank or a comment is "threads N", as every
// printed trace starts: text, without the .trace suffix. (Binary inputs never start so in
// practice; the libFuzzer dictionaries hold binary pieces only.)
bool looks_like_trace(const std::string& contents);

// Regular files named by paths, with directories expanded (sorted, not recursive). Returns
// false and sets *error when a path does not exist or is neither a file nor a directory.
bool expand_input_paths(const std::vector<std::string>& paths, std::vector<std::string>* files, std::string* error);

// Reads a whole regular file. On failure returns false and sets *error.
bool read_file_bytes(const std::string& path, std::string* contents, std::string* error);

// Writes a whole file. On failure returns false and sets *error.
bool write_file_bytes(const std::string& path, const void* data, std::size_t size_bytes, std::string* error);

// Reads an input in either form as binary stream bytes; *was_text says which form it had.
// On failure (unreadable, or a .trace that does not parse) returns false and sets *error.
bool load_input(const std::string& path, std::vector<std::uint8_t>* bytes, std::string* error,
                bool* was_text = nullptr);

}  // namespace hafuzz
