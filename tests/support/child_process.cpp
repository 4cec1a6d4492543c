#include "child_process.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace hardalloc_test {
namespace {

std::string read_whole_file(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char chunk[4096];
  std::size_t read_count = 0;
  while ((read_count = std::fread(chunk, 1, sizeof chunk, file)) > 0) {
    text.append(chunk, read_count);
  }
  return text;
}

std::string variable_name(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// The current environment with every variable named in overrides replaced by its override;
// an override without '=' only removes the variable.
std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    bool overridden = false;
    for (const std::string& override_entry : overrides) {
      overridden = overridden || variable_name(*entry) == variable_name(override_entry);
    }
    if (!overridden) {
      merged.emplace_back(*entry);
    }
  }
  for (const std::string& override_entry : overrides) {
    if (override_entry.find('=') != std::string::npos) {
      merged.push_back(override_entry);
    }
  }
  return merged;
}

std::vector<char*> as_null_terminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

ChildOutput run_child(const std::vector<std::string>& argv, const std::vector<std::string>& environment_overrides) {
  std::FILE* stdout_file = std::tmpfile();
  std::FILE* stderr_file = std::tmpfile();
  if (stdout_file == nullptr || stderr_file == nullptr) {
    throw std::runtime_error("tmpfile failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fileno(stdout_file), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fileno(stderr_file), STDERR_FILENO);

  std::vector<std::string> argv_copy = argv;
  std::vector<std::string> environment = merged_environment(environment_overrides);
  std::vector<char*> argv_pointers = as_null_terminated(argv_copy);
  std::vector<char*> environment_pointers = as_null_terminated(environment);
  pid_t child = 0;
  const int spawn_error =
      posix_spawn(&child, argv_pointers[0], &actions, nullptr, argv_pointers.data(), environment_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    throw std::runtime_error("posix_spawn failed for " + argv[0]);
  }
  ChildOutput output{};
  waitpid(child, &output.wait_status, 0);
  output.stdout_text = read_whole_file(stdout_file);
  output.stderr_text = read_whole_file(stderr_file);
  std::fclose(stdout_file);
  std::fclose(stderr_file);
  return output;
}

}  // namespace hardalloc_test
