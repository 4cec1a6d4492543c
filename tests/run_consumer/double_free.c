/* A test with a real heap bug: it frees one block twice. Under the hardened library (the CMake
   helper's HARDENED, or hardalloc-run --hardened) the second free is reported as double-free and
   the program aborts; the summary then names it. Built at -O0 with the pointer passed through an
   opaque barrier, so the compiler keeps the bug. */
#include <stdlib.h>

static void* opaque(void* p) {
  __asm__ volatile("" : "+r"(p));
  return p;
}

int main(void) {
  void* block = malloc(48);
  free(block);
  free(opaque(block));
  return 0;
}
