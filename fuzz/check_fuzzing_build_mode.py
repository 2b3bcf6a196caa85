#!/usr/bin/env python3
"""Whether a binary was built with the fuzzing build mode (reference/crypto/fuzzing_build_mode.h).

    check_fuzzing_build_mode.py FILE            exit 0 when FILE does not hold the mode's marker
    check_fuzzing_build_mode.py --expect FILE   exit 0 when it does

The ctest fuzz.product_has_no_fuzzing_build_mode runs the first form on the `tmsproto` binary: the
mode's stand-ins (one-iteration PBKDF2, hash "signatures", a fixed OsRandom) must never ship. The
second form, on a *_fuzzmode fuzz target and on the header itself, shows that the check finds the
marker where it is (a check that finds nothing because it looks for the wrong thing fails there).
"""
import sys

MARKER = b"tmsproto-fuzzing-build-mode:"


def main(argv):
    expect = len(argv) == 3 and argv[1] == "--expect"
    if len(argv) != (3 if expect else 2):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path = argv[-1]
    with open(path, "rb") as f:
        found = MARKER in f.read()
    if found and not expect:
        print(f"{path}: built with the fuzzing build mode (holds {MARKER.decode()!r}): UNSAFE, must not ship")
        return 1
    if not found and expect:
        print(f"{path}: no fuzzing build mode marker {MARKER.decode()!r} where one was expected")
        return 1
    print(f"{path}: {'holds' if found else 'does not hold'} the fuzzing build mode marker, as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
