#!/usr/bin/env python3
"""An out-of-process vendor adapter that misbehaves on purpose, one way per MODE (argv[1]), for
the tests of spec/17-vendor-adapters.md 17.5. It answers interface_version properly (except in the
modes about that question) and then does MODE to every other request."""

import sys
import time

mode = sys.argv[1]


def send(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


for raw in sys.stdin:
    # Crude on purpose: the id is all it needs, and it must not depend on a JSON library's mercy.
    rid = int(raw.split('"id":', 1)[1].split(",", 1)[0].split("}", 1)[0])
    if '"interface_version"' in raw:
        if mode == "hang-on-version":
            time.sleep(3600)
        version = 2 if mode == "version2" else 1
        if mode.startswith("version-file:"):
            with open(mode.split(":", 1)[1]) as f:
                version = int(f.read())
        send('{"id": %d, "interface_version": %d}' % (rid, version))
        continue
    if mode == "garbage":
        send("this is not JSON")
    elif mode == "wrong-id":
        send('{"id": %d, "offers": []}' % (rid + 1))
    elif mode == "long-line":
        sys.stdout.write('{"id": %d, "data": "' % rid + "00" * (1024 * 1024) + '"}\n')
        sys.stdout.flush()
    elif mode == "deep":
        send('{"id": %d, "offers": ' % rid + "[" * 100000 + "]" * 100000 + "}")
    elif mode == "bad-hex":
        send('{"id": %d, "offers": [{"manifest": "zz", "signature": "00"}], "data": "xyz"}' % rid)
    elif mode == "hang":
        time.sleep(3600)
    elif mode == "die":
        sys.exit(3)
    elif mode == "unavailable":
        send('{"id": %d, "error": "UNAVAILABLE", "message": "maintenance"}' % rid)
    elif mode == "not-found":
        send('{"id": %d, "error": "NOT_FOUND"}' % rid)
    elif mode == "odd-error":
        send('{"id": %d, "error": "TEAPOT"}' % rid)
    elif mode.startswith("fd-closed:"):
        # The TMS opened this descriptor without close-on-exec; it must not be open here.
        import os
        try:
            os.fstat(int(mode.split(":", 1)[1]))
            send('{"id": %d, "error": "UNAVAILABLE", "message": "descriptor leaked"}' % rid)
        except OSError:
            send('{"id": %d, "error": "NOT_FOUND"}' % rid)
    elif mode == "answer-once-then-exit" or mode.startswith("version-file:"):
        send('{"id": %d, "offers": [], "data": ""}' % rid)
        sys.exit(0)
