#!/usr/bin/env python3
"""Self-test of spec/tools/trace: build a tiny repository, run the real command line on it (as a
subprocess), and check the verdicts, the Gaps section and the files it writes; and check the
executing-code heuristic on small C++ snippets directly.

Like test_check_spec.py, this file lives in spec/tools/ with a .py extension, which check_spec.py
does not scan, so the deliberately undefined ID below never counts against the real tree.
"""

from __future__ import annotations

import html
import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from urllib.parse import unquote

TRACE = Path(__file__).resolve().with_name("trace")


def load_trace_module():
    """The trace script has no .py extension; load it as a module to test its heuristic."""
    loader = importlib.machinery.SourceFileLoader("trace_tool", str(TRACE))
    spec = importlib.util.spec_from_loader("trace_tool", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["trace_tool"] = module  # dataclasses look their module up by name
    loader.exec_module(module)
    return module

MUST_REQ = ("- **REQ-HS-001** [Terminal] The terminal MUST send its serial number first. "
            "([0134])")
SHOULD_REQ = ("- **REQ-TMS-002** [TMS] The TMS SHOULD log every session (for audit). "
              "(tmsproto decision: operators need an audit trail)")
WITHDRAWN_REQ = "- **REQ-HS-003** [Both] Withdrawn."


def claims_file() -> str:
    parts = ["# Claims\n"]
    for number in range(1, 20):
        parts.append(f"## Claim {number} — claim text\n\n"
                     f"- **{number}.a** The terminal identifies itself. — REQ-HS-001\n"
                     f"  Patent: 「终端发送请求报文」 (claim {number}); description [0008].\n")
    return "\n".join(parts)


TEST_FILE = """\
#include <gtest/gtest.h>

// The serial number goes first (REQ-HS-001).
TEST(Handshake, SerialNumberFirst) {
  EXPECT_TRUE(true);
}

RC_GTEST_PROP(Handshake, AnyInput, ()) {
  RC_ASSERT(true);
}
"""


# The citation stands on a statement inside the function body: executing code.
HANDSHAKE_CC = """\
int handshake() {
  return 0;  // sends the serial number first: REQ-HS-001
}
"""
# The same function with no citation in it.
UNCITED_CC = "int handshake() { return 0; }\n"
# Evidence lines of the tiny repository as built: every kind once, but no recorded vector or
# conformance scenario.
ALL_EVIDENCE = ("trace evidence: 1 executing code, 1 declared/mentioned, 1 unit/property tests, "
                "1 independent vectors, 0 recorded vectors, 1 model properties, 1 fuzz targets, "
                "0 conformance scenarios")
NO_VECTOR = '{"schema": "tmsproto-vectors/1", "algorithm": "HS", "reqs": []}\n'


class Repo:
    """A throw-away repository in which REQ-HS-001 (MUST) is implemented and tested."""

    def __init__(self, directory: str):
        self.root = Path(directory)
        self.write("spec/04-handshake.md",
                   "# Handshake\n\n" + "\n".join([MUST_REQ, SHOULD_REQ, WITHDRAWN_REQ]) + "\n")
        self.write("spec/claims.md", claims_file())
        self.write("reference/terminal/handshake.cc", HANDSHAKE_CC)
        self.write("reference/terminal/handshake_test.cc", TEST_FILE)
        self.write("reference/terminal/test_util.h", "// helper, cites REQ-TMS-002 but is no code\n")
        self.write("vectors/handshake.json",
                   '{"schema": "tmsproto-vectors/1", "algorithm": "HS", "reqs": ["REQ-HS-001"],\n'
                   ' "testGroups": []}\n')
        self.write("fuzz/handshake_fuzzer.cc", "// Fuzzes the parser of REQ-HS-001.\n")
        self.write("spec/model/tmsproto.pml", "/* property: REQ-HS-001 */\n")

    def write(self, relative_path: str, text: str) -> None:
        path = self.root / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def run(self, *extra: str, out: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(TRACE), "--root", str(self.root),
                               "--out", out or str(self.root / "build" / "trace"), *extra],
                              capture_output=True, text=True, timeout=60, cwd=cwd)

    def report(self, name: str = "trace.md") -> str:
        return (self.root / "build" / "trace" / name).read_text(encoding="utf-8")


