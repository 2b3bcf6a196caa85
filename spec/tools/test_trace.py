#!/usr/bin/env python3
"""Self-test of spec/tools/trace: build a tiny repository, run the real command line on it (as a
subprocess), and check the verdicts, the Gaps section and the files it writes.

Like test_check_spec.py, this file lives in spec/tools/ with a .py extension, which check_spec.py
does not scan, so the deliberately undefined ID below never counts against the real tree.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TRACE = Path(__file__).resolve().with_name("trace")

MUST_REQ = ("- **REQ-HS-001** [Terminal] The terminal MUST send its serial number first. "
            "([0134])")
SHOULD_REQ = ("- **REQ-TMS-002** [TMS] The TMS SHOULD log every session (for audit). "
              "(tmsproto decision: operators need an audit trail)")
WITHDRAWN_REQ = "- **REQ-HS-003** [Both] Withdrawn."


def claims_file() -> str:
    parts = ["# Claims\n"]
    for number in range(1, 20):
        parts.append(f"## Claim {number} — claim text\n\n"
                     f"- **{number}.a** The terminal identifies itself. — REQ-HS-001\n")
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


class Repo:
    """A throw-away repository in which REQ-HS-001 (MUST) is implemented and tested."""

    def __init__(self, directory: str):
        self.root = Path(directory)
        self.write("spec/04-handshake.md",
                   "# Handshake\n\n" + "\n".join([MUST_REQ, SHOULD_REQ, WITHDRAWN_REQ]) + "\n")
        self.write("spec/claims.md", claims_file())
        self.write("reference/terminal/handshake.cc",
                   "// Sends the serial number first: REQ-HS-001.\nint handshake() { return 0; }\n")
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

    def run(self, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(TRACE), "--root", str(self.root),
                               "--out", str(self.root / "build" / "trace"), *extra],
                              capture_output=True, text=True, timeout=60)

    def report(self, name: str = "trace.md") -> str:
        return (self.root / "build" / "trace" / name).read_text(encoding="utf-8")


def gaps_section(markdown: str) -> str:
    return markdown.split("\n## Gaps\n", 1)[1]


class TraceTest(unittest.TestCase):
    def setUp(self):
        self._directory = tempfile.TemporaryDirectory(prefix="trace_test_")
        self.repo = Repo(self._directory.name)

    def tearDown(self):
        self._directory.cleanup()

    def test_must_with_code_and_test_passes(self):
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        # SHOULD and withdrawn requirements are never gaps; helpers are neither code nor tests.
        self.assertEqual(result.stdout.splitlines()[-1],
                         "trace: 3 requirements (1 MUST), 1 implemented, 1 tested, 0 gaps, 0 deferred")
        markdown = self.repo.report()
        self.assertIn("None: every MUST requirement is implemented and tested.", gaps_section(markdown))
        # Each kind of evidence is found, with file:line links relative to the root.
        self.assertIn("[reference/terminal/handshake.cc:1](../../reference/terminal/handshake.cc#L1)",
                      markdown)
        self.assertIn("`Handshake.SerialNumberFirst` [reference/terminal/handshake_test.cc:3]", markdown)
        self.assertIn("`HS` [vectors/handshake.json:1]", markdown)
        self.assertIn("[fuzz/handshake_fuzzer.cc:1]", markdown)
        self.assertIn("[spec/model/tmsproto.pml:1]", markdown)

    def test_vector_file_counts_as_a_test(self):
        # Every vector file runs through the reference implementation under ctest.
        self.repo.write("reference/terminal/handshake_test.cc", TEST_FILE.replace(" (REQ-HS-001)", ""))
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.splitlines()[-1],
                         "trace: 3 requirements (1 MUST), 1 implemented, 1 tested, 0 gaps, 0 deferred")

    def test_must_without_test_fails_and_is_listed_under_gaps(self):
        self.repo.write("reference/terminal/handshake_test.cc", TEST_FILE.replace(" (REQ-HS-001)", ""))
        self.repo.write("vectors/handshake.json",
                        '{"schema": "tmsproto-vectors/1", "algorithm": "HS", "reqs": []}\n')
        result = self.repo.run()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("REQ-HS-001 (MUST) has no test", result.stdout)
        self.assertEqual(result.stdout.splitlines()[-1],
                         "trace: 3 requirements (1 MUST), 1 implemented, 0 tested, 1 gaps, 0 deferred")
        gaps = gaps_section(self.repo.report())
        self.assertIn("[REQ-HS-001](#req-hs-001) | Terminal | test |", gaps)
        page_gaps = self.repo.report("trace.html").split('<h2 id="gaps">Gaps</h2>', 1)[1]
        self.assertIn('<td class="gap"><a href="#req-hs-001">REQ-HS-001</a></td>', page_gaps)

    def test_deferred_requirement_is_listed_but_does_not_fail(self):
        self.repo.write("reference/terminal/handshake_test.cc", TEST_FILE.replace(" (REQ-HS-001)", ""))
        self.repo.write("vectors/handshake.json",
                        '{"schema": "tmsproto-vectors/1", "algorithm": "HS", "reqs": []}\n')
        self.repo.write("spec/deferred.md", "| requirement | why | lands |\n|---|---|---|\n"
                                            "| REQ-HS-001 | needs the server | the TCP server |\n")
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.splitlines()[-1],
                         "trace: 3 requirements (1 MUST), 1 implemented, 0 tested, 0 gaps, 1 deferred")
        self.assertIn("| [REQ-HS-001](#req-hs-001) | test | needs the server | the TCP server |",
                      self.repo.report())

    def test_stale_deferral_fails(self):
        # Implemented and tested, yet still listed: the deferral must go.
        self.repo.write("spec/deferred.md", "| REQ-HS-001 | needs the server | the TCP server |\n")
        result = self.repo.run()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("REQ-HS-001 is deferred but is implemented and tested", result.stdout)

    def test_allow_gaps_reports_without_failing(self):
        (self.repo.root / "reference/terminal/handshake.cc").write_text("int handshake();\n",
                                                                        encoding="utf-8")
        self.assertEqual(self.repo.run().returncode, 1)
        result = self.repo.run("--allow-gaps")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("warning: REQ-HS-001 (MUST) has no implementation", result.stdout)
        self.assertIn("| implementation |", gaps_section(self.repo.report()))

    def test_analyser_sim_and_vector_tools_do_not_implement(self):
        # Naming a requirement beside a field, in a stand-in port or in a vector generator is not
        # implementing it: with the real code gone, the gap shows.
        (self.repo.root / "reference/terminal/handshake.cc").write_text("int handshake();\n",
                                                                        encoding="utf-8")
        for path in ("reference/analyser/describe.cc", "reference/sim/memory_ports.cc",
                     "reference/vectors/tools/make.cc"):
            self.repo.write(path, "// Serial number first (REQ-HS-001).\nint f();\n")
        result = self.repo.run()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("| implementation |", gaps_section(self.repo.report()))

    def test_test_name_is_credited_through_its_body(self):
        self.repo.write("reference/terminal/handshake_test.cc",
                        TEST_FILE.replace(" (REQ-HS-001)", "").replace(
                            "RC_ASSERT(true);", "RC_ASSERT(true);  // REQ-HS-001"))
        result = self.repo.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("`Handshake.AnyInput` [reference/terminal/handshake_test.cc:9]", self.repo.report())

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
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertIn('id="req-hs-001"', page)
        self.assertIn('href="../../reference/terminal/handshake.cc#L1"', page)
        self.assertNotIn("<script", page.lower())
        self.assertTrue(page.rstrip().endswith("</html>"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
