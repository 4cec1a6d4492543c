#include "target_registry.h"

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
#if HA_FUZZ_HAVE_HARDALLOC
  if (spec == "hardalloc") return make_in_process_runner(hardalloc_target());
  if (spec == "hardalloc-hardened") return make_in_process_runner(hardalloc_hardened_target());
#endif
  *error = "unknown target '" + spec + "' (hardalloc, hardalloc-hardened, system, or a path to an allocator .so)";
  return nullptr;
}

const char* default_target_spec() { return HA_FUZZ_HAVE_HARDALLOC ? "hardalloc" : "system"; }

}  // namespace hafuzz
