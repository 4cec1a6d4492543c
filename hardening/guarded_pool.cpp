#include "hardening/guarded_pool.h"

#include "base/bits.h"
#include "base/spin_lock.h"
#include "base/writer.h"
#include "hardening/log_sink.h"
#include "hardening/options.h"

namespace hardalloc {

std::atomic<uintptr_t> GuardedPool::base_{0};
std::atomic<uintptr_t> GuardedPool::bytes_{0};

namespace {

enum class SlotState : uint8_t { never_used, taking, live, freeing, freed };

struct Slot {
  // relaxed everywhere: changed under g_lock; the signal handler's unlocked reads may see a
  // slot mid-change, and then describe it from either side of the change.
  std::atomic<SlotState> state{SlotState::never_used};
  uintptr_t block = 0;  // the address handed out
  size_t requested = 0;
  uintptr_t mapped_begin = 0;  // the accessible pages while live
  uintptr_t mapped_end = 0;
  StackTrace allocated;
  StackTrace freed;
};

constexpr uint8_t SLACK_PATTERN = 0xCA;  // the bytes between a right-placed block and its guard
constexpr size_t DEFAULT_SLOTS = 1024;
constexpr size_t GUARD_ALL_SLOTS = 65536;
// Mappings left to the rest of the program when the pool's live slots have split theirs.
constexpr size_t MAPPINGS_KEPT_FREE = 8192;

SpinLock g_lock;
bool g_initialised = false;  // under g_lock
bool g_usable = false;       // under g_lock: the reservation and metadata exist
Slot* g_slots = nullptr;
uint32_t* g_freed_ring = nullptr;  // slot indices, oldest freed at g_ring_head
size_t g_slot_count = 0;
size_t g_next_fresh = 0;  // slots below it have been used
size_t g_ring_head = 0;
size_t g_ring_size = 0;
size_t g_live = 0;
size_t g_live_limit = 0;
uint64_t g_placements = 0;  // alternates the side with guard_side=alternate
// relaxed: statistics, ordered by nothing.
std::atomic<uint64_t> g_allocations{0};
std::atomic<uint64_t> g_declined{0};

// Set while this thread is inside the pool: a malloc from the unwinder then takes the normal
// path instead of recursing.
constinit thread_local bool tl_inside __attribute__((tls_model("initial-exec"))) = false;

uintptr_t slot_data(size_t index, uintptr_t base) { return base + index * GuardedPool::SLOT_BYTES + OS_PAGE_BYTES; }

// Under g_lock, once: reserves the pool and its metadata as the options size them.
void initialise(std::atomic<uintptr_t>& base_out, std::atomic<uintptr_t>& bytes_out) {
  g_initialised = true;
  const Options& o = options();
  size_t slots = o.guarded_slots != 0 ? o.guarded_slots : o.guard_all ? GUARD_ALL_SLOTS : DEFAULT_SLOTS;
  if (slots > GuardedPool::MAX_SLOTS) slots = GuardedPool::MAX_SLOTS;
  const size_t pool_bytes = slots * GuardedPool::SLOT_BYTES + OS_PAGE_BYTES;  // + the last guard
  void* pool = os_reserve(pool_bytes);
  void* slots_memory = os_map_aligned(align_up(slots * sizeof(Slot), OS_PAGE_BYTES), OS_PAGE_BYTES, 0);
  void* ring_memory = os_map_aligned(align_up(slots * sizeof(uint32_t), OS_PAGE_BYTES), OS_PAGE_BYTES, 0);
  if (pool == nullptr || slots_memory == nullptr || ring_memory == nullptr) return;  // never guards
  g_slots = static_cast<Slot*>(slots_memory);  // zeroed memory is never-used slots
  g_freed_ring = static_cast<uint32_t*>(ring_memory);
  g_slot_count = slots;
  // Each live slot splits the pool's mapping in up to two more.
  const size_t map_count = os_max_map_count();
  g_live_limit = map_count > 2 * MAPPINGS_KEPT_FREE ? (map_count - MAPPINGS_KEPT_FREE) / 2 : map_count / 4;
  g_usable = true;
  // fork: the pool's lock must not be held across fork(). Registered after the heaps' handlers,
  // these run first (prepare) and last (parent, child); nothing holds g_lock while it waits
  // for another lock, so the order is free.
  os_register_fork_handlers([] { g_lock.lock(); }, [] { g_lock.unlock(); }, [] { g_lock.reset_after_fork(); });
  bytes_out.store(pool_bytes, std::memory_order_relaxed);
  // release: a thread that sees the base (contains) sees the size stored before it.
  base_out.store(reinterpret_cast<uintptr_t>(pool), std::memory_order_release);
}

// Under g_lock: a slot for a new block (never used first, then the oldest freed), or SIZE_MAX.
size_t take_slot() {
  if (g_live >= g_live_limit) return SIZE_MAX;
  size_t index;
  if (g_next_fresh < g_slot_count) {
    index = g_next_fresh++;
  } else if (g_ring_size > 0) {
    index = g_freed_ring[g_ring_head];
    g_ring_head = (g_ring_head + 1) % g_slot_count;
    --g_ring_size;
  } else {
    return SIZE_MAX;
  }
  ++g_live;
  g_slots[index].state.store(SlotState::taking, std::memory_order_relaxed);
  return index;
}

// Under g_lock: a slot whose pages are inaccessible again joins the ring, or (taking failed)
// goes back to it.
void give_back(size_t index) {
  --g_live;
  g_freed_ring[(g_ring_head + g_ring_size) % g_slot_count] = static_cast<uint32_t>(index);
  ++g_ring_size;
}

bool left_side(GuardSide side) {
  if (side == GuardSide::alternate) return (g_placements++ & 1) != 0;  // under g_lock
  return side == GuardSide::left;
}

// The slot that `a` (in the pool) belongs to, and whether it is on that slot's guard page.
struct Place {
  size_t index;  // g_slot_count: the guard after the last slot
  bool on_guard;
};
Place place_of(uintptr_t a, uintptr_t base) {
  const size_t offset = a - base;
  return {offset / GuardedPool::SLOT_BYTES, offset % GuardedPool::SLOT_BYTES < OS_PAGE_BYTES};
}

// The report facts of slot `index` for pointer or address `a`.
BlockFacts facts_of(const Slot& slot, const void* a) {
  BlockFacts facts;
  facts.address = a;
  facts.block = reinterpret_cast<const void*>(slot.block);
  facts.block_bytes = slot.requested;
  facts.requested_bytes = slot.requested;
  facts.requested_known = true;
  facts.allocated_at = &slot.allocated;
  const SlotState state = slot.state.load(std::memory_order_relaxed);
  if (state == SlotState::freeing || state == SlotState::freed) facts.freed_at = &slot.freed;
  return facts;
}

// The first slack byte a right-placed block's overflow changed, or 0.
uintptr_t first_bad_slack(const Slot& slot) {
  for (uintptr_t b = slot.block + slot.requested; b < slot.mapped_end; ++b) {
    if (*reinterpret_cast<const uint8_t*>(b) != SLACK_PATTERN) return b;
  }
  return 0;
}

}  // namespace

void* GuardedPool::allocate(size_t size, size_t alignment) {
  if (size > MAX_BLOCK_BYTES || alignment > OS_PAGE_BYTES || tl_inside) return nullptr;
  tl_inside = true;
  Slot* slot = nullptr;
  size_t index = SIZE_MAX;
  bool left = false;
  {
    LockGuard guard(g_lock);
    if (!g_initialised) initialise(base_, bytes_);
    if (g_usable) index = take_slot();
    if (index != SIZE_MAX) {
      slot = &g_slots[index];
      left = left_side(options().guard_side);
    }
  }
  if (slot == nullptr) {
    g_declined.fetch_add(1, std::memory_order_relaxed);  // relaxed: a statistic
    tl_inside = false;
    return nullptr;
  }
  // relaxed: set under g_lock by initialise, which this thread ran or saw through g_lock.
  const uintptr_t data = slot_data(index, base_.load(std::memory_order_relaxed));
  const size_t bytes = size == 0 ? 1 : size;  // malloc(0) still gets a byte of its own
  const uintptr_t block = left ? data : align_down(data + MAX_BLOCK_BYTES - bytes, alignment);
  const uintptr_t begin = align_down(block, OS_PAGE_BYTES);
  const uintptr_t end = left ? align_up(block + bytes, OS_PAGE_BYTES) : data + MAX_BLOCK_BYTES;
  if (!os_unprotect(reinterpret_cast<void*>(begin), end - begin)) {  // e.g. vm.max_map_count reached
    LockGuard guard(g_lock);
    slot->state.store(SlotState::freed, std::memory_order_relaxed);
    give_back(index);
    g_declined.fetch_add(1, std::memory_order_relaxed);  // relaxed: a statistic
    tl_inside = false;
    return nullptr;
  }
  slot->block = block;
  slot->requested = size;
  slot->mapped_begin = begin;
  slot->mapped_end = end;
  // The slack up to the guard (right: under 16 bytes; left: the rest of the last page).
  for (uintptr_t b = block + size; b < end; ++b) *reinterpret_cast<uint8_t*>(b) = SLACK_PATTERN;
  slot->allocated.capture();
  slot->state.store(SlotState::live, std::memory_order_relaxed);  // relaxed: see Slot
  g_allocations.fetch_add(1, std::memory_order_relaxed);          // relaxed: a statistic
  tl_inside = false;
  return reinterpret_cast<void*>(block);
}

size_t GuardedPool::requested_size(const void* p) {
  // relaxed: as in contains().
  const uintptr_t base = base_.load(std::memory_order_relaxed);
  const auto a = reinterpret_cast<uintptr_t>(p);
  const Place place = place_of(a, base);
  const Slot* slot = place.index < g_slot_count && !place.on_guard ? &g_slots[place.index] : nullptr;
  const SlotState state = slot == nullptr ? SlotState::never_used : slot->state.load(std::memory_order_relaxed);
  if (state == SlotState::live && slot->block == a) return slot->requested;
  if (slot == nullptr || state == SlotState::never_used || state == SlotState::taking) {
    BlockFacts facts;
    facts.address = p;
    facts.detail = "a pointer into the guarded pool where no block starts";
    report_heap_error(ReportKind::invalid_free, facts);
    return SIZE_MAX;
  }
  BlockFacts facts = facts_of(*slot, p);
  if (state == SlotState::live) {
    facts.detail = "a pointer inside a guarded block, not its start";
    report_heap_error(ReportKind::interior_free, facts);
  } else {
    facts.detail = "the guarded block was freed before";
    report_heap_error(ReportKind::double_free, facts);
  }
  return SIZE_MAX;
}

bool GuardedPool::live_block_at(const void* p, uintptr_t& block, size_t& requested) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  // relaxed: as in contains().
  const Place place = place_of(a, base_.load(std::memory_order_relaxed));
  if (place.on_guard || place.index >= g_slot_count) return false;
  const Slot& slot = g_slots[place.index];
  // relaxed: see Slot; a block being freed meanwhile is the program's race, answered either way.
  if (slot.state.load(std::memory_order_relaxed) != SlotState::live || a < slot.mapped_begin || a >= slot.mapped_end)
    return false;
  block = slot.block;
  requested = slot.requested;
  return true;
}

