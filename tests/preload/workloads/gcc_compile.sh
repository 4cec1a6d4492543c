#!/usr/bin/env bash
# A compiler workload: gcc compiles a generated C file of a few thousand lines to assembly and
# to an object file, links and runs it. The assembly, the object and the program's output must
# not depend on the allocator.
command -v gcc >/dev/null || { echo "gcc not installed" >&2; exit 77; }
set -e
{
  echo '#include <stdio.h>'
  for i in $(seq 1 120); do
    cat <<C
static long function_$i(long x) {
  long table[16];
  for (int k = 0; k < 16; ++k) table[k] = (x * $i + k) % 1000003;
  long sum = 0;
  for (int k = 0; k < 16; ++k) sum += table[k] * (k + $i) - (sum >> 3);
  switch (x % 4) { case 0: return sum + $i; case 1: return sum - $i; case 2: return sum ^ $i; default: return sum; }
}
C
  done
  echo 'int main(void) {'
  echo '  long total = 0;'
  for i in $(seq 1 120); do echo "  total += function_$i(total + $i);"; done
  printf '%s\n' '  printf("total %ld\n", total);'
  echo '  return 0;'
  echo '}'
} >program.c
gcc -O2 -frandom-seed=1 -S program.c -o program.s
gcc -O2 -frandom-seed=1 -c program.c -o program.o
gcc program.o -o program
echo "source lines $(wc -l <program.c), assembly lines $(wc -l <program.s)"
sha256sum program.s program.o
./program
