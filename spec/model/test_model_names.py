#!/usr/bin/env python3
"""The Promela model speaks the spec's language: its state and message names are exactly those of
the spec's tables, in both directions, and every requirement it cites exists.

* terminal states: the "States" table of spec/09-terminal-states.md  <->  `mtype:tstate` in the model
* TMS states:      the "States" table of spec/10-tms-states.md       <->  `mtype:sstate`
* messages:        the table of section 3.1 of spec/03-messages.md    <->  `mtype:msg`

check_spec.py does not scan spec/model/, so the citation check for the model lives here.
Python 3 standard library only; run directly or under ctest.
"""

from __future__ import annotations

import re
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODEL = HERE / "tmsproto.pml"

sys.path.insert(0, str(ROOT / "spec" / "tools"))
import check_spec  # noqa: E402  (the spec's own loaders)

HEADING = re.compile(r"^(#{2,})\s+(.*?)\s*$")
PLAIN_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def section_lines(path: Path, title_pattern: str) -> list[str]:
    """The lines of the first section whose heading matches title_pattern, up to the next heading
    of the same or a higher level."""
    lines = path.read_text(encoding="utf-8").splitlines()
    wanted = re.compile(title_pattern)
    for index, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading and wanted.search(heading.group(2)):
            level = len(heading.group(1))
            body = []
            for following in lines[index + 1:]:
                other = HEADING.match(following)
                if other and len(other.group(1)) <= level:
                    break
                body.append(following)
            return body
    raise AssertionError(f"{path.name}: no section titled like {title_pattern!r}")


def table_column(lines: list[str], column: str) -> list[str]:
    """The cells of one column of the first Markdown table in lines, header and rule excluded."""
    rows = [line for line in lines if line.strip().startswith("|")]
    if len(rows) < 2:
        raise AssertionError("no table in the section")
    header = [cell.strip() for cell in rows[0].strip().strip("|").split("|")]
    if column not in header:
        raise AssertionError(f"table has no column {column!r} (columns: {header})")
    index = header.index(column)
    cells = []
    for row in rows[2:]:  # rows[1] is the |---| rule
        parts = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if index < len(parts):
            cells.append(parts[index])
    return cells


def names_in_column(path: Path, section: str, column: str) -> list[str]:
    names = []
    for cell in table_column(section_lines(path, section), column):
        name = cell[1:-1] if len(cell) > 2 and cell[0] == cell[-1] == "`" else cell
        if not PLAIN_NAME.match(name):
            raise AssertionError(f"{path.name}: cell {cell!r} of column {column!r} is not a name")
        names.append(name)
    return names


def model_text() -> str:
    text = MODEL.read_text(encoding="utf-8")
    # Comments and printf strings may name anything; only code counts.
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)


def mtype_names(kind: str) -> list[str]:
    declarations = re.findall(r"\bmtype\s*:\s*" + re.escape(kind) + r"\s*=\s*\{([^}]*)\}",
                              model_text())
    if len(declarations) != 1:
        raise AssertionError(f"{MODEL.name}: expected exactly one 'mtype:{kind} = {{...}}', "
                             f"found {len(declarations)}")
    return [name.strip() for name in declarations[0].split(",") if name.strip()]


class ModelNamesTest(unittest.TestCase):
    def assert_same_names(self, spec_names: list[str], model_names: list[str], what: str):
        self.assertEqual(len(spec_names), len(set(spec_names)), f"{what}: spec lists a name twice")
        self.assertEqual(len(model_names), len(set(model_names)), f"{what}: model declares a name twice")
        missing = sorted(set(spec_names) - set(model_names))
        extra = sorted(set(model_names) - set(spec_names))
        self.assertFalse(missing or extra,
                         f"{what}: in the spec but not the model: {missing}; "
                         f"in the model but not the spec: {extra}")
        # Same order too: the model is read beside the table (STYLE.md).
        self.assertEqual(spec_names, model_names, f"{what}: same names, different order")

    def test_terminal_states(self):
        self.assert_same_names(
            names_in_column(ROOT / "spec" / "09-terminal-states.md", r"^\d+(\.\d+)*\s+States$", "state"),
            mtype_names("tstate"), "terminal states")

    def test_tms_states(self):
        self.assert_same_names(
            names_in_column(ROOT / "spec" / "10-tms-states.md", r"^\d+(\.\d+)*\s+States$", "state"),
            mtype_names("sstate"), "TMS states")

    def test_message_names(self):
        self.assert_same_names(
            names_in_column(ROOT / "spec" / "03-messages.md", r"^3\.1\s+Message types$", "name"),
            mtype_names("msg"), "message names")

    def test_no_other_state_or_message_names(self):
        # A state or message name used in the model but declared nowhere would be a typo that
        # Promela reports only at run time, if ever; catch T_/S_ names outside the declarations.
        declared = set(mtype_names("tstate")) | set(mtype_names("sstate")) | set(mtype_names("msg"))
        used = set(re.findall(r"\b([TS]_[A-Z][A-Z_]*)\b", model_text()))
        macros = set(re.findall(r"#define\s+([TS]_[A-Z][A-Z_]*)", model_text()))
        self.assertEqual(sorted(used - declared - macros), [])

    def test_cited_requirements_exist(self):
        requirements, _ = check_spec.load_requirements(ROOT)
        defined = {r.id for r in requirements}
        text = MODEL.read_text(encoding="utf-8")
        tokens = check_spec.REQ_LIKE_TOKEN.findall(text)
        malformed = [t for t in tokens if not check_spec.REQ_ID.fullmatch(t)]
        self.assertEqual(malformed, [], "malformed requirement IDs in the model")
        cited = {t for t in tokens if check_spec.REQ_ID.fullmatch(t)}
        self.assertTrue(cited, "the model cites no requirement")
        self.assertEqual(sorted(cited - defined), [], "the model cites undefined requirements")


if __name__ == "__main__":
    unittest.main(verbosity=2)
