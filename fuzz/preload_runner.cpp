#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "child_channel.h"
#include "engine_coverage.h"
#include "fuzz_environment.h"
#include "op_binary.h"
#include "rules.h"
#include "target_runner.h"

extern char** environ;

namespace hafuzz {
namespace {

constexpr const char* CHILD_NAME = "ha_fuzz_child";

// HARDALLOC_FUZZ_CHILD, else ha_fuzz_child next to this executable, else the build's copy.
std::string child_executable(const FuzzEnvironment& environment) {
  if (!environment.child_path.empty()) return environment.child_path;
  char self[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
  if (length > 0) {
    std::string sibling(self, static_cast<std::size_t>(length));
    sibling = sibling.substr(0, sibling.rfind('/') + 1) + CHILD_NAME;
    if (access(sibling.c_str(), X_OK) == 0) return sibling;
  }
  return HA_FUZZ_CHILD_PATH;
}

void set_inheritable(int fd) { fcntl(fd, F_SETFD, 0); }

class PreloadRunner final : public TargetRunner {
 public:
  PreloadRunner(std::string library_path, bool fresh_process_per_input, ChildChannel* channel, int memory_fd,
                const FuzzEnvironment& environment)
      : library_path_(std::move(library_path)),
        fresh_process_per_input_(fresh_process_per_input),
        channel_(channel),
        memory_fd_(memory_fd),
        timeout_ms_(environment.timeout_ms),
        child_executable_(child_executable(environment)) {
    name_ = library_path_.substr(library_path_.rfind('/') + 1);
    signal(SIGPIPE, SIG_IGN);  // a dead child must read as EOF, not kill the harness
  }

  ~PreloadRunner() override {
    stop_child();
    munmap(channel_, sizeof(ChildChannel));
    close(memory_fd_);
  }

  const std::string& name() const override { return name_; }

  // Runs an empty stream in a child, which reports where its malloc resolves: a library that
  // does not interpose malloc (libz.so.1, a program, a file ld.so refuses to preload) would
  // test the system malloc under the library's name. Returns false and sets *error then.
  bool check_interposes_malloc(std::string* error) {
    std::memset(channel_->malloc_owner, 0, sizeof channel_->malloc_owner);
    // Its stderr goes nowhere: ld.so's "cannot be preloaded" would precede the one-line error.
    start_child(true);
    auto result = std::make_unique<RunResult>();
    run(nullptr, 0, RunConfig{}, result.get());
    stop_child();
    if (result->verdict != Verdict::PASS) {
      *error = "cannot run a child with " + library_path_ + ": " + result->message;
      return false;
    }
    struct stat library;
    struct stat owner;
    const std::string owner_path = channel_->malloc_owner;
    if (stat(library_path_.c_str(), &library) == 0 && stat(owner_path.c_str(), &owner) == 0 &&
        library.st_dev == owner.st_dev && library.st_ino == owner.st_ino) {
      return true;
    }
    *error = library_path_ + " is not an allocator library: malloc resolves to " +
             (owner_path.empty() ? std::string("an unknown file") : owner_path) + " when it is preloaded";
    return false;
  }

  void run(const std::uint8_t* data, std::size_t size_bytes, const RunConfig& config, RunResult* result) override {
    if (child_ < 0) {
      start_child();
      inputs_in_child_ = 0;
    }
    ++inputs_in_child_;
    channel_->config = config;
    channel_->input_size_bytes =
        static_cast<std::uint32_t>(size_bytes < CHANNEL_INPUT_BYTES ? size_bytes : CHANNEL_INPUT_BYTES);
    if (channel_->input_size_bytes != 0) std::memcpy(channel_->input, data, channel_->input_size_bytes);
    // What a child that dies reports (child_channel.h) starts empty, whenever it dies.
    channel_->result.current_op = NO_OP_INDEX;
    channel_->crash_stack[0] = '\0';
    channel_->coverage_published = false;
    const char token = 'r';
    pollfd reply{reply_fd_, POLLIN, 0};
    const bool sent = write(request_fd_, &token, 1) == 1;
    const int ready = sent ? poll(&reply, 1, timeout_ms_) : 1;
    char answer = 0;
    if (ready == 0) {
      kill(child_, SIGKILL);
      finish_with(result, Verdict::HANG, " (no answer within HARDALLOC_FUZZ_TIMEOUT_MS=%d ms)", timeout_ms_);
    } else if (read(reply_fd_, &answer, 1) == 1) {
      copy_result(result);
      // After a failure the child's heap may be corrupt.
      if (fresh_process_per_input_ || result->verdict != Verdict::PASS) stop_child();
    } else {
      finish_with(result, Verdict::CRASH, "%s", "");
    }
  }

  // The failed child had run inputs before this one (it is replaced after a failure).
  bool fresh_after_failure() const override { return inputs_in_child_ > 1; }

  // The child's counters, written with its last result (child_channel.h); none from a child
  // that died.
  void hand_coverage_to_engine() const override {
    if (!channel_->coverage_published) return;
    add_engine_coverage(CoverageSource::CHILD_EDGES, channel_->edge_counters, channel_->edge_counter_count);
    add_engine_coverage(CoverageSource::BEHAVIOUR, channel_->behaviour_counters, BEHAVIOUR_COUNTERS);
  }

 private:
  void start_child(bool silence_stderr = false) {
    int request[2];
    int reply[2];
    if (pipe2(request, O_CLOEXEC) != 0 || pipe2(reply, O_CLOEXEC) != 0) std::abort();
    const std::string& executable = child_executable_;
    std::vector<std::string> variables;
    // The child's LD_PRELOAD and channel are these alone (getenv would find an inherited one first).
    const std::string channel_prefix = std::string(CHANNEL_ENV) + "=";
    for (char** variable = environ; *variable != nullptr; ++variable) {
      const bool replaced = std::strncmp(*variable, "LD_PRELOAD=", 11) == 0 ||
                            std::strncmp(*variable, channel_prefix.c_str(), channel_prefix.size()) == 0;
      if (!replaced) variables.emplace_back(*variable);
    }
    variables.push_back("LD_PRELOAD=" + library_path_);
    variables.push_back(std::string(CHANNEL_ENV) + "=" + std::to_string(memory_fd_) + "," + std::to_string(request[0]) +
                        "," + std::to_string(reply[1]));
    std::vector<char*> envp;
    for (std::string& variable : variables) envp.push_back(variable.data());
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(executable.c_str()), nullptr};
    child_ = fork();
    if (child_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // an engine that kills this harness kills its child too
      set_inheritable(memory_fd_);
      set_inheritable(request[0]);
      set_inheritable(reply[1]);
      if (silence_stderr) {
        const int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) dup2(null_fd, STDERR_FILENO);
      }
      execve(executable.c_str(), argv, envp.data());
      _exit(127);
    }
    close(request[0]);
    close(reply[1]);
    request_fd_ = request[1];
    reply_fd_ = reply[0];
  }

