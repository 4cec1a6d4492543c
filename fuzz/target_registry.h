// Turns a target name from the command line or the environment into a runner.
//
//   hardalloc      hardalloc's prefixed API in this process (when linked in)
//   system         this process's malloc (glibc; ASan's allocator in sanitizer builds)
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

}  // namespace hafuzz
