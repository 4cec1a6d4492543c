// The process's malloc. In a child with an allocator library preloaded these names bind to
// that library, exactly as in any program.
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>

#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>

#include "allocator_target.h"
#include "sanitizer_build.h"

namespace hafuzz {
namespace {

std::size_t system_usable_size(void* block) { return malloc_usable_size(block); }

constexpr std::size_t MAX_ALIGNMENT_BYTES = MALLOC_IS_ASAN ? std::size_t{1} << 26 : SIZE_MAX;  // ASan's: the header
constexpr bool CALLS_NEW_HANDLER = !MALLOC_IS_ASAN;

bool aligned_new_is_libstdcxx() {
  void* (*aligned_new)(std::size_t, std::align_val_t, const std::nothrow_t&) noexcept = &::operator new;
  Dl_info info;
  return dladdr(reinterpret_cast<void*>(aligned_new), &info) != 0 && info.dli_fname != nullptr &&
         std::strstr(info.dli_fname, "libstdc++") != nullptr;
}

// The file that defines `function`, or "" when dladdr cannot tell.
std::string_view defining_file(void* function) {
  Dl_info info;
  if (dladdr(function, &info) == 0 || info.dli_fname == nullptr) return {};
  return info.dli_fname;
}

// `function` if it comes from the same file as malloc, else null.
template <class Function>
Function from_malloc_owner(Function function) {
  if (function == nullptr) return nullptr;
  const std::string_view owner = defining_file(reinterpret_cast<void*>(&malloc));
  return defining_file(reinterpret_cast<void*>(function)) == owner ? function : nullptr;
}

// glibc raises its mmap threshold each time a mapped block is freed (mallopt(3),
// M_MMAP_THRESHOLD; glibc 2.36), so whether a block of a few hundred KiB is mapped, and with it
// its usable size and whether realloc moves it, would depend on the inputs run before. Setting
// the threshold, at its default of 128 KiB, turns the adjustment off: an input meets the same
// glibc whatever ran before it (AFL++ stability). Only for glibc's own malloc, and whether glibc
// is the comparison or the target under test: so its paths that raise the threshold are not
// fuzzed.
void fix_glibc_mmap_threshold() {
  constexpr int GLIBC_DEFAULT_MMAP_THRESHOLD_BYTES = 128 * 1024;
  if (defining_file(reinterpret_cast<void*>(&malloc)).find("libc.so") != std::string_view::npos) {
    mallopt(M_MMAP_THRESHOLD, GLIBC_DEFAULT_MMAP_THRESHOLD_BYTES);
  }
}

AllocatorTarget make_system_target() {
  using FreeSized = void (*)(void*, std::size_t);
  using FreeAlignedSized = void (*)(void*, std::size_t, std::size_t);
  AllocatorTarget target{"system",
                         malloc,
                         free,
                         calloc,
                         realloc,
                         nullptr,
                         nullptr,
                         nullptr,
                         nullptr,
                         nullptr,
                         nullptr,
                         nullptr,
                         nullptr,
                         nullptr,
                         true,
                         CALLS_NEW_HANDLER,
                         aligned_new_is_libstdcxx(),
                         false,
                         nullptr,
                         MAX_ALIGNMENT_BYTES,
                         nullptr};
  target.reallocarray_fn = from_malloc_owner(&reallocarray);
  target.posix_memalign_fn = from_malloc_owner(&posix_memalign);
  target.aligned_alloc_fn = from_malloc_owner(&aligned_alloc);
  target.memalign_fn = from_malloc_owner(&memalign);
  target.valloc_fn = from_malloc_owner(&valloc);
  target.pvalloc_fn = from_malloc_owner(&pvalloc);
  target.usable_size_fn = from_malloc_owner(&malloc_usable_size) ? system_usable_size : nullptr;
  target.free_sized_fn = from_malloc_owner(reinterpret_cast<FreeSized>(dlsym(RTLD_DEFAULT, "free_sized")));
  target.free_aligned_sized_fn =
      from_malloc_owner(reinterpret_cast<FreeAlignedSized>(dlsym(RTLD_DEFAULT, "free_aligned_sized")));
  // A preloaded hardalloc's heap check, which a misuse op's child runs before it exits (a write
  // after free is found there, not at the write).
  target.check_fn = from_malloc_owner(reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "ha_check_heap")));
  fix_glibc_mmap_threshold();
  return target;
}

}  // namespace

bool target_supports(const AllocatorTarget& target, OpKind kind) {
  switch (kind) {
    case OpKind::REALLOCARRAY:
      return target.reallocarray_fn != nullptr;
    case OpKind::ALIGNED_ALLOC:
      return target.aligned_alloc_fn != nullptr;
    case OpKind::POSIX_MEMALIGN:
      return target.posix_memalign_fn != nullptr;
    case OpKind::MEMALIGN:
      return target.memalign_fn != nullptr;
    case OpKind::VALLOC:
      return target.valloc_fn != nullptr;
    case OpKind::PVALLOC:
      return target.pvalloc_fn != nullptr;
    case OpKind::USABLE_SIZE:
      return target.usable_size_fn != nullptr;
    case OpKind::NEW:
    case OpKind::NEW_ARRAY:
    case OpKind::NEW_ALIGNED:
    case OpKind::NEW_NOTHROW:
      return target.has_operators;
    case OpKind::NEW_HANDLER:
      return target.has_operators && target.calls_new_handler;
    case OpKind::WRONG_SIZE_FREE:
      return target.free_sized_fn != nullptr;
    default:
      return true;
  }
}

const AllocatorTarget& system_target() {
  static const AllocatorTarget target = make_system_target();
  return target;
}

}  // namespace hafuzz
