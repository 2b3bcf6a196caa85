#!/usr/bin/env python3
"""Fails when a parser of reference/ has no fuzz target (ctest: fuzz.every_parser_has_a_target).

A parser is a declaration in reference/**/*.h of
  Parsed<...> parse_<x>(            (the codec's result type)
  Result<..., ...> parse<...>(      (any other parser: TR-31 headers, the JSON reader)
  Result<..., ...> unwrap(          (a key block is parsed as it is opened)
  Result<..., ...> read_<x>(text    (a reader of text from outside: the injection file, a vendor
                                     program's answer lines)
  class <X>Deframer, class <X>Link  (transport framing)
fuzz/parsers.txt maps each to a target. The check fails when a parser is not listed, when a listed
parser is not declared where the list says, or when its target has no fuzz/<t>_fuzzer.cc, is not
registered with tmsproto_add_fuzzer(<t>), never names the parser, or lacks its .dict, .options or
seed corpus.

Usage: check_parsers.py [repository root]
"""
import pathlib
import re
import sys

DECLARATIONS = [
    re.compile(r"^\s*Parsed<.+>\s+(parse_\w+)\s*\(", re.M),
    re.compile(r"^\s*Result<.+,.+>\s+(parse\w*)\s*\(", re.M),
    re.compile(r"^\s*Result<.+,.+>\s+(unwrap)\s*\(", re.M),
    re.compile(r"^\s*Result<.+,.+>\s+(read_\w+)\s*\(\s*(?:std::string_view|const std::string&)\s", re.M),
    re.compile(r"^\s*class\s+(\w+Deframer|\w+Link)\b", re.M),
]


def declared_parsers(reference: pathlib.Path) -> set[str]:
    found = set()
    for header in sorted(reference.rglob("*.h")):
        if header.name.startswith("test_") or header.name.endswith("_test.h"):
            continue  # test helpers generate inputs, they parse nothing from the wire
        text = header.read_text(encoding="utf-8")
        for pattern in DECLARATIONS:
            for m in pattern.finditer(text):
                found.add(f"{header.relative_to(reference).as_posix()}:{m.group(1)}")
    return found


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    fuzz = root / "fuzz"
    errors = []
    listed: dict[str, str] = {}
    for n, line in enumerate((fuzz / "parsers.txt").read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 2 or ":" not in fields[0]:
            errors.append(f"parsers.txt:{n}: expected '<header>:<parser> <target>', got {line!r}")
            continue
        if fields[0] in listed:
            errors.append(f"parsers.txt:{n}: {fields[0]} listed twice")
        listed[fields[0]] = fields[1]

    declared = declared_parsers(root / "reference")
    for parser in sorted(declared - listed.keys()):
        errors.append(f"{parser} has no fuzz target: add it to fuzz/parsers.txt with a target")
    for parser in sorted(listed.keys() - declared):
        errors.append(f"parsers.txt lists {parser}, which reference/ does not declare")

    cmake = (fuzz / "CMakeLists.txt").read_text(encoding="utf-8")
    registered = set(re.findall(r"^\s*tmsproto_add_fuzzer\((\w+)\)", cmake, re.M))
    for parser, target in sorted(listed.items()):
        source = fuzz / f"{target}_fuzzer.cc"
        if not source.is_file():
            errors.append(f"{parser}: fuzz/{target}_fuzzer.cc does not exist")
            continue
        if target not in registered:
            errors.append(f"{parser}: tmsproto_add_fuzzer({target}) is missing from fuzz/CMakeLists.txt")
        name = parser.split(":", 1)[1]
        if not re.search(rf"\b{re.escape(name)}\b", source.read_text(encoding="utf-8")):
            errors.append(f"{parser}: fuzz/{target}_fuzzer.cc never calls {name}")
    for target in sorted(registered):
        for suffix in ("_fuzzer.dict", "_fuzzer.options"):
            if not (fuzz / f"{target}{suffix}").is_file():
                errors.append(f"target {target}: fuzz/{target}{suffix} is missing")
        corpus = fuzz / "corpus" / target
        if not corpus.is_dir() or not any(p.is_file() for p in corpus.rglob("*")):
            errors.append(f"target {target}: seed corpus fuzz/corpus/{target}/ is missing or empty")

    for e in errors:
        print(f"check_parsers: {e}", file=sys.stderr)
    print(f"check_parsers: {len(declared)} parsers, {len(registered)} targets, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