def gaps_section(markdown: str) -> str:
    return markdown.split("\n## Gaps\n", 1)[1]


def file_links(out: Path) -> set[str]:
    """Every link of trace.html and trace.md that leaves the page (not a #fragment)."""
    page = (out / "trace.html").read_text(encoding="utf-8")
    markdown = (out / "trace.md").read_text(encoding="utf-8")
    return set(re.findall(r'href="([^"#][^"]*)"', page)) | set(re.findall(r"\]\(([^)#][^)]*)\)", markdown))


def link_target(out: Path, link: str) -> Path:
    """Where a browser lands: the path part, unquoted, joined to the page's folder lexically."""
    path = unquote(html.unescape(link).split("#", 1)[0])
    return Path(os.path.normpath(os.path.join(os.path.abspath(out), path)))


class TraceTest(unittest.TestCase):
    def setUp(self):
        self._directory = tempfile.TemporaryDirectory(prefix="trace_test_")
        self.repo = Repo(self._directory.name)

    def tearDown(self):
        self._directory.cleanup()

    def assert_summary(self, result, summary: str):
        self.assertEqual(result.stdout.splitlines()[-1], summary, result.stdout + result.stderr)

    def assert_gap(self, missing: str):
        """REQ-HS-001 fails the strict run, and the Gaps section says what it lacks."""
        result = self.repo.run()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"REQ-HS-001 (MUST) has no {missing}", result.stdout)
        self.assertIn(f"| [REQ-HS-001](#req-hs-001) | Terminal | {missing}", gaps_section(self.repo.report()))
        return result

    def test_must_with_code_and_test_passes(self):
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        # SHOULD and withdrawn requirements are never gaps; helpers are neither code nor tests.
        self.assert_summary(result, "trace: 3 requirements (1 MUST), 1 implemented, 1 tested, 0 gaps, 0 deferred")
        self.assertEqual(result.stdout.splitlines()[-2], ALL_EVIDENCE)
        markdown = self.repo.report()
        self.assertIn("None: every MUST requirement has executing code and a test.", gaps_section(markdown))
        # Each kind of evidence is found, in its own list, with file:line links.
        self.assertIn("- executing code: [reference/terminal/handshake.cc:2]"
                      "(../../reference/terminal/handshake.cc#L2)", markdown)
        self.assertIn("- unit/property tests: `Handshake.SerialNumberFirst` "
                      "[reference/terminal/handshake_test.cc:3]", markdown)
        self.assertIn("- independent vectors: `HS` [vectors/handshake.json:1]", markdown)
        self.assertIn("- fuzz targets: [fuzz/handshake_fuzzer.cc:1]", markdown)
        self.assertIn("- model properties: [spec/model/tmsproto.pml:1]", markdown)
        self.assertIn("- declared / mentioned: [reference/terminal/test_util.h:1]", markdown)

    # --- Executing code --------------------------------------------------------------------------

    def test_header_declarations_do_not_implement(self):
        # A declaration, a member's default, an enum value and the comment above a declaration
        # name the requirement; none of them runs.
        self.repo.write("reference/terminal/handshake.cc", UNCITED_CC)
        self.repo.write("reference/terminal/handshake.h",
                        "// The handshake (REQ-HS-001).\n"
                        "int handshake();\n"
                        "struct Config {\n"
                        "  int window = 300;  // REQ-HS-001\n"
                        "  int slots{8};      // REQ-HS-001\n"
                        "};\n"
                        "enum class Step { kFirst = 1,  // REQ-HS-001\n"
                        "};\n")
        result = self.assert_gap("executing code")
        self.assert_summary(result, "trace: 3 requirements (1 MUST), 0 implemented, 1 tested, 1 gaps, 0 deferred")
        # Still shown, as declared / mentioned.
        self.assertIn("- declared / mentioned: [reference/terminal/handshake.h:1]", self.repo.report())
        for line in (4, 5, 7):
            self.assertIn(f"[reference/terminal/handshake.h:{line}]", self.repo.report())

    def test_comments_outside_function_bodies_do_not_implement(self):
        # A file-top comment and the comment block above a function definition in a .cc file.
        self.repo.write("reference/terminal/handshake.cc",
                        "// The handshake, REQ-HS-001.\n#include <cstdint>\n\n"
                        "// Sends the serial number first (REQ-HS-001).\n" + UNCITED_CC)
        self.assert_gap("executing code")

    def test_citation_in_a_function_body_implements(self):
        # Beside a statement, in a comment line between statements, or in an inline body in a
        # header: each counts on its own.
        bodies = {
            "reference/terminal/handshake.cc": "int handshake() {\n  int x = 0;\n"
                                               "  // REQ-HS-001: the serial number first.\n"
                                               "  return x;\n}\n",
            "reference/terminal/inline.h": "inline int first() { return 1; }  // REQ-HS-001\n",
            "reference/terminal/member.h": "class Session {\n public:\n  int first() const {\n"
                                           "    return 1;  // REQ-HS-001\n  }\n};\n",
        }
        for path, text in bodies.items():
            with self.subTest(path=path):
                self.repo.write("reference/terminal/handshake.cc", UNCITED_CC)
                self.repo.write(path, text)
                result = self.repo.run()
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertIn(f"- executing code: [{path}:", self.repo.report())
                if path != "reference/terminal/handshake.cc":
                    (self.repo.root / path).unlink()

    def test_analyser_sim_and_vector_code_do_not_implement(self):
        # Naming a requirement beside a field, in a stand-in port, in a vector checker or in a vector
        # generator is not implementing it, not even inside a function body: with the real code
        # gone, the gap shows.
        self.repo.write("reference/terminal/handshake.cc", UNCITED_CC)
        for path in ("reference/analyser/describe.cc", "reference/sim/memory_ports.cc",
                     "reference/vectors/handshake_vectors.cc", "reference/vectors/tools/make.cc"):
            self.repo.write(path, "int f() {\n  return 0;  // Serial number first (REQ-HS-001).\n}\n")
        self.assert_gap("executing code")

    def test_the_tms_direction_catalogue_does_not_implement(self):
        # spec/conformance.md C.10: the scenarios that judge a TMS under test name TMS-side
        # requirements; naming them is conformance evidence, not the TMS's implementation.
        self.repo.write("reference/terminal/handshake.cc", UNCITED_CC)
        self.repo.write("conformance/runner/tms_scenarios.cc",
                        'int f() {\n  return 0;  // {"handshake.x", {"REQ-HS-001"}}\n}\n')
        self.assert_gap("executing code")

    def test_install_rules_implement_and_the_package_check_tests(self):
        # spec/conformance.md C.11: the installation is CMake under cmake/ or reference/install/,
        # checked by scripts/check-package, which CI runs; the consumer it builds only mentions.
        self.repo.write("reference/terminal/handshake.cc", UNCITED_CC)
        self.repo.write("reference/install/consumer/main.cc", HANDSHAKE_CC)
        self.assert_gap("executing code")
        self.repo.write("cmake/packaging.cmake", "install(FILES x DESTINATION y)  # REQ-HS-001\n")
        self.repo.write("reference/terminal/handshake_test.cc", TEST_FILE.replace(" (REQ-HS-001)", ""))
        self.repo.write("vectors/handshake.json", NO_VECTOR)
        self.assert_gap("test")
        self.repo.write("scripts/check-package", "#!/bin/sh\n# the .deb holds the shim: REQ-HS-001\n")
        (self.repo.root / "scripts" / "check-package").chmod(0o755)
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        markdown = self.repo.report()
        self.assertIn("- executing code: [cmake/packaging.cmake:1]", markdown)
        self.assertIn("- unit/property tests: `scripts/check-package (.ci/run)`", markdown)

    # --- Tests: unit/property tests and independent vectors only ---------------------------------

    def test_independent_vector_counts_as_a_test(self):
        # Published known answers run through the reference implementation under ctest.
        self.repo.write("reference/terminal/handshake_test.cc", TEST_FILE.replace(" (REQ-HS-001)", ""))
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assert_summary(result, "trace: 3 requirements (1 MUST), 1 implemented, 1 tested, 0 gaps, 0 deferred")

    def test_recorded_vector_alone_is_no_test(self):
        # Recorded from our own engines: it catches a change, it cannot show the code is right.
        # Recognised by its "source", or by name (the transcript file) whatever its source says.
        self.repo.write("reference/terminal/handshake_test.cc", TEST_FILE.replace(" (REQ-HS-001)", ""))
        self.repo.write("vectors/handshake.json", NO_VECTOR)
        recorded = {
            "vectors/hs_recorded.json": "Recorded from tmsproto's reference implementation",
            "vectors/tms_transcript.json": "sessions",
        }
        for path, source in recorded.items():
            with self.subTest(path=path):
                self.repo.write(path, '{"schema": "tmsproto-vectors/1", "algorithm": "TMS-TRANSCRIPT",\n'
                                      f' "source": "{source}", "reqs": ["REQ-HS-001"]}}\n')
                result = self.assert_gap("test")
                self.assertIn("has: recorded vectors", result.stdout)
                self.assertIn(f"- recorded vectors: `TMS-TRANSCRIPT` [{path}:2]", self.repo.report())
                self.assertIn("- independent vectors: —", self.repo.report())
                (self.repo.root / path).unlink()

    def test_model_property_alone_is_no_test(self):
        # The model checks the spec, not the code; fuzz targets and conformance scenarios neither.
        self.repo.write("reference/terminal/handshake_test.cc", TEST_FILE.replace(" (REQ-HS-001)", ""))
        self.repo.write("vectors/handshake.json", NO_VECTOR)
        self.repo.write("conformance/handshake.md", "Scenario: serial number first (REQ-HS-001).\n")
        result = self.assert_gap("test")
        self.assertIn("has: model properties, fuzz targets, conformance scenarios", result.stdout)
        self.assert_summary(result, "trace: 3 requirements (1 MUST), 1 implemented, 0 tested, 1 gaps, 0 deferred")
        page_gaps = self.repo.report("trace.html").split('<h2 id="gaps">Gaps</h2>', 1)[1]
        self.assertIn('<td class="gap"><a href="#req-hs-001">REQ-HS-001</a></td>', page_gaps)

    def test_test_file_citation_outside_a_test_is_no_test(self):
        # A file-top comment of a test file names what the file is about; no test owns it.
        self.repo.write("reference/terminal/handshake_test.cc",
                        "// Handshake tests (REQ-HS-001).\n\n" + TEST_FILE.replace(" (REQ-HS-001)", ""))
        self.repo.write("vectors/handshake.json", NO_VECTOR)
        self.assert_gap("test")
        self.assertIn("- declared / mentioned: [reference/terminal/handshake_test.cc:1]", self.repo.report())

    def test_test_name_is_credited_through_its_body(self):
        self.repo.write("reference/terminal/handshake_test.cc",
                        TEST_FILE.replace(" (REQ-HS-001)", "").replace(
                            "RC_ASSERT(true);", "RC_ASSERT(true);  // REQ-HS-001"))
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("`Handshake.AnyInput` [reference/terminal/handshake_test.cc:9]", self.repo.report())

    # --- Deferrals, --allow-gaps, dangling IDs ---------------------------------------------------

    def test_deferred_requirement_is_listed_but_does_not_fail(self):
        self.repo.write("reference/terminal/handshake_test.cc", TEST_FILE.replace(" (REQ-HS-001)", ""))
        self.repo.write("vectors/handshake.json", NO_VECTOR)
        self.repo.write("spec/deferred.md", "| requirement | why | lands |\n|---|---|---|\n"
                                            "| REQ-HS-001 | needs the server | the TCP server |\n")
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assert_summary(result, "trace: 3 requirements (1 MUST), 1 implemented, 0 tested, 0 gaps, 1 deferred")
        self.assertIn("| [REQ-HS-001](#req-hs-001) | test | needs the server | the TCP server |",
                      self.repo.report())

    def test_stale_deferral_fails(self):
        # Implemented and tested, yet still listed: the deferral must go.
        self.repo.write("spec/deferred.md", "| REQ-HS-001 | needs the server | the TCP server |\n")
        result = self.repo.run()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("REQ-HS-001 is deferred but is implemented and tested", result.stdout)

    def test_allow_gaps_reports_without_failing(self):
        self.repo.write("reference/terminal/handshake.cc", "int handshake();\n")
        self.assertEqual(self.repo.run().returncode, 1)
        result = self.repo.run("--allow-gaps")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("warning: REQ-HS-001 (MUST) has no executing code", result.stdout)
        self.assertIn("| executing code", gaps_section(self.repo.report()))

    def test_dangling_citation_fails_even_with_allow_gaps(self):
        self.repo.write("reference/terminal/frame.cc", "int x;\n// See REQ-XX-999.\n")
        for extra in ((), ("--allow-gaps",)):
            with self.subTest(extra=extra):
                result = self.repo.run(*extra)
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                self.assertIn("reference/terminal/frame.cc:2: REQ-XX-999 is cited but not defined",
                              result.stdout)
                self.assertIn("REQ-XX-999", self.repo.report())

    def test_dangling_citation_in_the_model_fails(self):
        self.repo.write("spec/model/tmsproto.pml", "/* REQ-HS-001, REQ-HS-777 */\n")
        result = self.repo.run("--allow-gaps")
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("spec/model/tmsproto.pml:1: REQ-HS-777 is cited but not defined", result.stdout)

    def test_markdown_and_html_are_written(self):
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        markdown = self.repo.report("trace.md")
        page = self.repo.report("trace.html")
        for heading in ("## Summary", "## Claims", "### Claim 19", "## Requirements",
                        "### REQ-HS-001", "## Gaps"):
            self.assertIn(heading, markdown)
        self.assertIn("| requirement | level | exec | decl | unit | indep vec | rec vec | model | fuzz | conf |",
                      markdown)
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertIn('id="req-hs-001"', page)
        self.assertIn('href="../../reference/terminal/handshake.cc#L2"', page)
        for title in ("executing code", "declared / mentioned", "unit/property tests", "independent vectors",
                      "recorded vectors", "model properties", "fuzz targets", "conformance scenarios"):
            self.assertIn(f"<th>{title}</th>", page)
        self.assertNotIn("<script", page.lower())
        self.assertTrue(page.rstrip().endswith("</html>"))

    def test_claim_elements_show_their_patent_source(self):
        # The element's text without its IDs, and its "Patent:" continuation line beneath it.
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("**1.a** The terminal identifies itself.\n\n"
                      "> Patent: 「终端发送请求报文」 (claim 1); description [0008].\n", self.repo.report())
        self.assertIn("<b>1.a</b> The terminal identifies itself."
                      '<div class="patent">Patent: 「终端发送请求报文」 (claim 1); description [0008].</div>',
                      self.repo.report("trace.html"))


