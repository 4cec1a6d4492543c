/* Links an installed hardalloc from C and checks that the allocator it got is hardalloc. */
#include <hardalloc.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  void* p = ha_malloc(100);
  if (p == NULL || ha_malloc_usable_size(p) < 100) return 1;
#ifdef EXPECT_OVERRIDE
  /* Linked with hardalloc's standard names, malloc is hardalloc's: its usable size is that of
     hardalloc's 112-byte class (glibc would say 104). */
  void* q = malloc(100);
  if (ha_malloc_usable_size(q) != 112) return 2;
  free(q);
#endif
  ha_free(p);
  puts("install consumer (C): ok");
  return 0;
}
