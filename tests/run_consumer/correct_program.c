/* A correct program: allocates, uses and frees. Under hardalloc it must report nothing. It also
   checks that it really runs with hardalloc preloaded (the helper and hardalloc-run promise it). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  if (dlsym(RTLD_DEFAULT, "ha_malloc") == NULL) {
    fprintf(stderr, "correct_program: hardalloc is not preloaded\n");
    return 1;
  }
  char* text = malloc(64);
  if (text == NULL) return 1;
  strcpy(text, "hello");
  char* grown = realloc(text, 4096);
  if (grown == NULL || strcmp(grown, "hello") != 0) return 1;
  free(grown);
  puts("correct_program: ok");
  return 0;
}
