// api: every form of C++ operator new and delete, over the exported configuration.
//
// Built without exceptions, like the rest of the library, so that libhardalloc.so needs only
// libc (no libstdc++, libgcc_s or libm for every preloaded process to load) and a C program can
// link libhardalloc.a with nothing extra. What a failed request needs from the C++ runtime (the
// new-handler, throwing std::bad_alloc) it reaches through weak references: any program that
// calls operator new already has that runtime loaded, and a C program never gets here.
//
// The rules kept (C++17 [new.delete.single]): a failing request calls the new-handler until one
// succeeds or there is no handler; then the throwing forms throw std::bad_alloc and the nothrow
// forms return nullptr. A handler that throws out of a nothrow form also yields nullptr: those
// forms delegate to the C++ runtime's own nothrow operator, which calls our throwing one inside
// its try/catch. The frames in between have unwind tables (-funwind-tables), so an exception
// passes through them; they hold nothing to clean up.
#include <dlfcn.h>
#include <unistd.h>

#include <cstddef>
#include <new>

#include "api/exports.h"

using hardalloc::api::A;
using hardalloc::api::C;

// The C++ runtime's entry points, by their mangled names (they are in namespace std and cannot be
// redeclared weak there). Null when no C++ runtime is linked or preloaded into the process.
extern "C" {
std::new_handler cxx_get_new_handler() noexcept __asm__("_ZSt15get_new_handlerv") __attribute__((weak));
[[noreturn]] void cxx_throw_bad_alloc() __asm__("_ZSt17__throw_bad_allocv") __attribute__((weak));
}

namespace {

// A runtime symbol that the weak reference missed because the runtime was dlopen'ed locally
// (RTLD_LOCAL, e.g. by a Python extension). Cold path only: dlopen may allocate.
void* cxx_runtime_symbol(const char* name) {
  void* runtime = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD);
  return runtime == nullptr ? nullptr : dlsym(runtime, name);
}

std::new_handler current_new_handler() {
  if (cxx_get_new_handler != nullptr) return cxx_get_new_handler();
  using Getter = std::new_handler (*)();
  auto getter = reinterpret_cast<Getter>(cxx_runtime_symbol("_ZSt15get_new_handlerv"));
  return getter == nullptr ? nullptr : getter();
}

[[noreturn]] void throw_bad_alloc() {
  if (cxx_throw_bad_alloc != nullptr) cxx_throw_bad_alloc();
  using Thrower = void (*)();
  if (auto thrower = reinterpret_cast<Thrower>(cxx_runtime_symbol("_ZSt17__throw_bad_allocv"))) thrower();
  static const char message[] =
      "hardalloc: out of memory in operator new, and no C++ runtime to throw std::bad_alloc\n";
  ssize_t ignored = write(2, message, sizeof(message) - 1);
  static_cast<void>(ignored);
  __builtin_trap();
}

// Calls the new-handler until `retry` succeeds, then throws when there is no handler left.
template <class Retry>
void* out_of_memory(Retry retry) {
  for (;;) {
    std::new_handler handler = current_new_handler();
    if (handler == nullptr) throw_bad_alloc();
    handler();
    if (void* p = retry()) return p;
  }
}

void* new_block(std::size_t size) {
  if (void* p = A::malloc(size)) return p;
  return out_of_memory([size] { return A::malloc(size); });
}

void* new_aligned(std::size_t size, std::align_val_t alignment) {
  const auto a = static_cast<std::size_t>(alignment);
  if (void* p = A::aligned(a, size)) return p;
  return out_of_memory([size, a] { return A::aligned(a, size); });
}

