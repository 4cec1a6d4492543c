// Turns a target name from the command line or the environment into a runner.
//
//   hardalloc      hardalloc's prefixed API in this process (when linked in)
//   system         this process's malloc (glibc; ASan's or TSan's allocator in sanitizer builds)
//   glibc          the C library's malloc in a child process (the preload runner with the C
//                  library this process runs on): glibc's, in every build
//   /path/lib.so   any allocator library exporting the standard names, LD_PRELOADed into a
//                  child process (anything containing '/')
#pragma once

#include <memory>
#include <string>

#include "target_runner.h"

namespace hafuzz {

// Returns null and sets *error for an unknown name or an unreadable library.
// fresh_process_per_input applies to libraries (make_preload_runner).
std::unique_ptr<TargetRunner> make_target_runner(const std::string& spec, bool fresh_process_per_input,
                                                 std::string* error);

// "hardalloc" when it is linked in, else "system".
const char* default_target_spec();

// The comparison when none is named: glibc's malloc, in process ("system") where it is the
// process's malloc, in a child ("glibc") where a sanitizer replaced it (a sanitizer's allocator
// is no reference, and ASan's is slow: its big blocks cost a third of a fuzzing run); none when
// the target is the system malloc or glibc itself.
const char* default_second_spec(const std::string& target_spec);

// The file of the C library this process runs on, as the dynamic loader found it.
std::string c_library_path();

}  // namespace hafuzz