  void stop_child() {
    if (child_ < 0) return;
    close(request_fd_);  // the child's read sees EOF and it exits
    close(reply_fd_);
    kill(child_, SIGKILL);
    waitpid(child_, nullptr, 0);
    child_ = -1;
  }

  // Reaps the child and describes how it ended after the detail text.
  void finish_with(RunResult* result, Verdict verdict, const char* format, ...) __attribute__((format(printf, 4, 5))) {
    int status = 0;
    waitpid(child_, &status, 0);
    close(request_fd_);
    close(reply_fd_);
    child_ = -1;
    char detail[RESULT_MESSAGE_BYTES / 2];
    va_list args;
    va_start(args, format);
    std::vsnprintf(detail, sizeof detail, format, args);
    va_end(args);
    result->verdict = verdict;
    // The op the child was running when it died (lock-step mode), so that the finding names it.
    const unsigned op_index = channel_->result.current_op;
    result->failing_op = op_index < MAX_OPS ? op_index : NO_OP_INDEX;
    result->rule = RuleId::RUNS_TO_THE_END;
    result->observation_count = 0;
    std::string message = "child with " + name_;
    if (WIFSIGNALED(status)) {
      message += " killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
    } else {
      message += " exited with status " + std::to_string(WEXITSTATUS(status));
    }
    if (result->failing_op != NO_OP_INDEX) {
      // The input is still in the channel: the op is named as a violation names it.
      auto stream = std::make_unique<OpStream>();
      decode_op_stream(channel_->input, channel_->input_size_bytes, stream.get());
      char op_text[RESULT_MESSAGE_BYTES / 4] = "";
      if (result->failing_op < stream->op_count) format_op(stream->ops[result->failing_op], op_text, sizeof op_text);
      message += " in op " + std::to_string(result->failing_op) + " (" + op_text + ")";
    }
    message += detail;
    channel_->crash_stack[sizeof channel_->crash_stack - 1] = '\0';
    if (WIFSIGNALED(status) && channel_->crash_stack[0] != '\0')
      message += std::string("; stack: ") + channel_->crash_stack;
    std::snprintf(result->message, RESULT_MESSAGE_BYTES, "%s", message.c_str());
  }