bool GuardedPool::free(void* p) {
  if (requested_size(p) == SIZE_MAX) return false;  // reported
  StackTrace freed;
  tl_inside = true;  // a malloc from the unwinder takes the normal path
  freed.capture();
  tl_inside = false;
  const auto a = reinterpret_cast<uintptr_t>(p);
  // relaxed: as in contains().
  const size_t index = place_of(a, base_.load(std::memory_order_relaxed)).index;
  Slot& slot = g_slots[index];
  bool won = false;
  {
    LockGuard guard(g_lock);
    // Two threads racing to free the block: exactly one finds it live.
    won = slot.state.load(std::memory_order_relaxed) == SlotState::live && slot.block == a;
    if (won) {
      slot.freed = freed;
      slot.state.store(SlotState::freeing, std::memory_order_relaxed);
    }
  }
  if (!won) {  // reported without g_lock: the report takes the dynamic loader's and the log's locks
    BlockFacts facts = facts_of(slot, p);
    facts.detail = "the guarded block was freed before";
    report_heap_error(ReportKind::double_free, facts);
    return false;
  }
  if (const uintptr_t bad = first_bad_slack(slot)) {
    BlockFacts facts = facts_of(slot, p);
    facts.freed_at = nullptr;
    facts.detail = "bytes past the requested size were overwritten";
    facts.number_name = "first bad byte at offset";
    facts.number = bad - slot.block;
    report_heap_error(ReportKind::overflow, facts);  // with abort_on_error=0 the block is freed still
  }
  // Inaccessible from now on, and zero when taken again. If the OS refuses both ways, the slot
  // is retired: never handed out again (its stale contents must not pass for calloc's zeros).
  auto* begin = reinterpret_cast<void*>(slot.mapped_begin);
  const size_t bytes = slot.mapped_end - slot.mapped_begin;
  bool protected_again = os_protect_and_purge(begin, bytes);
  if (!protected_again) {
    os_purge(begin, bytes);
    protected_again = os_protect(begin, bytes);
  }
  LockGuard guard(g_lock);
  slot.state.store(SlotState::freed, std::memory_order_relaxed);
  if (protected_again)
    give_back(index);
  else
    --g_live;
  return true;
}

