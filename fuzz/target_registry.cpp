#include "target_registry.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>

#include "sanitizer_build.h"

#if HA_FUZZ_HAVE_HARDALLOC
#include "hardalloc_target.h"
#endif

namespace hafuzz {

std::unique_ptr<TargetRunner> make_target_runner(const std::string& spec, bool fresh_process_per_input,
                                                 std::string* error) {
  if (spec.find('/') != std::string::npos) {
    return make_preload_runner(spec, fresh_process_per_input, error);
  }
  if (spec == "system") return make_in_process_runner(system_target());
  if (spec == "glibc") return make_preload_runner(c_library_path(), fresh_process_per_input, error);
#if HA_FUZZ_HAVE_HARDALLOC
  if (spec == "hardalloc") return make_in_process_runner(hardalloc_target());
  if (spec == "hardalloc-hardened") return make_in_process_runner(hardalloc_hardened_target());
#endif
  *error =
      "unknown target '" + spec + "' (hardalloc, hardalloc-hardened, system, glibc, or a path to an allocator .so)";
  return nullptr;
}

const char* default_target_spec() { return HA_FUZZ_HAVE_HARDALLOC ? "hardalloc" : "system"; }

const char* default_second_spec(const std::string& target_spec) {
  if (target_spec == "system" || target_spec == "glibc") return "none";
  return MALLOC_IS_SANITIZER ? "glibc" : "system";
}

std::string c_library_path() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&gnu_get_libc_version), &info) == 0 || info.dli_fname == nullptr)
    return "libc.so.6";
  return info.dli_fname;
}

}  // namespace hafuzz
