// hardening: where everything the allocator prints goes: statistics, the verbose options table,
// option warnings and, with the hardened build, error reports. By default that is stderr; with
// log_path=PATH it is the file PATH.PID, one per process, as the sanitizers' log_path does
// (programs such as ls, cat and wc close stderr before they exit, which loses exit-time output).
//
// Every block of output starts with the line prefix "hardalloc[PID] PROGRAM: " followed by the
// block's kind ("started", "options", "statistics", "warning", "error", ...), so that blocks from
// many processes can be told apart; tools/hardalloc-run reads that first word. A log file opens
// with a "started" line, so a process that prints nothing else is still seen.
//
// Allocation-free: the path lives in a fixed buffer, a block is written through a Writer.
#pragma once
#include "base/writer.h"

namespace hardalloc {

// Sends later output to PATH.PID (an empty path: stderr). Called once, by options(), after the
// options are parsed and before anything is printed. Returns false when the file cannot be
// opened; output then stays on stderr.
bool log_sink_open(const char* path);

// The descriptor this process writes its blocks to. With a log path it is reopened as PATH.PID
// after fork (a new pid), and when the program closed or reused the descriptor.
int log_fd();

// Writes the prefix every block starts with: "hardalloc[PID] PROGRAM: ".
void log_block_prefix(Writer& out);

// One block of output on the log sink; its first line starts with the prefix and `kind`.
class LogBlock {
 public:
  explicit LogBlock(const char* kind) : out_(log_fd()) {
    log_block_prefix(out_);
    out_.text(kind);
  }
  Writer& out() { return out_; }

 private:
  Writer out_;
};

}  // namespace hardalloc
