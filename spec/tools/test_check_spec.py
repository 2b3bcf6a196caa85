#!/usr/bin/env python3
"""Self-test of check_spec.py: build small spec trees, break them one way at a time, and run the
real command line on each (as a subprocess) to see that it passes or fails as it should.

The IDs below are deliberately broken in places; this file lives in spec/tools/ with a .py
extension, which check_spec.py does not scan, so they never count against the real tree.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

CHECKER = Path(__file__).resolve().with_name("check_spec.py")

HS_REQ = ("- **REQ-HS-001** [Terminal] The terminal MUST send its serial number first. "
          "([0134])")
TMS_REQ = ("- **REQ-TMS-002** [TMS] The TMS SHOULD log every session (for audit). "
           "(tmsproto decision: operators need an audit trail)")


def requirements_file(*lines: str) -> str:
    return "# Handshake\n\nSome prose.\n\n" + "\n".join(lines) + "\n"


def claims_file(skip: int | None = None, element_text: dict[int, str] | None = None) -> str:
    """claims.md with claims 1..19, one element each, citing REQ-HS-001 unless told otherwise."""
    element_text = element_text or {}
    parts = ["# Claims\n"]
    for number in range(1, 20):
        if number == skip:
            continue
        text = element_text.get(number, "The terminal identifies itself (REQ-HS-001).")
        parts.append(f"## Claim {number} — claim text\n\n- **{number}.a** {text}\n")
    return "\n".join(parts)


class SpecTree:
    """A throw-away repository root with a minimal valid spec; tests change one file at a time."""

    def __init__(self, directory: str):
        self.root = Path(directory)
        self.write("spec/04-handshake.md", requirements_file(HS_REQ, TMS_REQ))
        self.write("spec/claims.md", claims_file())
        self.write("reference/handshake.cc",
                   "// Implements REQ-HS-001 and REQ-TMS-002.\nint handshake() { return 0; }\n")

    def write(self, relative_path: str, text: str) -> None:
        path = self.root / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def run(self, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(CHECKER), "--root", str(self.root), *extra],
                              capture_output=True, text=True, timeout=60)


class CheckSpecTest(unittest.TestCase):
    def setUp(self):
        self._directory = tempfile.TemporaryDirectory(prefix="check_spec_test_")
        self.tree = SpecTree(self._directory.name)

    def tearDown(self):
        self._directory.cleanup()

    # -- helpers --

    def assert_passes(self) -> subprocess.CompletedProcess:
        result = self.tree.run()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(", 0 errors", result.stdout)
        return result

    def assert_fails(self, *expected_fragments: str) -> subprocess.CompletedProcess:
        result = self.tree.run()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertNotIn(", 0 errors", result.stdout.splitlines()[-1])
        for fragment in expected_fragments:
            self.assertIn(fragment, result.stdout)
        return result

    def replace_requirement(self, new_line: str) -> None:
        self.tree.write("spec/04-handshake.md", requirements_file(new_line, TMS_REQ))

    # -- the valid tree --

    def test_valid_tree_passes(self):
        result = self.assert_passes()
        self.assertEqual(result.stdout.strip().splitlines()[-1],
                         "spec check: 2 requirements, 19 claim elements, 21 citations, 0 errors")

    # -- citations --

    def test_dangling_id_in_reference_code_fails_naming_file_and_id(self):
        self.tree.write("reference/frame.cc", "int x;\n// See REQ-XX-999.\n")
        result = self.assert_fails("reference/frame.cc:2:", "REQ-XX-999")
        problem_lines = [l for l in result.stdout.splitlines() if "REQ-XX-999" in l]
        self.assertTrue(problem_lines[0].startswith("reference/frame.cc:2: "), problem_lines)

    def test_dangling_id_in_spec_prose_fails(self):
        self.tree.write("spec/01-overview.md", "| x | see REQ-HS-002 |\n")
        self.assert_fails("spec/01-overview.md:1:", "REQ-HS-002")

    def test_malformed_ids_fail(self):
        for token in ("REQ-HS-04", "REQ-hs-004", "REQ-HS-0004", "REQ-HS-004a"):
            with self.subTest(token=token):
                self.tree.write("reference/frame.h", f"// implements {token}\n")
                self.assert_fails("reference/frame.h:1:", token, "malformed")

    def test_area_name_without_number_is_prose_not_an_id(self):
        self.tree.write("spec/01-overview.md", "The REQ-HS and REQ-FRAME requirements.\n")
        self.assert_passes()

    def test_build_folders_are_skipped(self):
        self.tree.write("reference/build-asan/generated.cc", "// REQ-XX-999\n")
        self.tree.write("build/reference/copy.cc", "// REQ-XX-999\n")
        self.assert_passes()

    def test_scripts_without_extension_are_scanned_when_executable(self):
        self.tree.write("scripts/run-vectors", "#!/bin/sh\n# REQ-XX-999\n")
        self.assert_passes()  # not executable: not a script
        (self.tree.root / "scripts/run-vectors").chmod(0o755)
        self.assert_fails("scripts/run-vectors:2:", "REQ-XX-999")

    def test_uncited_requirement_is_only_a_warning(self):
        self.tree.write("reference/handshake.cc", "// Implements REQ-HS-001.\n")
        result = self.assert_passes()
        self.assertIn("1 warnings", result.stdout)
        listed = self.tree.run("--warnings")
        self.assertEqual(listed.returncode, 0, listed.stdout)
        self.assertIn("spec/04-handshake.md:6: warning: REQ-TMS-002 is cited nowhere outside spec/",
                      listed.stdout)

    # -- definitions --

    def test_duplicate_id_fails_naming_both_places(self):
        self.tree.write("spec/05-keys.md", requirements_file(
            "- **REQ-HS-001** [TMS] The TMS MUST do something else. ([0200])"))
        self.assert_fails("spec/05-keys.md:5:", "spec/04-handshake.md:5", "REQ-HS-001")

    def test_requirement_without_key_word_fails(self):
        self.replace_requirement("- **REQ-HS-001** [Terminal] The terminal sends its serial number "
                                 "first. ([0134])")
        self.assert_fails("spec/04-handshake.md:5:", "REQ-HS-001", "MUST")

    def test_lower_case_key_word_does_not_count(self):
        self.replace_requirement("- **REQ-HS-001** [Terminal] The terminal must send it. ([0134])")
        self.assert_fails("spec/04-handshake.md:5:", "REQ-HS-001")

    def test_requirement_without_source_fails(self):
        self.replace_requirement("- **REQ-HS-001** [Terminal] The terminal MUST send its serial "
                                 "number first.")
        self.assert_fails("spec/04-handshake.md:5:", "REQ-HS-001", "source")

    def test_source_that_names_nothing_checkable_fails(self):
        self.replace_requirement("- **REQ-HS-001** [Terminal] The terminal MUST send it. "
                                 "(common sense)")
        self.assert_fails("spec/04-handshake.md:5:", "REQ-HS-001", "source")

    def test_every_source_form_is_accepted(self):
        for source in ("[0134]", "claim 6", "claims 3, 7", "table 3", "[0081], claim 2",
                       "tmsproto decision: the patent is silent (see errata)"):
            with self.subTest(source=source):
                self.replace_requirement(f"- **REQ-HS-001** [Both] It MUST NOT be sent. ({source})")
                self.assert_passes()

    def test_wrong_role_tag_fails(self):
        for tag in ("[terminal]", "[Server]", "[POS]"):
            with self.subTest(tag=tag):
                self.replace_requirement(f"- **REQ-HS-001** {tag} The terminal MUST send it. "
                                         "([0134])")
                self.assert_fails("spec/04-handshake.md:5:", "REQ-HS-001", "role")

    def test_missing_role_tag_fails(self):
        self.replace_requirement("- **REQ-HS-001** The terminal MUST send it. ([0134])")
        self.assert_fails("spec/04-handshake.md:5:", "role")

    def test_star_bullet_definition_fails(self):
        self.replace_requirement("* **REQ-HS-001** [Terminal] The terminal MUST send it. ([0134])")
        self.assert_fails("spec/04-handshake.md:5:", "REQ-HS-001")

    def test_withdrawn_requirement_passes_without_key_word(self):
        self.replace_requirement("- **REQ-HS-001** [Terminal] Withdrawn. ([0134])")
        self.assert_passes()

    def test_no_requirements_fails(self):
        self.tree.write("spec/04-handshake.md", "# Nothing yet\n")
        self.tree.write("spec/claims.md", claims_file(element_text={1: "x"}))
        self.tree.write("reference/handshake.cc", "int x;\n")
        self.assert_fails("no requirement")

    # -- claims --

    def test_missing_claims_file_fails(self):
        (self.tree.root / "spec/claims.md").unlink()
        self.assert_fails("spec/claims.md", "missing")

    def test_missing_claim_7_fails(self):
        self.tree.write("spec/claims.md", claims_file(skip=7))
        self.assert_fails("spec/claims.md:", "claim 7 is missing")

    def test_claims_out_of_order_fail(self):
        text = claims_file().replace("## Claim 3 ", "## Claim X ").replace("## Claim 2 ", "## Claim 3 ")
        text = text.replace("## Claim X ", "## Claim 2 ").replace("- **2.a**", "- **X.a**")
        text = text.replace("- **3.a**", "- **2.a**").replace("- **X.a**", "- **3.a**")
        self.tree.write("spec/claims.md", text)
        self.assert_fails("claim 2 is out of order")

    def test_claim_without_elements_fails(self):
        text = claims_file().replace("- **5.a** The terminal identifies itself (REQ-HS-001).\n", "")
        self.tree.write("spec/claims.md", text)
        self.assert_fails("claim 5 has no elements")

    def test_claim_element_citing_no_id_fails(self):
        self.tree.write("spec/claims.md", claims_file(element_text={4: "The terminal beeps."}))
        self.assert_fails("spec/claims.md:", "4.a", "cites no requirement")

    def test_claim_element_citing_undefined_id_fails(self):
        self.tree.write("spec/claims.md", claims_file(element_text={4: "It beeps (REQ-HS-777)."}))
        result = self.assert_fails("REQ-HS-777")
        line = next(l for l in result.stdout.splitlines() if "REQ-HS-777" in l)
        self.assertTrue(line.startswith("spec/claims.md:"), line)

    def test_claim_element_continuation_lines_count(self):
        text = claims_file().replace("- **9.a** The terminal identifies itself (REQ-HS-001).",
                                     "- **9.a** The TMS keeps a log\n  as required by REQ-TMS-002.")
        self.tree.write("spec/claims.md", text)
        self.assert_passes()

    # -- outputs for other tools --

    def test_list_prints_ids_roles_and_files(self):
        result = self.tree.run("--list")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), [
            "REQ-HS-001\tTerminal\tspec/04-handshake.md",
            "REQ-TMS-002\tTMS\tspec/04-handshake.md",
        ])

    def test_json_output(self):
        out = self.tree.root / "out.json"
        result = self.tree.run("--json", str(out))
        self.assertEqual(result.returncode, 0, result.stdout)
        data = json.loads(out.read_text(encoding="utf-8"))
        first = data["requirements"][0]
        self.assertEqual((first["id"], first["role"], first["file"], first["line"], first["level"]),
                         ("REQ-HS-001", "Terminal", "spec/04-handshake.md", 5, "MUST"))
        self.assertEqual(first["source"], "[0134]")
        self.assertEqual(first["text"], "The terminal MUST send its serial number first.")
        self.assertEqual(data["requirements"][1]["level"], "SHOULD")
        self.assertEqual(data["requirements"][1]["text"], "The TMS SHOULD log every session (for audit).")
        self.assertEqual(len(data["claims"]), 19)
        self.assertEqual((data["claims"][6]["claim"], data["claims"][6]["element"],
                          data["claims"][6]["reqs"]), (7, "7.a", ["REQ-HS-001"]))
        self.assertIn({"id": "REQ-TMS-002", "file": "reference/handshake.cc", "line": 1},
                      data["citations"])

    def test_functions_are_importable(self):
        sys.path.insert(0, str(CHECKER.parent))
        try:
            import check_spec
        finally:
            sys.path.pop(0)
        requirements, problems = check_spec.load_requirements(self.tree.root)
        self.assertEqual([r.id for r in requirements], ["REQ-HS-001", "REQ-TMS-002"])
        self.assertEqual(problems, [])
        self.assertEqual(len(check_spec.load_claims(self.tree.root).items), 19)
        self.assertEqual(len(check_spec.find_citations(self.tree.root).items), 21)


if __name__ == "__main__":
    unittest.main(verbosity=2)
