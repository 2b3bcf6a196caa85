#!/usr/bin/env python3
"""Check the tmsproto specification for consistency.

The rules come from the "Conventions" section of spec/README.md:

* every requirement is defined on one line, `- **REQ-AREA-NNN** [Role] text (source)`, exactly once;
* spec/claims.md maps each of the patent's 19 claims, element by element, to requirements;
* every REQ ID written anywhere else (spec prose and tables, code, tests, vectors) names a
  defined requirement, and no REQ-like token is malformed.

Problems are printed as `path:line: message` (warnings as `path:line: warning: message`), followed
by one summary line. The exit status is 1 if there is any error, else 0.

The parsing lives in load_requirements(), load_claims() and find_citations() so that other tools
(the traceability report) can import this module instead of parsing the spec a second time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

# --- What the conventions allow -------------------------------------------------------------------

ROLES = ("Terminal", "TMS", "Both")
CLAIM_COUNT = 19  # CN102013982A has 19 claims.

# A well-formed ID: upper-case area, exactly three digits.
REQ_ID = re.compile(r"REQ-[A-Z]+-\d{3}")

# Anything that looks like it was meant to be an ID. Deliberately wider than REQ_ID (any case,
# any digit count, trailing letters) so that near-misses such as REQ-HS-04, REQ-hs-004,
# REQ-HS-0004 or REQ-HS-004a are caught instead of silently ignored. An area name alone
# ("the REQ-HS requirements") is prose, not a token, because it has no digits.
REQ_LIKE_TOKEN = re.compile(r"(?<![A-Za-z0-9_])(REQ-[A-Za-z]+-\d+[A-Za-z0-9_]*)", re.IGNORECASE)

# Any line of this shape is meant as a definition; it is then held to the full shape below.
DEFINITION_CANDIDATE = re.compile(r"^\s*[-*]\s+\*\*(REQ-[A-Z]+-\d{3})\*\*")
DEFINITION_HEAD = re.compile(r"^- \*\*(REQ-[A-Z]+-\d{3})\*\* (.*)$")
ROLE_TAG = re.compile(r"^\[([^\]]*)\]\s*(.*)$")

# Strongest first: a requirement with both MUST and MAY is a MUST requirement.
LEVELS = ("MUST", "SHOULD", "MAY")
LEVEL_WORD = {level: re.compile(rf"\b{level}\b") for level in LEVELS}
WITHDRAWN_TEXT = "Withdrawn."

# A source must point at something checkable in the patent, or own up to being our decision.
SOURCE_FORMS = (
    re.compile(r"\[\d{3,4}\]"),  # patent paragraph, e.g. [0134]
    re.compile(r"\bclaims?\s+\d+", re.IGNORECASE),  # claim 6, claims 6 and 7
    re.compile(r"\btables?\s+\d+", re.IGNORECASE),  # table 3
    re.compile(r"\btmsproto decision:\s*\S", re.IGNORECASE),  # tmsproto decision: <reason>
)

CLAIM_HEADING = re.compile(r"^##\s+Claim\s+(\d+)\b")
ANY_SECTION_HEADING = re.compile(r"^#{1,2}\s")
CLAIM_ELEMENT = re.compile(r"^- \*\*(\d+)\.([a-z]+|\d+)\*\*(.*)$")
# A bold-labelled list item inside a claim section that is not a valid element label (e.g. 6b).
LOOKS_LIKE_ELEMENT = re.compile(r"^\s*[-*]\s+\*\*")

# Where citations are looked for, outside spec/ (spec/ itself: every .md, recursively).
CODE_DIRS = ("reference", "conformance", "fuzz", "vectors", "cmake")
CODE_EXTENSIONS = {".h", ".hpp", ".cc", ".cpp", ".c", ".json", ".py", ".sh", ".cmake", ".txt",
                   ".md", ".pml", ".promela", ".in"}
CODE_FILE_NAMES = {"CMakeLists.txt"}
# Extensionless executables only: spec/tools/*.py holds this checker's own test, whose
# deliberately broken IDs must not count as citations.
SCRIPT_DIRS = (os.path.join("spec", "tools"), "scripts")
# Spec files that cite requirements but never define them.
NON_DEFINING_SPEC_FILES = {"claims.md"}


# --- Data ------------------------------------------------------------------------------------------

@dataclass
class Problem:
    file: str
    line: int
    message: str
    is_warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.is_warning else ""
        return f"{self.file}:{self.line}: {kind}{self.message}"


@dataclass
class Requirement:
    id: str
    role: str
    file: str
    line: int
    text: str
    source: str
    level: str | None  # MUST / SHOULD / MAY; None when withdrawn

    @property
    def withdrawn(self) -> bool:
        return is_withdrawn_text(self.text)


@dataclass
class ClaimElement:
    claim: int
    element: str  # e.g. "6.b"
    text: str
    reqs: list[str] = field(default_factory=list)
    file: str = ""
    line: int = 0


@dataclass
class Citation:
    id: str
    file: str
    line: int


class Parsed(NamedTuple):
    """What a loader found, and what was wrong with it. Unpacks as (items, problems)."""
    items: list
    problems: list[Problem]


# --- Files -----------------------------------------------------------------------------------------

def is_skipped_dir(name: str) -> bool:
    # Build trees hold copies and generated files; citing there is not citing in the source.
    return name.startswith("build") or name in (".git", "__pycache__")


def walk_files(top: Path) -> Iterator[Path]:
    """All files under top, sorted for stable output, skipping build and VCS folders."""
    if not top.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not is_skipped_dir(d))
        for name in sorted(filenames):
            yield Path(dirpath) / name


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def read_lines(path: Path) -> list[str]:
    # A stray non-UTF-8 byte must not hide the rest of the file from the check.
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def spec_dir(root: Path) -> Path:
    return root / "spec"


def defining_spec_files(root: Path) -> list[Path]:
    """spec/*.md, top level only, minus the files that only cite."""
    return sorted(p for p in spec_dir(root).glob("*.md")
                  if p.is_file() and p.name not in NON_DEFINING_SPEC_FILES)


def is_code_file(path: Path) -> bool:
    return path.name in CODE_FILE_NAMES or path.suffix in CODE_EXTENSIONS


def is_extensionless_script(path: Path) -> bool:
    return "." not in path.name and os.access(path, os.X_OK)


def citing_files(root: Path) -> list[Path]:
    """Every file whose REQ IDs are citations (or definitions), each once, in a stable order."""
    # Markdown anywhere in spec/, and the formal model's Promela files, which cite the tables.
    files: list[Path] = [p for p in walk_files(spec_dir(root)) if p.suffix in (".md", ".pml", ".promela")]
    for name in CODE_DIRS:
        files += [p for p in walk_files(root / name) if is_code_file(p)]
    for name in SCRIPT_DIRS:
        top = root / name
        if top.is_dir():
            files += sorted(p for p in top.iterdir() if p.is_file() and is_extensionless_script(p))
    return list(dict.fromkeys(files))


# --- Requirements ----------------------------------------------------------------------------------

def is_withdrawn_text(text: str) -> bool:
    # "Withdrawn." may be followed by a note such as "Replaced by REQ-HS-010."
    return text == WITHDRAWN_TEXT or text.startswith(WITHDRAWN_TEXT + " ")


def split_trailing_source(rest: str) -> tuple[str, str] | None:
    """Split 'text (source)' at the parenthesis that closes the line; None if there is none.

    Scans backwards so that parentheses inside the text, and nested inside the source, are fine.
    """
    rest = rest.rstrip()
    if not rest.endswith(")"):
        return None
    depth = 0
    for index in range(len(rest) - 1, -1, -1):
        if rest[index] == ")":
            depth += 1
        elif rest[index] == "(":
            depth -= 1
            if depth == 0:
                return rest[:index].rstrip(), rest[index + 1:-1].strip()
    return None


def requirement_level(text: str) -> str | None:
    for level in LEVELS:  # MUST NOT and SHOULD NOT match MUST and SHOULD
        if LEVEL_WORD[level].search(text):
            return level
    return None


def is_acceptable_source(source: str) -> bool:
    return any(form.search(source) for form in SOURCE_FORMS)


def parse_definition(line: str, file: str, line_no: int) -> tuple[Requirement | None, list[Problem]]:
    """Hold one definition line to the full shape; return the requirement if it passes."""
    def problem(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(file, line_no, message)]

    head = DEFINITION_HEAD.match(line.rstrip())
    req_id = DEFINITION_CANDIDATE.match(line).group(1)
    if not head:
        return problem(f"{req_id}: a definition is a top-level list item starting '- **{req_id}** '")
    role_match = ROLE_TAG.match(head.group(2))
    if not role_match:
        return problem(f"{req_id}: missing role tag, expected one of [{'|'.join(ROLES)}]")
    role, rest = role_match.group(1), role_match.group(2)
    if role not in ROLES:
        return problem(f"{req_id}: role tag [{role}] is not one of [{'|'.join(ROLES)}]")

    split = split_trailing_source(rest)
    if split is None and is_withdrawn_text(rest.strip()):
        # A withdrawn line only has to keep the ID reserved; a source is optional.
        return Requirement(req_id, role, file, line_no, rest.strip(), "", None), []
    if split is None:
        return problem(f"{req_id}: line must end with a parenthesised source, e.g. ([0134]), "
                       "(claim 6), (table 3) or (tmsproto decision: <reason>)")
    text, source = split
    if not text:
        return problem(f"{req_id}: requirement text is empty")
    if not is_acceptable_source(source):
        return problem(f"{req_id}: source ({source}) names no patent paragraph [NNNN], claim N, "
                       "table N or 'tmsproto decision: <reason>'")
    if is_withdrawn_text(text):
        return Requirement(req_id, role, file, line_no, text, source, None), []
    level = requirement_level(text)
    if level is None:
        return problem(f"{req_id}: text has none of MUST, MUST NOT, SHOULD, SHOULD NOT, MAY "
                       f"(or is '{WITHDRAWN_TEXT}')")
    return Requirement(req_id, role, file, line_no, text, source, level), []


def load_requirements(root: Path | str) -> Parsed:
    """Parse every definition in spec/*.md. Items: Requirement, first definition of each ID."""
    root = Path(root)
    requirements: dict[str, Requirement] = {}
    first_seen: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    for path in defining_spec_files(root):
        file = relative(root, path)
        for line_no, line in enumerate(read_lines(path), start=1):
            candidate = DEFINITION_CANDIDATE.match(line)
            if not candidate:
                continue
            req_id = candidate.group(1)
            if req_id in first_seen:
                # Checked before the shape so a malformed copy still counts as a second definition.
                first_file, first_line = first_seen[req_id]
                problems.append(Problem(file, line_no, f"{req_id} is defined twice: here and at "
                                                       f"{first_file}:{first_line}"))
                continue
            first_seen[req_id] = (file, line_no)
            requirement, found = parse_definition(line, file, line_no)
            problems += found
            if requirement:
                requirements[req_id] = requirement
    if not first_seen:
        problems.append(Problem("spec", 0, "no requirement is defined in spec/*.md"))
    return Parsed(list(requirements.values()), problems)


def defined_ids_in_spec(root: Path) -> set[str]:
    """Every ID with a definition line, even a malformed one: a badly shaped definition is already
    reported once, and must not also turn each citation of it into a 'not defined' error."""
    ids = set()
    for path in defining_spec_files(root):
        for line in read_lines(path):
            candidate = DEFINITION_CANDIDATE.match(line)
            if candidate:
                ids.add(candidate.group(1))
    return ids


# --- Claims ----------------------------------------------------------------------------------------

def claims_path(root: Path) -> Path:
    return spec_dir(root) / "claims.md"


def well_formed_ids(text: str) -> list[str]:
    found = [token for token in REQ_LIKE_TOKEN.findall(text) if REQ_ID.fullmatch(token)]
    return list(dict.fromkeys(found))


def group_claim_lines(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    """Yield (line_no, kind, text) with kind 'heading', 'other_heading', 'element' or 'other';
    indented lines after an element are folded into it, as Markdown continues a list item."""
    pending: list | None = None
    for line_no, line in enumerate(lines, start=1):
        if pending and line.strip() and line[:1].isspace():
            pending[2] += " " + line.strip()
            continue
        if pending:
            yield tuple(pending)
            pending = None
        if CLAIM_HEADING.match(line):
            yield line_no, "heading", line
        elif ANY_SECTION_HEADING.match(line):
            yield line_no, "other_heading", line
        elif CLAIM_ELEMENT.match(line):
            pending = [line_no, "element", line]
        else:
            yield line_no, "other", line
    if pending:
        yield tuple(pending)


def check_claim_order(headings: list[tuple[int, int]], file: str, last_line: int) -> list[Problem]:
    """Claims 1..CLAIM_COUNT, each exactly once, in order. headings: (claim number, line)."""
    problems = []
    seen: dict[int, int] = {}
    previous = 0
    for number, line_no in headings:
        if not 1 <= number <= CLAIM_COUNT:
            problems.append(Problem(file, line_no, f"claim {number} does not exist "
                                                   f"(the patent has claims 1..{CLAIM_COUNT})"))
        elif number in seen:
            problems.append(Problem(file, line_no, f"claim {number} appears again "
                                                   f"(first at line {seen[number]})"))
        elif number < previous:
            problems.append(Problem(file, line_no, f"claim {number} is out of order "
                                                   f"(follows claim {previous})"))
        seen.setdefault(number, line_no)
        previous = max(previous, number)
    for number in range(1, CLAIM_COUNT + 1):
        if number not in seen:
            # Point at where it should have been: the next claim that is there.
            later = [line for n, line in headings if n > number]
            problems.append(Problem(file, min(later) if later else last_line,
                                    f"claim {number} is missing (expected '## Claim {number}')"))
    return problems


def check_claim_sections(element_counts: dict[tuple[int, int], int], file: str) -> list[Problem]:
    """element_counts: (claim number, heading line) -> elements found under that heading."""
    return [Problem(file, line_no, f"claim {number} has no elements (list lines '- **{number}.a** ...')")
            for (number, line_no), count in element_counts.items() if count == 0]


def load_claims(root: Path | str) -> Parsed:
    """Parse spec/claims.md. Items: ClaimElement, in file order."""
    root = Path(root)
    path = claims_path(root)
    file = relative(root, path)
    if not path.is_file():
        return Parsed([], [Problem(file, 0, "spec/claims.md is missing: every claim must be mapped")])

    lines = read_lines(path)
    elements: list[ClaimElement] = []
    element_counts: dict[tuple[int, int], int] = {}  # per '## Claim N' heading
    problems: list[Problem] = []
    labels_seen: dict[str, int] = {}
    section: tuple[int, int] | None = None  # (claim number, heading line) we are in
    for line_no, kind, text in group_claim_lines(lines):
        if kind == "heading":
            section = (int(CLAIM_HEADING.match(text).group(1)), line_no)
            element_counts[section] = 0
        elif kind == "other_heading":
            section = None  # e.g. "## Notes" ends the claim above it
        elif kind == "element":
            element, found = parse_claim_element(text, file, line_no, section, labels_seen)
            problems += found
            elements.append(element)
            if section:
                element_counts[section] += 1
        elif section and LOOKS_LIKE_ELEMENT.match(text):
            problems.append(Problem(file, line_no, "list item looks like a claim element but its "
                                                   f"label is not '{section[0]}.<letter or number>'"))
    problems += check_claim_order(list(element_counts), file, max(len(lines), 1))
    problems += check_claim_sections(element_counts, file)
    return Parsed(elements, problems)


def parse_claim_element(text: str, file: str, line_no: int, section: tuple[int, int] | None,
                        labels_seen: dict[str, int]) -> tuple[ClaimElement, list[Problem]]:
    match = CLAIM_ELEMENT.match(text)
    number, part, body = int(match.group(1)), match.group(2), match.group(3).strip()
    label = f"{number}.{part}"
    element = ClaimElement(number, label, body, well_formed_ids(body), file, line_no)
    problems = []
    current_claim = section[0] if section else None
    if current_claim is None:
        problems.append(Problem(file, line_no, f"claim element {label} is not under a "
                                               f"'## Claim {number}' heading"))
    elif number != current_claim:
        problems.append(Problem(file, line_no, f"claim element {label} is under claim "
                                               f"{current_claim}"))
    if label in labels_seen:
        problems.append(Problem(file, line_no, f"claim element {label} appears again "
                                               f"(first at line {labels_seen[label]})"))
    labels_seen.setdefault(label, line_no)
    if not element.reqs:
        problems.append(Problem(file, line_no, f"claim element {label} cites no requirement"))
    # Undefined IDs in elements are reported once, by the citation check, like any other citation.
    return element, problems


# --- Citations -------------------------------------------------------------------------------------

def tokens_in_line(line: str) -> Iterator[tuple[int, str]]:
    for match in REQ_LIKE_TOKEN.finditer(line):
        yield match.start(), match.group(1)


def find_citations(root: Path | str) -> Parsed:
    """Every well-formed REQ ID outside its own definition, in the files that may cite.
    Problems: malformed REQ-like tokens."""
    root = Path(root)
    defining = set(defining_spec_files(root))
    citations: list[Citation] = []
    problems: list[Problem] = []
    for path in citing_files(root):
        file = relative(root, path)
        for line_no, line in enumerate(read_lines(path), start=1):
            definition = DEFINITION_CANDIDATE.match(line) if path in defining else None
            for position, token in tokens_in_line(line):
                if not REQ_ID.fullmatch(token):
                    problems.append(Problem(file, line_no, f"malformed requirement ID '{token}' "
                                                           "(expected REQ-<AREA>-<NNN>, e.g. REQ-HS-004)"))
                elif definition and position == definition.start(1):
                    continue  # the ID being defined is not a citation of itself
                else:
                    citations.append(Citation(token, file, line_no))
    return Parsed(citations, problems)


def check_citations(citations: list[Citation], defined: set[str]) -> list[Problem]:
    return [Problem(c.file, c.line, f"{c.id} is cited but not defined in spec/*.md")
            for c in citations if c.id not in defined]


def uncited_warnings(requirements: list[Requirement], citations: list[Citation]) -> list[Problem]:
    """Requirements no code, test or vector points at yet: not wrong, but worth seeing."""
    cited_outside_spec = {c.id for c in citations if not c.file.startswith("spec/")}
    return [Problem(r.file, r.line, f"{r.id} is cited nowhere outside spec/", is_warning=True)
            for r in requirements if not r.withdrawn and r.id not in cited_outside_spec]


# --- The whole check -------------------------------------------------------------------------------

@dataclass
class Report:
    requirements: list[Requirement]
    claims: list[ClaimElement]
    citations: list[Citation]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_warning]

    def summary(self) -> str:
        return (f"spec check: {len(self.requirements)} requirements, {len(self.claims)} claim "
                f"elements, {len(self.citations)} citations, {len(self.errors)} errors")


def check(root: Path | str) -> Report:
    root = Path(root)
    requirements, requirement_problems = load_requirements(root)
    claims, claim_problems = load_claims(root)
    citations, citation_problems = find_citations(root)
    problems = requirement_problems + claim_problems + citation_problems
    problems += check_citations(citations, defined_ids_in_spec(root))
    problems += uncited_warnings(requirements, citations)
    problems.sort(key=lambda p: (p.file, p.line, p.is_warning))
    return Report(requirements, claims, citations, problems)


def report_as_json(report: Report) -> dict:
    def requirement_json(r: Requirement) -> dict:
        return {"id": r.id, "role": r.role, "file": r.file, "line": r.line, "text": r.text,
                "source": r.source, "level": r.level, "withdrawn": r.withdrawn}

    return {
        "requirements": [requirement_json(r) for r in report.requirements],
        "claims": [asdict(c) for c in report.claims],
        "citations": [asdict(c) for c in report.citations],
    }


def default_root() -> Path:
    return Path(__file__).resolve().parents[2]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Check the tmsproto spec: requirement syntax, "
                                                 "claim mapping, citations.")
    parser.add_argument("--root", type=Path, default=default_root(),
                        help="repository root (default: two levels above this script)")
    parser.add_argument("--list", action="store_true",
                        help="print every defined ID with its role and file, and nothing else")
    parser.add_argument("--json", metavar="FILE", type=Path,
                        help="also write requirements, claims and citations as JSON to FILE")
    parser.add_argument("--warnings", action="store_true",
                        help="list every warning (by default only their number is printed)")
    return parser.parse_args(argv)


def print_list(requirements: Iterable[Requirement]) -> None:
    for r in requirements:
        print(f"{r.id}\t{r.role}\t{r.file}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = args.root.resolve()
    if not root.is_dir():
        print(f"{args.root}:0: not a directory", file=sys.stderr)
        return 2
    if args.list:
        # Meant for other tools: the list alone, so their parsing stays trivial.
        print_list(load_requirements(root).items)
        return 0
    report = check(root)
    if args.json:
        args.json.write_text(json.dumps(report_as_json(report), indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    # Uncited requirements are expected while the implementation grows, so by default they are
    # counted rather than listed; errors are always listed.
    warnings = [p for p in report.problems if p.is_warning]
    for problem in report.problems:
        if args.warnings or not problem.is_warning:
            print(problem)
    if warnings and not args.warnings:
        print(f"{len(warnings)} warnings (requirements not yet cited outside spec/; --warnings lists them)")
    print(report.summary())
    return 1 if report.errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # `check_spec.py --list | head` closes the pipe early; that is not a failure of the check.
        sys.stderr.close()
        sys.exit(0)
