#!/usr/bin/env python3
"""Recompute the protocol vectors of tmsproto independently of tmsproto (spec revision 3).

This script shares no code with tmsproto's C++ reference implementation and was written from
spec/ alone. It uses only the Python 3 standard library and the `openssl` command line for the
primitives:

    openssl enc -des-ecb / -des-cbc (legacy provider), -des-ede-ecb / -des-ede-cbc,
                -aes-128-ecb / -aes-256-ecb / -aes-*-cbc, always with -nopad
    openssl mac ... CMAC            (AES-CMAC and TDES-CMAC, NIST SP 800-38B)
    openssl kdf ... KBKDF           (NIST SP 800-108 counter mode with CMAC; OpenSSL's default
                                     fixed input [i]_32 || Label || 0x00 || Context || [L]_32
                                     is exactly REQ-CRYPTO-010)

and builds everything else by hand from the formulas of spec/07-crypto.md (ISO/IEC 9797-1
padding methods 1 and 2, the ANSI X9.9 and X9.19 MACs, MAC_P, the TR-31 key block of versions B
and D with its optional blocks, the session-binding block of DWK_1, TAC_1, SAC_1, OPERATOR_PROOF,
KEY_MAC, the envelope IV and MAC) and the byte layouts of spec/03-messages.md and
spec/04-handshake.md (HS_REQUEST, HS_AUTH_REQUEST with OPV_SALT and OPV_ITERATIONS,
HS_AUTH_ANSWER, KEY_MESSAGE, the secure envelope, TH_TAC / TH_SAC / TH_KEY). PBKDF2-HMAC-SHA256
(REQ-OPR-002) and SHA-256 are hashlib's.

Revision 3 (issue 10) adds, all from spec/ alone: the TERM_INFO envelope (0x17, spec/03-messages.md
3.8, REQ-MSG-120 to -123: TLV items in (TAG, VALUE) order, the registry of tags, mandatory items,
MASTER_APP) as the terminal's first envelope, SEQ 0, followed at once by SESSION_END or
PKG_ANNOUNCE with SEQ 1 (REQ-DL-040), the TMS's row S13 (S_WAIT_TERM_INFO) and the check of
PKG_ANNOUNCE against TERM_INFO's PACKAGE items (REQ-DL-043, ABORT 01); what an honest terminal
reports is rebuilt from the transcript's `device`, `installed` and the keys it holds (REQ-DL-041);
KIND M, the master application, with its name and version floor (REQ-DL-050 to -053: when a KIND M
package is installed, a KIND M offer under another NAME is 27 at the terminal and never offered by
the TMS; a terminal with none installed accepts the first under any NAME), applied at the
terminal's check T5 and the TMS's filter S3 alike; PKG_CONFIRM's
OFFER = PKG_INDEX || MANIFEST_LEN || MANIFEST || SIGNATURE and MANIFEST FORMAT 0x01 / 0x02
(REQ-MSG-090 to -092, REQ-DL-060 to -064, code 29); the registry of standard key slots (TMK 0x01
K0/D, PIN 0x02 P0/E, MAC 0x03 M3 or M6/C, DATA 0x04 D0/E, vendor 0x80-0xFE; REQ-KEY-030 to -039)
and REQ-KEY-037's "no working key stronger than the TMK". The ECDSA P-256 signatures of the
synthetic sessions are made here in pure Python (test key 1) and verified with openssl.

Usage:
    recompute_handshake.py --check FILE...        check TMS-HANDSHAKE and TMS-TRANSCRIPT files
    recompute_handshake.py --generate-handshake   write vectors/tms_handshake.json to stdout
    recompute_handshake.py --synthetic-transcripts
                                                  write to stdout a TMS-TRANSCRIPT file of sessions
                                                  built here from the spec (not recorded from any
                                                  engine; for comparing with recorded ones)
    recompute_handshake.py --self-test            the hand-made TR-31 and MACs against the published
                                                  answers of vectors/tr31.json, x9_19_mac.json,
                                                  x9_9_mac.json, the TR-31 header rules, the
                                                  TERM_INFO parser against hand-made payloads, and
                                                  the transcript checker against synthetic sessions
                                                  (run by --check as well)

--check also follows every TMS-TRANSCRIPT session through the state tables of spec/09 and spec/10
(the terminal's rows, the TMS's rows S1-S13 of REQ-TMS-001):
one that ends in a failure (expect.endsBy not "none") up to its ABORT (or SESSION_END 18 / 22),
recomputing each cryptogram present and the response code the spec prescribes; one without
failure to its end, both sides done. A case whose cause the bytes and policy cannot decide (a
FORMAT 0x02 manifest: the transcript names no pinned signers) is reported "NOT DECIDED" and
counted apart.

--check prints one line per failure and a summary; the exit status is 0 only when every valid
case reproduces and every invalid case shows at least one disagreement.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from pathlib import Path

VECTORS = Path(__file__).resolve().parent.parent

# --- the openssl command line -------------------------------------------------------------------

_LEGACY_DES: bool | None = None


# Every command here is a pure function of its arguments and input (ciphers, MACs, the KDF and
# signature checks; nothing draws randomness), and a check repeats many of them: the same key
# schedule, the same MAC over the same octets. One process per distinct call, not per call,
# halves the time (5,043 calls, 2,345 distinct, at about 13 ms a process).
_RESULTS: dict[tuple[tuple[str, ...], bytes], bytes] = {}


def _run(args: list[str], data: bytes) -> bytes:
    key = (tuple(args), bytes(data))
    if key in _RESULTS:
        return _RESULTS[key]
    r = subprocess.run(["openssl", *args], input=data, capture_output=True, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {r.stderr.decode(errors='replace').strip()}")
    _RESULTS[key] = r.stdout
    return r.stdout


def _des_provider_args() -> list[str] | None:
    """Single DES needs OpenSSL 3's legacy provider; without it, DES(K) is computed as
    two-key TDES EDE with K1 = K2 = K (E_K(D_K(E_K(x))) = E_K(x)), which every TDES
    implementation can do."""
    global _LEGACY_DES
    if _LEGACY_DES is None:
        try:
            out = _run(["enc", "-des-ecb", "-nopad", "-K", "133457799bbcdff1", "-provider", "legacy",
                        "-provider", "default"], bytes.fromhex("0123456789abcdef"))
            _LEGACY_DES = out == bytes.fromhex("85e813540f0ab405")  # FIPS 81 / SP 800-17 answer
        except (RuntimeError, FileNotFoundError):
            _LEGACY_DES = False
    return ["-provider", "legacy", "-provider", "default"] if _LEGACY_DES else None


def _cipher_name(alg: str, key: bytes, mode: str) -> tuple[str, bytes, list[str]]:
    if alg == "des":
        assert len(key) == 8
        extra = _des_provider_args()
        if extra is not None:
            return f"-des-{mode}", key, extra
        return f"-des-ede-{mode}", key + key, []
    if alg == "tdes":
        assert len(key) in (16, 24)
        return (f"-des-ede-{mode}" if len(key) == 16 else f"-des-ede3-{mode}"), key, []
    if alg == "aes":
        assert len(key) in (16, 24, 32)
        return f"-aes-{8 * len(key)}-{mode}", key, []
    raise ValueError(alg)


def ecb(alg: str, key: bytes, data: bytes, decrypt: bool = False) -> bytes:
    name, k, extra = _cipher_name(alg, key, "ecb")
    args = ["enc", name, "-nopad", "-K", k.hex(), *extra]
    return _run(args + (["-d"] if decrypt else []), data)


def cbc(alg: str, key: bytes, iv: bytes, data: bytes, decrypt: bool = False) -> bytes:
    if not data:
        return b""
    name, k, extra = _cipher_name(alg, key, "cbc")
    args = ["enc", name, "-nopad", "-K", k.hex(), "-iv", iv.hex(), *extra]
    return _run(args + (["-d"] if decrypt else []), data)


def cmac(alg: str, key: bytes, data: bytes) -> bytes:
    cipher = {"aes": f"AES-{8 * len(key)}-CBC", "tdes": "DES-EDE-CBC" if len(key) == 16 else "DES-EDE3-CBC"}[alg]
    out = _run(["mac", "-cipher", cipher, "-macopt", f"hexkey:{key.hex()}", "CMAC"], data)
    return bytes.fromhex(out.decode().strip())


def kbkdf(alg: str, key: bytes, label: bytes, context: bytes, out_len: int) -> bytes:
    """REQ-CRYPTO-010: SP 800-108 counter mode, CMAC PRF, [i]_32 || Label || 00 || Context || [L]_32."""
    cipher = {"aes": f"AES-{8 * len(key)}-CBC", "tdes": "DES-EDE-CBC"}[alg]
    out = _run(["kdf", "-keylen", str(out_len), "-kdfopt", "mac:CMAC", "-kdfopt", f"cipher:{cipher}",
                "-kdfopt", f"hexkey:{key.hex()}", "-kdfopt", f"hexsalt:{label.hex()}",
                "-kdfopt", f"hexinfo:{context.hex()}", "-kdfopt", "mode:counter", "KBKDF"], b"")
    return bytes.fromhex(out.decode().strip().replace(":", ""))


# --- padding and MACs (spec/07-crypto.md 7.1, 7.2) ---------------------------------------------

def pad1(data: bytes, bs: int) -> bytes:
    """ISO/IEC 9797-1 padding method 1 (REQ-CRYPTO-005): zeros; empty input is one zero block."""
    if not data:
        return bytes(bs)
    return data + bytes(-len(data) % bs)


def pad2(data: bytes, bs: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros."""
    data = data + b"\x80"
    return data + bytes(-len(data) % bs)


def unpad2(data: bytes) -> bytes | None:
    i = len(data)
    while i > 0 and data[i - 1] == 0:
        i -= 1
    if i == 0 or data[i - 1] != 0x80:
        return None
    return data[: i - 1]


def x9_9(key: bytes, msg: bytes) -> bytes:
    """REQ-CRYPTO-006: DES CBC-MAC, padding method 1, the left 4 octets of the last block."""
    return cbc("des", key, bytes(8), pad1(msg, 8))[-8:][:4]


def x9_19(key: bytes, msg: bytes) -> bytes:
    """REQ-CRYPTO-007 with padding method 2: CBC-MAC under K1, then D(K2), E(K1); 8 octets."""
    k1, k2 = key[:8], key[8:16]
    last = cbc("des", k1, bytes(8), pad2(msg, 8))[-8:]
    return ecb("des", k1, ecb("des", k2, last, decrypt=True))


PROFILES = {  # spec/07-crypto.md 7.2; dwk1 = DWK_1_LEN of spec/03-messages.md 3.5
    "legacy": dict(code=1, alg="des", key=8, bs=8, m=4, dwk1=8, version=None),
    "tdes": dict(code=2, alg="tdes", key=16, bs=8, m=8, dwk1=152, version="B"),
    "aes128": dict(code=3, alg="aes", key=16, bs=16, m=16, dwk1=192, version="D"),
    "aes256": dict(code=4, alg="aes", key=32, bs=16, m=16, dwk1=224, version="D"),
}
PROFILE_BY_CODE = {v["code"]: k for k, v in PROFILES.items()}

# REQ-CRYPTO-031: DWK_1's header is this fixed part, then exactly two optional blocks: the
# session-binding block "10" "44" || H (H = SHA-256 of the HS_REQUEST body, 64 upper-case hex
# characters, REQ-HS-017) and this padding block.
DWK1_FIXED = {"tdes": "B0152B3TX00N0200", "aes128": "D0192B3AX00N0200", "aes256": "D0224B3AX00N0200"}
DWK1_PB = {"tdes": "PB04", "aes128": "PB0C00000000", "aes256": "PB0C00000000"}
BINDING_BLOCK_ID = "10"
# REQ-CRYPTO-035: the DSK's key block keeps the plain header (no optional block).
DSK_HEADERS = {"tdes": "B0080B3TX00N0000", "aes128": "D0112B3AX00N0000", "aes256": "D0144B3AX00N0000"}
# REQ-KEY-014: (TR-31 algorithm letter, key length) of the keys a profile can deliver: no key
# stronger than the profile's K_KEK (DES 56, 2-key TDES 80, 3-key TDES 112, AES-128/192/256).
# Single DES is in no list (REQ-CRYPTO-017).
DELIVERABLE = {
    "legacy": set(),
    "tdes": {("T", 16)},
    "aes128": {("T", 16), ("T", 24), ("A", 16)},
    "aes256": {("T", 16), ("T", 24), ("A", 16), ("A", 24), ("A", 32)},
}
# REQ-KEY-030 to -035, -038 (spec/05-keys.md 5.4): the standard slots' key usage and mode of use
# (the MAC slot's usage follows its key: M3 for T 16, M6 otherwise), the forms every slot may take,
# and the vendor slots' modes of use; 0x05-0x7F are reserved.
STANDARD_SLOTS = {0x01: ("TMK", "K0", "D"), 0x02: ("PIN", "P0", "E"), 0x03: ("MAC", None, "C"),
                  0x04: ("DATA", "D0", "E")}
SLOT_FORMS = {("T", 16), ("T", 24), ("A", 16), ("A", 24), ("A", 32)}
STRENGTH = {("T", 16): 80, ("T", 24): 112, ("A", 16): 128, ("A", 24): 192, ("A", 32): 256}  # REQ-KEY-014
VENDOR_MODES = frozenset("BCDEGNSTVXY")