bool GuardedPool::describe_fault(const void* address, bool is_write, ReportKind& kind, BlockFacts& facts) {
  if (!contains(address)) return false;
  // relaxed: as in contains().
  const uintptr_t base = base_.load(std::memory_order_relaxed);
  const auto a = reinterpret_cast<uintptr_t>(address);
  const Place place = place_of(a, base);
  // The nearest block: the slot's own, or on a guard page, the one of the slot before it.
  const Slot* nearest = nullptr;
  size_t nearest_distance = SIZE_MAX;
  const size_t candidates[2] = {place.index, place.on_guard && place.index > 0 ? place.index - 1 : SIZE_MAX};
  for (const size_t i : candidates) {
    if (i >= g_slot_count) continue;
    const Slot& s = g_slots[i];
    const SlotState state = s.state.load(std::memory_order_relaxed);
    if (state == SlotState::never_used || state == SlotState::taking) continue;
    const uintptr_t end = s.block + (s.requested == 0 ? 1 : s.requested);
    const size_t distance = a < s.block ? s.block - a : a >= end ? a - end + 1 : 0;
    if (distance < nearest_distance) {
      nearest = &s;
      nearest_distance = distance;
    }
  }
  facts.address = address;
  if (nearest == nullptr) {
    kind = ReportKind::guard_page_fault;
    facts.detail = "an access to the guarded pool where no block is or was";
    return true;
  }
  facts = facts_of(*nearest, address);
  const SlotState state = nearest->state.load(std::memory_order_relaxed);
  if (state == SlotState::freeing || state == SlotState::freed) {
    kind = is_write ? ReportKind::use_after_free_write : ReportKind::use_after_free_read;
    facts.detail =
        is_write ? "a write to a guarded block after it was freed" : "a read of a guarded block after it was freed";
  } else if (a < nearest->block) {
    kind = ReportKind::underflow;
    facts.detail =
        is_write ? "a write before the start of a guarded block" : "a read before the start of a guarded block";
    facts.number_name = "bytes before the block";
    facts.number = nearest->block - a;
    return true;
  } else {
    kind = ReportKind::overflow;
    facts.detail = is_write ? "a write past the requested size of a guarded block"
                            : "a read past the requested size of a guarded block";
  }
  if (a >= nearest->block) {
    facts.number_name = "offset";
    facts.number = a - nearest->block;
  }
  return true;
}

