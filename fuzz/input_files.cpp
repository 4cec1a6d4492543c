#include "input_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "op_binary.h"
#include "op_text.h"

namespace hafuzz {

bool is_trace_file(const std::string& path) {
  const std::string suffix = TRACE_SUFFIX;
  return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> expand_input_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (!std::filesystem::is_directory(path)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> entries;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.is_regular_file()) entries.push_back(entry.path().string());
    }
    std::sort(entries.begin(), entries.end());
    files.insert(files.end(), entries.begin(), entries.end());
  }
  return files;
}

bool read_file_bytes(const std::string& path, std::string* contents) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  contents->assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return true;
}

bool load_input(const std::string& path, std::vector<std::uint8_t>* bytes, std::string* error) {
  std::string contents;
  if (!read_file_bytes(path, &contents)) {
    *error = "cannot read " + path;
    return false;
  }
  if (!is_trace_file(path)) {
    bytes->assign(contents.begin(), contents.end());
    return true;
  }
  auto stream = std::make_unique<OpStream>();
  std::string parse_error;
  if (!parse_op_text(contents, stream.get(), &parse_error)) {
    *error = path + ": " + parse_error;
    return false;
  }
  *bytes = encode_op_stream(*stream);
  return true;
}

}  // namespace hafuzz
