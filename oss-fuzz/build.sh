#!/bin/bash -eu
# OSS-Fuzz's entry point: the same build as ClusterFuzzLite's, kept in the repository.
exec "$SRC/hardalloc/.clusterfuzzlite/build.sh"
