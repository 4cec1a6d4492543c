// A small allocator with one deliberate bug, chosen at build time, to prove that the fuzzing
// suite finds allocator bugs (docs/fuzzing.md, "Planted bugs"). Built once per bug, plus once
// with none, as libplanted_<bug>.so exporting the standard malloc names.
//
// Design (its own, deliberately simple): every block has a 16-byte header in front of it.
// Small requests (<= 64 KiB) are rounded to a size class and served from per-class free lists
// under one global lock, refilled by carving 1 MiB chunks from mmap. Large and over-aligned
// requests get their own mapping, whose base and length sit in the mapping's first bytes.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef PLANTED_BUG
#error "PLANTED_BUG selects the planted bug (0 for none)"
#endif

namespace {

enum class PlantedBug {
  NONE = 0,
  REALLOC_LOST_BYTE = 1,                // realloc growth does not copy the block's first byte
  OVERLAPPING_CLASS = 2,                // the 512-byte class is carved at a 256-byte stride
  CALLOC_RECYCLED_NOT_ZEROED = 3,       // calloc trusts that every block is fresh (zero) memory
  WRONG_LARGE_ALIGNMENT = 4,            // alignments >= 64 KiB are rounded with half the mask
  USABLE_SIZE_UNDER = 5,                // malloc_usable_size subtracts the header twice (>= 1 KiB)
  DOUBLE_FREE_LIST_PUSH = 6,            // a free into an empty list pushes the block twice
  UNLOCKED_CROSS_THREAD_FREE = 7,       // a free from another thread skips the lock
  ONE_CLASS_DOUBLE_PUSH = 8,            // every 16th free in the 48-byte class pushes the block twice
  UNLOCKED_REMOTE_FREE_ONE_CLASS = 9,   // the 64-byte class: another thread's free skips the lock
  USABLE_SIZE_OVER = 10,                // malloc_usable_size says 16 bytes more than the block has
  USABLE_RANGES_OVERLAP = 11,           // the 256-byte class serves requests up to 192 bytes at
                                        // a 192-byte stride, yet reports 256 usable bytes
  FREE_WRITES_ERRNO = 12,               // freeing a mapped block leaves madvise's EINVAL in errno
  REALLOC_SHRINK_LOSES_TAIL = 13,       // a shrinking realloc moves the block, copying 4 KiB at most
  MEMALIGN_FAILURE_WRITES_OUTPUT = 14,  // posix_memalign stores NULL in its output when it fails
  NEW_HANDLER_NEVER_CALLED = 15,        // its operator new throws without calling the new_handler
  HARDENED_MISSES_DOUBLE_FREE = 16,     // a "hardened" variant reports every misuse but a double free
};
constexpr PlantedBug BUG = static_cast<PlantedBug>(PLANTED_BUG);
// The last two are invisible to a harness that uses only the requested bytes: realloc and the
// blocks' headers keep to the true capacity, only malloc_usable_size lies. USABLE_SIZE_OVER's
// extra 16 bytes are the next block's header; USABLE_RANGES_OVERLAP's reported 256 bytes run 48
// bytes into the next block of the class, whose own request never reaches back.
// FREE_WRITES_ERRNO and MEMALIGN_FAILURE_WRITES_OUTPUT were invisible to a harness that observed
// only each call's result and errno on failure; NEW_HANDLER_NEVER_CALLED to one that never
// installed a new_handler.

constexpr size_t HEADER_BYTES = 16;
constexpr size_t ALIGN_BYTES = 16;
constexpr size_t PAGE_BYTES = 4096;
constexpr size_t CHUNK_BYTES = size_t{1} << 20;
constexpr size_t MAX_SMALL_BYTES = 64 * 1024;
constexpr uint32_t LARGE_CLASS = 0xFFFFFFFFu;
constexpr unsigned CLASS_COUNT = 8 + 10;  // 16..128 by 16, then 256..64 KiB by powers of two
constexpr size_t MAX_REQUEST_BYTES = PTRDIFF_MAX;

struct Header {
  uint32_t class_index;  // LARGE_CLASS for a block with its own mapping
  uint32_t owner;        // thread tag of the allocating thread
  void* mapping;         // large blocks: the mapping, whose first word is its length
};
static_assert(sizeof(Header) == HEADER_BYTES);

struct FreeBlock {
  FreeBlock* next;
};

// Bugs confined to one size class (ONE_CLASS_DOUBLE_PUSH, UNLOCKED_REMOTE_FREE_ONE_CLASS): a
// stream that spreads its sizes over every class rarely works any one of them hard enough.
constexpr size_t ONE_CLASS_DOUBLE_PUSH_BYTES = 48;
constexpr unsigned ONE_CLASS_DOUBLE_PUSH_PERIOD = 16;
constexpr size_t UNLOCKED_REMOTE_FREE_BYTES = 64;
constexpr int RACE_WINDOW_PAUSES = 5000;  // widens a race window so that 2 cores show it in seconds

// USABLE_RANGES_OVERLAP: the class whose size is reported, and what its blocks really hold.
constexpr size_t OVERLAP_CLASS_BYTES = 256;
constexpr size_t OVERLAP_CAPACITY_BYTES = 192;

// HARDENED_MISSES_DOUBLE_FREE: small blocks carry a live mark in Header::owner's high half,
// their request in Header::mapping (unused for them) and 16 canary bytes after it; a free block
// is marked freed and holds a fill after its link. Misuse is reported in hardalloc's format
// (hardening/report.h), then the process aborts; but a free of a block marked freed goes
// through unreported, and pushes it on its free list again: the bug.
constexpr bool HARDENED = BUG == PlantedBug::HARDENED_MISSES_DOUBLE_FREE;
constexpr uint32_t LIVE_MARK = 0xA11C0000u;
constexpr uint32_t FREED_MARK = 0xF7EE0000u;
constexpr uint32_t MARK_MASK = 0xFFFF0000u;
constexpr size_t CANARY_BYTES = 16;
constexpr unsigned char CANARY = 0xC5;
constexpr unsigned char FREE_FILL = 0xDF;
constexpr unsigned MAX_CHUNKS = 4096;

pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
char* g_chunks[MAX_CHUNKS];            // guarded by g_lock: every chunk carved (HARDENED: ownership)
unsigned g_chunk_count;                // guarded by g_lock
unsigned g_one_class_frees;            // guarded by g_lock
FreeBlock* g_free_lists[CLASS_COUNT];  // guarded by g_lock
char* g_chunk_cursor;                  // guarded by g_lock
char* g_chunk_end;
uint32_t g_next_thread_tag = 1;  // guarded by g_lock
__thread uint32_t t_thread_tag;

size_t class_size(unsigned index) { return index < 8 ? (index + 1) * 16 : size_t{256} << (index - 8); }

bool overlap_class(unsigned index) {
  return BUG == PlantedBug::USABLE_RANGES_OVERLAP && class_size(index) == OVERLAP_CLASS_BYTES;
}

// The bytes a block of the class really holds.
size_t class_capacity(unsigned index) { return overlap_class(index) ? OVERLAP_CAPACITY_BYTES : class_size(index); }

unsigned class_of(size_t size) {
  if (size <= 128) return size == 0 ? 0 : static_cast<unsigned>((size - 1) / 16);
  unsigned index = 8;
  while (class_capacity(index) < size) ++index;
  return index;
}

size_t carve_stride(unsigned index) {
  if (BUG == PlantedBug::OVERLAPPING_CLASS && class_size(index) == 512) return 256;
  return class_capacity(index) + HEADER_BYTES;
}

Header* header_of(void* block) { return static_cast<Header*>(block) - 1; }

uint32_t thread_tag() {
  if (t_thread_tag == 0) {
    pthread_mutex_lock(&g_lock);
    t_thread_tag = g_next_thread_tag++;
    pthread_mutex_unlock(&g_lock);
  }
  return t_thread_tag;
}

void* map_pages(size_t bytes) {
  void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return mapping == MAP_FAILED ? nullptr : mapping;
}

[[noreturn]] void report_misuse(const char* kind, const void* address) {
  char line[160];
  const int length = snprintf(line, sizeof line, "hardalloc[%d] planted: error: %s on %p in thread 1\n",
                              static_cast<int>(getpid()), kind, address);
  if (length > 0) {
    const ssize_t ignored = write(2, line, static_cast<size_t>(length));
    static_cast<void>(ignored);
  }
  abort();
}

bool in_chunks(const void* pointer) {
  pthread_mutex_lock(&g_lock);
  bool found = false;
  for (unsigned i = 0; i < g_chunk_count && !found; ++i) {
    found = pointer > g_chunks[i] && pointer < g_chunks[i] + CHUNK_BYTES;
  }
  pthread_mutex_unlock(&g_lock);
  return found;
}

size_t requested_of(const Header* header) { return reinterpret_cast<uintptr_t>(header->mapping); }

// HARDENED: marks a small block live with its request and writes its canary.
void arm_block(void* block, size_t requested) {
  Header* header = header_of(block);
  header->owner = (header->owner & ~MARK_MASK) | LIVE_MARK;
  header->mapping = reinterpret_cast<void*>(requested);
  const size_t capacity = class_capacity(header->class_index);
  const size_t end = requested + CANARY_BYTES < capacity ? requested + CANARY_BYTES : capacity;
  memset(static_cast<char*>(block) + requested, CANARY, end - requested);
}

// HARDENED: the checks of a free of a small block, or of a pointer that is no block of ours.
void check_free(void* pointer) {
  const Header* header = header_of(pointer);
  if (!in_chunks(pointer)) {
    if (header->class_index == LARGE_CLASS) return;  // a block with its own mapping: not checked
    report_misuse("foreign-free", pointer);
  }
  const uint32_t mark = header->owner & MARK_MASK;
  if (header->class_index >= CLASS_COUNT || (mark != LIVE_MARK && mark != FREED_MARK)) {
    report_misuse("interior-free", pointer);
  }
  if (mark == FREED_MARK) return;  // the bug: a double free should be reported here
  const size_t capacity = class_capacity(header->class_index);
  const size_t requested = requested_of(header);
  const size_t end = requested + CANARY_BYTES < capacity ? requested + CANARY_BYTES : capacity;
  for (size_t i = requested; i < end; ++i) {
    if (static_cast<const unsigned char*>(pointer)[i] != CANARY) report_misuse("overflow", pointer);
  }
}

// Small path. *recycled says whether the block was used before (its bytes are not zero).
void* small_alloc(size_t size, bool* recycled) {
  const unsigned index = class_of(HARDENED ? size + CANARY_BYTES : size);  // room for the canary
  pthread_mutex_lock(&g_lock);
  FreeBlock* block = g_free_lists[index];
  *recycled = block != nullptr;
  if (block != nullptr) {
    g_free_lists[index] = block->next;
  } else {
    const size_t stride = carve_stride(index);
    if (g_chunk_cursor == nullptr || g_chunk_cursor + class_size(index) + HEADER_BYTES > g_chunk_end) {
      char* chunk = static_cast<char*>(map_pages(CHUNK_BYTES));
      if (chunk == nullptr) {
        pthread_mutex_unlock(&g_lock);
        return nullptr;
      }
      g_chunk_cursor = chunk;
      g_chunk_end = chunk + CHUNK_BYTES;
      if (g_chunk_count < MAX_CHUNKS) g_chunks[g_chunk_count++] = chunk;
    }
    block = reinterpret_cast<FreeBlock*>(g_chunk_cursor + HEADER_BYTES);
    g_chunk_cursor += stride;
  }
  pthread_mutex_unlock(&g_lock);
  Header* header = header_of(block);
  header->class_index = index;
  header->owner = thread_tag();
  if (HARDENED) arm_block(block, size);
  return block;
}

void push_free(unsigned index, FreeBlock* block) {
  block->next = g_free_lists[index];
  g_free_lists[index] = block;
}

void small_free(void* pointer) {
  Header* header = header_of(pointer);
  const unsigned index = header->class_index;
  auto* block = static_cast<FreeBlock*>(pointer);
  const bool unlocked_class =
      BUG == PlantedBug::UNLOCKED_CROSS_THREAD_FREE ||
      (BUG == PlantedBug::UNLOCKED_REMOTE_FREE_ONE_CLASS && class_size(index) == UNLOCKED_REMOTE_FREE_BYTES);
  if (unlocked_class && header->owner != thread_tag()) {
    FreeBlock* head = g_free_lists[index];
    for (int pause = 0; pause < RACE_WINDOW_PAUSES; ++pause) asm volatile("pause");
    block->next = head;
    g_free_lists[index] = block;
    return;
  }
  if (HARDENED) {
    header->owner = (header->owner & ~MARK_MASK) | FREED_MARK;
    memset(static_cast<char*>(pointer) + sizeof(FreeBlock), FREE_FILL, class_capacity(index) - sizeof(FreeBlock));
  }
  pthread_mutex_lock(&g_lock);
  const bool list_was_empty = g_free_lists[index] == nullptr;
  push_free(index, block);
  if (BUG == PlantedBug::DOUBLE_FREE_LIST_PUSH && list_was_empty) push_free(index, block);
  if (BUG == PlantedBug::ONE_CLASS_DOUBLE_PUSH && class_size(index) == ONE_CLASS_DOUBLE_PUSH_BYTES &&
      ++g_one_class_frees % ONE_CLASS_DOUBLE_PUSH_PERIOD == 0) {
    push_free(index, block);
  }
  pthread_mutex_unlock(&g_lock);
}

// Large or over-aligned: a mapping of its own, the block aligned inside it.
void* mapped_alloc(size_t size, size_t align) {
  const size_t slack = align + 2 * HEADER_BYTES;
  if (size > MAX_REQUEST_BYTES - slack - PAGE_BYTES) return nullptr;
  const size_t length = (size + slack + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
  char* mapping = static_cast<char*>(map_pages(length));
  if (mapping == nullptr) return nullptr;
  *reinterpret_cast<size_t*>(mapping) = length;
  const size_t mask = BUG == PlantedBug::WRONG_LARGE_ALIGNMENT && align >= 65536 ? align / 2 - 1 : align - 1;
  const uintptr_t first = reinterpret_cast<uintptr_t>(mapping) + 2 * HEADER_BYTES;
  void* block = reinterpret_cast<void*>((first + mask) & ~uintptr_t{mask});
  Header* header = header_of(block);
  header->class_index = LARGE_CLASS;
  header->owner = thread_tag();
  header->mapping = mapping;
  return block;
}

// What the block really holds (malloc_usable_size may say otherwise: the planted bugs).
size_t usable_bytes(void* pointer) {
  const Header* header = header_of(pointer);
  if (header->class_index == LARGE_CLASS) {
    const char* mapping = static_cast<const char*>(header->mapping);
    return static_cast<size_t>(mapping + *reinterpret_cast<const size_t*>(mapping) - static_cast<char*>(pointer));
  }
  return class_capacity(header->class_index);
}

void* allocate(size_t size, size_t align, bool* recycled) {
  *recycled = false;
  if (size > MAX_REQUEST_BYTES) {
    errno = ENOMEM;
    return nullptr;
  }
  const size_t canary_room = HARDENED ? CANARY_BYTES : 0;
  void* block = size + canary_room <= MAX_SMALL_BYTES && align <= ALIGN_BYTES
                    ? small_alloc(size, recycled)
                    : mapped_alloc(size, align < ALIGN_BYTES ? ALIGN_BYTES : align);
  if (block == nullptr) errno = ENOMEM;
  return block;
}

bool is_power_of_two(size_t value) { return value != 0 && (value & (value - 1)) == 0; }

void* aligned(size_t align, size_t size) {
  if (!is_power_of_two(align)) {
    errno = EINVAL;
    return nullptr;
  }
  bool recycled;
  return allocate(size, align, &recycled);
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* malloc(size_t size) {
  bool recycled;
  return allocate(size, ALIGN_BYTES, &recycled);
}

__attribute__((visibility("default"))) void free(void* pointer) {
  if (pointer == nullptr) return;
  if (HARDENED) check_free(pointer);
  Header* header = header_of(pointer);
  if (header->class_index != LARGE_CLASS) return small_free(pointer);
  void* mapping = header->mapping;
  // The bug: "give the block's pages back first", on an address that is not page-aligned.
  if (BUG == PlantedBug::FREE_WRITES_ERRNO) madvise(pointer, PAGE_BYTES, MADV_DONTNEED);
  munmap(mapping, *static_cast<size_t*>(mapping));
}

__attribute__((visibility("default"))) void* calloc(size_t count, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  bool recycled;
  void* block = allocate(bytes, ALIGN_BYTES, &recycled);
  const bool trusts_fresh = BUG == PlantedBug::CALLOC_RECYCLED_NOT_ZEROED;
  if (block != nullptr && recycled && !trusts_fresh) memset(block, 0, bytes);
  return block;
}

__attribute__((visibility("default"))) void* realloc(void* pointer, size_t size) {
  if (pointer == nullptr) return malloc(size);
  if (size == 0) {
    free(pointer);
    return nullptr;
  }
  const size_t old_usable = usable_bytes(pointer);
  const bool shrink_loses_tail = BUG == PlantedBug::REALLOC_SHRINK_LOSES_TAIL && size < old_usable;
  const size_t canary_room = HARDENED ? CANARY_BYTES : 0;
  if (size + canary_room <= old_usable && header_of(pointer)->class_index != LARGE_CLASS && !shrink_loses_tail) {
    if (HARDENED) {
      check_free(pointer);  // the old request's canary must be intact
      arm_block(pointer, size);
    }
    return pointer;
  }
  void* moved = malloc(size);
  if (moved == nullptr) return nullptr;
  size_t copy_bytes = old_usable < size ? old_usable : size;
  if (shrink_loses_tail && copy_bytes > PAGE_BYTES) copy_bytes = PAGE_BYTES;
  const size_t skipped = BUG == PlantedBug::REALLOC_LOST_BYTE && size > old_usable ? 1 : 0;
  memcpy(static_cast<char*>(moved) + skipped, static_cast<char*>(pointer) + skipped, copy_bytes - skipped);
  free(pointer);
  return moved;
}

__attribute__((visibility("default"))) void* reallocarray(void* pointer, size_t count, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(pointer, bytes);
}

__attribute__((visibility("default"))) int posix_memalign(void** out, size_t align, size_t size) {
  if (!is_power_of_two(align) || align % sizeof(void*) != 0) return EINVAL;
  bool recycled;
  void* block = allocate(size, align, &recycled);
  if (BUG == PlantedBug::MEMALIGN_FAILURE_WRITES_OUTPUT) *out = block;
  if (block == nullptr) return ENOMEM;
  *out = block;
  return 0;
}

__attribute__((visibility("default"))) void* aligned_alloc(size_t align, size_t size) { return aligned(align, size); }
__attribute__((visibility("default"))) void* memalign(size_t align, size_t size) { return aligned(align, size); }
__attribute__((visibility("default"))) void* valloc(size_t size) { return aligned(PAGE_BYTES, size); }

__attribute__((visibility("default"))) void* pvalloc(size_t size) {
  return aligned(PAGE_BYTES, size > MAX_REQUEST_BYTES ? size : (size + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1));
}

__attribute__((visibility("default"))) size_t malloc_usable_size(void* pointer) {
  if (pointer == nullptr) return 0;
  const size_t usable = usable_bytes(pointer);
  const unsigned index = header_of(pointer)->class_index;
  if (BUG == PlantedBug::USABLE_SIZE_UNDER && usable >= 1024) return usable - HEADER_BYTES;
  if (BUG == PlantedBug::USABLE_SIZE_OVER) return usable + HEADER_BYTES;
  if (index != LARGE_CLASS && overlap_class(index)) return class_size(index);
  if (HARDENED && index != LARGE_CLASS) return requested_of(header_of(pointer));  // the canary follows
  return usable;
}

#if PLANTED_BUG == 16  // HARDENED_MISSES_DOUBLE_FREE: C23's free_sized, and a heap check
__attribute__((visibility("default"))) void free_sized(void* pointer, size_t size) {
  if (pointer != nullptr && in_chunks(pointer) && (header_of(pointer)->owner & MARK_MASK) == LIVE_MARK &&
      requested_of(header_of(pointer)) != size) {
    report_misuse("size-mismatch", pointer);
  }
  free(pointer);
}

// hardalloc's name, so that the suite's misuse child runs it: every free block's fill is intact.
__attribute__((visibility("default"))) int ha_check_heap(void) {
  pthread_mutex_lock(&g_lock);
  for (unsigned index = 0; index < CLASS_COUNT; ++index) {
    // Bounded: a double free pushed unreported (the bug) makes the list a cycle.
    unsigned steps = 0;
    for (FreeBlock* block = g_free_lists[index]; block != nullptr && steps < CHUNK_BYTES / 16;
         block = block->next, ++steps) {
      const auto* bytes = reinterpret_cast<const unsigned char*>(block);
      for (size_t i = sizeof(FreeBlock); i < class_capacity(index); ++i) {
        if (bytes[i] != FREE_FILL) report_misuse("write-after-free", bytes + i);
      }
    }
  }
  pthread_mutex_unlock(&g_lock);
  return 0;
}
#endif

}  // extern "C"

#if PLANTED_BUG == 15  // NEW_HANDLER_NEVER_CALLED; this library alone is built with exceptions
#include <new>

__attribute__((visibility("default"))) void* operator new(size_t size) {
  void* block = malloc(size);
  if (block == nullptr) throw std::bad_alloc();  // the bug: no new_handler loop first
  return block;
}
#endif