class LinkTest(unittest.TestCase):
    """The report's file links reach the repository's files from wherever --out puts it."""

    def setUp(self):
        self._directory = tempfile.TemporaryDirectory(prefix="trace_links_")
        self.base = Path(self._directory.name)
        # A space in the repository's path: links must be quoted to survive it.
        self.repo = Repo(str(self.base / "my repo"))

    def tearDown(self):
        self._directory.cleanup()

    def assert_links_resolve(self, out: Path) -> None:
        links = file_links(out)
        self.assertIn("reference/terminal/handshake.cc", " ".join(unquote(link) for link in links))
        for link in sorted(links):
            with self.subTest(link=link):
                self.assertNotRegex(link, r"\s", "Markdown ends a link at a space: quote it")
                self.assertTrue(link_target(out, link).is_file(), f"{link} from {out}")

    def test_links_resolve_from_a_nested_out_inside_the_repo(self):
        out = self.repo.root / "build" / "reports" / "nested" / "trace"
        result = self.repo.run(out=str(out))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assert_links_resolve(out)

    def test_links_resolve_from_an_out_outside_the_repo(self):
        out = self.base / "elsewhere" / "deep" / "trace"
        result = self.repo.run(out=str(out))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assert_links_resolve(out)

    def test_links_resolve_from_a_relative_out(self):
        # --out relative to the working folder, which is neither the repository nor the script's.
        (self.base / "cwd").mkdir()
        result = self.repo.run(out="../reports/trace", cwd=self.base / "cwd")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assert_links_resolve(self.base / "reports" / "trace")


