// Under mlockall the kernel refuses MADV_DONTNEED (EINVAL), so a purge leaves the old bytes in
// place: calloc must then write its zeros instead of trusting purged memory to read as zero
// (os_purge_reads_zero). Each test runs in a process of its own, so the lock stays here. (The
// same rule guards a page's uncarved area after a refused purge, page.h; no test reaches that
// state through the API.)
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

namespace {

constexpr std::size_t MIB = std::size_t{1} << 20;

std::size_t first_nonzero(const void* block, std::size_t size_bytes) {
  const auto* bytes = static_cast<const unsigned char*>(block);
  for (std::size_t offset = 0; offset < size_bytes; ++offset) {
    if (bytes[offset] != 0) return offset;
  }
  return size_bytes;
}

TEST(LockedMemory, CallocZeroesWhatARefusedPurgeLeft) {
  if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
    GTEST_SKIP() << "mlockall refused here (" << std::strerror(errno) << "; RLIMIT_MEMLOCK), so nothing to test";
  }
  // Large and huge blocks: calloc takes the freed segment back and purges its dirty range
  // instead of writing it, which the lock refuses.
  for (const std::size_t size_bytes : {3 * MIB, 9 * MIB}) {
    void* dirty = ha_malloc(size_bytes);
    ASSERT_NE(dirty, nullptr);
    std::memset(dirty, 0x5a, ha_malloc_usable_size(dirty));
    ha_free(dirty);
    void* block = ha_calloc(1, size_bytes);
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(first_nonzero(block, size_bytes), size_bytes) << "calloc of " << size_bytes;
    ha_free(block);
  }
  munlockall();
}

}  // namespace
