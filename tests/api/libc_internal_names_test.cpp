// In a program linked with libhardalloc.so, glibc's internal names (__libc_malloc, ...), which
// some programs call directly, are hardalloc's: their blocks are counted in ha_stats, have
// hardalloc's usable size, and go back through the standard free (and the other way round).
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <malloc.h>

#include <cstdint>
#include <cstdlib>

#include "libc_internal_names.h"
#include "opaque.h"
#include "stats_snapshot.h"

namespace {

using hardalloc_test::current_stats;
using hardalloc_test::opaque;

constexpr std::size_t MIB = std::size_t{1} << 20;

TEST(LibcInternalNames, AllocateFromHardalloc) {
  const std::size_t before_bytes = current_stats().in_use_bytes;
  void* block = __libc_malloc(opaque(MIB));
  ASSERT_NE(block, nullptr);
  EXPECT_GE(current_stats().in_use_bytes, before_bytes + MIB);
  EXPECT_EQ(ha_malloc_usable_size(block), malloc_usable_size(block));
  block = __libc_realloc(block, opaque(2 * MIB));
  ASSERT_NE(block, nullptr);
  EXPECT_GE(ha_malloc_usable_size(block), 2 * MIB);
  std::free(block);  // a __libc_* block goes to the standard free
  EXPECT_EQ(current_stats().in_use_bytes, before_bytes);

  auto* zeroed = static_cast<unsigned char*>(__libc_calloc(opaque(std::size_t{1000}), 1));
  ASSERT_NE(zeroed, nullptr);
  for (std::size_t i = 0; i < 1000; ++i) {
    ASSERT_EQ(zeroed[i], 0) << i;
  }
  EXPECT_GE(ha_malloc_usable_size(zeroed), 1000u);
  __libc_free(zeroed);

  void* aligned = __libc_memalign(opaque(std::size_t{24}), 100);  // glibc's memalign rule
  ASSERT_NE(aligned, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned) % 32, 0u);
  __libc_free(aligned);
  EXPECT_EQ(current_stats().in_use_bytes, before_bytes);
}

}  // namespace
