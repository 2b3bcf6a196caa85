#!/usr/bin/env bash
# OSS-Fuzz build script (https://google.github.io/oss-fuzz/getting-started/new-project-guide/):
# builds every fuzz target of fuzz/CMakeLists.txt with $CC/$CXX, $CFLAGS/$CXXFLAGS (which carry the
# sanitizer) and $LIB_FUZZING_ENGINE, and puts into $OUT each <name>_fuzzer with its .dict, .options
# and <name>_fuzzer_seed_corpus.zip (fuzz/corpus/<name>/ plus fuzz/regressions/<name>/).
# The project's Dockerfile installs: cmake (3.25 or later) pkg-config python3 libtomcrypt-dev libtommath-dev nlohmann-json3-dev libasio-dev libcli11-dev libsqlite3-dev
# (.clusterfuzzlite/Dockerfile and fuzz/oss-fuzz/Dockerfile; fuzz/check_ci_files.py checks they do).
# The *_fuzzmode targets (fuzz/README.md, the fuzzing build mode) are built too: $CXX is clang.
# libtomcrypt comes from the distribution, uninstrumented: fine for ASan/UBSan, not for MSan.
set -euo pipefail
: "${CC:?}" "${CXX:?}" "${OUT:?}" "${LIB_FUZZING_ENGINE:?}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-$(mktemp -d)}/tmsproto-oss-fuzz"

mapfile -t targets < <("$root/fuzz/list-targets")
# TMSPROTO_FUZZ_TARGETS (a,b,...): only these, for the local check of this script (ctest
# fuzz.oss_fuzz_build_script); OSS-Fuzz and ClusterFuzzLite never set it and get every target.
if [[ -n "${TMSPROTO_FUZZ_TARGETS:-}" ]]; then
  IFS=',' read -r -a targets <<< "$TMSPROTO_FUZZ_TARGETS"
  for t in "${targets[@]}"; do
    "$root/fuzz/list-targets" | grep -qx "$t" || { echo "oss-fuzz-build: $t is not a fuzz target" >&2; exit 2; }
  done
fi

# No CMake build type: $CFLAGS/$CXXFLAGS alone set optimisation and debug info, as OSS-Fuzz asks
# (RelWithDebInfo would add -O2 -g over its -O1 -gline-tables-only, and -DNDEBUG, which turns off
# the assertions a fuzzer should trip).
cmake -S "$root" -B "$work" -DCMAKE_BUILD_TYPE= \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="${CFLAGS:-}" -DCMAKE_CXX_FLAGS="${CXXFLAGS:-}" \
  -DTMSPROTO_TESTS=OFF -DTMSPROTO_FUZZ=OFF -DTMSPROTO_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"

cmake --build "$work" -j"$(nproc)" --target "${targets[@]/%/_fuzzer}"

mkdir -p "$OUT"
for t in "${targets[@]}"; do
  cp "$work/fuzz/${t}_fuzzer" "$OUT/"
  for extra in dict options; do
    if [[ -f "$root/fuzz/${t}_fuzzer.$extra" ]]; then cp "$root/fuzz/${t}_fuzzer.$extra" "$OUT/"; fi
  done
  seeds=("$root/fuzz/corpus/$t" "$root/fuzz/regressions/$t")
  if [[ "$t" == *_fuzzmode ]]; then  # a fuzz-mode variant reads its real-crypto target's inputs too
    seeds+=("$root/fuzz/corpus/${t%_fuzzmode}" "$root/fuzz/regressions/${t%_fuzzmode}")
  fi
  python3 - "$OUT/${t}_fuzzer_seed_corpus.zip" "${seeds[@]}" <<'PY'
import pathlib, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for folder in map(pathlib.Path, sys.argv[2:]):
        if folder.is_dir():
            for f in sorted(p for p in folder.rglob("*") if p.is_file()):
                z.write(f, f"{folder.parent.name}_{folder.name}_{f.relative_to(folder).as_posix().replace('/', '_')}")
PY
done
echo "oss-fuzz-build: ${#targets[@]} targets in $OUT"