def slot_rule_problem(slot: int, usage: str, algorithm: str, mode: str, length: int) -> str | None:
    """REQ-KEY-039: why the registry does not allow this slot rule, or None."""
    if (algorithm, length) not in SLOT_FORMS:
        return f"slot {slot:#04x}: {algorithm} {length} is not a form of REQ-KEY-031 / REQ-KEY-038"
    if slot in STANDARD_SLOTS:
        name, want_usage, want_mode = STANDARD_SLOTS[slot]
        want_usage = want_usage or ("M3" if (algorithm, length) == ("T", 16) else "M6")
        if (usage, mode) != (want_usage, want_mode):
            return f"slot {slot:#04x} ({name}) has {usage}/{mode}, the registry {want_usage}/{want_mode} (REQ-KEY-031)"
        return None
    if 0x80 <= slot <= 0xFE:
        if len(usage) != 2 or any(c not in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" for c in usage) or mode not in VENDOR_MODES:
            return f"vendor slot {slot:#04x} has {usage}/{mode} outside REQ-KEY-038"
        return None
    return f"slot {slot:#04x} is reserved or not a key slot (REQ-KEY-030)"


# REQ-MSG-043 / REQ-OPR-002: the range of OPV_ITERATIONS in an attended session.
OPV_ITERATIONS_MIN, OPV_ITERATIONS_MAX = 100000, 10000000


def mac_p(profile: str, key: bytes, msg: bytes) -> bytes:
    """REQ-CRYPTO-021."""
    if profile == "legacy":
        return x9_9(key, msg)
    if profile == "tdes":
        return x9_19(key, msg)
    return cmac("aes", key, msg)


def kcv(alg: str, key: bytes) -> bytes:
    """REQ-CRYPTO-009."""
    if alg == "aes":
        return cmac("aes", key, bytes(16))[:5]
    return ecb(alg if len(key) != 8 else "des", key, bytes(8))[:3]


def odd_parity(key: bytes) -> bytes:
    """REQ-CRYPTO-018: the low bit of each octet makes its number of ones odd."""
    out = bytearray()
    for b in key:
        hi = b & 0xFE
        out.append(hi | (0 if bin(hi).count("1") % 2 else 1))
    return bytes(out)


# --- TR-31 key blocks, versions B and D (ASC X9 TR 31-2018 / ANSI X9.143; REQ-CRYPTO-011) ------
#
# A key block is   header || hex(E(KBEK, length || key || padding)) || hex(MAC)   in ASCII, with
#
#   header = version (1) | key block length (4, decimal: of the whole block, in characters) |
#            key usage (2) | algorithm (1) | mode of use (1) | key version (2) |
#            exportability (1) | number of optional blocks (2, decimal) | key context (1) |
#            reserved (1, "0") | the optional blocks
#
# and each optional block  ID (2, alphanumeric; IDs that start with a digit are proprietary) |
# length (2 upper-case hex: of the whole optional block, ID and length included) | data
# (printable ASCII). A block of more than 255 characters has the length "00", then the number of
# octets of its length (2 hex, "02": two octets, so four hex characters) and its length (4 hex),
# as spec/13-tr31-appendix.md 13.3 writes it: "KS" "0002" "010A" for 256 data characters. The padding block "PB" is the
# last one and pads the header to a multiple of the cipher block (8 for B, 16 for D). The MAC
# covers the whole header, optional blocks included, and the clear key data.

TR31_VERSIONS = {"B": ("tdes", 8, 8), "D": ("aes", 16, 16)}  # cipher, block size, MAC length
_UPPER_HEX = frozenset("0123456789ABCDEF")


def _printable(text: str) -> bool:
    return all(0x20 <= ord(c) <= 0x7E for c in text)


def _hex_field(text: str, what: str) -> int:
    if not text or any(c not in _UPPER_HEX for c in text):
        raise ValueError(f"{what} {text!r} is not upper-case hex")
    return int(text, 16)


def _dec_field(text: str, what: str) -> int:
    if not text or not (text.isascii() and text.isdigit()):
        raise ValueError(f"{what} {text!r} is not decimal")
    return int(text)


def _tr31_params(version: str, kbpk: bytes) -> tuple[str, int, int, bytes]:
    if version == "B":
        if len(kbpk) not in (16, 24):
            raise ValueError("version B needs a 16- or 24-octet KBPK")
        return "tdes", 8, 8, (b"\x00\x00" if len(kbpk) == 16 else b"\x00\x01")
    if version == "D":
        if len(kbpk) not in (16, 24, 32):
            raise ValueError("version D needs a 16-, 24- or 32-octet KBPK")
        return "aes", 16, 16, {16: b"\x00\x02", 24: b"\x00\x03", 32: b"\x00\x04"}[len(kbpk)]
    raise ValueError(f"key block version {version!r} is not B or D")


def tr31_binding_keys(version: str, kbpk: bytes) -> tuple[bytes, bytes]:
    """KBEK and KBAK: block i = CMAC(KBPK, i || usage || 00 || algorithm || length in bits)."""
    alg, bs, _, algorithm = _tr31_params(version, kbpk)
    keys = []
    for usage in (b"\x00\x00", b"\x00\x01"):
        out = b""
        for i in range(1, -(-len(kbpk) // bs) + 1):  # as many cipher blocks as the KBPK is long
            out += cmac(alg, kbpk, bytes([i]) + usage + b"\x00" + algorithm + (8 * len(kbpk)).to_bytes(2, "big"))
        keys.append(out[: len(kbpk)])
    return keys[0], keys[1]


def tr31_opt_block(block_id: str, data: str) -> str:
    """One optional block: ID, length (short or extended form) and data."""
    if len(block_id) != 2 or not (block_id.isascii() and block_id.isalnum()):
        raise ValueError(f"optional block ID {block_id!r} is not two alphanumeric characters")
    if not _printable(data):
        raise ValueError(f"optional block {block_id} has a non-printable character")
    if 4 + len(data) <= 0xFF:
        return f"{block_id}{4 + len(data):02X}{data}"
    if 10 + len(data) > 0xFFFF:
        raise ValueError(f"optional block {block_id} is too long")
    return f"{block_id}0004{10 + len(data):04X}{data}"


def tr31_parse_header(block: str) -> tuple[str, list[tuple[str, str]]]:
    """Splits off the header of a key block and parses its optional blocks by the rules above.
    Returns (header text, [(ID, data), ...]); raises ValueError on any violation. It accepts
    exactly one spelling of a header: upper-case hex lengths, the short length form wherever it
    fits, no ID twice, PB only last, and a header length that is a multiple of the block size."""
    if len(block) < 16:
        raise ValueError("key block is shorter than the 16-character fixed header")
    if not _printable(block):
        raise ValueError("key block has a character outside printable ASCII")
    version = block[0]
    if version not in TR31_VERSIONS:
        raise ValueError(f"key block version {version!r} is not B or D")
    bs = TR31_VERSIONS[version][1]
    if _dec_field(block[1:5], "key block length") != len(block):
        raise ValueError(f"key block length field {block[1:5]} does not match its {len(block)} characters")
    count = _dec_field(block[12:14], "number of optional blocks")
    at, blocks = 16, []
    for k in range(count):
        if at + 4 > len(block):
            raise ValueError(f"optional block {k + 1} of {count} runs past the key block")
        block_id = block[at:at + 2]
        if not (block_id.isascii() and block_id.isalnum()):
            raise ValueError(f"optional block ID {block_id!r} is not alphanumeric")
        length, head = _hex_field(block[at + 2:at + 4], f"length of optional block {block_id}"), 4
        if length == 0:  # extended length: "00", the number of length characters, the length
            if at + 6 > len(block):
                raise ValueError(f"extended length of optional block {block_id} runs past the key block")
            count_chars = 2 * _hex_field(block[at + 4:at + 6], f"length-of-length of optional block {block_id}")
            if count_chars == 0 or at + 6 + count_chars > len(block):
                raise ValueError(f"extended length of optional block {block_id} is bad")
            length = _hex_field(block[at + 6:at + 6 + count_chars], f"extended length of optional block {block_id}")
            head = 6 + count_chars
            if length >= head and 4 + (length - head) <= 0xFF:
                raise ValueError(f"optional block {block_id} uses the extended length form for a short block")
        if length < head or at + length > len(block):
            raise ValueError(f"length {length} of optional block {block_id} is bad")
        blocks.append((block_id, block[at + head:at + length]))
        at += length
    ids = [i for i, _ in blocks]
    if len(set(ids)) != len(ids):
        raise ValueError(f"an optional block ID appears twice: {ids}")
    if "PB" in ids[:-1]:
        raise ValueError("the padding block PB is not the last optional block")
    if at % bs:
        raise ValueError(f"the header ({at} characters) is not a multiple of the {bs}-octet block")
    return block[:at], blocks


def tr31_header(version: str, usage: str, algorithm: str, mode: str, key_len: int,
                blocks: list[tuple[str, str]] | tuple = (), key_version: str = "00", exportability: str = "N",
                context: str = "0") -> str:
    """The header of a key block holding a key of key_len octets with the minimum key-data padding
    and the key length not masked; its length field counts the whole key block."""
    _, bs, mlen = TR31_VERSIONS[version]
    opt = "".join(tr31_opt_block(i, d) for i, d in blocks)
    clear = 2 + key_len
    clear += -clear % bs
    total = 16 + len(opt) + 2 * clear + 2 * mlen
    return f"{version}{total:04d}{usage}{algorithm}{mode}{key_version}{exportability}{len(blocks):02d}{context}0{opt}"


def tr31_unwrap(kbpk: bytes, block: str) -> tuple[str, bytes, bytes]:
    """Returns (header text, key, padding); raises ValueError if the block does not verify."""
    header, _ = tr31_parse_header(block)
    alg, bs, mlen, _ = _tr31_params(block[0], kbpk)
    body = block[len(header):]
    if len(body) <= 2 * mlen or any(c not in _UPPER_HEX for c in body):
        raise ValueError("key block body is not upper-case hex of encrypted data and MAC")
    enc, mac = bytes.fromhex(body[: -2 * mlen]), bytes.fromhex(body[-2 * mlen:])
    if len(body[: -2 * mlen]) % 2 or not enc or len(enc) % bs:
        raise ValueError("key block encrypted data is not whole cipher blocks")
    kbek, kbak = tr31_binding_keys(block[0], kbpk)
    clear = cbc(alg, kbek, mac, enc, decrypt=True)  # the MAC is the IV
    if not hmac.compare_digest(cmac(alg, kbak, header.encode() + clear)[:mlen], mac):
        raise ValueError("key block MAC does not verify")
    bits = int.from_bytes(clear[:2], "big")
    if bits % 8 or bits // 8 > len(clear) - 2:
        raise ValueError("key block length field is bad")
    return header, clear[2:2 + bits // 8], clear[2 + bits // 8:]


def tr31_wrap(kbpk: bytes, header: str, key: bytes, padding: bytes) -> str:
    """Wraps key under kbpk with the given header (optional blocks included) and key-data padding;
    the header's length field must already count the whole block."""
    alg, bs, mlen, _ = _tr31_params(header[0], kbpk)
    clear = (8 * len(key)).to_bytes(2, "big") + key + padding
    if len(clear) % bs:
        raise ValueError("padding does not complete the last block")
    kbek, kbak = tr31_binding_keys(header[0], kbpk)
    mac = cmac(alg, kbak, header.encode() + clear)[:mlen]
    block = header + cbc(alg, kbek, mac, clear).hex().upper() + mac.hex().upper()
    if tr31_parse_header(block)[0] != header:
        raise ValueError("the header does not parse as itself")
    return block


def min_padding_len(version: str, key_len: int) -> int:
    bs = TR31_VERSIONS[version][1]
    return -(2 + key_len) % bs


# --- the protocol's computations (spec/07-crypto.md 7.3-7.6) -----------------------------------

def handshake_keys(profile: str, dwk: bytes, t_data: bytes, s_data: bytes) -> tuple[bytes, bytes]:
    """REQ-CRYPTO-030 (in LEGACY both are DWK itself)."""
    if profile == "legacy":
        return dwk, dwk
    alg = PROFILES[profile]["alg"]
    ctx = t_data + s_data
    return (kbkdf(alg, dwk, b"TMSP MAC", ctx, len(dwk)), kbkdf(alg, dwk, b"TMSP KEK", ctx, len(dwk)))


def binding_block(hs_request: bytes) -> str:
    """REQ-CRYPTO-031 / REQ-HS-017: "10" "44" || SHA-256(HS_REQUEST body) in upper-case hex."""
    return tr31_opt_block(BINDING_BLOCK_ID, hashlib.sha256(hs_request).hexdigest().upper())


def dwk1_header(profile: str, hs_request: bytes) -> str:
    """The exact header REQ-CRYPTO-031 requires of DWK_1 in a session whose HS_REQUEST is hs_request."""
    return DWK1_FIXED[profile] + binding_block(hs_request) + DWK1_PB[profile]


def wrap_dwk(profile: str, dmk: bytes, dwk: bytes, hs_request: bytes, padding: bytes) -> bytes:
    """REQ-CRYPTO-022 / REQ-CRYPTO-031."""
    if profile == "legacy":
        return ecb("des", dmk, dwk)
    return tr31_wrap(dmk, dwk1_header(profile, hs_request), dwk, padding).encode()


def recover_dwk(profile: str, dmk: bytes, dwk1: bytes, hs_request: bytes) -> tuple[bytes, bytes]:
    """The terminal's side (REQ-HS-020, REQ-HS-025): returns (DWK, TR-31 padding); raises
    ValueError on any failure (ABORT 11; a DWK_1_LEN that is not the profile's is 01)."""
    p = PROFILES[profile]
    if len(dwk1) != p["dwk1"]:
        raise ValueError(f"DWK_1 is {len(dwk1)} octets, not the {p['dwk1']} of the profile (REQ-MSG-042)")
    if profile == "legacy":
        return ecb("des", dmk, dwk1, decrypt=True), b""
    header, key, padding = tr31_unwrap(dmk, dwk1.decode("ascii"))  # the MAC verifies first
    want = dwk1_header(profile, hs_request)
    if header != want:
        blocks = dict(tr31_parse_header(dwk1.decode("ascii"))[1])
        bound = blocks.get(BINDING_BLOCK_ID)
        if bound is None:
            why = "has no session-binding block (REQ-HS-017, REQ-HS-025)"
        elif bound.upper() == hashlib.sha256(hs_request).hexdigest().upper() and bound != bound.upper():
            why = "has its session binding in lower-case hex (REQ-CRYPTO-031 requires upper case)"
        elif bound.upper() != hashlib.sha256(hs_request).hexdigest().upper():
            why = "is bound to another HS_REQUEST (REQ-HS-025, REQ-SEC-014)"
        else:
            why = "does not have the header of REQ-CRYPTO-031"
        raise ValueError(f"DWK_1 {why}: header {header}, required {want}")
    if len(key) != p["key"]:
        raise ValueError(f"DWK_1 holds a {len(key)}-octet key, not {p['key']}")
    return key, padding


def tac(profile: str, dwk: bytes, k_mac: bytes, t_data: bytes, th_tac: bytes) -> bytes:
    """REQ-CRYPTO-023 / REQ-CRYPTO-032."""
    return x9_9(dwk, t_data) if profile == "legacy" else mac_p(profile, k_mac, b"TAC1" + th_tac)


def sac(profile: str, dwk: bytes, k_mac: bytes, s_data: bytes, th_sac: bytes) -> bytes:
    """REQ-CRYPTO-024 / REQ-CRYPTO-033."""
    return x9_9(dwk, s_data) if profile == "legacy" else mac_p(profile, k_mac, b"SAC1" + th_sac)


def text(value: str, width: int) -> bytes:
    """REQ-MSG-010: left-justified, 0x20-filled."""
    assert len(value) <= width
    return value.encode("ascii") + b" " * (width - len(value))


def opv(password: str, vendor_id: str, operator_id: str, salt: bytes, iterations: int) -> bytes:
    """REQ-OPR-002: PBKDF2-HMAC-SHA256 of the password with salt
    "TMSP-OPV" || VENDOR_ID || OPERATOR_ID || OPV_SALT (8 + 8 + 8 + 16 octets) and OPV_ITERATIONS."""
    if len(salt) != 16:
        raise ValueError("OPV_SALT is not 16 octets")
    return hashlib.pbkdf2_hmac("sha256", password.encode("ascii"),
                               b"TMSP-OPV" + text(vendor_id, 8) + text(operator_id, 8) + salt, iterations, 32)


def operator_proof(profile: str, k_mac: bytes, opv_: bytes, t_data: bytes, s_data: bytes) -> bytes:
    """REQ-CRYPTO-034 (outside LEGACY; a LEGACY session has no operator, REQ-CRYPTO-025)."""
    if profile == "legacy":
        raise ValueError("a LEGACY session has no operator (REQ-CRYPTO-025)")
    return mac_p(profile, k_mac, b"OPR1" + opv_ + t_data + s_data)


def check_opv_fields(salt: bytes, iterations: int, attended: bool) -> None:
    """REQ-MSG-043, REQ-HS-026, REQ-OPR-001: both zero exactly in an unattended session, else the
    count in range."""
    if not attended:
        if salt != bytes(16) or iterations != 0:
            raise Mismatch(f"unattended session with OPV_SALT {salt.hex()} and OPV_ITERATIONS {iterations}: "
                           "both must be zero (REQ-OPR-001, REQ-HS-026)")
        return
    if not OPV_ITERATIONS_MIN <= iterations <= OPV_ITERATIONS_MAX:
        raise Mismatch(f"OPV_ITERATIONS {iterations} of an attended session is outside "
                       f"{OPV_ITERATIONS_MIN}-{OPV_ITERATIONS_MAX} (REQ-MSG-043, REQ-HS-026)")


def key_mac(profile: str, dwk: bytes, k_mac: bytes, prefix: bytes, th_key: bytes) -> bytes:
    """REQ-CRYPTO-036."""
    return x9_9(dwk, prefix) if profile == "legacy" else mac_p(profile, k_mac, b"KEYM" + th_key)


def download_keys(profile: str, dsk: bytes, t_data: bytes, s_data: bytes) -> tuple[bytes, bytes]:
    """REQ-CRYPTO-040: (K_DENC, K_DMAC)."""
    if profile == "legacy":
        return dsk, dsk
    alg = PROFILES[profile]["alg"]
    ctx = t_data + s_data
    return (kbkdf(alg, dsk, b"TMSP DL ENC", ctx, len(dsk)), kbkdf(alg, dsk, b"TMSP DL MAC", ctx, len(dsk)))


def envelope_iv(profile: str, k_enc: bytes, direction: bytes, seq: int) -> bytes:
    """REQ-CRYPTO-041: E(K_DENC, DIR || zero octets || SEQ), one block."""
    p = PROFILES[profile]
    return ecb(p["alg"], k_enc, direction + bytes(p["bs"] - 5) + seq.to_bytes(4, "big"))


def header(msg_type: int, vendor: str, model: str, serial: str) -> bytes:
    """spec/03-messages.md 3.3: the 58-octet common header, VERSION 0x01."""
    return bytes([msg_type, 0x01]) + text(vendor, 8) + text(model, 16) + text(serial, 32)


def bcd_time(t: str) -> bytes:
    """REQ-MSG-011: "YYYYMMDDhhmmss" as 7 octets of packed BCD."""
    return bytes.fromhex(t)


def hs_request(identity: tuple[str, str, str], trans: str, offered: int, operator_id: str, key_set_id: str,
               t_data: bytes) -> bytes:
    """spec/03-messages.md 3.4 (116 octets); RESERVED per REQ-MSG-032."""
    reserved = text(key_set_id, 8) + b" " * 24 if trans == "01" else b" " * 32
    body = header(0x01, *identity) + trans.encode() + bytes([offered]) + text(operator_id, 8) + reserved + t_data
    assert len(body) == 116
    return body


def hs_auth_request_prefix(identity: tuple[str, str, str], profile: str, s_data: bytes, opv_salt: bytes,
                           opv_iterations: int, dwk1: bytes) -> bytes:
    """spec/03-messages.md 3.5 (revision 2) up to TAC_1: HDR, PROFILE, AUTH_STAGE, SRC, S_DATA,
    OPV_SALT (16), OPV_ITERATIONS (4, big-endian), DWK_1_LEN (2), DWK_1."""
    return (header(0x02, *identity) + bytes([PROFILES[profile]["code"], 0x01]) + b"00" + s_data + opv_salt +
            opv_iterations.to_bytes(4, "big") + len(dwk1).to_bytes(2, "big") + dwk1)


def hs_auth_answer_prefix(identity: tuple[str, str, str], proof: bytes) -> bytes:
    """spec/03-messages.md 3.6 up to SAC_1."""
    return header(0x03, *identity) + b"\x02" + b"00" + b"\x00" + proof


class Mismatch(Exception):
    pass


def expect(what: str, computed: bytes, expected: bytes) -> None:
    if computed != expected:
        raise Mismatch(f"{what}: recomputed {computed.hex()}, the file has {expected.hex()}")


def _recover(profile: str, dmk: bytes, dwk1: bytes, hs_req: bytes) -> tuple[bytes, bytes]:
    try:
        return recover_dwk(profile, dmk, dwk1, hs_req)
    except ValueError as e:
        raise Mismatch(f"dwk1: {e}") from None


def parse_hs_auth_request(auth: bytes, m: int, with_tac: bool) -> dict:
    """The fields of HS_AUTH_REQUEST (revision 2); with_tac: the body ends with TAC_1 (else it is
    the prefix up to TAC_1)."""
    if len(auth) < 99:
        raise Mismatch(f"HS_AUTH_REQUEST of {len(auth)} octets is shorter than its fixed part (99)")
    n = int.from_bytes(auth[97:99], "big")
    if len(auth) != 99 + n + (m if with_tac else 0):
        raise Mismatch(f"HS_AUTH_REQUEST is {len(auth)} octets, DWK_1_LEN {n} says {99 + n + (m if with_tac else 0)}")
    return dict(profile=auth[58], stage=auth[59], src=auth[60:62], s_data=auth[62:77], salt=auth[77:93],
                iterations=int.from_bytes(auth[93:97], "big"), dwk1=auth[99:99 + n], tac1=auth[99 + n:])


# --- TMS-HANDSHAKE: generating the cases -------------------------------------------------------

# Inputs chosen by hand. LEGACY is the worked example of spec/07-crypto.md 7.7. For the other
# profiles the DMK and DWK are published test keys (SP 800-67 / FIPS 197 / SP 800-38A; the TDES
# ones have odd parity, REQ-CRYPTO-018), so that nobody has to wonder where they came from, and
# the TR-31 padding of DWK_1, random in a session, is fixed here to a visible pattern. The
# operators' salts are visible patterns too, one per profile, and the iteration counts differ
# per profile so that a checker that ignores OPV_ITERATIONS fails.
T_DATA = bytes.fromhex("0102030405060708") + bcd_time("20261126160000")
S_DATA = bytes.fromhex("1112131415161718") + bcd_time("20261126160005")
IDENTITY = ("VEND0001", "POS-X1", "SN0001")
# (OPERATOR_ID, password, OPV_SALT, OPV_ITERATIONS) as the TMS enrolled them (REQ-OPR-002)
OPERATORS = {
    "tdes": ("OP01", "1234", bytes(range(0xC0, 0xD0)), 100000),
    "aes128": ("OP01", "1234", bytes(range(0xD0, 0xE0)), 250000),
    "aes256": ("OP01", "1234", bytes(range(0xE0, 0xF0)), 600000),
}
HANDSHAKE_INPUTS = {
    "tdes": dict(dmk="0123456789abcdeffedcba9876543210", dwk="133457799bbcdff10e329232ea6d0d73"),
    "aes128": dict(dmk="000102030405060708090a0b0c0d0e0f", dwk="2b7e151628aed2a6abf7158809cf4f3c"),
    "aes256": dict(dmk="000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                   dwk="603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
}
# The HS_REQUEST of an earlier session of the same terminal (another T_DATA), whose DWK_1 the
# replay case presents (REQ-SEC-014).
EARLIER_T_DATA = bytes.fromhex("f1f2f3f4f5f6f7f8") + bcd_time("20261125093000")
# spec/07-crypto.md 7.7, transcribed (the script recomputes them and refuses to write a file that
# disagrees).
LEGACY_EXAMPLE = dict(dmk="0123456789abcdef", dwk="133457799bbcdff1", dwk1="901da09f8ac703b0",
                      tac1="baca22e3", sac1="082a18f4")


def fixed_padding(n: int) -> bytes:
    return bytes((0xA0 + i) & 0xFF for i in range(n))


def vector_hs_request(profile: str, operator_id: str, t_data: bytes = T_DATA) -> bytes:
    """The HS_REQUEST of the vectors: TRANS_CODE 02, the one profile offered (REQ-MSG-034)."""
    return hs_request(IDENTITY, "02", 1 << (PROFILES[profile]["code"] - 1), operator_id, "", t_data)


def handshake_case(profile: str, dmk: bytes, dwk: bytes, operator: tuple | None = None, *,
                   dwk1: bytes | None = None, bound_to: bytes | None = None, wire_opv: tuple | None = None,
                   typed_password: str | None = None) -> dict:
    """One handshake computed as the TMS and the terminal would. operator: OPERATORS[...] or None
    (unattended). The keyword arguments make the deviations of the invalid cases: dwk1 (a given
    DWK_1), bound_to (bind DWK_1 to this HS_REQUEST instead of the session's), wire_opv ((salt,
    count) sent in HS_AUTH_REQUEST instead of the enrolled ones), typed_password (the terminal's
    operator typed this, the TMS's verifier is operator[1]'s)."""
    p = PROFILES[profile]
    case = dict(profile=profile, dmk=dmk.hex(), dwk=dwk.hex(), tData=T_DATA.hex(), sData=S_DATA.hex())
    if profile == "legacy":
        dwk1 = wrap_dwk(profile, dmk, dwk, b"", b"")
        k_mac, _ = handshake_keys(profile, dwk, T_DATA, S_DATA)
        case.update(dwk1=dwk1.hex(), tac1=tac(profile, dwk, k_mac, T_DATA, b"").hex(),
                    sac1=sac(profile, dwk, k_mac, S_DATA, b"").hex())
        return case
    req = vector_hs_request(profile, operator[0] if operator else "")
    if dwk1 is None:
        dwk1 = wrap_dwk(profile, dmk, dwk, bound_to or req, fixed_padding(min_padding_len(p["version"], len(dwk))))
    if wire_opv is not None:
        salt, iterations = wire_opv
    elif operator:
        salt, iterations = operator[2], operator[3]
    else:
        salt, iterations = bytes(16), 0
    auth_prefix = hs_auth_request_prefix(IDENTITY, profile, S_DATA, salt, iterations, dwk1)
    k_mac, k_kek = handshake_keys(profile, dwk, T_DATA, S_DATA)
    tac1 = tac(profile, dwk, k_mac, T_DATA, req + auth_prefix)
    if operator:
        stored = opv(operator[1], IDENTITY[0], operator[0], operator[2], operator[3])
        typed = stored if typed_password is None else opv(typed_password, IDENTITY[0], operator[0], salt, iterations)
        proof = operator_proof(profile, k_mac, typed, T_DATA, S_DATA)
    else:
        proof = bytes(p["m"])
    answer_prefix = hs_auth_answer_prefix(IDENTITY, proof)
    sac1 = sac(profile, dwk, k_mac, S_DATA, req + auth_prefix + tac1 + answer_prefix)
    case.update(hsRequest=req.hex(), hsAuthRequestPrefix=auth_prefix.hex(), hsAuthAnswerPrefix=answer_prefix.hex(),
                dwk1=dwk1.decode("ascii"), kMac=k_mac.hex(), kKek=k_kek.hex(), tac1=tac1.hex(), sac1=sac1.hex())
    if operator:
        case.update(vendorId=IDENTITY[0], operatorId=operator[0], operatorPassword=operator[1],
                    opvSalt=operator[2].hex(), opvIterations=operator[3], opv=stored.hex(), operatorProof=proof.hex())
    return case


def flip(hex_text: str, bit: int = 0x01, index: int = -1) -> str:
    b = bytearray(bytes.fromhex(hex_text))
    b[index] ^= bit
    return b.hex()


def generate_handshake() -> dict:
    tests = []
    legacy = handshake_case("legacy", bytes.fromhex(LEGACY_EXAMPLE["dmk"]), bytes.fromhex(LEGACY_EXAMPLE["dwk"]))
    # The intermediate CBC blocks the comment of tcId 1 quotes from spec/07-crypto.md 7.7.
    dwk_l = bytes.fromhex(LEGACY_EXAMPLE["dwk"])
    c0 = ecb("des", dwk_l, T_DATA[:8])
    c1 = ecb("des", dwk_l, bytes(a ^ b for a, b in zip(c0, pad1(T_DATA, 8)[8:16])))
    s_last = cbc("des", dwk_l, bytes(8), pad1(S_DATA, 8))[-8:]
    if (c0.hex(), c1.hex(), s_last.hex()) != ("118199c3180eeb27", "baca22e3f2fa9ce4", "082a18f4f73a2522"):
        raise SystemExit("LEGACY intermediate blocks disagree with spec/07-crypto.md 7.7")
    for k in ("dwk1", "tac1", "sac1"):
        if legacy[k] != LEGACY_EXAMPLE[k]:
            raise SystemExit(f"LEGACY {k}: recomputed {legacy[k]}, spec/07-crypto.md 7.7 says {LEGACY_EXAMPLE[k]}")
    tests.append(dict(tcId=1, comment=(
        "spec/07-crypto.md 7.7, the LEGACY worked example (computed there with the OpenSSL command line), unchanged "
        "by revision 2: LEGACY keeps the patent's cryptograms over T_DATA and S_DATA and has no operator "
        "(REQ-CRYPTO-025). By hand: "
        "DWK_1 = DES-ECB(DMK, DWK) (REQ-CRYPTO-022); TAC_1 = left 4 octets of the DES CBC-MAC under DWK of T_DATA "
        "padded with zeros to 16 octets (REQ-CRYPTO-006, REQ-CRYPTO-023: C0 = E(DWK, D0) = 118199c3180eeb27, "
        "C1 = E(DWK, C0 xor D1) = baca22e3f2fa9ce4); SAC_1 likewise over S_DATA (REQ-CRYPTO-024, last block "
        "082a18f4f73a2522). Each DES step can be checked against a DES known answer: DWK is the key of the "
        "published E(133457799bbcdff1, 0123456789abcdef) = 85e813540f0ab405 (FIPS 81 / SP 800-17)."),
        flags=["WorkedExample"], **legacy, result="valid"))
    key = {p: (bytes.fromhex(HANDSHAKE_INPUTS[p]["dmk"]), bytes.fromhex(HANDSHAKE_INPUTS[p]["dwk"]))
           for p in HANDSHAKE_INPUTS}
    valid = {}
    for tc, profile in ((2, "tdes"), (3, "aes128"), (4, "aes256")):
        op = OPERATORS[profile]
        case = handshake_case(profile, *key[profile], op)
        valid[profile] = case
        tests.append(dict(tcId=tc, comment=(
            f"{profile.upper()} handshake (spec/07-crypto.md 7.4), recomputed by vectors/tools/recompute_handshake.py "
            "from the spec's formulas on the openssl command line. Identity VEND0001 / POS-X1 / SN0001, TRANS_CODE 02, "
            f"operator {op[0]} with password {op[1]}, OPV_SALT {op[2].hex()} and OPV_ITERATIONS {op[3]} "
            "(REQ-OPR-002); DWK_1 bound to hsRequest (REQ-HS-017); the TR-31 padding of DWK_1 is fixed to "
            "a0 a1 a2 ... for the example."),
            flags=["Recomputed"], **case, result="valid"))
    invalid = [
        (5, dict(legacy, sac1=flip(legacy["sac1"])), "tcId 1 with the last bit of SAC_1 flipped", "ModifiedCryptogram"),
        (6, dict(legacy, dmk=flip(legacy["dmk"], 0x02)), "tcId 1 under a wrong DMK (bit 0x02 of its last octet; "
         "the 0x01 bits are DES parity bits and ignored)", "WrongKey"),
        (7, dict(valid["tdes"], tac1=flip(valid["tdes"]["tac1"])), "tcId 2 with the last bit of TAC_1 flipped",
         "ModifiedCryptogram"),
        (8, dict(valid["tdes"], hsRequest=flip(valid["tdes"]["hsRequest"], 0x04, 60)),
         "tcId 2 with OFFERED_PROFILES in HS_REQUEST changed from 0x02 to 0x06 (AES128 added; still an offer the "
         "TMS accepts under REQ-MSG-031): the transcript binding of TAC_1 must notice (REQ-CRYPTO-032, REQ-SEC-005), "
         "and so must the session binding of DWK_1, which holds the digest of the HS_REQUEST sent (REQ-HS-025)",
         "ModifiedTranscript"),
        (9, dict(valid["aes128"], dmk=flip(valid["aes128"]["dmk"])), "tcId 3 under a wrong DMK: DWK_1 does not unwrap",
         "WrongKey"),
        (10, dict(valid["aes128"], kMac=flip(valid["aes128"]["kMac"])), "tcId 3 with the last bit of K_MAC flipped",
         "ModifiedKey"),
        (11, dict(valid["aes256"], sac1=flip(valid["aes256"]["sac1"], 0x80, 0)), "tcId 4 with the first bit of SAC_1 "
         "flipped", "ModifiedCryptogram"),
    ]
    # A DWK_1 whose MAC verifies but whose header is not REQ-CRYPTO-031's (key usage K0 instead of
    # B3, binding and padding blocks as required): the terminal must refuse it (REQ-HS-020), so
    # the case is invalid even though the cryptograms are computed consistently.
    req256 = vector_hs_request("aes256", OPERATORS["aes256"][0])
    k0 = tr31_wrap(key["aes256"][0], dwk1_header("aes256", req256).replace("D0224B3AX", "D0224K0AX", 1),
                   key["aes256"][1], fixed_padding(14)).encode()
    invalid.append((12, handshake_case("aes256", *key["aes256"], OPERATORS["aes256"], dwk1=k0),
                    "AES256 with DWK_1 wrapped under the right DMK, bound to this session, but with key usage K0 "
                    "(header D0224K0AX00N0200...) instead of B3: every cryptogram is consistent, but the header is "
                    "not the one REQ-CRYPTO-031 requires (REQ-HS-020)", "WrongKeyBlockHeader"))
    for tc, case, comment, flag in invalid:
        tests.append(dict(tcId=tc, comment=comment, flags=[flag], **case, result="invalid"))

    # Revision 2 additions: an unattended session, and the new rules.
    unattended = handshake_case("aes128", *key["aes128"], None)
    tests.append(dict(tcId=13, comment=(
        "AES128 handshake of an unattended program download (OPERATOR_ID all 0x20): OPV_SALT and OPV_ITERATIONS "
        "are zero in HS_AUTH_REQUEST and OPERATOR_PROOF is all 0x00 in HS_AUTH_ANSWER (REQ-OPR-001, REQ-MSG-043); "
        "otherwise as tcId 3. No operator fields: a checker takes attended or unattended from OPERATOR_ID in "
        "hsRequest."), flags=["Recomputed", "Unattended"], **unattended, result="valid"))
    new_invalid = []
    new_invalid.append((14, handshake_case("tdes", *key["tdes"], OPERATORS["tdes"], typed_password="1243"),
                        "tcId 2 with a wrong operator password: the operator typed 1243, the TMS's verifier opv is "
                        "that of 1234; OPERATOR_PROOF (operatorProof, the value in hsAuthAnswerPrefix) is computed "
                        "from 1243 and SAC_1 over that answer, so only the operator check fails (REQ-OPR-003, "
                        "REQ-OPR-004: ABORT 25)", "WrongOperatorProof"))
    earlier = vector_hs_request("aes128", OPERATORS["aes128"][0], EARLIER_T_DATA)
    replay = handshake_case("aes128", *key["aes128"], OPERATORS["aes128"], bound_to=earlier)
    replay["dwk1BindingHsRequest"] = earlier.hex()
    new_invalid.append((15, replay,
                        "tcId 3 with the DWK_1 of an earlier session replayed (REQ-SEC-014): the key block is valid "
                        "under the DMK and holds this DWK, but its session-binding block is SHA-256 of another "
                        "HS_REQUEST of the same terminal (T_DATA f1f2f3f4f5f6f7f8 20261125093000..., given in the "
                        "informative field dwk1BindingHsRequest). Whoever learnt that session's DWK can compute "
                        "TAC_1, SAC_1 and everything else for this session, as done here; only the binding check "
                        "of REQ-HS-025 stops it (ABORT 11)", "DWK1FromAnotherSession"))
    rev1 = tr31_wrap(key["tdes"][0], DSK_HEADERS["tdes"], key["tdes"][1], fixed_padding(6)).encode()
    new_invalid.append((16, handshake_case("tdes", *key["tdes"], OPERATORS["tdes"], dwk1=rev1),
                        "tcId 2 with a revision-1 DWK_1: header B0080B3TX00N0000 without the session-binding block "
                        "(DWK_1_LEN 80), valid under the DMK, every cryptogram consistent; revision 2 requires "
                        "the bound header of REQ-CRYPTO-031 and DWK_1_LEN 152 (REQ-MSG-042: ABORT 01; a terminal "
                        "that let the length pass would answer 11, REQ-HS-020)", "DWK1WithoutBinding"))
    pb_only = tr31_wrap(key["aes256"][0], tr31_header("D", "B3", "A", "X", 32, [("PB", "0" * 76)]),
                        key["aes256"][1], fixed_padding(14)).encode()
    new_invalid.append((17, handshake_case("aes256", *key["aes256"], OPERATORS["aes256"], dwk1=pb_only),
                        "tcId 4 with a DWK_1 of the right length (224) but no session-binding block: header "
                        "D0224B3AX00N0100 with one padding block PB50 of 76 '0's in its place; valid under the DMK, "
                        "every cryptogram consistent; the terminal must refuse it (REQ-HS-020, REQ-HS-025: ABORT 11)",
                        "DWK1WithoutBinding"))
    req_t = vector_hs_request("tdes", OPERATORS["tdes"][0])
    lower = tr31_wrap(key["tdes"][0], DWK1_FIXED["tdes"] + "1044" + hashlib.sha256(req_t).hexdigest() +
                      DWK1_PB["tdes"], key["tdes"][1], fixed_padding(6)).encode()
    new_invalid.append((18, handshake_case("tdes", *key["tdes"], OPERATORS["tdes"], dwk1=lower),
                        "tcId 2 with the session-binding block holding the right SHA-256 of hsRequest but in "
                        "lower-case hex: valid under the DMK, every cryptogram consistent, but REQ-CRYPTO-031 "
                        "requires upper case and exactly its header (one spelling, REQ-MSG-003)",
                        "DWK1BindingNotCanonical"))
    low_cost = OPERATORS["aes128"][:3] + (OPV_ITERATIONS_MIN - 1,)
    new_invalid.append((19, handshake_case("aes128", *key["aes128"], low_cost),
                        f"tcId 3 with OPV_ITERATIONS {OPV_ITERATIONS_MIN - 1}, one below the floor of REQ-MSG-043 "
                        "and REQ-OPR-002; everything else (opv, OPERATOR_PROOF, TAC_1, SAC_1) computed consistently "
                        "with that count: the terminal must refuse the body (ABORT 01)", "OpvIterationsOutOfRange"))
    new_invalid.append((20, handshake_case("aes128", *key["aes128"], None,
                                           wire_opv=(OPERATORS["aes128"][2], OPERATORS["aes128"][3])),
                        "tcId 13 (unattended) with a non-zero OPV_SALT and OPV_ITERATIONS 250000 in "
                        "HS_AUTH_REQUEST, TAC_1 and SAC_1 computed over them: both must be zero when HS_REQUEST "
                        "named no operator (REQ-OPR-001, REQ-HS-026: ABORT 01 after TAC_1)", "UnattendedWithOpv"))
    # What the terminal sees after an attacker lowered OPV_ITERATIONS in transit: the operator's
    # fields and proof follow the count received, TAC_1 is still the TMS's (over 600000).
    cheap = handshake_case("aes256", *key["aes256"], OPERATORS["aes256"][:3] + (100000,))
    cheap["tac1"] = valid["aes256"]["tac1"]
    cheap["sac1"] = sac("aes256", key["aes256"][1], bytes.fromhex(cheap["kMac"]), S_DATA,
                        bytes.fromhex(cheap["hsRequest"] + cheap["hsAuthRequestPrefix"] + cheap["tac1"] +
                                      cheap["hsAuthAnswerPrefix"])).hex()
    new_invalid.append((21, cheap,
                        "tcId 4 with OPV_ITERATIONS lowered in transit from 600000 to 100000 (an attacker making "
                        "the operator's verifier cheaper to attack); opvIterations, opv, operatorProof and SAC_1 follow "
                        "the count received, TAC_1 is the TMS's over 600000: the transcript binding of TAC_1 covers OPV_SALT and OPV_ITERATIONS and must "
                        "notice (REQ-CRYPTO-032, REQ-OPR-002: ABORT 11)", "ModifiedTranscript"))
    for tc, case, comment, flag in new_invalid:
        tests.append(dict(tcId=tc, comment=comment, flags=[flag], **case, result="invalid"))
    tests.sort(key=lambda t: t["tcId"])
    return {
        "schema": "tmsproto-vectors/1",
        "algorithm": "TMS-HANDSHAKE",
        "source": ("Revision 2 of the protocol (spec/01-overview.md). tcId 1: spec/07-crypto.md section 7.7 (LEGACY "
                   "worked example, computed with the OpenSSL 3.0 command line; recomputable by hand from the "
                   "patent's formulas, REQ-CRYPTO-022..024, and the published DES known answers). Every other case: "
                   "computed by vectors/tools/recompute_handshake.py --generate-handshake (python3 standard library "
                   "and the openssl command line only, no tmsproto code) from spec/07-crypto.md sections 7.2 and "
                   "7.4 (REQ-CRYPTO-010, -018, -021, -030 to -034), spec/04-handshake.md sections 4.1, 4.3, 4.4 "
                   "and 4.6 (TH_TAC, TH_SAC, the session binding of DWK_1, REQ-OPR-002) and the layouts of "
                   "spec/03-messages.md sections 3.3 to 3.6."),
        "reqs": ["REQ-CRYPTO-005", "REQ-CRYPTO-006", "REQ-CRYPTO-007", "REQ-CRYPTO-008", "REQ-CRYPTO-010",
                 "REQ-CRYPTO-011", "REQ-CRYPTO-018", "REQ-CRYPTO-021", "REQ-CRYPTO-022", "REQ-CRYPTO-023",
                 "REQ-CRYPTO-024", "REQ-CRYPTO-025", "REQ-CRYPTO-030", "REQ-CRYPTO-031", "REQ-CRYPTO-032",
                 "REQ-CRYPTO-033", "REQ-CRYPTO-034", "REQ-MSG-042", "REQ-MSG-043", "REQ-OPR-001", "REQ-OPR-002",
                 "REQ-OPR-003", "REQ-OPR-004", "REQ-HS-001", "REQ-HS-017", "REQ-HS-020", "REQ-HS-021",
                 "REQ-HS-023", "REQ-HS-025", "REQ-HS-026", "REQ-SEC-005", "REQ-SEC-014"],
        "notes": [
            "Inputs: dmk, dwk, tData, sData (15 octets: random 8 || BCD date-time 7); for TDES/AES also hsRequest "
            "(the HS_REQUEST body, 116 octets), hsAuthRequestPrefix (HS_AUTH_REQUEST up to TAC_1) and "
            "hsAuthAnswerPrefix (HS_AUTH_ANSWER up to SAC_1). TH_TAC = hsRequest || hsAuthRequestPrefix; TH_SAC = "
            "TH_TAC || tac1 || hsAuthAnswerPrefix.",
            "Revision 2 layout of HS_AUTH_REQUEST (spec/03-messages.md 3.5): HDR 0-57, PROFILE 58, AUTH_STAGE 59, "
            "SRC 60-61, S_DATA 62-76, OPV_SALT 77-92, OPV_ITERATIONS 93-96 (big-endian), DWK_1_LEN 97-98, DWK_1 "
            "from 99 (152 octets TDES, 192 AES128, 224 AES256), then TAC_1.",
            "dwk1 is hex in LEGACY (E_DES(DMK, DWK)) and the TR-31 key block text otherwise. Its padding is random "
            "in a session, so a checker unwraps it under dmk, compares the key with dwk and requires exactly the "
            "header of REQ-CRYPTO-031: B0152B3TX00N0200 / D0192B3AX00N0200 / D0224B3AX00N0200, then the "
            "session-binding block '10' '44' || SHA-256(hsRequest) as 64 upper-case hex characters (REQ-HS-017, "
            "REQ-HS-025), then PB04 (TDES) or PB0C00000000 (AES).",
            "A case is attended when OPERATOR_ID in hsRequest (octets 61-68) is not all 0x20. An attended case "
            "carries vendorId, operatorId, operatorPassword, opvSalt (hex, 16 octets), opvIterations (integer), opv "
            "and operatorProof: opvSalt and opvIterations equal OPV_SALT and OPV_ITERATIONS in hsAuthRequestPrefix "
            "and opvIterations is 100000-10000000 (REQ-MSG-043); opv = PBKDF2-HMAC-SHA256(operatorPassword, "
            "'TMSP-OPV' || VENDOR_ID || OPERATOR_ID || opvSalt, opvIterations, 32) with the text fields 0x20-filled "
            "to 8 octets (REQ-OPR-002); operatorProof = MAC_P(K_MAC, 'OPR1' || opv || T_DATA || S_DATA) "
            "(REQ-CRYPTO-034) and equals the last m octets of hsAuthAnswerPrefix. An unattended case carries no "
            "operator fields: OPV_SALT, OPV_ITERATIONS and OPERATOR_PROOF must be all zero (REQ-OPR-001).",
            "The dwk of a LEGACY or TDES case has odd parity in every octet (REQ-CRYPTO-018): DWK is generated.",
            "dwk1BindingHsRequest (tcId 15 only) is informative: the HS_REQUEST whose digest that DWK_1 carries.",
        ],
        "testGroups": [{"tests": tests}],
    }


# --- checking TMS-HANDSHAKE ----------------------------------------------------------------------

def check_parity(what: str, profile: str, key: bytes) -> None:
    """REQ-CRYPTO-018: a generated DES / TDES key has odd parity in every octet."""
    if PROFILES[profile]["alg"] in ("des", "tdes") and odd_parity(key) != key:
        raise Mismatch(f"{what} {key.hex()} does not have odd parity in every octet (REQ-CRYPTO-018)")


def check_handshake_case(t: dict) -> None:
    profile = t["profile"]
    if profile not in PROFILES:
        raise Mismatch(f"unknown profile {profile!r}")
    p = PROFILES[profile]
    m = p["m"]
    dmk, dwk = bytes.fromhex(t["dmk"]), bytes.fromhex(t["dwk"])
    t_data, s_data = bytes.fromhex(t["tData"]), bytes.fromhex(t["sData"])
    check_parity("dwk", profile, dwk)
    if profile == "legacy":
        dwk1 = bytes.fromhex(t["dwk1"])
        expect("dwk1", wrap_dwk(profile, dmk, dwk, b"", b""), dwk1)
        recovered, _ = _recover(profile, dmk, dwk1, b"")
        expect("key in dwk1", recovered, dwk)
        expect("tac1", tac(profile, dwk, dwk, t_data, b""), bytes.fromhex(t["tac1"]))
        expect("sac1", sac(profile, dwk, dwk, s_data, b""), bytes.fromhex(t["sac1"]))
        return
    req = bytes.fromhex(t["hsRequest"])
    auth = bytes.fromhex(t["hsAuthRequestPrefix"])
    answer = bytes.fromhex(t["hsAuthAnswerPrefix"])
    dwk1 = t["dwk1"].encode("ascii")
    tac1 = bytes.fromhex(t["tac1"])
    # The layouts (spec/03-messages.md 3.4-3.6) at the offsets the formulas read.
    if len(req) != 116 or req[0] != 0x01:
        raise Mismatch("hsRequest is not a 116-octet HS_REQUEST")
    if len(answer) != 62 + m or answer[0] != 0x03:
        raise Mismatch(f"hsAuthAnswerPrefix is not HS_AUTH_ANSWER up to SAC_1 ({62 + m} octets)")
    if auth[:1] != b"\x02" or auth[2:58] != req[2:58] or answer[2:58] != req[2:58]:
        raise Mismatch("the three messages do not carry HS_REQUEST's identity")
    expect("T_DATA in hsRequest", req[101:116], t_data)
    f = parse_hs_auth_request(auth, m, with_tac=False)
    if f["profile"] != p["code"] or not req[60] & (1 << (p["code"] - 1)):
        raise Mismatch(f"PROFILE {f['profile']} is not the case's {profile}, or was not offered (REQ-MSG-040)")
    expect("S_DATA in hsAuthRequestPrefix", f["s_data"], s_data)
    expect("DWK_1 in hsAuthRequestPrefix", f["dwk1"], dwk1)
    attended = req[61:69] != b" " * 8
    check_opv_fields(f["salt"], f["iterations"], attended)
    # DWK_1: unwrap, key, the exact header with this session's binding.
    recovered, _ = _recover(profile, dmk, dwk1, req)
    expect("key in dwk1", recovered, dwk)
    k_mac, k_kek = handshake_keys(profile, dwk, t_data, s_data)
    expect("kMac", k_mac, bytes.fromhex(t["kMac"]))
    expect("kKek", k_kek, bytes.fromhex(t["kKek"]))
    expect("tac1", tac(profile, dwk, k_mac, t_data, req + auth), tac1)
    # The operator (REQ-OPR-001 to -003, REQ-CRYPTO-034).
    if attended:
        expect("VENDOR_ID in hsRequest vs vendorId", req[2:10], text(t["vendorId"], 8))
        expect("OPERATOR_ID in hsRequest vs operatorId", req[61:69], text(t["operatorId"], 8))
        expect("OPV_SALT in hsAuthRequestPrefix vs opvSalt", f["salt"], bytes.fromhex(t["opvSalt"]))
        if f["iterations"] != t["opvIterations"]:
            raise Mismatch(f"OPV_ITERATIONS in hsAuthRequestPrefix is {f['iterations']}, opvIterations "
                           f"{t['opvIterations']}")
        o = opv(t["operatorPassword"], t["vendorId"], t["operatorId"], f["salt"], f["iterations"])
        expect("opv", o, bytes.fromhex(t["opv"]))
        proof = operator_proof(profile, k_mac, o, t_data, s_data)
        expect("operatorProof", proof, bytes.fromhex(t["operatorProof"]))
        expect("OPERATOR_PROOF in hsAuthAnswerPrefix", answer[62:], proof)
    else:
        expect("OPERATOR_PROOF of an unattended session", answer[62:], bytes(m))
    expect("sac1", sac(profile, dwk, k_mac, s_data, req + auth + tac1 + answer), bytes.fromhex(t["sac1"]))


# --- TERM_INFO (spec/03-messages.md 3.8, spec/06-download.md 6.6 and 6.7) -------------------------

KINDS = (b"A", b"M", b"P", b"D")  # REQ-MSG-080, REQ-MSG-090: application, master application, parameters, data
TI_HARDWARE_ID, TI_FIRMWARE_ID, TI_MASTER_APP, TI_BEARER, TI_TAMPER = 0x0001, 0x0002, 0x0003, 0x0004, 0x0005
TI_PACKAGE, TI_LAST_APPLY, TI_KEY_SLOT, TI_FAULT = 0x0010, 0x0011, 0x0020, 0x0030
TI_MANDATORY = (TI_HARDWARE_ID, TI_FIRMWARE_ID, TI_BEARER, TI_TAMPER)  # REQ-MSG-121
TI_ONCE = (TI_HARDWARE_ID, TI_FIRMWARE_ID, TI_MASTER_APP, TI_BEARER, TI_TAMPER)


def _ans(value: bytes, lo: int, hi: int) -> bool:
    """A VALUE of lo-hi octets ANS (0x21-0x7E): the registry's HARDWARE_ID, FIRMWARE_ID, FAULT."""
    return lo <= len(value) <= hi and all(0x21 <= c <= 0x7E for c in value)


def _package_value_ok(v: bytes) -> bool:
    """KIND (A) || NAME (16, ANS, REQ-MSG-010) || VERSION (4, >= 1), as a PKG_ANNOUNCE entry."""
    name = v[1:17].rstrip(b" ")
    return (len(v) == 21 and v[0:1] in KINDS and bool(name) and all(0x21 <= c <= 0x7E for c in name)
            and v[1 + len(name):17] == b" " * (16 - len(name)) and int.from_bytes(v[17:21], "big") >= 1)


def term_info_item_ok(tag: int, value: bytes) -> bool:
    """The length and content of one item's VALUE as the registry's row for its TAG gives them."""
    if tag in (TI_HARDWARE_ID, TI_FIRMWARE_ID, TI_FAULT):
        return _ans(value, 1, 32)
    if tag == TI_MASTER_APP:  # RUNNING_SLOT, RUNNING_VERSION, SWITCH_STATE, OTHER_VERSION (REQ-MSG-122)
        return (len(value) == 10 and value[0] in (1, 2) and value[5] in (0, 1, 2)
                and not (value[5] and value[6:10] == bytes(4)))
    if tag == TI_BEARER:
        return len(value) == 1 and 0x01 <= value[0] <= 0x08
    if tag == TI_TAMPER:
        return len(value) == 1 and value[0] in (0, 1)
    if tag == TI_PACKAGE:
        return _package_value_ok(value)
    if tag == TI_LAST_APPLY:
        return len(value) == 23 and _package_value_ok(value[:21]) and value[21:] in (b"00", b"18", b"22")
    if tag == TI_KEY_SLOT:
        return len(value) in (4, 6) and 0x01 <= value[0] <= 0xFE
    return len(value) <= 1024  # vendor (0x8000-0xFFFE) and unassigned tags


def parse_term_info(payload: bytes) -> list[tuple[int, bytes]]:
    """REQ-MSG-120 to -122: the items [(TAG, VALUE)] of a TERM_INFO payload; raises ValueError
    (malformed, 01) naming the first rule broken."""
    if not 4 <= len(payload) <= 8000:
        raise ValueError(f"TERM_INFO payload of {len(payload)} octets, not 4-8000 (REQ-MSG-120)")
    items, at = [], 0
    while at < len(payload):
        if at + 4 > len(payload):
            raise ValueError(f"an item header at {at} runs past the payload (REQ-MSG-120)")
        tag, n = int.from_bytes(payload[at:at + 2], "big"), int.from_bytes(payload[at + 2:at + 4], "big")
        if at + 4 + n > len(payload):
            raise ValueError(f"item {tag:#06x} of LEN {n} runs past the payload (REQ-MSG-120)")
        items.append((tag, payload[at + 4:at + 4 + n]))
        at += 4 + n
    for (t1, v1), (t2, v2) in zip(items, items[1:]):
        if (t2, v2) <= (t1, v1):
            raise ValueError(f"item {t2:#06x} does not follow {t1:#06x} in strictly ascending (TAG, VALUE) order "
                             "(REQ-MSG-120)")
    tags = [t for t, _ in items]
    for tag, value in items:
        if tag in (0x0000, 0xFFFF):
            raise ValueError(f"reserved TAG {tag:#06x} (REQ-MSG-121)")
        if not term_info_item_ok(tag, value):
            raise ValueError(f"item {tag:#06x} with VALUE {value.hex()} breaks its registry row (REQ-MSG-121)")
    for tag in TI_ONCE:
        if tags.count(tag) > 1:
            raise ValueError(f"item {tag:#06x} appears more than once (REQ-MSG-121)")
    for tag in TI_MANDATORY:
        if tag not in tags:
            raise ValueError(f"mandatory item {tag:#06x} missing (REQ-MSG-121)")
    slots = [v[0] for t, v in items if t == TI_KEY_SLOT]
    applies = [v[:17] for t, v in items if t == TI_LAST_APPLY]
    if len(set(slots)) != len(slots) or len(set(applies)) != len(applies):
        raise ValueError("two KEY_SLOT items of one SLOT, or two LAST_APPLY items of one (KIND, NAME) (REQ-MSG-121)")
    packages = [v for t, v in items if t == TI_PACKAGE]
    if len({v[:17] for v in packages}) != len(packages):
        raise ValueError("two PACKAGE items of one (KIND, NAME) (REQ-MSG-122)")
    masters = [v for v in packages if v[0:1] == b"M"]
    master_app = [v for t, v in items if t == TI_MASTER_APP]
    if len(masters) > 1 or len(master_app) != len(masters):
        raise ValueError(f"{len(masters)} PACKAGE items of KIND M and {len(master_app)} MASTER_APP items (REQ-MSG-122)")
    if masters and master_app[0][1:5] != masters[0][17:21]:
        raise ValueError("MASTER_APP's RUNNING_VERSION is not the VERSION of the KIND M package (REQ-MSG-122)")
    return items


def version_floor(kind: bytes, name: bytes, installed: dict, master_app: bytes | None) -> int:
    """REQ-DL-010, REQ-DL-011, REQ-DL-052: the version an offer of (KIND, NAME) must exceed, at the
    terminal (check T5) and at the TMS (filter S3) alike: the installed version, 0 when none; for
    KIND M the greater of that and MASTER_APP's OTHER_VERSION when SWITCH_STATE is 0x01 (switch
    pending) or 0x02 (fell back). SWITCH_STATE 0x00 (settled: after the new version came up, or
    before any apply with OTHER_VERSION 0, the other slot never written, REQ-DL-053) adds nothing.
    installed: {(KIND, NAME): VERSION}; master_app: MASTER_APP's VALUE or None."""
    floor = installed.get((kind, name), 0)
    if kind == b"M" and master_app is not None and master_app[5] in (1, 2):
        floor = max(floor, int.from_bytes(master_app[6:10], "big"))
    return floor


def master_name(installed: dict) -> bytes | None:
    """REQ-DL-050, REQ-DL-052: the NAME of the installed KIND M package, or None when the terminal
    has none. When it has one, a KIND M offer under another NAME is not for this terminal (27 at
    the terminal, never offered by the TMS); when it has none, it accepts the first KIND M offer
    under any NAME. A second KIND M offer under yet another NAME in the same PKG_CONFIRM is
    refused like one under another NAME than an installed one, since a terminal has at most one
    KIND M package (REQ-DL-050)."""
    return next((n for k, n in installed if k == b"M"), None)


def tms_offer_excluded(f: dict, identity: bytes, installed: dict, master_app: bytes | None, max_chunk: int,
                       tms_seconds: int, window: int, m_name: bytes | None) -> str | None:
    """Row S3, REQ-DL-011, REQ-DL-044, REQ-DL-052, REQ-DL-065: why the TMS's filter excludes offer
    f for the terminal of identity (VENDOR_ID || MODEL_ID || SERIAL_NO) with the report's PACKAGE
    items installed and MASTER_APP master_app, or None when it keeps it. m_name: the KIND M NAME
    the offer must carry (master_name, or that of an earlier KIND M offer), None for any."""
    if f["vendor"] + f["model"] != identity[:24]:
        return f"manifest for {f['vendor'] + f['model']!r}"
    if f["kind"] == b"M" and m_name is not None and f["name"] != m_name:
        return f"KIND M {f['name']!r}, the master application is {m_name!r} (REQ-DL-052)"
    if f["version"] <= version_floor(f["kind"], f["name"], installed, master_app):
        return f"VERSION {f['version']} not above the floor (REQ-DL-052 for KIND M)"
    if f["chunk"] > max_chunk:
        return "CHUNK_SIZE above MAX_CHUNK"
    if f["format"] == 0x02 and f["targets"] and identity[24:56] not in f["targets"]:
        return "SERIAL_NO not among the targets"
    if f["format"] == 0x02 and _bcd_seconds(f["not_after"]) < tms_seconds + window:
        return "NOT_AFTER earlier than the TMS's clock plus the freshness window (REQ-DL-065)"
    return None


def term_info_item(tag: int, value: bytes) -> bytes:
    return tag.to_bytes(2, "big") + len(value).to_bytes(2, "big") + value


def package_entry(kind: str, name: str, version: int) -> bytes:
    """A PKG_ANNOUNCE entry and a PACKAGE item's VALUE: KIND || NAME || VERSION (REQ-MSG-080)."""
    return text(kind, 1) + text(name, 16) + version.to_bytes(4, "big")


def expected_term_info(t: dict, key_slots: list[tuple[int, bytes]]) -> bytes:
    """REQ-DL-041: the report an honest terminal of transcript t sends, from `device`, `installed`
    (a KIND M package is the master application running in slot 1 before any apply: MASTER_APP
    01 || VERSION || 00 || 0, SWITCH_STATE 0x00 with OTHER_VERSION 0 meaning the other slot was
    never written, REQ-DL-053) and key_slots [(SLOT, KCV)] it holds. The
    transcripts record no apply of an earlier session, so there is no LAST_APPLY item."""
    dev = t["device"]
    items = [(TI_HARDWARE_ID, dev["hardwareId"].encode("ascii")), (TI_FIRMWARE_ID, dev["firmwareId"].encode("ascii")),
             (TI_BEARER, bytes([dev["bearer"]])), (TI_TAMPER, bytes([1 if dev["tamper"] else 0]))]
    for x in t.get("installed", []):
        items.append((TI_PACKAGE, package_entry(x["kind"], x["name"], x["version"])))
        if x["kind"] == "M":
            items.append((TI_MASTER_APP, b"\x01" + x["version"].to_bytes(4, "big") + b"\x00" + bytes(4)))
    items += [(TI_KEY_SLOT, bytes([slot]) + kcv_) for slot, kcv_ in key_slots if slot]
    return b"".join(term_info_item(tag, value) for tag, value in sorted(items))


def expected_pkg_announce(t: dict) -> bytes:
    """REQ-MSG-080: MAX_CHUNK, COUNT and every installed package in ascending KIND || NAME."""
    entries = sorted(package_entry(x["kind"], x["name"], x["version"]) for x in t.get("installed", []))
    return t["maxChunk"].to_bytes(2, "big") + bytes([len(entries)]) + b"".join(entries)


def term_info_self_test() -> list[str]:
    """The parser's rules (REQ-MSG-120 to -122) against payloads written by hand from the registry
    of spec/03-messages.md 3.8; the known answers are the spec's, not any implementation's."""
    problems = []
    hw = bytes.fromhex("0001" "0003") + b"HW1"          # HARDWARE_ID "HW1"
    fw = bytes.fromhex("0002" "0003") + b"FW1"          # FIRMWARE_ID "FW1"
    bearer = bytes.fromhex("0004" "0001" "08")          # BEARER Wi-Fi
    tamper = bytes.fromhex("0005" "0001" "00")          # TAMPER none
    master = bytes.fromhex("0003" "000a" "01" "00000003" "00" "00000000")  # slot 1, v3, settled, other empty
    pkg_a = bytes.fromhex("0010" "0015") + b"A" + b"PAYAPP" + b" " * 10 + bytes.fromhex("00000002")
    pkg_m = bytes.fromhex("0010" "0015") + b"M" + b"TMSP-MASTER" + b" " * 5 + bytes.fromhex("00000003")
    slot1 = bytes.fromhex("0020" "0004" "01" "aabbcc")
    slot3 = bytes.fromhex("0020" "0006" "03" "0102030405")
    vendor = bytes.fromhex("8000" "0000")
    minimal = hw + fw + bearer + tamper
    good = {
        "the four mandatory items": (minimal, [1, 2, 4, 5]),
        "with a master application": (hw + fw + master + bearer + tamper + pkg_a + pkg_m + slot1 + slot3 + vendor,
                                      [1, 2, 3, 4, 5, 0x10, 0x10, 0x20, 0x20, 0x8000]),
        "an unassigned tag and an empty vendor item": (minimal + bytes.fromhex("0040" "0001" "ff") + vendor,
                                                       [1, 2, 4, 5, 0x40, 0x8000]),
        "two vendor items of one TAG, the shorter (a prefix) first": (
            minimal + bytes.fromhex("8001" "0001" "aa") + bytes.fromhex("8001" "0002" "aa00"),
            [1, 2, 4, 5, 0x8001, 0x8001]),
    }
    bad = {
        "shorter than 4 octets": bytes.fromhex("0001"),
        "an item running past the end": minimal + bytes.fromhex("0030" "0005") + b"F1",
        "a left-over octet": minimal + b"\x00",
        "TAGs out of order (TAMPER before BEARER)": hw + fw + tamper + bearer,
        "equal TAG, VALUEs out of order": minimal + slot3 + slot1,
        "one item twice": minimal + slot1 + slot1,
        "reserved TAG 0x0000": bytes.fromhex("0000" "0000") + minimal,
        "reserved TAG 0xFFFF": minimal + bytes.fromhex("ffff" "0000"),
        "HARDWARE_ID missing": fw + bearer + tamper,
        "TAMPER missing": hw + fw + bearer,
        "FIRMWARE_ID twice": hw + fw + bytes.fromhex("0002" "0003") + b"FW2" + bearer + tamper,
        "an empty HARDWARE_ID": bytes.fromhex("0001" "0000") + fw + bearer + tamper,
        "a space in FIRMWARE_ID": hw + bytes.fromhex("0002" "0003") + b"F 1" + bearer + tamper,
        "BEARER 0x09": hw + fw + bytes.fromhex("0004" "0001" "09") + tamper,
        "TAMPER 0x02": hw + fw + bearer + bytes.fromhex("0005" "0001" "02"),
        "KEY_SLOT of slot 0": minimal + bytes.fromhex("0020" "0004" "00" "aabbcc"),
        "KEY_SLOT with a 4-octet KCV": minimal + bytes.fromhex("0020" "0005" "01" "aabbccdd"),
        "two KEY_SLOT items of one SLOT": minimal + slot1 + bytes.fromhex("0020" "0004" "01" "aabbcd"),
        "a PACKAGE of KIND X": minimal + bytes.fromhex("0010" "0015") + b"X" + b"PAYAPP" + b" " * 10 + b"\0\0\0\1",
        "a PACKAGE of VERSION 0": minimal + pkg_a[:-4] + bytes(4),
        "a KIND M PACKAGE without MASTER_APP": minimal + pkg_m,
        "MASTER_APP without a KIND M PACKAGE": hw + fw + master + bearer + tamper,
        "MASTER_APP whose RUNNING_VERSION is not the package's": (
            hw + fw + bytes.fromhex("0003" "000a" "01" "00000002" "00" "00000000") + bearer + tamper + pkg_m),
        "MASTER_APP with RUNNING_SLOT 3": (
            hw + fw + bytes.fromhex("0003" "000a" "03" "00000003" "00" "00000000") + bearer + tamper + pkg_m),
        "MASTER_APP switch pending with OTHER_VERSION 0": (
            hw + fw + bytes.fromhex("0003" "000a" "01" "00000003" "01" "00000000") + bearer + tamper + pkg_m),
        "two KIND M PACKAGE items": (hw + fw + master + bearer + tamper + bytes.fromhex("0010" "0015") + b"M" +
                                     b"OTHER-MASTER" + b" " * 4 + bytes.fromhex("00000003") + pkg_m),
        "LAST_APPLY with RESULT 19": minimal + bytes.fromhex("0011" "0017") + pkg_a[4:] + b"19",
        "a vendor item of 1025 octets": minimal + bytes.fromhex("8000" "0401") + bytes(1025),
    }
    for what, (payload, tags) in good.items():
        try:
            got = [tag for tag, _ in parse_term_info(payload)]
            if got != tags:
                problems.append(f"TERM_INFO with {what} parsed as tags {got}")
        except ValueError as e:
            problems.append(f"TERM_INFO with {what} refused: {e}")
    for what, payload in bad.items():
        try:
            parse_term_info(payload)
            problems.append(f"TERM_INFO with {what} was accepted")
        except ValueError:
            pass
    dev = dict(device=dict(hardwareId="HW1", firmwareId="FW1", bearer=8, tamper=False),
               installed=[dict(kind="M", name="TMSP-MASTER", version=3), dict(kind="A", name="PAYAPP", version=2)])
    built = expected_term_info(dev, [(3, bytes.fromhex("0102030405")), (1, bytes.fromhex("aabbcc"))])
    if built != hw + fw + master + bearer + tamper + pkg_a + pkg_m + slot1 + slot3:
        problems.append(f"expected_term_info built {built.hex()}")
    return problems


# --- checking TMS-TRANSCRIPT ---------------------------------------------------------------------

ENVELOPED = {0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17}  # spec/03-messages.md 3.8, revision 3
TERMINAL_ENVELOPES, TMS_ENVELOPES = {0x11, 0x13, 0x15, 0x17}, {0x12, 0x14, 0x16}


def draw(t: dict, side: str, prefix: str) -> bytes | None:
    for d in t[side]:
        if d["use"].startswith(prefix):
            return bytes.fromhex(d["hex"])
    return None


def generated(profile: str, drawn: bytes) -> bytes:
    """A DES / TDES key the TMS generates is its draw with odd parity set (REQ-CRYPTO-018)."""
    return odd_parity(drawn) if PROFILES[profile]["alg"] in ("des", "tdes") else drawn


def parse_key_message(keymsg: bytes, m: int) -> list[tuple[int, bytes, bytes]]:
    """spec/03-messages.md 3.7: [(SLOT, KCV, KEY_BLOCK)], checking REQ-MSG-060 / -061's layout."""
    count = keymsg[62]
    if not 1 <= count <= 8:
        raise Mismatch(f"KEY_COUNT {count} (REQ-MSG-060)")
    at, entries = 63, []
    for _ in range(count):
        slot, kcv_len = keymsg[at], keymsg[at + 1]
        if kcv_len not in (3, 5):
            raise Mismatch(f"KCV_LEN {kcv_len} of slot {slot} (REQ-MSG-061)")
        kcv_ = keymsg[at + 2:at + 2 + kcv_len]
        blen = int.from_bytes(keymsg[at + 2 + kcv_len:at + 4 + kcv_len], "big")
        block = keymsg[at + 4 + kcv_len:at + 4 + kcv_len + blen]
        if not 8 <= blen <= 512 or len(block) != blen:
            raise Mismatch(f"BLOCK_LEN {blen} of slot {slot} (REQ-MSG-061)")
        at += 4 + kcv_len + blen
        entries.append((slot, kcv_, block))
    if at != len(keymsg) - m:
        raise Mismatch("KEY_MESSAGE entries and KEY_MAC do not add up to the body")
    slots = [s for s, _, _ in entries]
    if slots[0] != 0 or any(b <= a for a, b in zip(slots, slots[1:])) or slots[-1] == 0xFF:
        raise Mismatch(f"KEY_MESSAGE slots {slots}: slot 0 first, then strictly increasing below 0xFF (REQ-MSG-060)")
    return entries


def check_transcript_case(t: dict) -> list[str]:
    """Recomputes the cryptograms of a recorded session (revision 3) and checks that the recorded
    randoms and clocks are the ones the messages carry. Returns what was checked."""
    profile = t["profile"]
    p = PROFILES[profile]
    m, bs = p["m"], p["bs"]
    msgs = [(x["from"], bytes.fromhex(x["hex"])) for x in t["messages"]]
    kinds = [b[0] for _, b in msgs]
    if kinds[:4] != [0x01, 0x02, 0x03, 0x04] or [s for s, _ in msgs[:4]] != ["terminal", "tms", "terminal", "tms"]:
        raise Mismatch("the session does not start HS_REQUEST, HS_AUTH_REQUEST, HS_AUTH_ANSWER, KEY_MESSAGE")
    req, auth, answer, keymsg = (b for _, b in msgs[:4])
    dmk = bytes.fromhex(t["dmk"])
    trans = t["trans"]
    attended = bool(t["operatorId"])
    identity = text(t["vendorId"], 8) + text(t["modelId"], 16) + text(t["serialNo"], 32)
    checked = []
    # LEGACY is an unattended program download only (REQ-CRYPTO-025, REQ-HS-011).
    if profile == "legacy" and (trans != "02" or attended):
        raise Mismatch(f"a LEGACY session with TRANS_CODE {trans} and operator {t['operatorId']!r}: LEGACY is an "
                       "unattended program download only (REQ-CRYPTO-025)")
    # HS_REQUEST (3.4) and the terminal's recorded T_RAND / clock.
    if len(req) != 116:
        raise Mismatch(f"HS_REQUEST is {len(req)} octets, not 116")
    for name, body in (("HS_REQUEST", req), ("HS_AUTH_REQUEST", auth), ("HS_AUTH_ANSWER", answer),
                       ("KEY_MESSAGE", keymsg)):
        if body[1] != 0x01 or body[2:58] != identity:
            raise Mismatch(f"{name} does not carry VERSION 01 and the case's identity (REQ-MSG-020)")
    t_data = req[101:116]
    expect("T_RAND in HS_REQUEST vs terminalRandom", t_data[:8], draw(t, "terminalRandom", "T_RAND") or b"")
    expect("T_TIME in HS_REQUEST vs terminalTime", t_data[8:], bcd_time(t["terminalTime"]))
    expect("TRANS_CODE", req[58:60], trans.encode())
    if req[60] != 1 << (p["code"] - 1):
        raise Mismatch(f"OFFERED_PROFILES {req[60]:#04x}: a terminal offers its DMK's profile only (REQ-MSG-034)")
    expect("OPERATOR_ID in HS_REQUEST vs operatorId", req[61:69], text(t["operatorId"], 8))
    reserved = text(t["keySetId"], 8) + b" " * 24 if trans == "01" else b" " * 32
    expect("RESERVED of HS_REQUEST (REQ-MSG-032)", req[69:101], reserved)
    # HS_AUTH_REQUEST (3.5, revision 2).
    f = parse_hs_auth_request(auth, m, with_tac=True)
    if f["profile"] != p["code"] or f["stage"] != 0x01 or f["src"] != b"00":
        raise Mismatch(f"HS_AUTH_REQUEST PROFILE {f['profile']}, AUTH_STAGE {f['stage']}, SRC {f['src']!r}")
    s_data = f["s_data"]
    expect("S_RAND in HS_AUTH_REQUEST vs tmsRandom", s_data[:8], draw(t, "tmsRandom", "S_RAND") or b"")
    expect("S_TIME in HS_AUTH_REQUEST vs tmsTime", s_data[8:], bcd_time(t["tmsTime"]))
    check_opv_fields(f["salt"], f["iterations"], attended)
    if "opvSalt" in t:  # the TMS's enrolment record, when the transcript gives it
        expect("OPV_SALT in HS_AUTH_REQUEST vs opvSalt", f["salt"], bytes.fromhex(t["opvSalt"]))
    if "opvIterations" in t and f["iterations"] != t["opvIterations"]:
        raise Mismatch(f"OPV_ITERATIONS in HS_AUTH_REQUEST is {f['iterations']}, opvIterations {t['opvIterations']}")
    try:
        dwk, padding = recover_dwk(profile, dmk, f["dwk1"], req)
    except ValueError as e:
        raise Mismatch(f"DWK_1: {e}") from None
    expect("DWK from DWK_1 vs the DWK draw of tmsRandom", dwk, generated(profile, draw(t, "tmsRandom", "DWK") or b""))
    if profile != "legacy":
        expect("TR-31 padding of DWK_1 vs tmsRandom", padding, draw(t, "tmsRandom", "TR-31 padding of DWK_1") or b"")
    checked.append("DWK_1 and its session binding" if profile != "legacy" else "DWK_1")
    k_mac, k_kek = handshake_keys(profile, dwk, t_data, s_data)
    th_tac = req + auth[:-m] if profile != "legacy" else b""
    expect("TAC_1", tac(profile, dwk, k_mac, t_data, th_tac), f["tac1"])
    checked.append("TAC_1")
    # HS_AUTH_ANSWER (3.6).
    if len(answer) != 62 + 2 * m or answer[58:62] != b"\x0200\x00":
        raise Mismatch("HS_AUTH_ANSWER is not AUTH_STAGE 02, RETURN_CODE 00, TERM_AUTH_RESULT 00 with two m-octet "
                       "fields")
    proof, sac1 = answer[62:62 + m], answer[62 + m:]
    if attended:
        o = opv(t["operatorPassword"], t["vendorId"], t["operatorId"], f["salt"], f["iterations"])
        expect("opv", o, bytes.fromhex(t["opv"]))
        expect("OPERATOR_PROOF", operator_proof(profile, k_mac, o, t_data, s_data), proof)
        checked.append("OPV and OPERATOR_PROOF")
    else:
        expect("OPERATOR_PROOF of an unattended session", proof, bytes(m))
    th_sac = req + auth + answer[:-m] if profile != "legacy" else b""
    expect("SAC_1", sac(profile, dwk, k_mac, s_data, th_sac), sac1)
    checked.append("SAC_1")
    # KEY_MESSAGE (3.7).
    expect("TRANS_CODE and RETURN_CODE of KEY_MESSAGE", keymsg[58:62], trans.encode() + b"00")
    th_key = req + auth + answer + keymsg[:-m] if profile != "legacy" else b""
    expect("KEY_MAC", key_mac(profile, dwk, k_mac, keymsg[:-m], th_key), keymsg[-m:])
    checked.append("KEY_MAC")
    entries = parse_key_message(keymsg, m)
    if (trans == "02" or profile == "legacy") and len(entries) != 1:
        raise Mismatch(f"KEY_MESSAGE has {len(entries)} entries; a program download and a LEGACY session carry "
                       "the DSK only (REQ-MSG-060, REQ-CRYPTO-035)")
    slot_rules = {k["slot"]: k for k in t["keySet"]}
    for k in t["keySet"]:  # REQ-KEY-030 to -039: the registry of standard slots
        problem = slot_rule_problem(k["slot"], k["keyUsage"], k["algorithm"], k["modeOfUse"], len(bytes.fromhex(k["key"])))
        if problem:
            raise Mismatch(f"keySet: {problem}")
    strength = {k["slot"]: STRENGTH[(k["algorithm"], len(bytes.fromhex(k["key"])))] for k in t["keySet"]}
    if 0x01 in strength and any(strength.get(slot, 0) > strength[0x01] for slot in (0x02, 0x03, 0x04)):
        raise Mismatch(f"keySet: a PIN, MAC or DATA key stronger than the TMK, strengths {strength} (REQ-KEY-037)")
    if trans == "01" and sorted(slot_rules) != [s for s, _, _ in entries[1:]]:
        raise Mismatch(f"KEY_MESSAGE delivers slots {[s for s, _, _ in entries[1:]]}, the key set has "
                       f"{sorted(slot_rules)} (REQ-KEY-010)")
    keys = {}
    for slot, kcv_, block in entries:  # REQ-CRYPTO-035, REQ-CRYPTO-037, REQ-KEY-014, REQ-KEY-021
        if profile == "legacy":
            if len(block) != 8:
                raise Mismatch(f"LEGACY key block of slot {slot} is {len(block)} octets, not one DES block")
            key, alg = ecb("des", dwk, block, decrypt=True), "des"
        else:
            try:
                hdr, key, pad = tr31_unwrap(k_kek, block.decode("ascii"))
            except (ValueError, UnicodeDecodeError) as e:
                raise Mismatch(f"key block of slot {slot}: {e}") from None
            letter = hdr[7]
            if slot == 0:
                want = DSK_HEADERS[profile]
                if len(key) != p["key"]:
                    raise Mismatch(f"the DSK is {len(key)} octets, not {p['key']} (REQ-KEY-010)")
                use = "TR-31 padding of the DSK"
            else:
                rule = slot_rules[slot]
                if (rule["algorithm"], len(key)) not in DELIVERABLE[profile]:
                    raise Mismatch(f"slot {slot}: a {len(key)}-octet {rule['algorithm']} key is stronger than "
                                   f"{profile} can deliver (REQ-KEY-014)")
                want = tr31_header(p["version"], rule["keyUsage"], rule["algorithm"], rule["modeOfUse"], len(key))
                use = f"TR-31 padding of the slot {slot} key block"
            if hdr != want:
                raise Mismatch(f"key block header of slot {slot} is {hdr}, REQ-CRYPTO-035 requires {want}")
            drawn_pad = draw(t, "tmsRandom", use)
            if drawn_pad is not None or slot == 0:
                expect(f"TR-31 padding of slot {slot} vs tmsRandom", pad, drawn_pad or b"")
            alg = {"T": "tdes", "A": "aes"}[letter]
        expect(f"KCV of slot {slot}", kcv(alg, key), kcv_)
        keys[slot] = key
    dsk = keys[0]
    expect("DSK vs the DSK draw of tmsRandom", dsk, generated(profile, draw(t, "tmsRandom", "DSK") or b""))
    for k in t["keySet"]:
        expect(f"delivered key of slot {k['slot']}", keys.get(k["slot"], b""), bytes.fromhex(k["key"]))
    checked.append("keys")
    # The download phase: every envelope (3.8, REQ-CRYPTO-040 to -042).
    k_enc, k_dmac = download_keys(profile, dsk, t_data, s_data)
    seq = {"terminal": 0, "tms": 0}
    payloads = []
    for sender, body in msgs[4:]:
        if body[0] not in (TERMINAL_ENVELOPES if sender == "terminal" else TMS_ENVELOPES):
            raise Mismatch(f"message type {body[0]:#04x} from the {sender} in the download phase")
        if body[2:58] != identity:
            raise Mismatch(f"{sender} envelope SEQ {seq[sender]} does not carry the session's identity")
        d = b"T" if sender == "terminal" else b"S"
        expect(f"MAC of {sender} envelope SEQ {seq[sender]}", mac_p(profile, k_dmac, d + body[:-m]), body[-m:])
        s = int.from_bytes(body[58:62], "big")
        if s != seq[sender]:
            raise Mismatch(f"{sender} SEQ {s}, expected {seq[sender]}")
        ct_len = int.from_bytes(body[62:64], "big")
        ct = body[64:64 + ct_len]
        if ct_len % bs or not ct_len or 64 + ct_len + m != len(body):
            raise Mismatch(f"{sender} envelope SEQ {s}: CT_LEN {ct_len} does not fit the body")
        payload = unpad2(cbc(p["alg"], k_enc, envelope_iv(profile, k_enc, d, s), ct, decrypt=True))
        if payload is None:
            raise Mismatch(f"{sender} envelope SEQ {s}: padding method 2 does not check out")
        if body[0] in (0x15, 0x16) and payload != b"00":
            raise Mismatch(f"{sender} SESSION_END{'_ACK' if body[0] == 0x16 else ''} RESULT is {payload!r}")
        payloads.append((sender, body[0], payload))
        seq[sender] += 1
    checked.append(f"{seq['terminal']}+{seq['tms']} envelope MACs, IVs and paddings")
    # REQ-DL-040: TERM_INFO (SEQ 0) and at once SESSION_END or PKG_ANNOUNCE (SEQ 1), nothing between.
    follow = 0x15 if trans == "01" else 0x11
    if [(s, k) for s, k, _ in payloads[:2]] != [("terminal", 0x17), ("terminal", follow)]:
        raise Mismatch(f"the download phase starts {[(s, hex(k)) for s, k, _ in payloads[:2]]}, not the terminal's "
                       f"TERM_INFO then {follow:#04x} (REQ-DL-040)")
    try:
        parse_term_info(payloads[0][2])
    except ValueError as e:
        raise Mismatch(f"TERM_INFO: {e}") from None
    held = [(slot, kcv_) for slot, kcv_, _ in entries[1:]] if trans == "01" else []
    expect("TERM_INFO payload vs device, installed and the keys held (REQ-DL-041)", payloads[0][2],
           expected_term_info(t, held))
    checked.append("TERM_INFO")
    if trans == "02":
        expect("PKG_ANNOUNCE payload vs installed and maxChunk (REQ-MSG-080)", payloads[1][2], expected_pkg_announce(t))
    # The whole session once more through the state tables, as both sides' rows check it.
    checked += follow_session(t, len(msgs))[0]
    return checked


# --- checking TMS-TRANSCRIPT sessions that end in a failure -------------------------------------
#
# A recorded session whose expect.endsBy is "terminal" or "tms" is followed message by message as
# the receiving side's state-table row (spec/09, spec/10) checks it, in the row's order: every
# message before the one that causes the failure must pass every check of the row that receives
# it (so every cryptogram present is recomputed: DWK_1 and its binding, TAC_1, OPERATOR_PROOF,
# SAC_1, KEY_MAC, the key blocks, each envelope's MAC, SEQ, IV and padding), and that message must
# fail exactly the check that gives expect.code. Where a check depends on something neither the
# bytes nor the case's policy say, the outcome is "not decided" (Undecided) and only the
# cryptograms and the ABORT's form are checked.

RESPONSE_CODES = {f"{c:02d}" for c in range(0, 30)} | {"96"}
KNOWN_TYPES = {0x01, 0x02, 0x03, 0x04, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x7F}
_AN = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ANS = frozenset(range(0x21, 0x7F))


class Undecided(Exception):
    pass


class Fail(Exception):
    """A check of the receiving row fails with a response code."""

    def __init__(self, code: str, why: str):
        super().__init__(f"{code}: {why}")
        self.code, self.why = code, why


def _text_ok(field: bytes, charset: frozenset, may_be_empty: bool = False) -> bool:
    """REQ-MSG-010."""
    value = field.rstrip(b" ")
    return (bool(value) or may_be_empty) and all(c in charset for c in value)


def _bcd_seconds(b: bytes) -> int | None:
    """REQ-MSG-011: seconds since 2000-01-01 00:00:00 UTC, or None when malformed."""
    import datetime
    digits = b.hex()
    if len(b) != 7 or not digits.isdigit():
        return None
    try:
        d = datetime.datetime(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]), int(digits[8:10]),
                              int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return None
    if not 2000 <= d.year <= 2099:
        return None
    return int((d - datetime.datetime(2000, 1, 1)).total_seconds())


def _need(body: bytes, end: int, what: str) -> None:
    if len(body) < end:
        raise Fail("01", f"the body ends before {what} (REQ-MSG-004)")


def _parse_hdr(body: bytes, name: str) -> None:
    """REQ-MSG-004 on the common header: VERSION 03, then the text fields 01."""
    _need(body, 2, "VERSION")
    if body[1] != 0x01:
        raise Fail("03", f"{name} VERSION {body[1]:#04x} (REQ-MSG-013)")
    for lo, hi, cs, what in ((2, 10, _AN, "VENDOR_ID"), (10, 26, _ANS, "MODEL_ID"), (26, 58, _ANS, "SERIAL_NO")):
        _need(body, hi, what)
        if not _text_ok(body[lo:hi], cs):
            raise Fail("01", f"{name} {what} breaks REQ-MSG-010")


def _ecdsa_p256_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """REQ-CRYPTO-013 with the openssl command line: public key an uncompressed point, signature r || s."""
    import os
    import tempfile

    def der_int(v: bytes) -> bytes:
        v = v.lstrip(b"\x00") or b"\x00"
        if v[0] & 0x80:
            v = b"\x00" + v
        return b"\x02" + bytes([len(v)]) + v

    seq = der_int(signature[:32]) + der_int(signature[32:])
    sig_der = b"\x30" + bytes([len(seq)]) + seq
    spki = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200") + public_key
    with tempfile.TemporaryDirectory() as d:
        Path(d, "pub.der").write_bytes(spki)
        Path(d, "sig.der").write_bytes(sig_der)
        r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", os.path.join(d, "pub.der"), "-keyform", "DER",
                            "-signature", os.path.join(d, "sig.der")], input=message, capture_output=True,
                           check=False)
    return r.returncode == 0


def parse_pkg_confirm(pl: bytes) -> list[dict]:
    """REQ-MSG-090 to -092: COUNT, then each OFFER PKG_INDEX || MANIFEST_LEN || MANIFEST ||
    SIGNATURE, checked in table order (REQ-MSG-004); raises ValueError (malformed, 01)."""
    if not pl or pl[0] > 8:
        raise ValueError("COUNT is not 0-8")
    offers, at = [], 1
    for i in range(pl[0]):
        if at + 3 > len(pl) or pl[at] != i:
            raise ValueError(f"offer {i}: PKG_INDEX missing or not its position")
        n = int.from_bytes(pl[at + 1:at + 3], "big")
        if not (n == 116 or 132 <= n <= 644):
            raise ValueError(f"offer {i}: MANIFEST_LEN {n} is not 116 or 132-644")
        if at + 3 + n + 64 > len(pl):
            raise ValueError(f"offer {i}: MANIFEST and SIGNATURE run past the payload")
        f = parse_manifest(pl[at + 3:at + 3 + n])
        f.update(index=i, signature=pl[at + 3 + n:at + 3 + n + 64])
        if any((f["kind"], f["name"]) == (g["kind"], g["name"]) for g in offers):
            raise ValueError(f"offer {i}: (KIND, NAME) offered twice")
        offers.append(f)
        at += 3 + n + 64
    if at != len(pl):
        raise ValueError("octets after the last offer")
    return offers


def parse_manifest(man: bytes) -> dict:
    """A MANIFEST of FORMAT 0x01 (116 octets) or 0x02 (132 + 32 x TARGET_COUNT), REQ-MSG-090 to -092."""
    f = dict(manifest=man, format=man[0], kind=man[1:2], name=man[2:18], vendor=man[18:26], model=man[26:42],
             version=int.from_bytes(man[42:46], "big"), length=int.from_bytes(man[46:50], "big"),
             chunk=int.from_bytes(man[50:52], "big"), pkg_digest=man[52:84], fit_digest=man[84:116], targets=[])
    if (f["format"] not in (1, 2) or f["kind"] not in KINDS or not _text_ok(f["name"], _ANS)
            or not _text_ok(f["vendor"], _AN) or not _text_ok(f["model"], _ANS) or f["version"] < 1
            or not 1 <= f["length"] <= 67108864 or f["chunk"] not in (256, 512, 1024, 2048, 4096)):
        raise ValueError("a field of MANIFEST breaks REQ-MSG-090")
    if f["format"] == 1:
        if len(man) != 116:
            raise ValueError(f"a FORMAT 0x01 MANIFEST of {len(man)} octets (REQ-MSG-091)")
        return f
    if len(man) < 132:
        raise ValueError("a FORMAT 0x02 MANIFEST ends before TARGET_COUNT (REQ-MSG-091)")
    f.update(signer=man[116:124], not_after=man[124:131], target_count=man[131])
    targets = [man[132 + 32 * k:164 + 32 * k] for k in range(man[131])]
    if (not _text_ok(f["signer"], _AN) or _bcd_seconds(f["not_after"]) is None or man[131] > 16
            or len(man) != 132 + 32 * man[131] or not all(_text_ok(x, _ANS) for x in targets)
            or any(b <= a for a, b in zip(targets, targets[1:]))):
        raise ValueError("a FORMAT 0x02 field breaks REQ-MSG-091 / REQ-MSG-092")
    f["targets"] = targets
    return f


class SessionReplay:
    """Both sides of one recorded session, as the state tables of spec/09 and spec/10 check what
    each receives. rx(i) returns None when message i passes every check of its receiving row, and
    raises Fail with the code of the first check that fails (or Undecided)."""

    def __init__(self, t: dict):
        self.t = t
        self.profile = t["profile"]
        self.p = PROFILES[self.profile]
        self.m, self.bs = self.p["m"], self.p["bs"]
        pol = {"legacyEnabled": {"terminal": self.profile == "legacy", "tms": self.profile == "legacy"},
               "unattendedAllowed": True, "freshnessWindowSeconds": 300, "terminalRegistered": True,
               "keySetRegistered": True, "operatorEnrolled": True, "operatorMayDownloadKeys": True,
               "operatorLock": {"consecutiveFailures": 0, "lockedUntil": 0}, "decoySaltKey": "00" * 32,
               "replayCacheSeeded": [], "keyStoreFails": False, "applyFails": False, "vendorFails": False}
        pol.update(t.get("policy") or {})
        self.policy = pol
        self.trans = t["trans"]
        self.attended = bool(t["operatorId"])
        self.identity = text(t["vendorId"], 8) + text(t["modelId"], 16) + text(t["serialNo"], 32)
        self.dmk = bytes.fromhex(t["dmk"])
        self.term_state, self.tms_state = "T_WAIT_AUTH_REQUEST", "S_IDLE"
        self.req = self.auth = self.answer = None  # the handshake bodies as they travelled
        self.seq_rx = {"terminal": 0, "tms": 0}  # next SEQ expected from that sender
        self.checked: list[str] = []
        self.offers: list[dict] = []
        self.plan: list[tuple[int, int, int]] = []
        self.outstanding = None
        self.fit: dict[int, bytes] = {}
        self.data: dict[int, bytes] = {}
        self.end_result: str | None = None  # the RESULT of the terminal's SESSION_END (row T6 / T8)
        self.kcvs: dict[int, bytes] = {}  # the KCV of each key KEY_MESSAGE delivered
        self.report: list[tuple[int, bytes]] = []  # the items of the session's TERM_INFO (row S13)

    # --- the handshake, both sides -------------------------------------------------------------

    def tms_hs_request(self, body: bytes) -> None:
        """Row S1, REQ-HS-010 in its order."""
        _parse_hdr(body, "HS_REQUEST")
        _need(body, 60, "TRANS_CODE")
        if body[58:60] not in (b"01", b"02"):
            raise Fail("07", f"TRANS_CODE {body[58:60]!r} (REQ-MSG-030)")
        _need(body, 61, "OFFERED_PROFILES")
        off = body[60]
        if not off & 0x0F or off & 0xF0 or (off & 0x01 and off != 0x01):
            raise Fail("01", f"OFFERED_PROFILES {off:#04x} (REQ-MSG-031)")
        _need(body, 69, "OPERATOR_ID")
        if not _text_ok(body[61:69], _AN, may_be_empty=True):
            raise Fail("01", "OPERATOR_ID breaks REQ-MSG-010")
        _need(body, 101, "RESERVED")
        rsv = body[69:101]
        if body[58:60] == b"01":
            ok = rsv[8:] == b" " * 24 and _text_ok(rsv[:8], _AN)
        else:
            ok = rsv == b" " * 32
        if not ok:
            raise Fail("01", "RESERVED breaks REQ-MSG-032")
        _need(body, 116, "T_DATA")
        if _bcd_seconds(body[109:116]) is None:
            raise Fail("01", "T_TIME is not a date-time (REQ-MSG-011)")
        if len(body) != 116:
            raise Fail("01", f"HS_REQUEST of {len(body)} octets continues after T_DATA (REQ-MSG-002)")
        # the registry and the profile: all 06 (REQ-HS-018)
        pol, trans, attended = self.policy, body[58:60].decode(), body[61:69] != b" " * 8
        if body[2:58] != self.identity or not pol["terminalRegistered"]:
            raise Fail("06", "the terminal is not registered (REQ-HS-018)")
        if not off & (1 << (self.p["code"] - 1)):
            raise Fail("06", "the profile of the terminal's DMK is not offered (REQ-HS-011)")
        if self.profile == "legacy" and (not pol["legacyEnabled"]["tms"] or trans != "02" or attended):
            raise Fail("06", "LEGACY is not enabled for the terminal, or not an unattended program download "
                             "(REQ-CRYPTO-020, REQ-CRYPTO-025, REQ-HS-011)")
        if trans == "01" and not pol["keySetRegistered"]:
            raise Fail("06", "the key set is not registered (REQ-KEY-013)")
        t_time, s_time = _bcd_seconds(body[109:116]), _bcd_seconds(bcd_time(self.t["tmsTime"]))
        if abs(t_time - s_time) > pol["freshnessWindowSeconds"]:
            raise Fail("09", f"T_TIME {t_time - s_time:+d} s from S_TIME, window "
                             f"{pol['freshnessWindowSeconds']} s (REQ-HS-012)")
        if body[101:109].hex() in [x.lower() for x in pol["replayCacheSeeded"]]:
            raise Fail("10", "T_RAND already in the replay cache (REQ-HS-013)")
        self.tms_state = "S_WAIT_AUTH_ANSWER"

    def term_hs_auth_request(self, body: bytes) -> None:
        """Row T2, REQ-HS-020 to -026."""
        req = self.req
        _parse_hdr(body, "HS_AUTH_REQUEST")
        _need(body, 59, "PROFILE")
        if body[58] not in PROFILE_BY_CODE:
            raise Fail("08", f"PROFILE {body[58]:#04x} (REQ-MSG-040)")
        prof = PROFILE_BY_CODE[body[58]]
        _need(body, 60, "AUTH_STAGE")
        if body[59] != 0x01:
            raise Fail("01", "AUTH_STAGE is not 01 (REQ-MSG-041)")
        _need(body, 62, "SRC")
        if body[60:62] != b"00":
            raise Fail("01", "SRC is not 00 (REQ-MSG-041)")
        _need(body, 77, "S_DATA")
        if _bcd_seconds(body[70:77]) is None:
            raise Fail("01", "S_TIME is not a date-time (REQ-MSG-011)")
        _need(body, 97, "OPV_SALT and OPV_ITERATIONS")
        salt, iters = body[77:93], int.from_bytes(body[93:97], "big")
        if not ((salt == bytes(16) and iters == 0) or OPV_ITERATIONS_MIN <= iters <= OPV_ITERATIONS_MAX):
            raise Fail("01", f"OPV_SALT / OPV_ITERATIONS {iters} (REQ-MSG-043)")
        _need(body, 99, "DWK_1_LEN")
        n = int.from_bytes(body[97:99], "big")
        if n != PROFILES[prof]["dwk1"]:
            raise Fail("01", f"DWK_1_LEN {n} is not the profile's (REQ-MSG-042)")
        if len(body) != 99 + n + PROFILES[prof]["m"]:
            raise Fail("01", f"HS_AUTH_REQUEST of {len(body)} octets (REQ-MSG-042)")
        if body[2:58] != self.identity:
            raise Fail("26", "HS_AUTH_REQUEST does not carry the session's identity (REQ-MSG-020)")
        if not req[60] & (1 << (body[58] - 1)):
            raise Fail("08", "PROFILE was not offered (REQ-MSG-040)")
        f = parse_hs_auth_request(body, self.m, with_tac=True)
        try:
            dwk, padding = recover_dwk(self.profile, self.dmk, f["dwk1"], req)
        except (ValueError, UnicodeDecodeError) as e:
            raise Fail("11", f"DWK_1: {e}") from None
        t_data, s_data = req[101:116], f["s_data"]
        k_mac, k_kek = handshake_keys(self.profile, dwk, t_data, s_data)
        th_tac = req + body[:-self.m] if self.profile != "legacy" else b""
        if not hmac.compare_digest(tac(self.profile, dwk, k_mac, t_data, th_tac), f["tac1"]):
            raise Fail("11", "TAC_0 != TAC_1 (REQ-HS-022)")
        attended = req[61:69] != b" " * 8
        if (iters == 0) == attended:
            raise Fail("01", "OPV_ITERATIONS is not zero exactly when unattended (REQ-HS-026)")
        self.dwk, self.padding, self.k_mac, self.k_kek = dwk, padding, k_mac, k_kek
        self.t_data, self.s_data, self.salt, self.iters = t_data, s_data, salt, iters
        self.checked += ["DWK_1 and its session binding" if self.profile != "legacy" else "DWK_1", "TAC_1"]
        self.term_state = "T_WAIT_KEY_MESSAGE"

    def tms_hs_auth_answer(self, body: bytes) -> None:
        """Row S2, REQ-HS-030, -031, REQ-OPR-004 to -006, REQ-KEY-014."""
        m, t, pol = self.m, self.t, self.policy
        _parse_hdr(body, "HS_AUTH_ANSWER")
        _need(body, 59, "AUTH_STAGE")
        if body[58] != 0x02:
            raise Fail("01", "AUTH_STAGE is not 02 (REQ-MSG-041)")
        _need(body, 61, "RETURN_CODE")
        if body[59:61] != b"00":
            raise Fail("01", "RETURN_CODE is not 00 (REQ-MSG-041)")
        _need(body, 62, "TERM_AUTH_RESULT")
        if body[61] != 0x00:
            raise Fail("01", "TERM_AUTH_RESULT is not 00 (REQ-MSG-050)")
        if len(body) != 62 + 2 * m:
            raise Fail("01", f"HS_AUTH_ANSWER of {len(body)} octets (REQ-MSG-051)")
        attended = self.req[61:69] != b" " * 8
        proof = body[62:62 + m]
        if not attended and proof != bytes(m):
            raise Fail("01", "OPERATOR_PROOF of an unattended session is not zero (section 3.6)")
        if body[2:58] != self.identity:
            raise Fail("26", "HS_AUTH_ANSWER does not carry the session's identity (REQ-MSG-020)")
        th_sac = self.req + self.auth + body[:-m] if self.profile != "legacy" else b""
        if not hmac.compare_digest(sac(self.profile, self.dwk, self.k_mac, self.s_data, th_sac), body[-m:]):
            raise Fail("12", "SAC_1 != SAC_0 (REQ-HS-031)")
        self.checked.append("SAC_1")
        if not attended:
            if self.trans == "01" or not pol["unattendedAllowed"]:
                raise Fail("25", "an unattended session the TMS does not allow (REQ-OPR-005)")
        else:
            enrolled = pol["operatorEnrolled"]
            verifier = bytes.fromhex(t["opv"]) if enrolled else bytes(32)
            right = hmac.compare_digest(operator_proof(self.profile, self.k_mac, verifier, self.t_data, self.s_data),
                                        proof)
            if right:
                self.checked.append("OPERATOR_PROOF")
            now = _bcd_seconds(bcd_time(t["tmsTime"]))
            locked = now < pol["operatorLock"]["lockedUntil"]
            authorised = self.trans != "01" or pol["operatorMayDownloadKeys"]
            if not (enrolled and authorised and not locked and right):
                raise Fail("25", f"operator: enrolled {enrolled}, authorised {authorised}, locked {locked}, proof "
                                 f"right {right} (REQ-OPR-004, REQ-OPR-006)")
        for k in t["keySet"] if self.trans == "01" else []:
            problem = slot_rule_problem(k["slot"], k["keyUsage"], k["algorithm"], k["modeOfUse"],
                                        len(bytes.fromhex(k["key"])))
            if problem:
                raise Fail("96", f"{problem} (REQ-KEY-039)")
            if (k["algorithm"], len(bytes.fromhex(k["key"]))) not in DELIVERABLE[self.profile]:
                raise Fail("96", f"slot {k['slot']} is stronger than {self.profile} can deliver (REQ-KEY-014)")
        self.tms_state = "S_WAIT_TERM_INFO"

    def term_key_message(self, body: bytes) -> None:
        """Rows T3 / T4, REQ-KEY-020 to -022."""
        m, t, profile = self.m, self.t, self.profile
        _parse_hdr(body, "KEY_MESSAGE")
        _need(body, 63, "KEY_COUNT")
        if body[58:60] not in (b"01", b"02") or body[60:62] != b"00":
            raise Fail("01", "TRANS_CODE / RETURN_CODE of KEY_MESSAGE (section 3.7)")
        try:
            entries = parse_key_message(body, m)
        except (Mismatch, IndexError) as e:
            raise Fail("01", f"KEY_MESSAGE body: {e}") from None
        if (body[58:60] == b"02") != (len(entries) == 1):
            raise Fail("01", "KEY_COUNT does not fit the message's TRANS_CODE (REQ-MSG-060)")
        if profile == "legacy" and any(len(b) % 8 for _, _, b in entries):
            raise Fail("01", "LEGACY BLOCK_LEN not a multiple of 8 (REQ-MSG-061)")
        if body[2:58] != self.identity:
            raise Fail("26", "KEY_MESSAGE does not carry the session's identity (REQ-MSG-020)")
        if body[58:60] != self.trans.encode():
            raise Fail("01", "KEY_MESSAGE TRANS_CODE is not the session's")
        th_key = self.req + self.auth + self.answer + body[:-m] if profile != "legacy" else b""
        if not hmac.compare_digest(key_mac(profile, self.dwk, self.k_mac, body[:-m], th_key), body[-m:]):
            raise Fail("13", "KEY_MAC (REQ-KEY-020)")
        self.checked.append("KEY_MAC")
        rules = {k["slot"]: k for k in t["keySet"]}
        keys = {}
        for slot, kcv_, block in entries:
            if slot and slot not in rules:
                raise Fail("18", f"slot {slot} is not in the slot table (REQ-KEY-021)")
            if profile == "legacy":
                if len(block) != 8:
                    raise Fail("18", "LEGACY key block is not one DES block")
                key, alg = ecb("des", self.dwk, block, decrypt=True), "des"
            else:
                try:
                    hdr, key, pad = tr31_unwrap(self.k_kek, block.decode("ascii"))
                except (ValueError, UnicodeDecodeError) as e:
                    raise Fail("18", f"key block of slot {slot}: {e}") from None
                if slot == 0:
                    want = DSK_HEADERS[profile]
                else:
                    r = rules[slot]
                    problem = slot_rule_problem(slot, r["keyUsage"], r["algorithm"], r["modeOfUse"], len(key))
                    if problem:
                        raise Fail("18", f"{problem} (REQ-KEY-039)")
                    if (r["algorithm"], len(key)) not in DELIVERABLE[profile]:
                        raise Fail("18", f"slot {slot} stronger than {profile} can deliver (REQ-KEY-014)")
                    want = tr31_header(self.p["version"], r["keyUsage"], r["algorithm"], r["modeOfUse"], len(key))
                if hdr != want or (slot == 0 and len(key) != self.p["key"]):
                    raise Fail("18", f"key block header of slot {slot} is {hdr}, not {want} (REQ-CRYPTO-035)")
                alg = {"T": "tdes", "A": "aes"}.get(hdr[7], "?")
            if len(kcv_) != (5 if alg == "aes" else 3) or not hmac.compare_digest(kcv(alg, key), kcv_):
                raise Fail("18", f"KCV of slot {slot} (REQ-KEY-021)")
            keys[slot] = key
            self.kcvs[slot] = kcv_
        self.checked.append("keys")
        if self.trans == "01" and pol_get(self.policy, "keyStoreFails"):
            raise Fail("21", "the secure unit refuses the keys (policy keyStoreFails, REQ-KEY-022)")
        self.keys = keys
        self.k_enc, self.k_dmac = download_keys(profile, keys[0], self.t_data, self.s_data)
        self.term_state = "T_WAIT_END_ACK" if self.trans == "01" else "T_WAIT_PKG_CONFIRM"
        self.end_result = "00" if self.trans == "01" else None

    # --- the download phase ---------------------------------------------------------------------

    def open_envelope(self, sender: str, body: bytes) -> bytes:
        """Section 9.2 "envelope": body [03/13/01], MAC [13], identity [26], SEQ [14], padding [13]."""
        m, bs = self.m, self.bs
        _parse_hdr(body, "envelope")
        _need(body, 64, "SEQ and CT_LEN")
        ct_len = int.from_bytes(body[62:64], "big")
        if ct_len % bs or not bs <= ct_len <= 8192 - 64 - m:
            raise Fail("13", f"CT_LEN {ct_len} (REQ-MSG-070)")
        if len(body) != 64 + ct_len + m:
            raise Fail("01", f"envelope of {len(body)} octets with CT_LEN {ct_len}")
        d = b"T" if sender == "terminal" else b"S"
        if not hmac.compare_digest(mac_p(self.profile, self.k_dmac, d + body[:-m]), body[-m:]):
            raise Fail("13", f"MAC of the {sender}'s envelope (REQ-MSG-070, REQ-CRYPTO-042)")
        if body[2:58] != self.identity:
            raise Fail("26", "the envelope does not carry the session's identity (REQ-MSG-020)")
        seq = int.from_bytes(body[58:62], "big")
        if seq != self.seq_rx[sender]:
            raise Fail("14", f"SEQ {seq}, expected {self.seq_rx[sender]} (REQ-DL-002)")
        payload = unpad2(cbc(self.p["alg"], self.k_enc, envelope_iv(self.profile, self.k_enc, d, seq),
                             body[64:64 + ct_len], decrypt=True))
        if payload is None:
            raise Fail("13", "padding after decryption (REQ-MSG-070)")
        self.seq_rx[sender] += 1
        return payload

    def tms_term_info(self, body: bytes) -> None:
        """Row S13, REQ-DL-040 to -042: the report is stored, nothing is sent."""
        pl = self.open_envelope("terminal", body)
        try:
            self.report = parse_term_info(pl)
        except ValueError as e:
            raise Fail("01", f"TERM_INFO payload: {e} (REQ-MSG-071)") from None
        self.checked.append("TERM_INFO")
        self.tms_state = "S_WAIT_SESSION_END" if self.trans == "01" else "S_WAIT_PKG_ANNOUNCE"

    def tms_pkg_announce(self, body: bytes) -> None:
        """Row S3."""
        pl = self.open_envelope("terminal", body)
        if len(pl) < 3 or len(pl) != 3 + 21 * pl[2] or not 256 <= int.from_bytes(pl[0:2], "big") <= 4096:
            raise Fail("01", "PKG_ANNOUNCE payload layout (REQ-MSG-080)")
        ents = [pl[3 + 21 * i:24 + 21 * i] for i in range(pl[2])]
        if any(e[0:1] not in KINDS or not _text_ok(e[1:17], _ANS) or int.from_bytes(e[17:21], "big") < 1
               for e in ents) or any(b[:17] <= a[:17] for a, b in zip(ents, ents[1:])):
            raise Fail("01", "PKG_ANNOUNCE entries (REQ-MSG-080)")
        if ents != [v for tag, v in self.report if tag == TI_PACKAGE]:
            raise Fail("01", "the entries of PKG_ANNOUNCE are not the PACKAGE items of TERM_INFO (REQ-DL-043)")
        if self.policy["vendorFails"]:
            raise Fail("96", "the vendor interface fails (policy vendorFails, REQ-TMS-022)")
        self.tms_state = "S_SERVING"

    def term_pkg_confirm(self, body: bytes) -> None:
        """Rows T5 / T6, REQ-MSG-090 to -092, REQ-DL-010, REQ-DL-052, REQ-DL-061 to -064."""
        pl = self.open_envelope("tms", body)
        try:
            offers = parse_pkg_confirm(pl)
        except ValueError as e:
            raise Fail("01", f"PKG_CONFIRM payload: {e}") from None
        installed = {(text(x["kind"], 1), text(x["name"], 16)): x["version"] for x in self.t.get("installed", [])}
        # The terminal's MASTER_APP is the one expected_term_info reports (settled, other slot empty).
        master_app = next((v for tag, v in parse_term_info(expected_term_info(self.t, [])) if tag == TI_MASTER_APP),
                          None)
        m_name = master_name(installed)
        vpk = bytes.fromhex(self.t["vendorPublicKey"])
        now = _bcd_seconds(bcd_time(self.t["terminalTime"]))
        for f in offers:
            if f["format"] == 0x02:  # REQ-DL-061: the transcript format has no pinned signers
                raise Undecided(f"offer {f['index']}: FORMAT 0x02 signed by {f['signer']!r}, and the transcript "
                                "names no pinned signers (REQ-DL-060)")
            if not _ecdsa_p256_verify(vpk, f["manifest"], f["signature"]):
                raise Fail("19", f"offer {f['index']}: the manifest signature does not verify (REQ-DL-010)")
            if f["vendor"] + f["model"] != self.identity[:24]:
                raise Fail("27", f"offer {f['index']}: manifest for {f['vendor'] + f['model']!r} (REQ-DL-010)")
            if f["kind"] == b"M":
                if m_name is not None and f["name"] != m_name:
                    raise Fail("27", f"offer {f['index']}: KIND M {f['name']!r}, the master application is "
                                     f"{m_name!r} (REQ-DL-052, REQ-DL-050)")
                m_name = f["name"]  # REQ-DL-052: with none installed, the first under any NAME
            if f["format"] == 0x02 and f["targets"] and text(self.t["serialNo"], 32) not in f["targets"]:
                raise Fail("27", f"offer {f['index']}: SERIAL_NO not among the targets (REQ-DL-062)")
            if f["format"] == 0x02 and _bcd_seconds(f["not_after"]) < now:
                raise Fail("29", f"offer {f['index']}: NOT_AFTER has passed (REQ-DL-063)")
            if f["version"] <= version_floor(f["kind"], f["name"], installed, master_app):
                raise Fail("20", f"offer {f['index']}: VERSION {f['version']} not above the installed one "
                                 "(REQ-DL-010, REQ-DL-052)")
            if f["chunk"] > self.t["maxChunk"]:
                raise Fail("01", f"offer {f['index']}: CHUNK_SIZE above MAX_CHUNK (REQ-DL-010)")
        self.checked.append("manifest signatures")
        self.offers = offers
        for f in offers:  # REQ-DL-021: FIT pieces, then DATA pieces, in order (no resume in this file)
            n = -(-f["length"] // f["chunk"])
            f["sections"] = {1: 32 * n, 2: f["length"]}
            for sec in (1, 2):
                self.plan += [(f["index"], sec, k) for k in range(-(-f["sections"][sec] // f["chunk"]))]
        self.plan_left = list(self.plan)
        if not self.plan:
            self._finish()
        self.term_state = "T_WAIT_FRAME" if self.plan else "T_WAIT_END_ACK"

    def _finish(self) -> None:
        """REQ-DL-030: the package digests, then apply (rows T6 / T8)."""
        for f in self.offers:
            if hashlib.sha256(self.data.get(f["index"], b"")).digest() != f["pkg_digest"]:
                self.end_result = "18"
                return
        self.end_result = "22" if self.offers and self.policy["applyFails"] else "00"

    def tms_frame_request(self, body: bytes) -> None:
        """Row S4, REQ-DL-022."""
        pl = self.open_envelope("terminal", body)
        if len(pl) != 6 or pl[1] not in (1, 2):
            raise Fail("01", "FRAME_REQUEST payload layout (REQ-MSG-100)")
        idx, sec, piece = pl[0], pl[1], int.from_bytes(pl[2:6], "big")
        if idx >= len(self.offers):
            raise Fail("16", f"PKG_INDEX {idx} not offered (REQ-DL-022)")
        f = self.offers[idx]
        if piece >= -(-f["sections"][sec] // f["chunk"]):
            raise Fail("17", f"PIECE {piece} beyond section {sec} (REQ-DL-022)")
        self.outstanding = (idx, sec, piece)

    def term_frame_response(self, body: bytes) -> None:
        """Rows T7 / T8, REQ-DL-023."""
        pl = self.open_envelope("tms", body)
        if len(pl) < 8:
            raise Fail("01", "FRAME_RESPONSE payload layout")
        idx, sec, piece = pl[0], pl[1], int.from_bytes(pl[2:6], "big")
        n = int.from_bytes(pl[6:8], "big")
        want = self.plan_left[0]
        f = self.offers[want[0]]
        size = f["sections"][want[1]]
        plen = min(size, (want[2] + 1) * f["chunk"]) - want[2] * f["chunk"]
        if (idx, sec, piece) != want or len(pl) != 8 + n or n != plen:
            raise Fail("01", "FRAME_RESPONSE does not answer the outstanding request (REQ-MSG-100)")
        data = pl[8:]
        if sec == 1:
            self.fit[idx] = self.fit.get(idx, b"") + data
            if len(self.fit[idx]) == size and hashlib.sha256(self.fit[idx]).digest() != f["fit_digest"]:
                raise Fail("18", f"the FIT of offer {idx} does not match FIT_DIGEST (REQ-DL-023)")
        else:
            if hashlib.sha256(data).digest() != self.fit[idx][32 * piece:32 * piece + 32]:
                raise Fail("18", f"DATA piece {piece} of offer {idx} does not match its FIT entry (REQ-DL-023)")
            self.data[idx] = self.data.get(idx, b"") + data
        self.plan_left.pop(0)
        if not self.plan_left:
            self._finish()
            self.term_state = "T_WAIT_END_ACK"

    def tms_session_end(self, body: bytes) -> None:
        """Rows S5 / S6, REQ-DL-035."""
        pl = self.open_envelope("terminal", body)
        if len(pl) != 2 or pl.decode("latin-1") not in RESPONSE_CODES:
            raise Fail("01", "SESSION_END payload (REQ-MSG-012)")
        if pl.decode() not in (("00",) if self.trans == "01" else ("00", "18", "22")):
            raise Fail("01", f"SESSION_END RESULT {pl.decode()} (REQ-DL-035)")
        self.session_end_result = pl.decode()
        self.tms_state = "S_DONE"

    def term_session_end_ack(self, body: bytes) -> None:
        """Row T9."""
        pl = self.open_envelope("tms", body)
        if pl != b"00":
            raise Fail("01", f"SESSION_END_ACK RESULT {pl!r}")
        self.term_state = "T_DONE" if self.end_result == "00" else "T_FAILED"

    def passed(self, sender: str, body: bytes) -> None:
        """What the replay keeps of a message that passed its row: the handshake bodies, the payload."""
        if body[0] == 0x02:
            self.auth = body
        if body[0] == 0x03:
            self.answer = body
        if body[0] in ENVELOPED:
            d = b"T" if sender == "terminal" else b"S"
            s = int.from_bytes(body[58:62], "big")
            self.last_payload = unpad2(cbc(self.p["alg"], self.k_enc, envelope_iv(self.profile, self.k_enc, d, s),
                                           body[64:-self.m], decrypt=True))

    # --- dispatch -------------------------------------------------------------------------------

    TERM_ROWS = {"T_WAIT_AUTH_REQUEST": {0x02: "term_hs_auth_request"},
                 "T_WAIT_KEY_MESSAGE": {0x04: "term_key_message"},
                 "T_WAIT_PKG_CONFIRM": {0x12: "term_pkg_confirm"},
                 "T_WAIT_FRAME": {0x14: "term_frame_response"},
                 "T_WAIT_END_ACK": {0x16: "term_session_end_ack"}}
    TMS_ROWS = {"S_IDLE": {0x01: "tms_hs_request"},
                "S_WAIT_AUTH_ANSWER": {0x03: "tms_hs_auth_answer"},
                "S_WAIT_TERM_INFO": {0x17: "tms_term_info"},
                "S_WAIT_PKG_ANNOUNCE": {0x11: "tms_pkg_announce"},
                "S_SERVING": {0x13: "tms_frame_request", 0x15: "tms_session_end"},
                "S_WAIT_SESSION_END": {0x15: "tms_session_end"}}

    def rx(self, sender: str, body: bytes) -> None:
        """The receiving side's row for this message (REQ-MSG-001, rows T14 / T15, S10 / S11)."""
        if len(body) < 2 or body[0] not in KNOWN_TYPES:
            raise Fail("01", "a body shorter than 2 octets or of an unknown type (REQ-MSG-001)")
        if body[0] == 0x7F:
            raise Mismatch(f"an ABORT from the {sender} before expect.atMessage")
        rows = (self.TMS_ROWS[self.tms_state] if sender == "terminal" else self.TERM_ROWS[self.term_state])
        name = rows.get(body[0])
        if name is None:
            raise Fail("02", f"message type {body[0]:#04x} not expected by the "
                             f"{'TMS' if sender == 'terminal' else 'terminal'} (rows T14 / S10)")
        getattr(self, name)(body)


def pol_get(policy: dict, name: str) -> bool:
    return bool(policy.get(name))


def check_honest_sender(r: SessionReplay, i: int, sender: str, body: bytes, t: dict) -> None:
    """What the spec says an honest sender puts in a message the receiver's row cannot check: the
    recorded draws and clocks it carries, the operator's salt, the planned FRAME_REQUEST, the
    RESULT of SESSION_END."""
    if body[0] == 0x01:
        expect("T_RAND in HS_REQUEST vs terminalRandom", body[101:109], draw(t, "terminalRandom", "T_RAND") or b"")
        expect("T_TIME in HS_REQUEST vs terminalTime", body[109:116], bcd_time(t["terminalTime"]))
        expect("TRANS_CODE", body[58:60], t["trans"].encode())
        if body[60] != 1 << (r.p["code"] - 1):
            raise Mismatch(f"OFFERED_PROFILES {body[60]:#04x}: a terminal offers its DMK's profile only (REQ-MSG-034)")
        expect("OPERATOR_ID in HS_REQUEST vs operatorId", body[61:69], text(t["operatorId"], 8))
        if r.profile == "legacy" and (t["trans"] != "02" or t["operatorId"] or not r.policy["legacyEnabled"]["terminal"]):
            raise Mismatch("a LEGACY terminal sent HS_REQUEST it must refuse at START (row T1, REQ-CRYPTO-025)")
    elif body[0] == 0x02:
        expect("S_RAND in HS_AUTH_REQUEST vs tmsRandom", body[62:70], draw(t, "tmsRandom", "S_RAND") or b"")
        expect("S_TIME in HS_AUTH_REQUEST vs tmsTime", body[70:77], bcd_time(t["tmsTime"]))
        expect("DWK from DWK_1 vs the DWK draw of tmsRandom", r.dwk,
               generated(r.profile, draw(t, "tmsRandom", "DWK") or b""))
        if r.profile != "legacy":
            expect("TR-31 padding of DWK_1 vs tmsRandom", r.padding, draw(t, "tmsRandom", "TR-31 padding of DWK_1") or b"")
        check_opv_fields(r.salt, r.iters, r.attended)
        if r.attended and not r.policy["operatorEnrolled"]:  # REQ-OPR-007: the decoy salt
            decoy = kbkdf("aes", bytes.fromhex(r.policy["decoySaltKey"]), b"TMSP OPV DECOY",
                          text(t["vendorId"], 8) + text(t["operatorId"], 8), 16)
            expect("the decoy OPV_SALT (REQ-OPR-007)", r.salt, decoy)
            r.checked.append("decoy salt")
        elif "opvSalt" in t:
            expect("OPV_SALT vs opvSalt", r.salt, bytes.fromhex(t["opvSalt"]))
            if r.iters != t["opvIterations"]:
                raise Mismatch(f"OPV_ITERATIONS {r.iters}, opvIterations {t['opvIterations']}")
    elif body[0] == 0x03 and r.attended:  # the terminal's proof from the password it was given
        o = opv(t["operatorPassword"], t["vendorId"], t["operatorId"], r.salt, r.iters)
        if r.policy["operatorEnrolled"]:
            expect("opv", o, bytes.fromhex(t["opv"]))
        expect("OPERATOR_PROOF", body[62:62 + r.m], operator_proof(r.profile, r.k_mac, o, r.t_data, r.s_data))
        r.checked.append("OPV")
    elif body[0] == 0x04:
        expect("DSK vs the DSK draw of tmsRandom", r.keys[0], generated(r.profile, draw(t, "tmsRandom", "DSK") or b""))
    elif body[0] == 0x17:  # REQ-DL-041: the report of the terminal as the transcript describes it
        held = sorted(r.kcvs.items()) if r.trans == "01" else []
        expect("TERM_INFO payload vs device, installed and the keys held", r.last_payload, expected_term_info(t, held))
    elif body[0] == 0x11:
        expect("PKG_ANNOUNCE payload vs installed and maxChunk (REQ-MSG-080)", r.last_payload, expected_pkg_announce(t))
    elif body[0] == 0x12:  # row S3: the honest TMS offers only what REQ-DL-011 and REQ-DL-052 keep
        installed = {(v[0:1], v[1:17]): int.from_bytes(v[17:21], "big") for tag, v in r.report if tag == TI_PACKAGE}
        master_app = next((v for tag, v in r.report if tag == TI_MASTER_APP), None)
        m_name = master_name(installed)
        s_seconds = _bcd_seconds(bcd_time(t["tmsTime"]))
        for f in r.offers:
            why = tms_offer_excluded(f, r.identity, installed, master_app, t["maxChunk"], s_seconds,
                                     r.policy["freshnessWindowSeconds"], m_name)
            if why:
                raise Mismatch(f"PKG_CONFIRM offer {f['index']}: {why}; the TMS's filter excludes it (row S3, "
                               "REQ-DL-011)")
            if f["kind"] == b"M":
                m_name = f["name"]
        r.checked.append("row S3's filter (REQ-DL-011, REQ-DL-052)")
    elif body[0] == 0x13:
        pl = r.last_payload
        if (pl[0], pl[1], int.from_bytes(pl[2:6], "big")) != r.plan_left[0]:
            raise Mismatch(f"FRAME_REQUEST {pl.hex()} is not the next piece of REQ-DL-021, {r.plan_left[0]}")
    elif body[0] == 0x15 and r.session_end_result != r.end_result:
        raise Mismatch(f"SESSION_END RESULT {r.session_end_result}, the spec gives {r.end_result} (REQ-DL-030)")


def follow_session(t: dict, n: int) -> tuple[list[str], bool]:
    """A session without a failure: its first n messages, each through the row that receives it
    and the honest sender's rules, ending with both sides done (T_DONE, S_DONE)."""
    r = SessionReplay(t)
    for i, x in enumerate(t["messages"][:n]):
        snd, b = x["from"], bytes.fromhex(x["hex"])
        if i == 0:
            r.req = b
        try:
            r.rx(snd, b)
        except Fail as f:
            raise Mismatch(f"message {i} ({snd}) fails with {f.code} ({f.why}) in a session without failure") from None
        r.passed(snd, b)
        check_honest_sender(r, i, snd, b, t)
    if (r.term_state, r.tms_state) != ("T_DONE", "S_DONE"):
        raise Mismatch(f"the session ends with the terminal in {r.term_state} and the TMS in {r.tms_state}")
    return [f"rows of spec/09 and spec/10 for all {n} messages"], True


def check_failing_session(t: dict) -> tuple[list[str], bool]:
    """Returns (what was checked, whether the outcome was decided from the spec)."""
    e = t["expect"]
    ends_by, at, code = e["endsBy"], e["atMessage"], e["code"]
    msgs = [(x["from"], bytes.fromhex(x["hex"]), bool(x.get("injected"))) for x in t["messages"]]
    if ends_by not in ("terminal", "tms") or not 1 <= at < len(msgs):
        raise Mismatch(f"expect {e}: endsBy / atMessage out of range")
    if code not in RESPONSE_CODES or code == "00":
        raise Mismatch(f"expect.code {code!r} is not a failure code of spec/08")
    sender, body, injected = msgs[at]
    if sender != ends_by:
        raise Mismatch(f"message {at} is from the {sender}, expect.endsBy says {ends_by}")
    if injected:
        raise Mismatch(f"the failing side's ending message {at} is marked injected")
    final_state = {"terminal": e.get("terminalState"), "tms": e.get("tmsState")}
    if final_state[ends_by] != ("T_FAILED" if ends_by == "terminal" else "S_FAILED"):
        raise Mismatch(f"expect gives the {ends_by} the final state {final_state[ends_by]}")
    is_abort = body[0] == 0x7F
    if is_abort:
        if body != b"\x7f\x01" + code.encode():  # REQ-MSG-110, REQ-ERR-005
            raise Mismatch(f"message {at} is {body.hex()}, not ABORT VERSION 01 RC {code}")
        if at != len(msgs) - 1:
            raise Mismatch(f"messages follow the ABORT at {at} (REQ-ERR-002)")
    elif not (body[0] == 0x15 and ends_by == "terminal" and code in ("18", "22")):
        raise Mismatch(f"message {at} (type {body[0]:#04x}) is neither ABORT nor SESSION_END 18 / 22")
    r = SessionReplay(t)
    decided = True
    for i, (snd, b, inj) in enumerate(msgs):
        if i > at:
            break
        if i == at and is_abort:
            break
        if snd == "terminal" and i == 0:
            r.req = b
        try:
            if i == at - 1:
                try:
                    r.rx(snd, b)
                except Fail as f:
                    if f.code != code:
                        raise Mismatch(f"message {i} fails with {f.code} ({f.why}); the file expects {code}") from None
                    r.checked.append(f"outcome {code} ({f.why})")
                    break
                except Undecided:
                    decided = False
                    break
                if is_abort:
                    raise Mismatch(f"message {i} passes every check of its row; the file expects ABORT {code}")
            else:
                r.rx(snd, b)
        except Fail as f:
            raise Mismatch(f"message {i} ({snd}) fails with {f.code} ({f.why}) before expect.atMessage {at}") from None
        r.passed(snd, b)
        if inj:
            raise Mismatch(f"injected message {i} passes its receiver's row; only the message before the "
                           f"ABORT may be the attacker's")
        check_honest_sender(r, i, snd, b, t)
    if not is_abort:  # SESSION_END 18 / 22 (REQ-DL-030): the RESULT is the spec's, the TMS answers 00
        if r.end_result != code or getattr(r, "session_end_result", None) != code:
            raise Mismatch(f"SESSION_END RESULT {getattr(r, 'session_end_result', None)}, spec {r.end_result}, "
                           f"the file expects {code}")
        r.checked.append(f"outcome {code} (REQ-DL-030)")
        rest = msgs[at + 1:]
        if len(rest) != 1 or rest[0][0] != "tms" or rest[0][1][0] != 0x16:
            raise Mismatch("SESSION_END 18 / 22 is not answered by exactly one SESSION_END_ACK")
        r.rx("tms", rest[0][1])
        if r.term_state != "T_FAILED" or e.get("tmsState") != "S_DONE":
            raise Mismatch(f"after SESSION_END {code}: terminal {r.term_state}, expect.tmsState {e.get('tmsState')}")
    if r.seq_rx["terminal"] or r.seq_rx["tms"]:
        r.checked.append(f"{r.seq_rx['terminal']}+{r.seq_rx['tms']} envelope MACs, IVs and paddings")
    return r.checked, decided


# --- synthetic revision-3 sessions (the transcript checker's own test) ----------------------------

# The P-256 base point: the public key of private key 1, a test key nobody may trust. The
# synthetic sessions' manifests are signed with it here and verified by the openssl command line.
P256_G = ("046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
          "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")
_P256_P = 2 ** 256 - 2 ** 224 + 2 ** 192 + 2 ** 96 - 1
_P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _p256_mul(k: int) -> tuple[int, int]:
    """k x G on P-256 (y^2 = x^3 - 3x + b), affine double-and-add; for signing test data only."""
    def add(a, b):
        if a is None:
            return b
        if b is None:
            return a
        if a[0] == b[0] and (a[1] + b[1]) % _P256_P == 0:
            return None
        if a == b:
            lam = (3 * a[0] * a[0] - 3) * pow(2 * a[1], -1, _P256_P)
        else:
            lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, _P256_P)
        x = (lam * lam - a[0] - b[0]) % _P256_P
        return x, (lam * (a[0] - x) - a[1]) % _P256_P

    g = bytes.fromhex(P256_G)
    point, out = (int.from_bytes(g[1:33], "big"), int.from_bytes(g[33:], "big")), None
    while k:
        if k & 1:
            out = add(out, point)
        point, k = add(point, point), k >> 1
    return out


def ecdsa_p256_sign_test(d: int, message: bytes) -> bytes:
    """ECDSA P-256 with SHA-256 (REQ-CRYPTO-013), r || s, with a nonce derived from d and the
    message so that the synthetic sessions are the same on every run (not RFC 6979; test keys only)."""
    e = int.from_bytes(hashlib.sha256(message).digest(), "big")
    k = int.from_bytes(hashlib.sha256(b"tmsproto synthetic nonce" + d.to_bytes(32, "big") + message).digest(),
                       "big") % (_P256_N - 1) + 1
    r = _p256_mul(k)[0] % _P256_N
    s_ = pow(k, -1, _P256_N) * (e + r * d) % _P256_N
    return r.to_bytes(32, "big") + s_.to_bytes(32, "big")


def manifest_v1(kind: str, name: str, identity: tuple[str, str, str], version: int, content: bytes,
                chunk: int) -> bytes:
    """A FORMAT 0x01 MANIFEST (116 octets) of content, with its FIT (REQ-DL-012)."""
    fit = b"".join(hashlib.sha256(content[i:i + chunk]).digest() for i in range(0, len(content), chunk))
    return (b"\x01" + text(kind, 1) + text(name, 16) + text(identity[0], 8) + text(identity[1], 16) +
            version.to_bytes(4, "big") + len(content).to_bytes(4, "big") + chunk.to_bytes(2, "big") +
            hashlib.sha256(content).digest() + hashlib.sha256(fit).digest())


SYNTHETIC_DEVICE = dict(hardwareId="SYN-POS-R3", firmwareId="SYNOS-3.0", bearer=0x08, tamper=False)
SYNTHETIC_MASTER = dict(kind="M", name="TMSP-MASTER", version=1)


def synthetic_session(tc_id: int, profile: str, trans: str, operator: tuple | None, key_set: list[dict], *,
                      comment: str, result: str = "valid", bind_to_other: bool = False,
                      wire_opv: tuple | None = None, offers: list[tuple] = (), installed: list[dict] | None = None,
                      term_info: str = "sent") -> dict:
    """Builds a whole session as spec/ says both sides compute it, in the TMS-TRANSCRIPT format:
    handshake, KEY_MESSAGE, TERM_INFO and the download phase. offers: (KIND, NAME, VERSION,
    LENGTH, CHUNK_SIZE) of FORMAT 0x01 packages signed with P256_G's private key 1 and offered in
    that order (none: PKG_CONFIRM COUNT 0), fetched piece by piece (REQ-DL-021). installed: the
    terminal's packages (default: the master application v1). Every random value is SHA-256 of
    the tcId and its use. The keyword arguments bind_to_other, wire_opv and term_info ("sent",
    "missing", "after": after PKG_ANNOUNCE / SESSION_END, "stale": its PACKAGE items without the
    last installed package) build sessions a correct TMS or terminal would not send."""
    p = PROFILES[profile]
    m = p["m"]

    def rnd(use: str, n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(f"tmsproto synthetic {tc_id} {use} {len(out)}".encode()).digest()
        return out[:n]

    identity = ("VEND0001", "POS-X1", f"SYN{tc_id}")
    t_time, s_time = "20261126160000", "20261126160005"
    key_set_id = "TMK00001" if trans == "01" else ""
    t_rand = rnd("T_RAND", 8)
    t_data = t_rand + bcd_time(t_time)
    operator_id = operator[0] if operator else ""
    req = hs_request(identity, trans, 1 << (p["code"] - 1), operator_id, key_set_id, t_data)
    dmk = generated(profile, rnd("DMK", p["key"]))
    tms_draws = []

    def tms_draw(use: str, n: int) -> bytes:
        value = rnd(use, n)
        tms_draws.append(dict(use=use, hex=value.hex()))
        return value

    parity_note = " (odd parity then set, REQ-CRYPTO-018)" if p["alg"] in ("des", "tdes") else ""
    dwk = generated(profile, tms_draw("DWK" + parity_note, p["key"]))
    s_data = tms_draw("S_RAND", 8) + bcd_time(s_time)
    if profile == "legacy":
        dwk1 = wrap_dwk(profile, dmk, dwk, req, b"")
    else:
        pad = tms_draw("TR-31 padding of DWK_1", min_padding_len(p["version"], len(dwk)))
        other = hs_request(identity, trans, 1 << (p["code"] - 1), operator_id, key_set_id, rnd("OTHER", 8) + t_data[8:])
        dwk1 = wrap_dwk(profile, dmk, dwk, other if bind_to_other else req, pad)
    salt, iterations = wire_opv or ((operator[2], operator[3]) if operator else (bytes(16), 0))
    k_mac, k_kek = handshake_keys(profile, dwk, t_data, s_data)
    auth = hs_auth_request_prefix(identity, profile, s_data, salt, iterations, dwk1)
    auth += tac(profile, dwk, k_mac, t_data, req + auth)
    o = None
    if operator:
        o = opv(operator[1], identity[0], operator[0], operator[2], operator[3])
        proof = (operator_proof(profile, k_mac, o, t_data, s_data) if profile != "legacy"
                 else x9_9(dwk, b"OPR1" + o + t_data + s_data))  # revision 1's LEGACY proof
    else:
        proof = bytes(m)
    answer = hs_auth_answer_prefix(identity, proof)
    answer += sac(profile, dwk, k_mac, s_data, req + auth + answer)
    # KEY_MESSAGE: the DSK in slot 0, then the key set (REQ-KEY-010, REQ-CRYPTO-035).
    dsk = generated(profile, tms_draw("DSK" + parity_note, p["key"]))
    entries = []
    if profile == "legacy":
        entries.append((0, kcv("des", dsk), ecb("des", dwk, dsk)))
    else:
        pad = tms_draw("TR-31 padding of the DSK key block (slot 0)", min_padding_len(p["version"], len(dsk)))
        entries.append((0, kcv(p["alg"], dsk), tr31_wrap(k_kek, DSK_HEADERS[profile], dsk, pad).encode()))
        for k in key_set:
            key = bytes.fromhex(k["key"])
            pad = tms_draw(f"TR-31 padding of the slot {k['slot']} key block", min_padding_len(p["version"], len(key)))
            hdr = tr31_header(p["version"], k["keyUsage"], k["algorithm"], k["modeOfUse"], len(key))
            alg = {"T": "tdes", "A": "aes"}[k["algorithm"]]
            entries.append((k["slot"], kcv(alg, key), tr31_wrap(k_kek, hdr, key, pad).encode()))
    keymsg = header(0x04, *identity) + trans.encode() + b"00" + bytes([len(entries)])
    for slot, kcv_, block in entries:
        keymsg += bytes([slot, len(kcv_)]) + kcv_ + len(block).to_bytes(2, "big") + block
    keymsg += key_mac(profile, dwk, k_mac, keymsg, req + auth + answer + keymsg)
    messages = [("terminal", "HS_REQUEST", req), ("tms", "HS_AUTH_REQUEST", auth),
                ("terminal", "HS_AUTH_ANSWER", answer), ("tms", "KEY_MESSAGE", keymsg)]
    # The download phase in the secure envelope (REQ-CRYPTO-040 to -042, REQ-DL-002).
    k_enc, k_dmac = download_keys(profile, dsk, t_data, s_data)
    seq = {"terminal": 0, "tms": 0}

    def envelope(sender: str, name: str, msg_type: int, payload: bytes) -> None:
        d = b"T" if sender == "terminal" else b"S"
        s = seq[sender]
        ct = cbc(p["alg"], k_enc, envelope_iv(profile, k_enc, d, s), pad2(payload, p["bs"]))
        body = header(msg_type, *identity) + s.to_bytes(4, "big") + len(ct).to_bytes(2, "big") + ct
        messages.append((sender, name, body + mac_p(profile, k_dmac, d + body)))
        seq[sender] += 1

    installed = [SYNTHETIC_MASTER] if installed is None else installed
    described = dict(device=SYNTHETIC_DEVICE, installed=installed, maxChunk=4096)
    held = [(slot, kcv_) for slot, kcv_, _ in entries[1:]]  # REQ-DL-041: the keys just stored
    report = expected_term_info(described if term_info != "stale" else dict(described, installed=installed[:-1]),
                                held)
    first = ("terminal", "SESSION_END", 0x15, b"00") if trans == "01" else \
        ("terminal", "PKG_ANNOUNCE", 0x11, expected_pkg_announce(described))
    if term_info in ("sent", "stale"):
        envelope("terminal", "TERM_INFO", 0x17, report)
    envelope(*first)
    if term_info == "after":
        envelope("terminal", "TERM_INFO", 0x17, report)
    packages = []
    if trans == "02":
        confirm = bytes([len(offers)])
        for i, (kind, name, version, length, chunk) in enumerate(offers):
            content = rnd(f"package {kind} {name} {version}", length)
            man = manifest_v1(kind, name, identity, version, content, chunk)
            sig = ecdsa_p256_sign_test(1, man)
            packages.append(dict(manifest=man.hex(), signature=sig.hex(), content=content.hex()))
            confirm += bytes([i]) + len(man).to_bytes(2, "big") + man + sig  # REQ-MSG-090
        envelope("tms", "PKG_CONFIRM", 0x12, confirm)
        for i, (kind, name, version, length, chunk) in enumerate(offers):  # REQ-DL-021, REQ-DL-013
            content = bytes.fromhex(packages[i]["content"])
            fit = b"".join(hashlib.sha256(content[k:k + chunk]).digest() for k in range(0, length, chunk))
            for section, data in ((1, fit), (2, content)):
                for piece in range(-(-len(data) // chunk)):
                    coords = bytes([i, section]) + piece.to_bytes(4, "big")
                    envelope("terminal", "FRAME_REQUEST", 0x13, coords)
                    part = data[piece * chunk:(piece + 1) * chunk]
                    envelope("tms", "FRAME_RESPONSE", 0x14, coords + len(part).to_bytes(2, "big") + part)
        envelope("terminal", "SESSION_END", 0x15, b"00")
    envelope("tms", "SESSION_END_ACK", 0x16, b"00")
    case = dict(tcId=tc_id, comment=comment, flags=["Synthetic"], seed=tc_id, profile=profile, trans=trans,
                vendorId=identity[0], modelId=identity[1], serialNo=identity[2], dmk=dmk.hex(),
                operatorId=operator_id)
    if operator:
        case.update(operatorPassword=operator[1], opvSalt=operator[2].hex(), opvIterations=operator[3], opv=o.hex())
    if trans == "01":
        case["keySetId"] = key_set_id
    case.update(keySet=key_set, vendorPublicKey=P256_G, packages=packages, installed=installed, maxChunk=4096,
                device=SYNTHETIC_DEVICE,
                terminalTime=t_time, tmsTime=s_time, terminalRandom=[dict(use="T_RAND", hex=t_rand.hex())],
                tmsRandom=tms_draws, messages=[dict({"from": s}, type=n, hex=b.hex()) for s, n, b in messages],
                result=result)
    return case


def synthetic_sessions() -> list[dict]:
    """Sessions of every profile and both transactions, and sessions that break one revision-2 or
    revision-3 rule each (all their cryptograms consistent)."""
    # Standard slots with the registry's usage and mode (REQ-KEY-032 to -035), a vendor slot.
    tdes_keys = [dict(slot=1, keyUsage="K0", algorithm="T", modeOfUse="D", key=odd_parity(bytes(range(16))).hex()),
                 dict(slot=2, keyUsage="P0", algorithm="T", modeOfUse="E", key=odd_parity(bytes(range(16, 32))).hex()),
                 dict(slot=3, keyUsage="M3", algorithm="T", modeOfUse="C", key=odd_parity(bytes(range(96, 112))).hex())]
    aes256_keys = [dict(slot=1, keyUsage="K0", algorithm="A", modeOfUse="D", key=bytes(range(32, 64)).hex()),
                   dict(slot=3, keyUsage="M6", algorithm="T", modeOfUse="C",
                        key=odd_parity(bytes(range(64, 88))).hex()),
                   dict(slot=0x80, keyUsage="K1", algorithm="A", modeOfUse="D", key=bytes(range(112, 128)).hex())]
    op = ("OP01", "1234", bytes(range(0x40, 0x50)), 100000)
    payapp = [dict(kind="A", name="PAYAPP", version=2), SYNTHETIC_MASTER]
    return [
        synthetic_session(101, "legacy", "02", None, [], comment="LEGACY, unattended program download, nothing offered"),
        synthetic_session(102, "tdes", "01", op, tdes_keys,
                          comment="TDES, key download of TMK, PIN and MAC keys (2-key TDES), operator OP01"),
        synthetic_session(103, "aes128", "02", None, [], offers=[("A", "PAYAPP", 1, 300, 256)],
                          comment="AES128, unattended program download of PAYAPP v1 (300 octets in 256-octet pieces)"),
        synthetic_session(104, "aes256", "01", op, aes256_keys,
                          comment="AES256, key download of an AES-256 TMK, a 3-key TDES MAC key and an AES-128 "
                                  "vendor key, operator OP01"),
        synthetic_session(105, "aes128", "02", op, [], installed=payapp,
                          offers=[("M", "TMSP-MASTER", 2, 600, 512), ("A", "PAYAPP", 3, 100, 256)],
                          comment="AES128, program download, operator OP01: the master application v2 (KIND M) and "
                                  "PAYAPP v3 over the installed v2"),
        synthetic_session(106, "aes128", "02", None, [], installed=[dict(kind="A", name="PAYAPP", version=2)],
                          offers=[("M", "NEW-MASTER", 1, 300, 256)],
                          comment="AES128, unattended program download to a terminal with no KIND M package "
                                  "installed (no MASTER_APP in TERM_INFO): it accepts the master application "
                                  "NEW-MASTER v1 under a NAME of its own (REQ-DL-052)"),
        synthetic_session(111, "tdes", "01", op, tdes_keys, result="invalid", bind_to_other=True,
                          comment="as 102, DWK_1 bound to another HS_REQUEST (REQ-HS-025)"),
        synthetic_session(112, "legacy", "02", op, [], result="invalid",
                          comment="LEGACY with an operator (REQ-CRYPTO-025)"),
        synthetic_session(113, "aes128", "01", op, aes256_keys[:1], result="invalid",
                          comment="AES128 delivering an AES-256 key (REQ-KEY-014)"),
        synthetic_session(114, "aes128", "02", op, [], result="invalid", wire_opv=(bytes(16), 0),
                          comment="AES128 with an operator but OPV_SALT and OPV_ITERATIONS zero (REQ-HS-026)"),
        synthetic_session(115, "tdes", "01", op, [dict(tdes_keys[0], modeOfUse="B")] + tdes_keys[1:], result="invalid",
                          comment="as 102 with the TMK's mode of use B instead of D (REQ-KEY-032, REQ-KEY-039)"),
        synthetic_session(116, "tdes", "01", op, [dict(aes256_keys[1], slot=2, keyUsage="P0", modeOfUse="E")],
                          result="invalid", comment="TDES delivering a 3-key TDES PIN key (REQ-KEY-014)"),
        synthetic_session(117, "aes256", "01", op, [dict(aes256_keys[0], algorithm="T", key=tdes_keys[0]["key"]),
                                                   dict(slot=2, keyUsage="P0", algorithm="A", modeOfUse="E",
                                                        key=bytes(range(16)).hex())], result="invalid",
                          comment="AES256 key set whose PIN key (AES-128) is stronger than its TMK (2-key TDES) "
                                  "(REQ-KEY-037)"),
        synthetic_session(118, "aes128", "02", None, [], term_info="missing", result="invalid",
                          comment="as 103 without TERM_INFO: PKG_ANNOUNCE is the first envelope (REQ-DL-040)"),
        synthetic_session(119, "aes128", "01", op, aes256_keys[1:2], term_info="after", result="invalid",
                          comment="AES128 key download with TERM_INFO after SESSION_END (REQ-DL-040)"),
        synthetic_session(120, "tdes", "02", op, [], installed=payapp, term_info="stale", result="invalid",
                          comment="TDES program download whose TERM_INFO leaves out the master application, which "
                                  "PKG_ANNOUNCE lists (REQ-DL-041, REQ-DL-043: ABORT 01)"),
        synthetic_session(121, "aes128", "02", None, [], offers=[("M", "OTHER-MASTER", 2, 300, 256)], result="invalid",
                          comment="AES128 program download offering a KIND M package that is not the installed "
                                  "master application (REQ-DL-052: ABORT 27)"),
        synthetic_session(122, "aes128", "02", None, [], installed=[dict(kind="A", name="PAYAPP", version=2)],
                          offers=[("M", "NEW-MASTER", 1, 300, 256), ("M", "OTHER-MASTER", 1, 100, 256)],
                          result="invalid",
                          comment="as 106 with a second KIND M offer under another NAME: a terminal has at most one "
                                  "master application (REQ-DL-050, REQ-DL-052: ABORT 27)"),
    ]


# --- self-test -----------------------------------------------------------------------------------

def self_test(with_transcripts: bool = True) -> list[str]:
    """The hand-made constructions against published answers already in vectors/, the TR-31
    header rules, and the transcript checker against synthetic sessions."""
    problems = []
    tr31 = json.loads((VECTORS / "tr31.json").read_text())
    for g in tr31["testGroups"]:
        for t in g["tests"]:
            if t["result"] != "valid":
                continue
            try:
                _, key, _ = tr31_unwrap(bytes.fromhex(t["kbpk"]), t["keyBlock"])
                if key.hex() != t["key"]:
                    problems.append(f"tr31.json tcId {t['tcId']}: unwrapped {key.hex()}")
            except ValueError as e:
                problems.append(f"tr31.json tcId {t['tcId']}: {e}")
    for name, fn in (("x9_19_mac.json", x9_19_pad1), ("x9_9_mac.json", lambda k, msg: x9_9_full(k, msg))):
        doc = json.loads((VECTORS / name).read_text())
        for g in doc["testGroups"]:
            for t in g["tests"]:
                if t["result"] != "valid":
                    continue
                got = fn(bytes.fromhex(t["key"]), bytes.fromhex(t["msg"]))
                if not got.hex().startswith(t["mac"]):
                    problems.append(f"{name} tcId {t['tcId']}: computed {got.hex()}, published {t['mac']}")
    problems += tr31_header_self_test()
    problems += term_info_self_test()
    problems += offer_filter_self_test()
    if with_transcripts:
        sessions = synthetic_sessions()
        # One flipped bit in the last octet of any message of a valid session must be noticed.
        base = next(c for c in sessions if c["tcId"] == 103)
        for i, msg in enumerate(base["messages"]):
            flipped = json.loads(json.dumps(base))
            flipped.update(tcId=f"103/{i}", comment=f"103 with the last bit of {msg['type']} flipped", result="invalid")
            flipped["messages"][i]["hex"] = flip(msg["hex"])
            sessions.append(flipped)
        for case in sessions:
            try:
                check_transcript_case(case)
                why = None
            except Mismatch as e:
                why = str(e)
            if (why is None) != (case["result"] == "valid"):
                problems.append(f"synthetic transcript {case['tcId']} ({case['comment']}): "
                                f"{why or 'an invalid session showed no disagreement'}")
    return problems


def offer_filter_self_test() -> list[str]:
    """Row S3's filter and the floor of REQ-DL-052 on hand-made offers (FORMAT 0x01 fields only)."""
    problems = []
    identity = text("VEND0001", 8) + text("POS-X1", 16) + text("SYN1", 32)

    def offer(kind: str, name: str, version: int) -> dict:
        return dict(format=0x01, kind=text(kind, 1), name=text(name, 16), vendor=identity[:8],
                    model=identity[8:24], version=version, chunk=256, index=0)

    with_m = {(b"M", text("TMSP-MASTER", 16)): 3}
    settled = b"\x01" + (3).to_bytes(4, "big") + b"\x00" + bytes(4)    # before any apply (REQ-DL-053)
    pending = b"\x01" + (3).to_bytes(4, "big") + b"\x01" + (5).to_bytes(4, "big")
    fell_back = b"\x02" + (3).to_bytes(4, "big") + b"\x02" + (4).to_bytes(4, "big")
    cases = [  # (what, offer, installed, MASTER_APP, kept)
        ("no KIND M installed, KIND M under any NAME", offer("M", "NEW-MASTER", 1), {}, None, True),
        ("KIND M under the installed NAME, newer", offer("M", "TMSP-MASTER", 4), with_m, settled, True),
        ("KIND M under another NAME than the installed one", offer("M", "OTHER-MASTER", 9), with_m, settled, False),
        ("KIND M not newer than the installed version", offer("M", "TMSP-MASTER", 3), with_m, settled, False),
        ("KIND M at OTHER_VERSION while a switch is pending", offer("M", "TMSP-MASTER", 5), with_m, pending, False),
        ("KIND M above OTHER_VERSION of a pending switch", offer("M", "TMSP-MASTER", 6), with_m, pending, True),
        ("KIND M at the version that fell back", offer("M", "TMSP-MASTER", 4), with_m, fell_back, False),
        ("KIND A with no floor of REQ-DL-052", offer("A", "PAYAPP", 1), with_m, pending, True),
    ]
    for what, f, installed, master_app, kept in cases:
        why = tms_offer_excluded(f, identity, installed, master_app, 4096, 0, 300, master_name(installed))
        if (why is None) != kept:
            problems.append(f"row S3's filter, {what}: {why or 'kept'}")
    return problems


def tr31_header_self_test() -> list[str]:
    """The header literals of the spec follow from the TR-31 length rules, and the parser takes
    exactly one spelling of a header."""
    problems = []
    h = "0" * 64
    for profile, (version, alg, key_len) in {"tdes": ("B", "T", 16), "aes128": ("D", "A", 16),
                                             "aes256": ("D", "A", 32)}.items():
        built = tr31_header(version, "B3", alg, "X", key_len, [("10", h), ("PB", DWK1_PB[profile][4:])])
        if built != DWK1_FIXED[profile] + "1044" + h + DWK1_PB[profile]:
            problems.append(f"REQ-CRYPTO-031's {profile} DWK_1 header does not follow from TR-31: built {built}")
        if tr31_header(version, "B3", alg, "X", key_len) != DSK_HEADERS[profile]:
            problems.append(f"REQ-CRYPTO-035's {profile} DSK header does not follow from TR-31")
        total = int(DWK1_FIXED[profile][1:5])
        if total != PROFILES[profile]["dwk1"]:
            problems.append(f"{profile}: DWK_1_LEN {PROFILES[profile]['dwk1']} of 3.5 is not the key block's {total}")
    long_data = "A" * 300
    if tr31_opt_block("LB", long_data) != "LB0004" + f"{310:04X}" + long_data:
        problems.append("extended optional block length")
    good = "B0000X0TX00N0200" + "KS08ABCD" + "PB08" + "0000"
    bad = {
        "PB not last": "B0000X0TX00N0200" + "PB08" + "0000" + "KS08ABCD",
        "extended form for a short block": "B0000X0TX00N0200" + "KS00020010" + "ABCDEF" + "PB06" + "00",
        "lower-case length": "B0000X0TX00N0100" + "KS0cABCDEFGH",
        "a block past the end": "B0000X0TX00N0200" + "KS08ABCD",
        "not a multiple of 8": "B0000X0TX00N0100" + "KS06AB",
        "an ID twice": "B0000X0TX00N0200" + "KS08ABCD" + "KS08ABCD",
    }
    for what, hdr in [("good", good)] + list(bad.items()):
        block = f"{hdr[0]}{len(hdr) + 48:04d}{hdr[5:]}" + "0" * 48
        try:
            parsed = tr31_parse_header(block)[0]
            if what != "good":
                problems.append(f"TR-31 header with {what} was accepted")
            elif parsed != block[:len(hdr)]:
                problems.append(f"TR-31 header parsed as {parsed}")
        except ValueError as e:
            if what == "good":
                problems.append(f"TR-31 header refused: {e}")
    return problems


def x9_19_pad1(key: bytes, msg: bytes) -> bytes:
    """X9.19 with padding method 1, the form ISO/IEC 9797-1 Annex B.4 publishes; the protocol uses
    padding method 2 (x9_19), which differs only in the padding."""
    k1, k2 = key[:8], key[8:16]
    last = cbc("des", k1, bytes(8), pad1(msg, 8))[-8:]
    return ecb("des", k1, ecb("des", k2, last, decrypt=True))


def x9_9_full(key: bytes, msg: bytes) -> bytes:
    return cbc("des", key, bytes(8), pad1(msg, 8))[-8:]


def check_files(paths: list[str]) -> int:
    failures = passed = undecided = 0
    for problem in self_test():
        print(f"FAIL self-test: {problem}")
        failures += 1
    for path in paths:
        doc = json.loads(Path(path).read_text())
        alg = doc.get("algorithm")
        checker = {"TMS-HANDSHAKE": check_handshake_case, "TMS-TRANSCRIPT": check_transcript_case}.get(alg)
        if checker is None:
            print(f"FAIL {path}: algorithm {alg!r} is not TMS-HANDSHAKE or TMS-TRANSCRIPT")
            failures += 1
            continue
        for g in doc["testGroups"]:
            for t in g["tests"]:
                # A recorded session that ends in a failure code (expect.endsBy not "none") is
                # followed through the state tables up to its ABORT (check_failing_session); one
                # whose cause the bytes and policy cannot decide is counted apart.
                failing = alg == "TMS-TRANSCRIPT" and t.get("expect", {}).get("endsBy", "none") != "none"
                decided = True
                try:
                    if failing:
                        _, decided = check_failing_session(t)
                    else:
                        checker(t)
                    why = None
                except Mismatch as e:
                    why = str(e)
                except (KeyError, ValueError, IndexError, TypeError, RuntimeError, AttributeError) as e:
                    why = f"{type(e).__name__}: {e}"
                ok = (why is None) == (t["result"] == "valid")
                if ok and not decided and why is None:
                    undecided += 1
                    print(f"NOT DECIDED {path} tcId {t['tcId']} ({alg}): cryptograms and ABORT checked, the "
                          "cause of the failure is not decidable from the bytes and the policy")
                elif ok:
                    passed += 1
                else:
                    failures += 1
                    print(f"FAIL {path} tcId {t['tcId']} ({alg}): "
                          f"{why if why else 'an invalid case showed no disagreement'}")
    print(f"{passed} passed, {failures} failed" +
          (f", {undecided} with the outcome not decided" if undecided else ""))
    return 0 if failures == 0 and passed > 0 else 1


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "--check":
        return check_files(argv[1:])
    if argv == ["--generate-handshake"]:
        doc = generate_handshake()
        for t in doc["testGroups"][0]["tests"]:  # refuse to write a file that does not check
            try:
                check_handshake_case(t)
                why = None
            except Mismatch as e:
                why = str(e)
            if (why is None) != (t["result"] == "valid"):
                raise SystemExit(f"tcId {t['tcId']}: {why or 'an invalid case showed no disagreement'}")
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if argv == ["--synthetic-transcripts"]:
        doc = {"schema": "tmsproto-vectors/1", "algorithm": "TMS-TRANSCRIPT",
               "source": "Synthetic: built by vectors/tools/recompute_handshake.py --synthetic-transcripts from "
                         "spec/ (revision 3), not recorded from any engine; manifests signed with the test key 1 "
                         "(public key: the P-256 base point).",
               "testGroups": [{"tests": synthetic_sessions()}]}
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if argv == ["--self-test"]:
        problems = self_test()
        for pr in problems:
            print(f"FAIL self-test: {pr}")
        print("self-test " + ("failed" if problems else "passed"))
        return 1 if problems else 0
    print(__doc__.split("Usage:")[1].split("--check prints")[0].rstrip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