  void copy_result(RunResult* result) const {
    const RunResult& shared = channel_->result;
    result->verdict = shared.verdict;
    result->failing_op = shared.failing_op;
    result->rule = shared.rule;
    std::memcpy(result->message, shared.message, RESULT_MESSAGE_BYTES);
    result->observation_count = shared.observation_count;
    std::memcpy(result->observations, shared.observations, shared.observation_count * sizeof(Observation));
  }

  std::string library_path_;
  bool fresh_process_per_input_;
  std::string name_;
  ChildChannel* channel_;
  int memory_fd_;
  int timeout_ms_;
  std::string child_executable_;
  pid_t child_ = -1;
  unsigned inputs_in_child_ = 0;  // inputs the current (or last) child was given
  int request_fd_ = -1;
  int reply_fd_ = -1;
};

}  // namespace

std::unique_ptr<TargetRunner> make_preload_runner(const std::string& library_path, bool fresh_process_per_input,
                                                  std::string* error) {
  FuzzEnvironment environment;
  if (!read_fuzz_environment(&environment, error)) return nullptr;
  char absolute[PATH_MAX];
  struct stat status;
  if (realpath(library_path.c_str(), absolute) == nullptr || access(absolute, R_OK) != 0 ||
      stat(absolute, &status) != 0) {
    *error = "cannot read allocator library " + library_path + ": " + std::strerror(errno);
    return nullptr;
  }
  if (!S_ISREG(status.st_mode)) {
    *error = "cannot read allocator library " + library_path + ": " +
             std::strerror(S_ISDIR(status.st_mode) ? EISDIR : EINVAL);
    return nullptr;
  }
  const int memory_fd = memfd_create("hafuzz-channel", MFD_CLOEXEC);
  if (memory_fd < 0 || ftruncate(memory_fd, sizeof(ChildChannel)) != 0) {
    *error = "memfd_create failed";
    return nullptr;
  }
  void* mapping = mmap(nullptr, sizeof(ChildChannel), PROT_READ | PROT_WRITE, MAP_SHARED, memory_fd, 0);
  if (mapping == MAP_FAILED) {
    *error = "mmap of the channel failed";
    close(memory_fd);
    return nullptr;
  }
  auto runner = std::make_unique<PreloadRunner>(absolute, fresh_process_per_input, static_cast<ChildChannel*>(mapping),
                                                memory_fd, environment);
  if (!runner->check_interposes_malloc(error)) return nullptr;
  return runner;
}

}  // namespace hafuzz