# --- Conformance: scenarios, conformance/not-observable.md, gaps ------------------------------------

# Three terminal-side MUSTs of a protocol file, none implemented (the tests run with --allow-gaps),
# a MUST of the TMS, and a terminal MUST of the reference edge (file 16), which no scenario judges.
KEYS_SPEC = """\
# Keys

- **REQ-KEY-001** [Terminal] The terminal MUST refuse a bad KEY_MAC with 13. ([0134])
- **REQ-KEY-002** [Both] Each side MUST wipe the DWK when the session ends. ([0134])
- **REQ-KEY-003** [Terminal] The terminal MUST check each KCV. ([0134])
- **REQ-KEY-004** [TMS] The TMS MUST wrap every key under K_KEK. ([0134])
"""
DEVICE_SPEC = ("# Reference terminal\n\n- **REQ-DEV-001** [Terminal] The reference terminal MUST keep "
               "its keys in one file. (tmsproto decision: one file is one rename)\n")
# The catalogue names REQ-HS-001 and REQ-KEY-001 in scenarios' lists; REQ-KEY-003 stands only in a
# comment and in an expectation's text, which name no scenario's requirement.
SCENARIO_CC = """\
std::vector<Scenario> catalogue() {
  all.push_back({"handshake.first", {"REQ-HS-001"}, Level::kMust, "the serial number goes first"});
  // REQ-KEY-003 waits for a scenario; so does "REQ-KEY-003" in quotes in a comment.
  all.push_back({"key.key_mac", std::vector<std::string>{"REQ-KEY-001"}, Level::kMust, "KEY_MAC",
                 aborts(ResponseCode::kMacFailed, "REQ-KEY-003: not this one")});
  return all;
}
"""
NOT_OBSERVABLE_HEAD = "# Not observable\n\nProse first.\n\n| REQ ID | reason |\n|---|---|\n"
WIPED = "| REQ-KEY-002 | not observable on the wire: a wiped key leaves no trace in any message |\n"


