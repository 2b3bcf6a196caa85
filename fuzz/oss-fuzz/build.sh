#!/bin/bash -eu
# OSS-Fuzz build (projects/tmsproto/build.sh in google/oss-fuzz): the project's one build script,
# the same that .clusterfuzzlite/build.sh runs.
"$SRC/tmsproto/fuzz/oss-fuzz-build.sh"
