#!/usr/bin/env python3
"""Which rows of the two state tables (spec/09-terminal-states.md, spec/10-tms-states.md) a run reached.

    fuzz/state_rows.py EXPORT.json [--table terminal|tms] [--root DIR] [--summary]
    fuzz/state_rows.py --check [--root DIR]       every anchor matches the source exactly once
    fuzz/state_rows.py --self-test [--root DIR]   --check refuses a copy with one anchor broken

EXPORT.json is `llvm-cov-19 export` (without -summary-only: the segments are needed) of a binary
over a corpus. Each row has an anchor in the engine's code: the statement that runs only when the
row is taken with every check passed (its action, or the state it moves to), and, for the message
rows, the first statement of the function that implements the row ("entered": a row whose checks
failed became the failure row). The anchors are regular expressions over the source as it is in
--root (default: this checkout); the count is that of the coverage region in effect where the
anchor (its group 1, if any) begins. An anchor that no longer matches exactly once is an error
(exit 2): the table below must follow the engines' code.

Prints one line per row: reached or NOT reached, with the counts. Rows are of the engine of the
table chosen (default: the one named by the export's target, terminal_* or tms_*); note that a
session target also runs the *other* engine to record its honest session, so only its own table
says anything about its corpus.
"""
import argparse
import bisect
import json
import re
import sys
from pathlib import Path