class ConformanceTest(unittest.TestCase):
    def setUp(self):
        self._directory = tempfile.TemporaryDirectory(prefix="trace_test_")
        self.repo = Repo(self._directory.name)
        self.repo.write("spec/05-keys.md", KEYS_SPEC)
        self.repo.write("spec/16-reference-terminal.md", DEVICE_SPEC)
        self.repo.write("conformance/runner/scenario.cc", SCENARIO_CC)

    def tearDown(self):
        self._directory.cleanup()

    def run_with(self, not_observable: str | None, *extra: str) -> subprocess.CompletedProcess:
        if not_observable is not None:
            self.repo.write("conformance/not-observable.md", not_observable)
        return self.repo.run("--allow-gaps", *extra)

    def conformance_line(self, result) -> str:
        return result.stdout.splitlines()[-3]

    def test_scenario_not_observable_and_gap(self):
        result = self.run_with(NOT_OBSERVABLE_HEAD + WIPED, "--conformance-gaps")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        # HS-001 and KEY-001 are named by scenarios, KEY-002 is not observable, KEY-003 is a gap;
        # KEY-004 (TMS) and DEV-001 (file 16) are no terminal-side MUST of the protocol.
        self.assertEqual(self.conformance_line(result),
                         "trace conformance: 4 terminal-side MUST, 2 named by a scenario, 1 not observable, "
                         "1 gaps (no scenario yet)")
        self.assertIn("spec/05-keys.md:5: conformance gap: REQ-KEY-003 ([Terminal] MUST) is named by no "
                      "scenario and not listed in conformance/not-observable.md", result.stdout)
        gaps = [line for line in result.stdout.splitlines() if "conformance gap:" in line]
        self.assertEqual(len(gaps), 1, result.stdout)
        markdown = self.repo.report()
        section = markdown.split("\n## Conformance\n", 1)[1]
        self.assertIn("| [REQ-KEY-003](#req-key-003) | Terminal | [spec/05-keys.md:5]", section)
        self.assertIn("| [REQ-KEY-002](#req-key-002) | not observable on the wire: a wiped key leaves no "
                      "trace in any message ([conformance/not-observable.md:7]", section)
        self.assertNotIn("REQ-HS-001", section)
        page = self.repo.report("trace.html")
        self.assertIn('<h2 id="conformance">Conformance</h2>', page)
        self.assertIn('<td class="gap"><a href="#req-key-003">REQ-KEY-003</a>', page)
        self.assertIn("a wiped key leaves no trace in any message", page)

    def test_gaps_are_counted_but_listed_only_on_request(self):
        result = self.run_with(None)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("conformance gap:", result.stdout)
        self.assertEqual(self.conformance_line(result),
                         "trace conformance: 4 terminal-side MUST, 2 named by a scenario, 0 not observable, "
                         "2 gaps (no scenario yet)")

    def test_gaps_never_fail_the_run(self):
        # Without --allow-gaps the trace gaps (no code, no test) fail; with them covered, the
        # conformance gaps alone do not.
        self.repo.write("spec/05-keys.md", "# Keys\n\n- **REQ-KEY-003** [Terminal] The terminal MUST "
                                           "check each KCV. ([0134])\n")
        self.repo.write("spec/16-reference-terminal.md", "# Reference terminal\n")
        self.repo.write("conformance/runner/scenario.cc", '{"handshake.first", {"REQ-HS-001"}}\n')
        self.repo.write("reference/terminal/kcv.cc", "int kcv() {\n  return 0;  // REQ-KEY-003\n}\n")
        self.repo.write("reference/terminal/kcv_test.cc", "// REQ-KEY-003\nTEST(Kcv, Checked) {\n}\n")
        result = self.repo.run("--conformance-gaps")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("conformance gap: REQ-KEY-003", result.stdout)

    def test_stale_entry_fails(self):
        # REQ-KEY-001 is named by a scenario: its reason is stale and must go.
        stale = "| REQ-KEY-001 | not observable on the wire: once thought so |\n"
        result = self.run_with(NOT_OBSERVABLE_HEAD + WIPED + stale)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("conformance/not-observable.md:8: error: REQ-KEY-001 is listed as not observable but "
                      "a scenario checks it: remove its row (stale reason)", result.stdout)
        self.assertIn("REQ-KEY-001 is listed as not observable", self.repo.report())

    def test_entry_that_is_no_terminal_side_must_fails(self):
        rows = ("| REQ-KEY-004 | not observable on the wire: the TMS's side |\n"
                "| REQ-TMS-002 | not observable on the wire: a SHOULD |\n"
                "| REQ-DEV-001 | not observable on the wire: the reference edge |\n"
                "| REQ-HS-003 | not observable on the wire: withdrawn |\n"
                "| REQ-KEY-777 | not observable on the wire: no such requirement |\n")
        result = self.run_with(NOT_OBSERVABLE_HEAD + rows)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        for line, req_id in ((7, "REQ-KEY-004"), (8, "REQ-TMS-002"), (9, "REQ-DEV-001"), (10, "REQ-HS-003")):
            self.assertIn(f"conformance/not-observable.md:{line}: error: {req_id} is no terminal-side MUST",
                          result.stdout)
        self.assertIn("conformance/not-observable.md:11: error: REQ-KEY-777 is not a defined requirement",
                      result.stdout)

    def test_malformed_file_fails(self):
        cases = {
            "| requirement | reason |\n|---|---|\n" + WIPED: "the table's head must be | REQ ID | reason |",
            "| REQ ID | reason |\n" + WIPED: "must be followed by |---|---|",
            NOT_OBSERVABLE_HEAD + "| REQ-KEY-002 | the key is wiped |\n":
                "REQ-KEY-002: the reason must start 'not observable on the wire: '",
            NOT_OBSERVABLE_HEAD + "| REQ-KEY-002 | not observable on the wire: |\n":
                "REQ-KEY-002: the reason must start 'not observable on the wire: ' and go on to say why",
            NOT_OBSERVABLE_HEAD + "| REQ-KEY-002 | not observable on the wire: a | b |\n":
                "a row has two cells, REQ ID and reason; this one has 3",
            NOT_OBSERVABLE_HEAD + "| REQ-KEY-002, REQ-KEY-003 | not observable on the wire: x |\n":
                "'REQ-KEY-002, REQ-KEY-003' is not one requirement ID",
            NOT_OBSERVABLE_HEAD + WIPED + WIPED: "REQ-KEY-002 is listed twice (first at line 7)",
            NOT_OBSERVABLE_HEAD + WIPED + "\n| REQ ID | reason |\n": "a second table",
        }
        for text, message in cases.items():
            with self.subTest(message=message):
                result = self.run_with(text)
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                self.assertIn(message, result.stdout)

    def test_escaped_bar_stays_in_the_reason(self):
        row = "| REQ-KEY-002 | not observable on the wire: TAC_1 \\| SAC_1 leave no trace |\n"
        result = self.run_with(NOT_OBSERVABLE_HEAD + row)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("1 not observable", self.conformance_line(result))

    def test_lists_under_conformance_are_no_evidence(self):
        # not-observable.md and scenario-backlog.md name requirements without checking them.
        self.repo.write("conformance/runner/scenario.cc", "// no scenario yet\n")
        self.repo.write("conformance/scenario-backlog.md", "- REQ-KEY-003: a KCV changed, ABORT 18\n")
        result = self.run_with(NOT_OBSERVABLE_HEAD + WIPED)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertTrue(result.stdout.splitlines()[-2].endswith("0 conformance scenarios"), result.stdout)


