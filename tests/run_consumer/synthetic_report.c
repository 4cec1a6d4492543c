/* Stands in for a test that corrupts the heap: see CMakeLists.txt. Writes one report block as the
   allocator writes them ("hardalloc[PID] PROGRAM: error: ...") to its log file, PATH.PID, where
   PATH is the log_path in HARDALLOC_OPTIONS (as set by hardalloc-run or the CMake helper). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  if (dlsym(RTLD_DEFAULT, "ha_malloc") == NULL) {
    fprintf(stderr, "synthetic_report: hardalloc is not preloaded\n");
    return 1;
  }
  const char* options = getenv("HARDALLOC_OPTIONS");
  const char* at = options ? strstr(options, "log_path=") : NULL;
  if (at == NULL) {
    fprintf(stderr, "synthetic_report: no log_path in HARDALLOC_OPTIONS\n");
    return 1;
  }
  at += strlen("log_path=");
  char path[4096];
  size_t n = 0;
  const char quote = (*at == '\'' || *at == '"') ? *at++ : 0;
  while (at[n] != '\0' && (quote ? at[n] != quote : (at[n] != ',' && at[n] != ':')) && n + 32 < sizeof path) {
    path[n] = at[n];
    ++n;
  }
  snprintf(path + n, sizeof path - n, ".%d", (int)getpid());
  FILE* log = fopen(path, "a");
  if (log == NULL) {
    fprintf(stderr, "synthetic_report: cannot open %s: %s\n", path, strerror(errno));
    return 1;
  }
  fprintf(log, "hardalloc[%d] %s: error: double free of 0x1000 (synthetic report written by the test)\n", (int)getpid(),
          program_invocation_short_name);
  fclose(log);
  return 0;
}
