#!/usr/bin/env bash
# sort on a generated file of a few MB, with a small memory buffer so that it spills to
# temporary files and merges, in several key orders.
command -v sort >/dev/null || { echo "sort not installed" >&2; exit 77; }
set -e
export LC_ALL=C
awk 'BEGIN { srand(7); for (i = 0; i < 200000; i++)
  printf "%d,%s%d,%.4f\n", int(rand() * 100000), substr("kqzjxwvmplrtbnh", 1 + int(rand() * 14), 2), i % 977, rand() * 1000 }' \
  >lines.csv
echo "input $(wc -l <lines.csv) lines, $(wc -c <lines.csv) bytes"
for options in "" "-n" "-t, -k2,2 -k3,3n" "-u -t, -k1,1n" "-r -t, -k3,3g"; do
  # shellcheck disable=SC2086
  sort $options -S 1M --parallel=2 -T . lines.csv >sorted.csv
  echo "sort $options: $(wc -l <sorted.csv) lines, $(sha256sum <sorted.csv | cut -c1-64), first: $(head -n 1 sorted.csv)"
done