class ExecutingCodeTest(unittest.TestCase):
    """The heuristic on its own: which lines of a C++ file lie in a function body."""

    @classmethod
    def setUpClass(cls):
        cls.trace = load_trace_module()

    def body_lines(self, text: str) -> set[int]:
        return self.trace.function_body_lines(text)

    def test_declarations_data_and_scopes_are_no_body(self):
        text = ("namespace a {\n"                                   # 1
                "struct S {\n"                                      # 2
                "  int x = 1;\n"                                    # 3
                "  std::array<int, 2> y{1, 2};\n"                   # 4
                "  bool operator==(const S&) const = default;\n"    # 5
                "};\n"                                              # 6
                "enum class E : int { kA = 1, kB = 2 };\n"          # 7
                "const int kTable[] = {\n"                          # 8
                "  1, 2,\n"                                         # 9
                "};\n"                                              # 10
                "int f(int);\n"                                     # 11
                'extern "C" {\n'                                    # 12
                "int g();\n"                                        # 13
                "}\n"                                               # 14
                "}  // namespace a\n")                              # 15
        self.assertEqual(self.body_lines(text), set())

    def test_function_bodies(self):
        text = ("namespace a {\n"                                   # 1
                "int f(int x) {\n"                                  # 2
                "  if (x) { return 1; }\n"                          # 3
                "  return 0;\n"                                     # 4
                "}\n"                                               # 5
                "\n"                                                # 6
                "bool operator==(const S& a, const S& b) {\n"       # 7
                "  return a.x == b.x;\n"                            # 8
                "}\n"                                               # 9
                "auto g() const noexcept -> int {\n"                # 10
                "  return 2;\n"                                     # 11
                "}\n"                                               # 12
                "}\n")                                              # 13
        self.assertEqual(self.body_lines(text), {2, 3, 4, 5, 7, 8, 9, 10, 11, 12})

    def test_constructor_with_braced_member_initialisers(self):
        text = ("S::S(int x)\n"        # 1
                "    : a_(x),\n"       # 2
                "      b_{x, 2} {\n"   # 3
                "  run();\n"           # 4
                "}\n"                  # 5
                "int kAfter = 1;\n")   # 6
        self.assertEqual(self.body_lines(text), {3, 4, 5})

    def test_comments_strings_and_literals_hide_their_braces(self):
        text = ("// {\n"                                  # 1
                "/* } {\n"                                # 2
                "   } */\n"                               # 3
                "#define OPEN {\n"                        # 4
                "int f() {\n"                             # 5
                '  const char* s = "}";\n'                # 6
                "  char c = '}';\n"                       # 7
                "  long n = 1'000'000;\n"                 # 8
                '  auto r = R"x(}\n'                      # 9
                '  )x";\n'                                # 10
                "  return 0;\n"                           # 11
                "}\n"                                     # 12
                "int kAfter = 1;\n")                      # 13
        self.assertEqual(self.body_lines(text), set(range(5, 13)))

    def test_class_members_defined_inline_are_bodies(self):
        text = ("class C {\n"                             # 1
                " public:\n"                              # 2
                "  int get() const { return v_; }\n"      # 3
                "  void set(int v);\n"                    # 4
                " private:\n"                             # 5
                "  int v_ = 0;\n"                         # 6
                "};\n")                                   # 7
        self.assertEqual(self.body_lines(text), {3})


if __name__ == "__main__":
    unittest.main(verbosity=2)
