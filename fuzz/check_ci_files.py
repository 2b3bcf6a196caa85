#!/usr/bin/env python3
"""The fuzzing CI files agree with fuzz/ (ctest fuzz.ci_files_are_consistent, label tooling).

    check_ci_files.py ROOT
    check_ci_files.py --self-test ROOT   the check refuses a copy with two defects put in

Checks, reading files only (nothing is built):
  - every <name>_fuzzer.cc of fuzz/ is a target fuzz/list-targets names (so oss-fuzz-build.sh,
    run-all and coverage build it), and every listed target has its harness, its .options and the
    .dict the options name; a *_fuzzmode target's harness is its real-crypto target's;
  - fuzz/oss-fuzz-build.sh takes its targets from fuzz/list-targets, and both build.sh files
    (.clusterfuzzlite/, fuzz/oss-fuzz/) run it;
  - both Dockerfiles install every package oss-fuzz-build.sh says the image needs, and CMake 3.25+;
  - the workflows run ClusterFuzzLite in code-change (cflite_pr.yml) and batch (cflite_batch.yml)
    mode with the sanitizers of fuzz/oss-fuzz/project.yaml, and the OSS-Fuzz Dockerfile clones the
    project.yaml's main_repo.
"""
import pathlib
import re
import subprocess
import sys


def main(root):
    root = pathlib.Path(root)
    fuzz = root / "fuzz"
    problems = []
    targets = subprocess.run([str(fuzz / "list-targets")], check=True, capture_output=True,
                             text=True).stdout.split()
    if not targets:
        problems.append("fuzz/list-targets names no target")
    for harness in sorted(fuzz.glob("*_fuzzer.cc")):
        name = harness.name[: -len("_fuzzer.cc")]
        if name not in targets:
            problems.append(f"fuzz/{harness.name} is no target of fuzz/list-targets (fuzz/CMakeLists.txt)")
    for t in targets:
        base = t[: -len("_fuzzmode")] if t.endswith("_fuzzmode") else t
        if not (fuzz / f"{base}_fuzzer.cc").is_file():
            problems.append(f"{t}: no harness fuzz/{base}_fuzzer.cc")
        options = fuzz / f"{t}_fuzzer.options"
        if not options.is_file():
            problems.append(f"{t}: no fuzz/{options.name}")
            continue
        for m in re.finditer(r"^\s*dict\s*=\s*(\S+)", options.read_text(), re.M):
            if not (fuzz / m.group(1)).is_file():
                problems.append(f"{t}: {options.name} names {m.group(1)}, which fuzz/ lacks")

    build_script = (fuzz / "oss-fuzz-build.sh").read_text()
    if "fuzz/list-targets" not in build_script:
        problems.append("fuzz/oss-fuzz-build.sh does not take its targets from fuzz/list-targets")
    m = re.search(r"Dockerfile installs: cmake \(3\.25 or later\) (.+)", build_script)
    packages = m.group(1).split() if m else []
    if not packages:
        problems.append("fuzz/oss-fuzz-build.sh does not say which packages its image installs")
    for path in (".clusterfuzzlite/build.sh", "fuzz/oss-fuzz/build.sh"):
        if "fuzz/oss-fuzz-build.sh" not in (root / path).read_text():
            problems.append(f"{path} does not run fuzz/oss-fuzz-build.sh")
    for path in (".clusterfuzzlite/Dockerfile", "fuzz/oss-fuzz/Dockerfile"):
        text = (root / path).read_text()
        installed = set(re.findall(r"[A-Za-z0-9.+-]+", " ".join(re.findall(r"apt-get install[^\n]*(?:\\\n[^\n]*)*", text))))
        for p in packages:
            if p not in installed:
                problems.append(f"{path} does not install {p}")
        if "cmake>=3.25" not in text:
            problems.append(f"{path} does not install CMake 3.25 or later")

    project = (fuzz / "oss-fuzz" / "project.yaml").read_text()
    sanitizers = re.findall(r"^\s*-\s*(address|undefined|memory)\s*$", project, re.M)
    repo = re.search(r'^main_repo:\s*"([^"]+)"', project, re.M)
    if not repo or f"git clone --depth 1 {repo.group(1)} " not in (fuzz / "oss-fuzz" / "Dockerfile").read_text():
        problems.append("fuzz/oss-fuzz/Dockerfile does not clone project.yaml's main_repo")
    for path, mode in ((".github/workflows/cflite_pr.yml", "code-change"), (".github/workflows/cflite_batch.yml", "batch")):
        text = (root / path).read_text()
        if f"mode: {mode}" not in text or "google/clusterfuzzlite/actions/build_fuzzers" not in text:
            problems.append(f"{path} does not build and run ClusterFuzzLite in {mode} mode")
        listed = re.search(r"sanitizer:\s*\[([^\]]*)\]", text)
        if not listed or sorted(s.strip() for s in listed.group(1).split(",")) != sorted(sanitizers):
            problems.append(f"{path} does not run the sanitizers of fuzz/oss-fuzz/project.yaml ({', '.join(sanitizers)})")
    if "language: c++" not in (root / ".clusterfuzzlite" / "project.yaml").read_text():
        problems.append(".clusterfuzzlite/project.yaml does not say language: c++")

    for p in problems:
        print(p)
    print(f"check_ci_files: {len(targets)} targets, {len(problems)} problem(s)")
    return 1 if problems else 0


def self_test(root):
    """The check fails on a copy of the files with a harness no script builds and a package missing
    from one Dockerfile (a check that passes whatever it reads would pass here too)."""
    import shutil
    import tempfile
    root = pathlib.Path(root)
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp)
        for rel in ("fuzz", ".clusterfuzzlite", ".github"):
            shutil.copytree(root / rel, copy / rel, ignore=shutil.ignore_patterns("corpus", "regressions"))
        (copy / "fuzz" / "unbuilt_fuzzer.cc").write_text("")
        docker = copy / ".clusterfuzzlite" / "Dockerfile"
        docker.write_text(docker.read_text().replace(" libtommath-dev", ""))
        if main(copy) != 1:
            print("self-test: the check passed files it must refuse")
            return 1
    print("self-test: the check refused the broken copy")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--self-test":
        sys.exit(self_test(sys.argv[2]))
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent))
