#!/usr/bin/env python3
"""An out-of-process vendor adapter (spec/17-vendor-adapters.md 17.5) in plain Python 3.

Serves a directory database (17.3) over JSON lines on stdin/stdout, so that a vendor can see the
whole exchange in one file and write its own in any language. Usage:

    dir_adapter.py ROOT

and in the TMS's configuration: exec:python3 /path/to/dir_adapter.py ROOT

It reads the folder afresh on every request, keeps no state between requests (the TMS may kill
and restart it at any time) and answers every request with exactly one line, flushed.
"""

import json
import os
import sys

INTERFACE_VERSION = 1
MAX_LINE = 1024 * 1024


def read(path, limit=None):
    with open(path, "rb") as f:
        data = f.read() if limit is None else f.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise ValueError(path + ": too long")
    return data


def vendor_id(root):
    text = read(os.path.join(root, "vendor_id"), 64).decode("ascii")
    return text[:-1] if text.endswith("\n") else text


def known(root, model_id, serial_no):
    """17.3: a 'terminals' file lists 'MODEL_ID SERIAL_NO' lines; without it every terminal is known."""
    path = os.path.join(root, "terminals")
    if not os.path.exists(path):
        return True
    for line in read(path).decode("ascii").splitlines():
        parts = line.split(" ", 1)
        if len(parts) == 2 and parts[0] == model_id and parts[1] == serial_no:
            return True
    return False


def package_folders(root):
    """17.3: folders in byte order of their names; names starting with '.' are not yet published."""
    base = os.path.join(root, "packages")
    if not os.path.isdir(base):
        return []
    names = sorted((n for n in os.listdir(base) if not n.startswith(".")), key=lambda n: n.encode())
    return [os.path.join(base, n) for n in names]


def section_length(manifest, section):
    length = int.from_bytes(manifest[46:50], "big")
    chunk = int.from_bytes(manifest[50:52], "big")
    if section == "fit":
        return 32 * ((length + chunk - 1) // chunk)
    return length


def offers(root, req):
    if req["vendor_id"] != vendor_id(root):
        return {"error": "NOT_FOUND"}
    if not known(root, req["model_id"], req["serial_no"]):
        return {"error": "NOT_FOUND"}
    out = []
    for folder in package_folders(root):
        manifest = read(os.path.join(folder, "manifest"), 644)
        signature = read(os.path.join(folder, "signature"), 64)
        out.append({"manifest": manifest.hex(), "signature": signature.hex()})
    return {"offers": out}


def piece(root, req):
    if req["vendor_id"] != vendor_id(root):
        return {"error": "NOT_FOUND"}
    wanted = bytes.fromhex(req["manifest"])
    section, index = req["section"], req["index"]
    if section not in ("fit", "data") or not isinstance(index, int) or index < 0:
        return {"error": "UNAVAILABLE", "message": "bad request"}
    for folder in package_folders(root):
        if read(os.path.join(folder, "manifest"), 644) != wanted:
            continue
        chunk = int.from_bytes(wanted[50:52], "big")
        start = index * chunk
        end = min(start + chunk, section_length(wanted, section))
        with open(os.path.join(folder, "fit" if section == "fit" else "content"), "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if start >= size:
                return {"error": "NOT_FOUND"}
            f.seek(start)
            return {"data": f.read(max(0, min(end, size) - start)).hex()}
    return {"error": "NOT_FOUND"}


def answer(root, req):
    op = req.get("op")
    if op == "interface_version":
        return {"interface_version": INTERFACE_VERSION}
    if op == "offers":
        return offers(root, req)
    if op == "piece":
        return piece(root, req)
    return {"error": "UNAVAILABLE", "message": "unknown op"}


def main():
    if len(sys.argv) != 2:
        print("usage: dir_adapter.py ROOT", file=sys.stderr)
        return 2
    root = sys.argv[1]
    for line in sys.stdin.buffer:
        if len(line) > MAX_LINE + 1:
            return 1
        req = json.loads(line)
        try:
            result = answer(root, req)
        except (OSError, ValueError, KeyError, UnicodeDecodeError) as e:
            result = {"error": "UNAVAILABLE", "message": str(e)}
        result["id"] = req["id"]
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
