// One heap misuse per run, chosen by name, for the death tests of the hardened library
// (check_misuse.py runs it with libhardalloc-hardened.so preloaded). Built at -O0 with
// -fno-builtin and every pointer passed through an opaque barrier, so the compiler keeps each
// bug as written (FACTS.md). Usage: hardened_misuse CASE [SIZE]; exit 0 if the program gets past
// the misuse (it must not, unless abort_on_error=0), 2 on bad usage.
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "case_arguments.h"
#include "opaque.h"

namespace {

using hardalloc_test::opaque;

void* ptr_of(void* p) { return opaque(p); }
uint8_t* bytes_of(void* p) { return static_cast<uint8_t*>(opaque(p)); }

// Changes the byte at `p`, one past a request: the canary's pattern there is keyed per process,
// so writing a fixed value would leave it as it was in one run of 256, and nothing to report.
void overwrite(uint8_t* p) { *p = static_cast<uint8_t>(~*p); }

// Frees and allocates blocks of another size class until `rounds` frees have passed through the
// quarantine, so that earlier frees leave it.
void cycle_quarantine(size_t size, int rounds) {
  for (int i = 0; i < rounds; ++i) free(ptr_of(malloc(size)));
}

// Allocates blocks of `size` until one comes back as `target` (it was freed and left the
// quarantine), or gives up.
void reuse_until(size_t size, void* target) {
  for (int i = 0; i < 100000; ++i) {
    void* q = malloc(size);
    if (q == target) return;
  }
}

int check_heap() {
  using CheckHeap = int (*)();
  auto check = reinterpret_cast<CheckHeap>(dlsym(RTLD_DEFAULT, "ha_check_heap"));
  if (check == nullptr) {
    std::fprintf(stderr, "hardened_misuse: ha_check_heap not found (is the library preloaded?)\n");
    std::exit(3);
  }
  return check();
}

void* free_in_thread(void* p) {
  free(p);
  return nullptr;
}

int global_object;

// --- checked copies (libhardalloc-hardened.so's memcpy and its kin) ---

const char* const COPY_FUNCTIONS[] = {"memcpy", "memmove", "memset", "strcpy", "strncpy", "strcat", "strncat"};

// Writes exactly `n` bytes (n >= 2) from `dest` with `function`: a string function copies a
// string of n - 1 characters and its terminating zero (strcat and strncat append to a string
// already half of it). Every call is a real call (-O0 -fno-builtin, opaque pointers).
void write_with(const std::string& function, char* dest, size_t n) {
  char* source = static_cast<char*>(opaque(malloc(n)));
  for (size_t i = 0; i + 1 < n; ++i) source[i] = 'y';
  source[n - 1] = '\0';
  const size_t kept = (n - 1) / 2;  // what strcat and strncat find in dest
  if (function == "strcat" || function == "strncat") {
    for (size_t i = 0; i < kept; ++i) dest[i] = 'x';
    dest[kept] = '\0';
  }
  if (function == "memcpy") {
    memcpy(opaque(dest), source, n);
  } else if (function == "memmove") {
    memmove(opaque(dest), source, n);
  } else if (function == "memset") {
    memset(opaque(dest), 'y', n);
  } else if (function == "strcpy") {
    strcpy(opaque(dest), source);
  } else if (function == "strncpy") {
    strncpy(opaque(dest), source, n);
  } else if (function == "strcat") {
    strcat(opaque(dest), source + kept);
  } else if (function == "strncat") {
    strncat(opaque(dest), source, n - 1 - kept);
  } else {
    std::fprintf(stderr, "hardened_misuse: unknown copy function '%s'\n", function.c_str());
    std::exit(2);
  }
  free(source);
}

char global_buffer[64];

// Each case returns normally only when no report stopped the program.
void run(const std::string& name, size_t size) {
  if (name == "double-free") {
    void* p = malloc(size);
    free(p);
    free(ptr_of(p));
  } else if (name == "double-free-after-reuse") {  // free(p); q = malloc(n); free(p)
    void* p = malloc(size);
    free(p);
    void* q = malloc(size);
    free(ptr_of(p));
    free(q);
  } else if (name == "double-free-cross-thread") {  // two threads free one block at once
    void* p = malloc(size);
    pthread_t a, b;
    pthread_create(&a, nullptr, free_in_thread, p);
    pthread_create(&b, nullptr, free_in_thread, ptr_of(p));
    pthread_join(a, nullptr);
    pthread_join(b, nullptr);
  } else if (name == "double-free-aligned") {
    void* p = nullptr;
    if (posix_memalign(&p, 4096, size) != 0) std::exit(4);
    free(p);
    free(ptr_of(p));
  } else if (name == "realloc-freed") {
    void* p = malloc(size);
    free(p);
    std::printf("%p\n", realloc(ptr_of(p), 2 * size + 1));
  } else if (name == "usable-size-freed") {
    void* p = malloc(size);
    free(p);
    std::printf("%zu\n", malloc_usable_size(ptr_of(p)));
  } else if (name == "interior-free") {
    free(bytes_of(malloc(size)) + 16);
  } else if (name == "invalid-free") {  // inside our page, past every block carved so far
    free(bytes_of(malloc(64)) + 32 * 1024);
  } else if (name == "foreign-free-stack") {
    int on_stack = 0;
    free(ptr_of(&on_stack));
  } else if (name == "foreign-free-global") {
    free(ptr_of(&global_object));
  } else if (name == "foreign-free-mmap") {
    void* m = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    free(ptr_of(m));
  } else if (name == "size-mismatch-free-sized") {
    using FreeSized = void (*)(void*, size_t);
    auto free_sized = reinterpret_cast<FreeSized>(dlsym(RTLD_DEFAULT, "free_sized"));
    free_sized(malloc(size), size + 1);
  } else if (name == "size-mismatch-delete") {
    void* p = ::operator new(size);
    ::operator delete(ptr_of(p), size / 2);
  } else if (name == "size-mismatch-aligned-delete") {
    // A block that happens to start on a 4096-byte boundary (1 in 64 for 64-byte blocks in a
    // random carve order) would not mismatch: take another, keeping the aligned ones live.
    void* p = ::operator new (size, std::align_val_t{16});
    while (reinterpret_cast<uintptr_t>(p) % 4096 == 0) p = ::operator new (size, std::align_val_t{16});
    ::operator delete (ptr_of(p), size, std::align_val_t{4096});
  } else if (name == "overflow") {  // one byte past the request
    uint8_t* p = bytes_of(malloc(size));
    overwrite(&p[size]);
    free(p);
  } else if (name == "overflow-aligned") {
    void* q = nullptr;
    if (posix_memalign(&q, 256, size) != 0) std::exit(4);
    overwrite(&bytes_of(q)[size]);
    free(q);
  } else if (name == "overflow-realloc") {  // caught by realloc, not only by free
    uint8_t* p = bytes_of(malloc(size));
    overwrite(&p[size + 3]);
    p = static_cast<uint8_t*>(realloc(p, size * 4));
  } else if (name == "underflow") {  // into the block below, found by that block's canary
    uint8_t* blocks[64];
    for (auto& b : blocks) b = bytes_of(malloc(size));
    // Two neighbours: the pair the least apart (the page's block size).
    int below = 0, above = 0;
    for (int i = 0; i < 64; ++i) {
      for (int j = 0; j < 64; ++j) {
        if (blocks[j] > blocks[i] && (above == below || blocks[j] - blocks[i] < blocks[above] - blocks[below])) {
          below = i;
          above = j;
        }
      }
    }
    blocks[above][-1] = 1;  // the last byte of the block below: its canary word
    free(blocks[below]);
  } else if (name == "double-free-after-page-freed") {  // its page went free in between
    void* keep = malloc(2 * size + 64);                 // another class's block keeps a small or medium segment
    void* blocks[10];
    for (void*& b : blocks) b = malloc(size);
    for (void* b : blocks) free(b);
    cycle_quarantine(2 * size + 64, 2000);
    malloc_trim(0);  // empty pages go free now
    free(blocks[3]);
    free(keep);
  } else if (name == "write-after-free" || name == "zero-on-free") {  // caught leaving the quarantine
    uint8_t* p = bytes_of(malloc(size));
    free(p);
    p[size / 2 < 200 ? size / 2 : 200] = 1;  // inside the filled part (the first 256 bytes)
    cycle_quarantine(size == 48 ? 96 : 48, 2000);
  } else if (name == "write-after-free-on-reuse") {  // caught when malloc hands the block out
    uint8_t* p = bytes_of(malloc(size));
    free(p);
    cycle_quarantine(size == 48 ? 96 : 48, 2000);
    p[8] = 1;
    reuse_until(size, p);
  } else if (name == "use-after-free-link") {  // seeds/004 attack 1: a forged free-list link
    void* keep = malloc(size);
    uint8_t* p = bytes_of(malloc(size));
    free(p);
    cycle_quarantine(size == 48 ? 96 : 48, 2000);
    static char target[64];
    *reinterpret_cast<void**>(p) = opaque(static_cast<void*>(target));
    for (int i = 0; i < 100000; ++i) {
      if (malloc(size) == static_cast<void*>(target)) std::abort();  // never: the link is checked
    }
    free(keep);
  } else if (name == "double-free-two-pointers") {  // seeds/004 attack 2
    void* a = malloc(size);
    void* b = malloc(size);
    free(a);
    free(b);
    free(ptr_of(a));
    if (malloc(size) == malloc(size)) std::abort();
  } else if (name == "overflow-into-neighbour") {  // seeds/004 attack 3
    uint8_t* a = bytes_of(malloc(size));
    uint8_t* b = bytes_of(malloc(size));
    std::memset(a, 'A', size + 32);
    free(b);
    free(a);
  } else if (name == "guard-overflow") {  // a linear overflow runs off the end of the page
    uint8_t* p = bytes_of(malloc(size));
    for (size_t i = 0;; ++i) p[i] = 0x41;
  } else if (name == "guard-underflow-huge") {  // the guard page after the segment header
    uint8_t* p = bytes_of(malloc(size));
    p[-1] = 1;
  } else if (name == "guard-underflow-large") {  // the guard slot of the large block before it
    uint8_t* first = bytes_of(malloc(size));
    uint8_t* p = bytes_of(malloc(size));
    if (first == p) std::abort();
    p[-1] = 1;
  } else if (name == "use-after-free-huge") {  // its mapping went back to the OS
    uint8_t* p = bytes_of(malloc(size));
    free(p);
    cycle_quarantine(64, 2000);
    p[0] = 1;
  } else if (name == "heap-check") {  // a live block's overflow, found by ha_check_heap
    uint8_t* p = bytes_of(malloc(size));
    overwrite(&p[size]);
    check_heap();
  } else if (name == "heap-check-at-exit") {  // ... or at exit with check_heap_at_exit=1
    uint8_t* p = bytes_of(malloc(size));
    overwrite(&p[size]);
  } else if (name == "three-errors") {  // abort_on_error=0: every error reported, the run goes on
    void* p = malloc(size);
    free(p);
    free(ptr_of(p));
    free(bytes_of(malloc(size)) + 16);
    uint8_t* q = bytes_of(malloc(size));
    overwrite(&q[size]);
    free(q);
    std::puts("finished");
  } else if (name.rfind("copy-overflow-", 0) == 0) {  // one byte past the request; never freed
    // With check_memcpy=0 nothing reports it (the block is not freed, so no canary is checked):
    // the run must then finish, with the byte written.
    char* p = static_cast<char*>(opaque(malloc(size)));
    p[size] = 'z';
    write_with(name.substr(std::strlen("copy-overflow-")), p, size + 1);
    if (p[size] == 'z') std::exit(6);    // the copy skipped the byte: not what an unchecked copy does
  } else if (name == "copy-continue") {  // abort_on_error=0: each function reports and writes nothing
    for (const char* function : COPY_FUNCTIONS) {
      char* p = static_cast<char*>(opaque(malloc(size)));
      for (size_t i = 0; i < size; ++i) p[i] = 'a';
      write_with(function, p, size + 1);
      if (p[size - 1] != 'a') {  // every one of the calls would have written the request's last byte
        std::fprintf(stderr, "hardened_misuse: %s wrote into the block after its report\n", function);
        std::exit(7);
      }
      free(p);  // the canary is intact: no second report
    }
    std::puts("finished");
  } else if (name == "copy-clean") {  // exact fits into a block, the stack and a global: no report
    char on_stack[64];
    for (const char* function : COPY_FUNCTIONS) {
      char* p = static_cast<char*>(opaque(malloc(size)));
      write_with(function, p, size);
      write_with(function, p + size / 2, size - size / 2);  // from inside the block to its end
      write_with(function, on_stack, sizeof(on_stack));
      write_with(function, global_buffer, sizeof(global_buffer));
      free(p);
    }
    if (check_heap() != 0) std::exit(5);
    std::puts("clean");
  } else if (name == "clean") {  // no misuse at all: no report, and ha_check_heap finds nothing
    void* blocks[1000];
    for (int i = 0; i < 1000; ++i) blocks[i] = malloc(static_cast<size_t>(i) * 37 % 5000);
    for (int i = 0; i < 1000; i += 2) free(blocks[i]);
    if (check_heap() != 0) std::exit(5);
    for (int i = 1; i < 1000; i += 2) free(blocks[i]);
    std::puts("clean");
  } else {
    std::fprintf(stderr, "hardened_misuse: unknown case '%s'\n", name.c_str());
    std::exit(2);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const hardalloc_test::CaseArguments args = hardalloc_test::parse_case_arguments("hardened_misuse", argc, argv, 48);
  run(args.name, args.size);
  return 0;
}
