#!/usr/bin/env python3
"""Builds fuzz targets with fuzz/oss-fuzz-build.sh as OSS-Fuzz and ClusterFuzzLite run it, and
checks what lands in $OUT (ctest fuzz.oss_fuzz_build_script; fuzz/README.md, Corpora and CI fuzzing).

    check_oss_fuzz_build.py ROOT SCRATCH [--targets a,b]

The environment is that of OSS-Fuzz's libFuzzer + AddressSanitizer build
(https://google.github.io/oss-fuzz/getting-started/new-project-guide/#buildsh): CC, CXX, the
CFLAGS/CXXFLAGS of the base-builder image (-O1, -gline-tables-only, the
FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION define, ASan with use-after-scope, fuzzer-no-link),
LIB_FUZZING_ENGINE, OUT and WORK. One difference, said here so nobody mistakes it: the images add
-stdlib=libc++ to CXXFLAGS, and their libFuzzer is built against libc++; Debian's libFuzzer
(libclang-rt-19-dev) is built against libstdc++, so linking it into a libc++ program fails. The
check compiles with Debian's clang and standard library instead.

Checks, for each target:
  - the script exits 0;
  - $OUT holds the executable, the .options and .dict that fuzz/ has for it, and a seed corpus
    zip with one member per file of the seed folders the script names (the corpus and the
    regressions; a *_fuzzmode target's base's too);
  - the executable is a libFuzzer binary with ASan (its -help=1 speaks libFuzzer; it holds
    __asan_init) and runs every seed of its zip, -runs=0, exit 0.
And a negative control: the script refuses a target that fuzz/list-targets does not name (exit 2)
before building anything.
Exit 0 when every check holds; otherwise one line per failure and exit 1.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

# The base-builder image's flags for SANITIZER=address, FUZZING_ENGINE=libfuzzer (without its
# -stdlib=libc++: see above).
OSS_FUZZ_CFLAGS = ("-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION "
                   "-fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link")
DEFAULT_TARGETS = "abort,tms_session_fuzzmode"  # a parser with a dictionary; a session target with its mutator


def seed_files(root, target):
    folders = [root / "fuzz" / "corpus" / target, root / "fuzz" / "regressions" / target]
    if target.endswith("_fuzzmode"):
        base = target[: -len("_fuzzmode")]
        folders += [root / "fuzz" / "corpus" / base, root / "fuzz" / "regressions" / base]
    return [f for d in folders if d.is_dir() for f in d.rglob("*") if f.is_file()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=pathlib.Path)
    parser.add_argument("scratch", type=pathlib.Path)
    parser.add_argument("--targets", default=DEFAULT_TARGETS)
    args = parser.parse_args()
    root = args.root.resolve()
    script = root / "fuzz" / "oss-fuzz-build.sh"
    for tool in ("clang-19", "clang++-19", "nm"):
        if shutil.which(tool) is None:
            print(f"check_oss_fuzz_build: {tool} not found (scripts/setup installs it)")
            return 1
    shutil.rmtree(args.scratch, ignore_errors=True)
    out, work = args.scratch / "out", args.scratch / "work"
    out.mkdir(parents=True)
    work.mkdir(parents=True)
    env = dict(os.environ, CC="clang-19", CXX="clang++-19", CFLAGS=OSS_FUZZ_CFLAGS, CXXFLAGS=OSS_FUZZ_CFLAGS,
               LIB_FUZZING_ENGINE="-fsanitize=fuzzer", OUT=str(out), WORK=str(work))
    failures = []

    refused = subprocess.run([str(script)], env=dict(env, TMSPROTO_FUZZ_TARGETS="no_such_target"),
                             capture_output=True, text=True)
    if refused.returncode != 2 or any(work.iterdir()):
        failures.append(f"an unknown target: exit {refused.returncode} (want 2), nothing built: {not any(work.iterdir())}")

    build = subprocess.run([str(script)], env=dict(env, TMSPROTO_FUZZ_TARGETS=args.targets),
                           capture_output=True, text=True)
    if build.returncode != 0:
        tail = (build.stdout + build.stderr).strip().splitlines()[-15:]
        print("check_oss_fuzz_build: oss-fuzz-build.sh failed:\n  " + "\n  ".join(tail))
        return 1

    for target in args.targets.split(","):
        binary = out / f"{target}_fuzzer"
        if not os.access(binary, os.X_OK):
            failures.append(f"{target}: no executable {binary.name} in $OUT")
            continue
        for extra in ("options", "dict"):
            source = root / "fuzz" / f"{target}_fuzzer.{extra}"
            copied = out / f"{target}_fuzzer.{extra}"
            if source.is_file() and (not copied.is_file() or copied.read_bytes() != source.read_bytes()):
                failures.append(f"{target}: {copied.name} missing or not the file of fuzz/")
        seeds = seed_files(root, target)
        archive = out / f"{target}_fuzzer_seed_corpus.zip"
        if not archive.is_file():
            failures.append(f"{target}: no {archive.name}")
            continue
        with zipfile.ZipFile(archive) as z:
            members = [m for m in z.namelist() if not m.endswith("/")]
            if len(members) != len(seeds) or len(set(members)) != len(members):
                failures.append(f"{target}: the zip has {len(members)} members, the seed folders {len(seeds)} files")
            unpacked = args.scratch / "seeds" / target
            unpacked.mkdir(parents=True)
            z.extractall(unpacked)
        symbols = subprocess.run(["nm", str(binary)], capture_output=True, text=True).stdout
        if "__asan_init" not in symbols:
            failures.append(f"{target}: not built with AddressSanitizer (no __asan_init)")
        helped = subprocess.run([str(binary), "-help=1"], capture_output=True, text=True)
        if "libFuzzer" not in helped.stdout + helped.stderr:
            failures.append(f"{target}: -help=1 does not speak libFuzzer")
        ran = subprocess.run([str(binary), "-runs=0", str(unpacked)], capture_output=True, text=True)
        if ran.returncode != 0:
            failures.append(f"{target}: running its seeds exited {ran.returncode}: "
                            + " | ".join(ran.stderr.strip().splitlines()[-3:]))

    for f in failures:
        print(f"check_oss_fuzz_build: {f}")
    if not failures:
        print(f"check_oss_fuzz_build: {args.targets} built by oss-fuzz-build.sh with OSS-Fuzz's ASan flags; "
              "each runs its seed corpus")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
