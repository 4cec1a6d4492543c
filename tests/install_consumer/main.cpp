// Links an installed hardalloc and checks that the library it got is the one it asked for.
#include <hardalloc.h>

#include <cstdio>
#include <cstdlib>

int main() {
  void* p = ha_malloc(100);
  if (p == nullptr || ha_malloc_usable_size(p) < 100) return 1;
#ifdef EXPECT_OVERRIDE
#ifndef EXPECTED_USABLE
#define EXPECTED_USABLE 112  // the size class of 100 bytes; the hardened library says 100 (canaries)
#endif
  // Linked with libhardalloc.so, the standard malloc is hardalloc's.
  void* q = std::malloc(100);
  if (ha_malloc_usable_size(q) != EXPECTED_USABLE) return 2;
  std::free(q);
#endif
  ha_free(p);
  std::puts("install consumer: ok");
  return 0;
}