namespace {

// The live blocks of one allocation stack.
struct Group {
  uint64_t hash;
  StackTrace allocated;  // a copy: printed after g_lock is released
  uint64_t blocks;
  uint64_t bytes;
};

void print_group(Writer& w, const Group& g) {
  w.text("  ").number(g.bytes).text(g.bytes == 1 ? " byte in " : " bytes in ").number(g.blocks);
  w.text(g.blocks == 1 ? " block" : " blocks").text(" allocated by thread ").number(g.allocated.thread);
  w.text(g.blocks == 1 ? " at:\n" : " (the first's) at:\n");
  write_frames(w, g.allocated.frames, 0, g.allocated.depth);
}

}  // namespace

void GuardedPool::report_live_blocks() {
  constexpr size_t MAX_PRINTED = 100;  // groups; the rest are summed up in one line
  Group* groups = nullptr;
  size_t capacity = 16;
  size_t scratch_bytes = 0;
  uint64_t blocks = 0, bytes = 0;
  {
    // Gathered under g_lock, printed after it (printing takes the loader's and the log's locks).
    LockGuard guard(g_lock);
    if (!g_usable) return;
    // Groups in an open-addressing table of at least twice the live blocks, from scratch memory.
    while (capacity < 2 * g_live) capacity *= 2;
    scratch_bytes = align_up(capacity * sizeof(Group), OS_PAGE_BYTES);
    groups = static_cast<Group*>(os_map_aligned(scratch_bytes, OS_PAGE_BYTES, 0));
    if (groups == nullptr) return;
    for (size_t i = 0; i < g_next_fresh; ++i) {
      const Slot& slot = g_slots[i];
      if (slot.state.load(std::memory_order_relaxed) != SlotState::live) continue;  // relaxed: under g_lock
      const uint64_t h = slot.allocated.hash() | 1;                                 // 0 marks an empty entry
      size_t e = h & (capacity - 1);
      while (groups[e].hash != 0 && groups[e].hash != h) e = (e + 1) & (capacity - 1);
      if (groups[e].hash == 0) groups[e] = {h, slot.allocated, 0, 0};
      ++groups[e].blocks;
      groups[e].bytes += slot.requested;
      ++blocks;
      bytes += slot.requested;
    }
  }
  // Compact, then sort by bytes, most first (insertion sort over a gap sequence: no allocation).
  size_t count = 0;
  for (size_t e = 0; e < capacity; ++e) {
    if (groups[e].hash != 0) groups[count++] = groups[e];
  }
  for (size_t gap = count / 2; gap > 0; gap /= 2) {
    for (size_t i = gap; i < count; ++i) {
      const Group g = groups[i];
      size_t j = i;
      for (; j >= gap && groups[j - gap].bytes < g.bytes; j -= gap) groups[j] = groups[j - gap];
      groups[j] = g;
    }
  }
  {
    LogBlock block("live at exit: ");
    Writer& w = block.out();
    w.number(blocks).text(" guarded blocks (").number(bytes).text(" bytes) still allocated, from ").number(count);
    w.text(" allocation stacks; reachable or not (this is no leak check: LeakSanitizer is)\n");
    for (size_t i = 0; i < count && i < MAX_PRINTED; ++i) print_group(w, groups[i]);
    if (count > MAX_PRINTED) w.text("  ... and ").number(count - MAX_PRINTED).text(" more allocation stacks\n");
  }
  os_unmap(groups, scratch_bytes);
}

GuardedPool::Counts GuardedPool::counts() {
  Counts c;
  // relaxed: statistics.
  c.allocations = g_allocations.load(std::memory_order_relaxed);
  c.declined = g_declined.load(std::memory_order_relaxed);
  LockGuard guard(g_lock);
  c.live = g_live;
  return c;
}

}  // namespace hardalloc