# row -> (file under reference/, completed anchor, entered anchor or None, minus anchor or None).
# "minus": the row's completion count is the completed anchor's count less this one's (S5 and S6
# share their last statements; S6 alone records the key set delivered).
TERMINAL = "terminal/"
TMS = "tms/"
ROWS = {
    "terminal": [
        ("T1", TERMINAL + "handshake_rows.cc",
         r"send\(transcript_\.hs_request\);[^\n]*\n\s*(state_ = State::T_WAIT_AUTH_REQUEST;)",
         r"void Session::t1_start\(StartCommand command\) \{\n\s*(codec::HsRequest m;)", None),
        ("T1 refused (96)", TERMINAL + "handshake_rows.cc",
         r"(failure_ = Failure\{ResponseCode::kInternalError, false\};)", None, None),
        ("T2", TERMINAL + "handshake_rows.cc", r"(state_ = State::T_WAIT_KEY_MESSAGE;)",
         r"void Session::t2_auth_request\(ByteView body\) \{\n(?:\s*//[^\n]*\n)*\s*(Bytes read_past;)", None),
        ("T3", TERMINAL + "handshake_rows.cc",
         r"if \(command_->trans == TransCode::kKeyDownload\) \{  // T3\n\s*(end_with\(ResponseCode::kSuccess\);)",
         r"void Session::t3_t4_key_message\(ByteView body\) \{\n\s*(const Profile p = config_\.profile;)", None),
        ("T4", TERMINAL + "handshake_rows.cc", r"(state_ = State::T_WAIT_PKG_CONFIRM;)",
         r"void Session::t3_t4_key_message\(ByteView body\) \{\n\s*(const Profile p = config_\.profile;)", None),
        ("T5", TERMINAL + "download_rows.cc", r"(state_ = State::T_WAIT_FRAME;)",
         r"void Session::t5_t6_pkg_confirm\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)", None),
        ("T6", TERMINAL + "download_rows.cc", r"\} else \{  // T6[^\n]*\n\s*(apply_and_end\(\);)",
         r"void Session::t5_t6_pkg_confirm\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)", None),
        ("T7", TERMINAL + "download_rows.cc", r"if \(auto next = next_request\(\)\) \{  // T7\n\s*(request\(\*next\);)",
         r"void Session::t7_t8_frame_response\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)", None),
        ("T8", TERMINAL + "download_rows.cc", r"\} else \{  // T8\n\s*(apply_and_end\(\);)",
         r"void Session::t7_t8_frame_response\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)", None),
        ("T9", TERMINAL + "download_rows.cc", r"(out_\.close = true;)\n\s*channel_\.reset\(\);  // REQ-KEY-024",
         r"void Session::t9_end_ack\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)", None),
        ("T10", TERMINAL + "session.cc", r"case Event::RX_ABORT: \{  // T10[^\n]*\n\s*(auto abort)", None, None),
        ("T11", TERMINAL + "session.cc", r"case Event::TIMEOUT: (fail_with\(ResponseCode::kTimeout\));", None, None),
        ("T12", TERMINAL + "session.cc", r"case Event::CONN_LOST:[^\n]*\n\s*(end_failed\(Failure\{std::nullopt, false\}\);)",
         None, None),
        ("T13", TERMINAL + "session.cc", r"case Event::CANCEL: (fail_with\(ResponseCode::kCancelled\));", None, None),
        ("T14", TERMINAL + "session.cc", r"default: (fail_with\(ResponseCode::kUnexpectedMessage\)); return;\s*// T14",
         None, None),
        ("T15", TERMINAL + "session.cc", r"case Event::RX_MALFORMED: (fail_with\(ResponseCode::kMalformed\));", None, None),
        ("T16", TERMINAL + "session.cc",
         r"if \(state_ != State::T_DONE && state_ != State::T_FAILED\) (out_\.refused = ResponseCode::kUnexpectedMessage;)",
         None, None),
        ("T17", TERMINAL + "session.cc", r"// T17: refused locally\n\s*(out_\.refused = ResponseCode::kUnexpectedMessage;)",
         None, None),
        ("T18", TERMINAL + "session.cc",
         r"if \(state_ == State::T_DONE \|\| state_ == State::T_FAILED\) (return;)  // T18", None, None),
    ],
    "tms": [
        ("S1", TMS + "handshake_rows.cc", r"(state_ = State::S_WAIT_AUTH_ANSWER;)",
         r"void Session::s1_hs_request\(ByteView body\) \{\n(?:\s*//[^\n]*\n)*\s*(auto m = codec::parse_hs_request\(body\);)",
         None),
        ("S2", TMS + "handshake_rows.cc", r"(key_message_sent_ = true;)",
         r"void Session::s2_auth_answer\(ByteView body\) \{\n\s*(const Profile p = profile_;)", None),
        ("S13", TMS + "download_rows.cc", r"(state_ = request_\.trans == TransCode::kKeyDownload \? State::S_WAIT_SESSION_END)",
         r"void Session::s13_term_info\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)", None),
        ("S3", TMS + "download_rows.cc", r"(state_ = State::S_SERVING;)",
         r"void Session::s3_pkg_announce\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)", None),
        ("S4", TMS + "download_rows.cc", r"(\+\+frames_served_;)",
         r"void Session::s4_frame_request\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)", None),
        ("S5", TMS + "download_rows.cc", r"(state_ = State::S_DONE;)",
         r"void Session::s5_s6_session_end\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)",
         r"(ports_\.registry\.key_set_delivered\(request_\.id, request_\.key_set_id\);)"),
        ("S6", TMS + "download_rows.cc", r"(ports_\.registry\.key_set_delivered\(request_\.id, request_\.key_set_id\);)",
         r"void Session::s5_s6_session_end\(ByteView body\) \{\n\s*(auto payload = open_envelope\(body\);)", None),
        ("S7", TMS + "session.cc", r"case Event::RX_ABORT: \{  // S7[^\n]*\n\s*(auto abort)", None, None),
        ("S8", TMS + "session.cc", r"case Event::TIMEOUT: (fail_with\(ResponseCode::kTimeout\));", None, None),
        ("S9", TMS + "session.cc", r"case Event::CONN_LOST:\s*// S9\n\s*(out_\.close = true;)", None, None),
        ("S10", TMS + "session.cc", r"default: (fail_with\(ResponseCode::kUnexpectedMessage\)); return;\s*// S10",
         None, None),
        ("S11", TMS + "session.cc", r"case Event::RX_MALFORMED: (fail_with\(ResponseCode::kMalformed\));", None, None),
        ("S12", TMS + "session.cc",
         r"if \(state_ == State::S_DONE \|\| state_ == State::S_FAILED\) (return;)  // S12", None, None),
    ],
}


class Source:
    """One source file: anchor -> (line, column), 1-based as llvm-cov counts them."""

    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text()
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def position(self, pattern: str):
        matches = list(re.finditer(pattern, self.text))
        if len(matches) != 1:
            raise LookupError(f"{self.path}: anchor matches {len(matches)} times, not once: {pattern}")
        m = matches[0]
        offset = m.start(1) if m.re.groups >= 1 else m.start()
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


