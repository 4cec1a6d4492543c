#include "input_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "op_binary.h"
#include "op_text.h"

namespace hafuzz {
namespace {

std::string cannot(const char* verb, const std::string& path, int error_number) {
  return std::string("cannot ") + verb + " " + path + ": " + std::strerror(error_number);
}

// Plain POSIX calls, not iostreams: an ifstream on a directory opens, then throws
// std::ios_base::failure from its first read.
bool list_directory(const std::string& path, std::vector<std::string>* files, std::string* error) {
  DIR* directory = opendir(path.c_str());
  if (directory == nullptr) {
    *error = cannot("read", path, errno);
    return false;
  }
  std::vector<std::string> entries;
  while (const dirent* entry = readdir(directory)) {
    const std::string child = path + (path.back() == '/' ? "" : "/") + entry->d_name;
    struct stat status;
    if (stat(child.c_str(), &status) == 0 && S_ISREG(status.st_mode)) entries.push_back(child);
  }
  closedir(directory);
  std::sort(entries.begin(), entries.end());
  files->insert(files->end(), entries.begin(), entries.end());
  return true;
}

}  // namespace

bool is_trace_file(const std::string& path) {
  const std::string suffix = TRACE_SUFFIX;
  return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool looks_like_trace(const std::string& contents) {
  const bool printable = std::all_of(contents.begin(), contents.end(), [](char c) {
    return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' || c == '\r';
  });
  if (!printable) return false;
  // The first line that is not blank or a comment: print_op_text always starts with it.
  std::size_t line_start = 0;
  while (line_start < contents.size()) {
    const std::size_t first = contents.find_first_not_of(" \t\r", line_start);
    if (first == std::string::npos) return false;
    if (contents[first] != '\n' && contents[first] != '#') return contents.compare(first, 8, "threads ") == 0;
    const std::size_t line_end = contents.find('\n', first);
    if (line_end == std::string::npos) return false;
    line_start = line_end + 1;
  }
  return false;
}

bool expand_input_paths(const std::vector<std::string>& paths, std::vector<std::string>* files, std::string* error) {
  for (const std::string& path : paths) {
    struct stat status;
    if (stat(path.c_str(), &status) != 0) {
      *error = cannot("read", path, errno);
      return false;
    }
    if (S_ISDIR(status.st_mode)) {
      if (!list_directory(path, files, error)) return false;
    } else if (S_ISREG(status.st_mode)) {
      files->push_back(path);
    } else {
      *error = "cannot read " + path + ": not a regular file or a directory";
      return false;
    }
  }
  return true;
}

bool read_file_bytes(const std::string& path, std::string* contents, std::string* error) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = cannot("read", path, errno);
    return false;
  }
  struct stat status;
  const int stat_error = fstat(fd, &status) != 0 ? errno : S_ISDIR(status.st_mode) ? EISDIR : 0;
  if (stat_error != 0) {
    *error = cannot("read", path, stat_error);
    close(fd);
    return false;
  }
  contents->clear();
  char buffer[65536];
  for (;;) {
    const ssize_t count = read(fd, buffer, sizeof buffer);
    if (count == 0) break;
    if (count < 0) {
      if (errno == EINTR) continue;
      *error = cannot("read", path, errno);
      close(fd);
      return false;
    }
    contents->append(buffer, static_cast<std::size_t>(count));
  }
  close(fd);
  return true;
}

bool write_file_bytes(const std::string& path, const void* data, std::size_t size_bytes, std::string* error) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = cannot("write", path, errno);
    return false;
  }
  const char* next = static_cast<const char*>(data);
  std::size_t left = size_bytes;
  while (left > 0) {
    const ssize_t count = write(fd, next, left);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) {
      *error = cannot("write", path, count < 0 ? errno : EIO);
      close(fd);
      return false;
    }
    next += count;
    left -= static_cast<std::size_t>(count);
  }
  if (close(fd) != 0) {
    *error = cannot("write", path, errno);
    return false;
  }
  return true;
}

bool load_input(const std::string& path, std::vector<std::uint8_t>* bytes, std::string* error, bool* was_text) {
  std::string contents;
  if (!read_file_bytes(path, &contents, error)) return false;
  const bool text = is_trace_file(path) || looks_like_trace(contents);
  auto stream = std::make_unique<OpStream>();
  std::string parse_error;
  if (text && !parse_op_text(contents, stream.get(), &parse_error)) {
    *error = path + ": " + parse_error;
    return false;
  }
  if (was_text != nullptr) *was_text = text;
  if (text) {
    *bytes = encode_op_stream(*stream);
  } else {
    bytes->assign(contents.begin(), contents.end());
  }
  return true;
}

}  // namespace hafuzz