// The nothrow forms: without a new-handler a failure is simply nullptr. With one, the handler may
// throw, which only a frame with a catch can turn into nullptr: the C++ runtime's nothrow operator
// (the next definition after ours) is such a frame, and it calls the throwing operator (ours).
// Without that operator (a C++ runtime linked statically) the handler is called here, and an
// exception from it reaches the caller, as with mimalloc.
template <class Nothrow, class Retry>
void* nothrow_failure(const char* runtime_name, Nothrow call_runtime, Retry retry) {
  if (current_new_handler() == nullptr) return nullptr;
  if (void* runtime_operator = dlsym(RTLD_NEXT, runtime_name)) return call_runtime(runtime_operator);
  for (std::new_handler handler = current_new_handler(); handler != nullptr; handler = current_new_handler()) {
    handler();
    if (void* p = retry()) return p;
  }
  return nullptr;
}

void* new_block_nothrow(std::size_t size, const char* runtime_name) {
  if (void* p = A::malloc(size)) return p;
  return nothrow_failure(
      runtime_name,
      [size](void* op) {
        return reinterpret_cast<void* (*)(std::size_t, const std::nothrow_t&)>(op)(size, std::nothrow_t{});
      },
      [size] { return A::malloc(size); });
}

void* new_aligned_nothrow(std::size_t size, std::align_val_t alignment, const char* runtime_name) {
  const auto a = static_cast<std::size_t>(alignment);
  if (void* p = A::aligned(a, size)) return p;
  return nothrow_failure(
      runtime_name,
      [size, alignment](void* op) {
        using Op = void* (*)(std::size_t, std::align_val_t, const std::nothrow_t&);
        return reinterpret_cast<Op>(op)(size, alignment, std::nothrow_t{});
      },
      [size, a] { return A::aligned(a, size); });
}

}  // namespace

#define HA_EXPORT_CXX __attribute__((visibility("default")))

HA_EXPORT_CXX void* operator new(std::size_t n) { return new_block(n); }
HA_EXPORT_CXX void* operator new[](std::size_t n) { return new_block(n); }
HA_EXPORT_CXX void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return new_block_nothrow(n, "_ZnwmRKSt9nothrow_t");
}
HA_EXPORT_CXX void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return new_block_nothrow(n, "_ZnamRKSt9nothrow_t");
}
HA_EXPORT_CXX void* operator new(std::size_t n, std::align_val_t a) { return new_aligned(n, a); }
HA_EXPORT_CXX void* operator new[](std::size_t n, std::align_val_t a) { return new_aligned(n, a); }
HA_EXPORT_CXX void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return new_aligned_nothrow(n, a, "_ZnwmSt11align_val_tRKSt9nothrow_t");
}
HA_EXPORT_CXX void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return new_aligned_nothrow(n, a, "_ZnamSt11align_val_tRKSt9nothrow_t");
}

HA_EXPORT_CXX void operator delete(void* p) noexcept { A::free(p); }
HA_EXPORT_CXX void operator delete[](void* p) noexcept { A::free(p); }
HA_EXPORT_CXX void operator delete(void* p, std::size_t n) noexcept { C::sized_delete(p, 1, n); }
HA_EXPORT_CXX void operator delete[](void* p, std::size_t n) noexcept { C::sized_delete(p, 1, n); }
HA_EXPORT_CXX void operator delete(void* p, std::align_val_t) noexcept { A::free(p); }
HA_EXPORT_CXX void operator delete[](void* p, std::align_val_t) noexcept { A::free(p); }
HA_EXPORT_CXX void operator delete(void* p, std::size_t n, std::align_val_t a) noexcept {
  C::sized_delete(p, static_cast<std::size_t>(a), n);
}
HA_EXPORT_CXX void operator delete[](void* p, std::size_t n, std::align_val_t a) noexcept {
  C::sized_delete(p, static_cast<std::size_t>(a), n);
}
HA_EXPORT_CXX void operator delete(void* p, const std::nothrow_t&) noexcept { A::free(p); }
HA_EXPORT_CXX void operator delete[](void* p, const std::nothrow_t&) noexcept { A::free(p); }
HA_EXPORT_CXX void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { A::free(p); }
HA_EXPORT_CXX void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { A::free(p); }