class Counts:
    """The execution count at a (line, column) of a file: that of the last segment starting at or before it."""

    def __init__(self, segments):
        # [line, col, count, has_count, is_region_entry, (is_gap_region)]
        self.segments = sorted((s[0], s[1], s[2], s[3]) for s in segments)
        self.keys = [(s[0], s[1]) for s in self.segments]

    def at(self, line: int, col: int):
        i = bisect.bisect_right(self.keys, (line, col)) - 1
        if i < 0 or not self.segments[i][3]:
            return None  # not code the compiler instrumented
        return self.segments[i][2]


def load_counts(export_path: Path):
    data = json.loads(export_path.read_text())
    by_file = {}
    for f in data["data"][0]["files"]:
        if "segments" not in f:
            sys.exit("state_rows: the export has no segments (made with -summary-only?)")
        by_file[f["filename"]] = Counts(f["segments"])
    return by_file


def find_file(by_file, relative: str):
    hits = [name for name in by_file if name.endswith("/reference/" + relative)]
    if len(hits) != 1:
        raise LookupError(f"the export holds {len(hits)} files ending in reference/{relative}")
    return by_file[hits[0]]


def rows_of(table: str, by_file, root: Path):
    sources = {}
    out = []
    for row, rel, completed, entered, minus in ROWS[table]:
        src = sources.setdefault(rel, Source(root / "reference" / rel))
        counts = find_file(by_file, rel)

        def count(pattern):
            line, col = src.position(pattern)
            c = counts.at(line, col)
            if c is None:
                raise LookupError(f"reference/{rel}:{line}:{col}: anchor of {row} is not instrumented code")
            return c

        done = count(completed) - (count(minus) if minus else 0)
        out.append((row, done, count(entered) if entered else None))
    return out


def check_anchors(root: Path):
    """Every anchor of every row matches its file under root/reference/ exactly once."""
    for table in ROWS.values():
        for row, rel, completed, entered, minus in table:
            src = Source(root / "reference" / rel)
            for pattern in (completed, entered, minus):
                if pattern:
                    src.position(pattern)


def self_test(root: Path):
    """The check's negative control: a copy of the engines with T5's anchor statement changed."""
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        for folder in ("terminal", "tms"):
            shutil.copytree(root / "reference" / folder, Path(tmp) / "reference" / folder)
        check_anchors(Path(tmp))  # the copy as it is passes
        f = Path(tmp) / "reference" / "terminal" / "download_rows.cc"
        f.write_text(f.read_text().replace("state_ = State::T_WAIT_FRAME;", "state_ = next_state();"))
        try:
            check_anchors(Path(tmp))
        except LookupError:
            return 0
    print("state_rows: --check did not refuse a copy whose T5 anchor is gone", file=sys.stderr)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export", type=Path, nargs="?")
    ap.add_argument("--check", action="store_true", help="only check that every anchor matches once")
    ap.add_argument("--self-test", action="store_true", help="--check refuses a copy with a broken anchor")
    ap.add_argument("--table", choices=sorted(ROWS))
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--summary", action="store_true", help="one line: rows reached, and those not")
    args = ap.parse_args()
    try:
        if args.self_test:
            return self_test(args.root)
        if args.check:
            check_anchors(args.root)
            return 0
    except LookupError as e:
        print(f"state_rows: {e}", file=sys.stderr)
        return 2
    if args.export is None:
        ap.error("an export is needed (or --check, --self-test)")
    table = args.table or ("terminal" if args.export.name.startswith("terminal") else
                           "tms" if args.export.name.startswith("tms") else None)
    if table is None:
        sys.exit("state_rows: say --table terminal or --table tms")
    try:
        rows = rows_of(table, load_counts(args.export), args.root)
    except LookupError as e:
        print(f"state_rows: {e}", file=sys.stderr)
        return 2
    missing = [r for r, done, _ in rows if done <= 0]
    if args.summary:
        reached = len(rows) - len(missing)
        print(f"{reached}/{len(rows)} rows" + (f", not reached: {' '.join(missing)}" if missing else ""))
        return 0
    for row, done, entered in rows:
        verdict = "reached" if done > 0 else "NOT reached"
        extra = f" (taken {done}" + (f", entered {entered})" if entered is not None else ")")
        print(f"{row:<16} {verdict:<12}{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
