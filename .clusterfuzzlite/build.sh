#!/bin/bash -eu
# ClusterFuzzLite build: the project's one OSS-Fuzz build script (fuzz/oss-fuzz-build.sh), which
# builds every target fuzz/list-targets names into $OUT with its .dict, .options and seed corpus.
"$SRC/tmsproto/fuzz/oss-fuzz-build.sh"
