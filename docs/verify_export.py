#!/usr/bin/env python3
"""Verify an audit export (docs/AUDIT.md, format version 2) without the
project's code: the hash chains with Python 3's standard library, the Ed25519
signatures with the `cryptography` package (Debian: python3-cryptography).
Independent of the project's C++ code on purpose: an auditor can read this
file in a quarter of an hour and trust it, or rewrite it.

    python3 verify_export.py EXPORT.jsonl [--manifest M] [--trusted-key HEX]...

Runs every check of docs/AUDIT.md "Verifying an export", in its order:
  1. the signer's key history: key 1 endorsed by itself, key n by key n-1;
  2. the manifest's signature, over the manifest statement rebuilt from the
     manifest's fields, by the key it names;
  3. the node's key history and the signed head the export is anchored to;
  4. --trusted-key: the histories hold a key the auditor trusts;
  5. the receipts file (city exports): each receipt's hash, the links
     between consecutive receipts, no gap in a contiguous export;
  6. each event line against its envelope bytes, its hash, the chain
     between consecutive sequences, its receipt and receive time;
  7. the manifest's counts, hashes and digests against the files;
  8. the anchor: the line (or first_prev_hash) at the signed head's
     sequence has the hash the node signed.

Exit 0 and "OK: ..." when everything holds; exit 1 and "FAIL: <where>:
<reason>" naming the first problem; exit 2 for usage or a missing package.
"""

import base64
import binascii
import datetime
import hashlib
import json
import os
import sys

FORMAT = "reporting-audit-export"
FORMAT_VERSION = 2
ZERO_HASH = b"\x00" * 32

# EventEnvelope (proto/reporting/v1/envelope.proto): field number -> (name,
# kind). "string" and "bytes" are length-delimited (wire type 2); "uint64"
# and "int64" are varints (wire type 0).
ENVELOPE_FIELDS = {
    1: ("node_id", "string"),
    2: ("sequence", "uint64"),
    3: ("stream_id", "string"),
    4: ("stream_version", "uint64"),
    5: ("event_id", "string"),
    6: ("event_type", "string"),
    7: ("recorded_at_us", "int64"),
    8: ("actor", "string"),
    9: ("command_id", "string"),
    10: ("payload", "bytes"),
    11: ("prev_hash", "bytes"),
}
# Plain fields of a line that must equal the envelope's.
COPIED_FIELDS = ["node_id", "sequence", "stream_id", "stream_version",
                 "event_id", "event_type", "recorded_at_us", "actor",
                 "command_id"]


class Bad(Exception):
    """The export fails verification; the message says why."""


def sha256(data):
    return hashlib.sha256(data).digest()


def no_duplicate_keys(pairs):
    """json object_pairs_hook: a repeated key could show a reader one value
    and a checker another, so it is refused."""
    out = {}
    for key, value in pairs:
        if key in out:
            raise Bad("key %s appears twice" % key)
        out[key] = value
    return out


def load_json(raw):
    return json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicate_keys)


# --- Ed25519 (RFC 8032) ------------------------------------------------------

def ed25519_verify(public_key, message, signature):
    """True when `signature` (64 bytes) is public_key's (32 raw bytes)
    signature of `message`."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import (
            Ed25519PublicKey)
    except ImportError:
        sys.stderr.write("verify_export.py: the signatures need Python's "
                         "`cryptography` package (Debian: apt-get install "
                         "python3-cryptography)\n")
        sys.exit(2)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature,
                                                              message)
        return True
    except (InvalidSignature, ValueError):
        return False


# --- Statements: the exact bytes signed (docs/AUDIT.md "Signatures") --------

def text(value):
    """A string value: its UTF-8 byte length, ':', the text."""
    raw = value.encode("utf-8")
    return "%d:%s" % (len(raw), value)


def statement(kind, lines):
    """kind '\\n' then name '=' value '\\n' for each (name, value)."""
    out = kind + "\n"
    for name, value in lines:
        out += "%s=%s\n" % (name, value)
    return out.encode("utf-8")


def key_statement(key):
    return statement("reporting-key/1", [
        ("signer", text(key["signer"])),
        ("number", key["number"]),
        ("public_key", key["public_key"]),
        ("created_at_us", key["created_at_us"])])


def head_statement(head):
    return statement("reporting-signed-head/1", [
        ("node_id", text(head["node_id"])),
        ("sequence", head["sequence"]),
        ("hash", head["hash"]),
        ("signed_at_us", head["signed_at_us"]),
        ("key", head["key"])])


def manifest_statement(m):
    lines = [("signer", text(m["signer"])), ("key", m["key"]),
             ("node_id", text(m["node_id"]))]
    for name in sorted(m["filters"]):
        lines.append(("filter." + name, text(m["filters"][name])))
    for name in ["count", "first_sequence", "last_sequence",
                 "first_prev_hash", "last_hash", "events_digest",
                 "receipt_count", "first_receipt", "last_receipt",
                 "receipts_digest", "log_head_sequence"]:
        lines.append((name, m[name]))
    head = m["node_head"]
    if head is None:
        lines.append(("node_head", text("none")))
    else:
        for name in ["sequence", "hash", "signed_at_us", "key", "signature"]:
            lines.append(("node_head." + name, head[name]))
    lines.append(("created_at_us", m["created_at_us"]))
    return statement("reporting-export/2", lines)


def verify_history(keys, signer, where):
    """Checks 1 and 3: keys 1..n of `signer`, key 1 endorsed by itself and
    key n by key n-1. Returns {number: public key bytes}."""
    if not isinstance(keys, list) or not keys:
        raise Bad("%s: key history of %s is empty" % (where, signer))
    where = "%s: key history of %s" % (where, signer)
    public = {}
    for i, key in enumerate(keys):
        number = i + 1
        if not isinstance(key, dict) or key.get("number") != number:
            raise Bad("%s: key %d: found key number %r in its place"
                      % (where, number, key.get("number")))
        if key.get("signer") != signer:
            raise Bad("%s: key %d: names signer %s" % (where, number,
                                                      json.dumps(key.get("signer"))))
        public[number] = unhex(key.get("public_key"), 32, "%s: key %d public_key"
                               % (where, number))
        endorsement = unhex(key.get("endorsement"), 64,
                            "%s: key %d endorsement" % (where, number))
        endorser = public[1 if number == 1 else number - 1]
        if not ed25519_verify(endorser, key_statement(key), endorsement):
            raise Bad("%s: key %d: %s" % (
                where, number, "its endorsement is not its own signature"
                if number == 1 else
                "its endorsement does not verify with key %d" % (number - 1)))
    return public


def verify_signature(public, signer, number, message, signature, what):
    if number not in public:
        raise Bad("%s: signed with key %s, which is not in %s's key history "
                  "(keys 1..%d)" % (what, number, signer, len(public)))
    if not ed25519_verify(public[number], message, signature):
        raise Bad("%s: the signature does not verify with %s's key %d"
                  % (what, signer, number))


# --- Lines -------------------------------------------------------------------

def read_varint(data, pos):
    """Returns (value, next position) of the base-128 varint at pos."""
    value = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise Bad("envelope: truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift >= 70:
            raise Bad("envelope: varint too long")


def decode_envelope(data):
    """Decodes EventEnvelope bytes into a dict of its fields (proto3
    defaults for absent ones). Unknown fields are skipped."""
    out = {"node_id": "", "sequence": 0, "stream_id": "", "stream_version": 0,
           "event_id": "", "event_type": "", "recorded_at_us": 0, "actor": "",
           "command_id": "", "payload": b"", "prev_hash": b""}
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, pos = read_varint(data, pos)
        elif wire_type == 2:
            length, pos = read_varint(data, pos)
            if pos + length > len(data):
                raise Bad("envelope: field %d runs past the end" % number)
            value = data[pos:pos + length]
            pos += length
        elif wire_type == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire_type == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise Bad("envelope: field %d has wire type %d" % (number, wire_type))
        if pos > len(data):
            raise Bad("envelope: truncated")
        if number not in ENVELOPE_FIELDS:
            continue
        name, kind = ENVELOPE_FIELDS[number]
        if kind in ("uint64", "int64"):
            if wire_type != 0:
                raise Bad("envelope: %s is not a varint" % name)
            if kind == "int64" and value >= 1 << 63:
                value -= 1 << 64
        else:
            if wire_type != 2:
                raise Bad("envelope: %s is not length-delimited" % name)
            if kind == "string":
                try:
                    value = value.decode("utf-8")
                except UnicodeDecodeError:
                    raise Bad("envelope: %s is not UTF-8" % name)
        out[name] = value
    return out


def iso_utc(unix_us):
    """2026-05-11T08:30:00.000000Z, as the export writes it."""
    t = (datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
         + datetime.timedelta(microseconds=unix_us))
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def whole(value, what):
    if not isinstance(value, int) or isinstance(value, bool):
        raise Bad("%s is not a whole number" % what)
    return value


def unhex(value, size, what, allow_empty=False):
    if allow_empty and value == "":
        return b""
    if (not isinstance(value, str) or len(value) != 2 * size
            or value != value.lower()):
        raise Bad("%s is not %d lower-case hex digits" % (what, 2 * size))
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise Bad("%s is not %d lower-case hex digits" % (what, 2 * size))


def unbase64(value, what):
    """Canonical base64: the standard alphabet with padding, no line breaks,
    exactly what encoding the decoded bytes gives back."""
    if not isinstance(value, str):
        raise Bad("%s is not a string" % what)
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Bad("%s is not base64" % what)
    if base64.b64encode(data).decode("ascii") != value:
        raise Bad("%s is not canonical base64" % what)
    return data


def check_event_line(obj):
    """Check 6, one line on its own. Returns (sequence, prev_hash, hash,
    node, receipt number or 0, received_at_us or None)."""
    if not isinstance(obj, dict):
        raise Bad("not a JSON object")
    for name in COPIED_FIELDS + ["recorded_at", "prev_hash", "hash",
                                 "envelope_b64", "payload_b64"]:
        if name not in obj:
            raise Bad("field %s is missing" % name)
    envelope_bytes = unbase64(obj["envelope_b64"], "envelope_b64")
    envelope = decode_envelope(envelope_bytes)
    prev_hash = unhex(obj["prev_hash"], 32, "prev_hash")
    stored_hash = unhex(obj["hash"], 32, "hash")
    if prev_hash != envelope["prev_hash"]:
        raise Bad("prev_hash differs from the envelope's prev_hash")
    if sha256(prev_hash + envelope_bytes) != stored_hash:
        raise Bad("hash is not SHA-256(prev_hash || envelope bytes)")
    for name in COPIED_FIELDS:
        value = obj[name]
        if isinstance(value, bool) or value != envelope[name] or \
                type(value) is not type(envelope[name]):
            raise Bad("%s %s differs from the envelope's %s"
                      % (name, json.dumps(value, ensure_ascii=False),
                         json.dumps(envelope[name], ensure_ascii=False)))
    if obj["recorded_at"] != iso_utc(envelope["recorded_at_us"]):
        raise Bad("recorded_at %s differs from recorded_at_us"
                  % json.dumps(obj["recorded_at"]))
    if obj["payload_b64"] != base64.b64encode(envelope["payload"]).decode("ascii"):
        raise Bad("payload_b64 differs from the envelope's payload")
    receipt, received = 0, None
    if "received_at_us" in obj or "received_at" in obj or "receipt" in obj:
        received = whole(obj.get("received_at_us"), "received_at_us")
        if obj.get("received_at") != iso_utc(received):
            raise Bad("received_at differs from received_at_us")
        receipt = whole(obj.get("receipt"), "receipt")
        if receipt < 1:
            raise Bad("receipt is %d; receipts count from 1" % receipt)
    return (envelope["sequence"], prev_hash, stored_hash, envelope["node_id"],
            receipt, received)


def receipt_bytes(r):
    """storage/README.md "Receipts": the bytes a receipt's hash covers."""
    node = r["node_id"].encode("utf-8")
    return (b"RECEIPT1" + bytes([len(node)]) + node
            + r["number"].to_bytes(8, "big")
            + r["first_sequence"].to_bytes(8, "big")
            + r["last_sequence"].to_bytes(8, "big")
            + r["last_hash_bytes"]
            + (r["received_at_us"] % (1 << 64)).to_bytes(8, "big"))


def check_receipt_line(obj):
    """Check 5, one receipt on its own: its fields and its hash."""
    if not isinstance(obj, dict):
        raise Bad("not a JSON object")
    for name in ["node_id", "number", "first_sequence", "last_sequence",
                 "last_hash", "received_at_us", "received_at", "prev_hash",
                 "hash"]:
        if name not in obj:
            raise Bad("field %s is missing" % name)
    for name in ["number", "first_sequence", "last_sequence",
                 "received_at_us"]:
        whole(obj[name], name)
    if obj["number"] < 1 or obj["first_sequence"] < 1 or \
            obj["first_sequence"] > obj["last_sequence"]:
        raise Bad("number and first_sequence count from 1, first <= last")
    if obj["received_at"] != iso_utc(obj["received_at_us"]):
        raise Bad("received_at differs from received_at_us")
    obj["last_hash_bytes"] = unhex(obj["last_hash"], 32, "last_hash")
    obj["prev_hash_bytes"] = unhex(obj["prev_hash"], 32, "prev_hash")
    obj["hash_bytes"] = unhex(obj["hash"], 32, "hash")
    if sha256(obj["prev_hash_bytes"] + receipt_bytes(obj)) != obj["hash_bytes"]:
        raise Bad("hash is not SHA-256(prev_hash || receipt bytes)")
    return obj


def read_lines(path, what):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Bad("%s %s: %s" % (what, path, e))
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the final newline
    return data, lines


def read_manifest(path):
    try:
        with open(path, "rb") as f:
            m = load_json(f.read())
    except (OSError, ValueError, Bad) as e:
        raise Bad("manifest %s: %s" % (path, e))
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise Bad("manifest: format is not %s" % FORMAT)
    if m.get("format_version") != FORMAT_VERSION:
        raise Bad("manifest: format_version %r is not %d"
                  % (m.get("format_version"), FORMAT_VERSION))
    for name in ["node_id", "signer", "events_file", "receipts_file",
                 "events_sha256", "receipts_sha256", "signature",
                 "first_prev_hash", "last_hash", "events_digest",
                 "receipts_digest", "created_at"]:
        if not isinstance(m.get(name), str):
            raise Bad("manifest: %s is missing or not a string" % name)
    for name in ["count", "first_sequence", "last_sequence", "receipt_count",
                 "first_receipt", "last_receipt", "log_head_sequence", "key",
                 "created_at_us"]:
        whole(m.get(name), "manifest: " + name)
    if not isinstance(m.get("contiguous"), bool):
        raise Bad("manifest: contiguous is not true or false")
    if not isinstance(m.get("filters"), dict) or not all(
            isinstance(v, str) for v in m["filters"].values()):
        raise Bad("manifest: filters is not an object of strings")
    for name in ["signer_keys", "node_keys"]:
        if not isinstance(m.get(name), list):
            raise Bad("manifest: %s is missing or not an array" % name)
    if m.get("created_at") != iso_utc(m["created_at_us"]):
        raise Bad("manifest: created_at differs from created_at_us")
    head = m.get("node_head")
    if head is not None:
        if not isinstance(head, dict):
            raise Bad("manifest: node_head is not an object or null")
        for name in ["sequence", "signed_at_us", "key"]:
            whole(head.get(name), "manifest: node_head." + name)
        unhex(head.get("hash"), 32, "manifest: node_head.hash")
        unhex(head.get("signature"), 64, "manifest: node_head.signature")
    return m


def verify(events_path, manifest_path, trusted):
    """Returns the summary line; raises Bad naming the first problem."""
    m = read_manifest(manifest_path)
    node = m["node_id"]

    # 1-2. The signer's keys and the manifest's signature.
    signer_keys = verify_history(m.get("signer_keys"), m["signer"],
                                 "manifest: signer_keys")
    verify_signature(signer_keys, m["signer"], m["key"], manifest_statement(m),
                     unhex(m["signature"], 64, "manifest: signature"),
                     "manifest: signature")
    # 3. The node's keys and its signed head.
    node_keys = {}
    if m.get("node_keys"):
        node_keys = verify_history(m["node_keys"], node, "manifest: node_keys")
    head = m["node_head"]
    if head is not None:
        if head.get("node_id") != node:
            raise Bad("manifest: node_head: names node %s, not %s"
                      % (head.get("node_id"), node))
        if not node_keys:
            raise Bad("manifest: node_head: no keys of node %s to check it "
                      "with (node_keys is empty)" % node)
        verify_signature(node_keys, node, head["key"], head_statement(head),
                         bytes.fromhex(head["signature"]),
                         "manifest: node_head: signed head of node %s at "
                         "sequence %d" % (node, head["sequence"]))
    # 4. Trust.
    if trusted:
        if not set(signer_keys.values()) & trusted:
            raise Bad("manifest: no key of %s's history is a trusted key"
                      % m["signer"])
        if head is not None and not set(node_keys.values()) & trusted:
            raise Bad("manifest: no key of node %s's history is a trusted key"
                      % node)

    # 5. Receipts.
    directory = os.path.dirname(events_path) or "."
    receipts = {}
    receipts_digest = hashlib.sha256()
    receipts_sha = b""
    first_receipt = last_receipt = receipt_count = 0
    contiguous = m["contiguous"]
    if m["receipts_file"]:
        data, lines = read_lines(os.path.join(directory, m["receipts_file"]),
                                 "receipts")
        receipts_sha = sha256(data)
        previous = None
        for number, raw in enumerate(lines, start=1):
            try:
                r = check_receipt_line(load_json(raw))
            except ValueError as e:
                raise Bad("receipts line %d: not JSON: %s" % (number, e))
            except Bad as e:
                raise Bad("receipts line %d: %s" % (number, e))
            where = "receipts line %d (receipt %d)" % (number, r["number"])
            if r["node_id"] != node:
                raise Bad("%s: names node %s, not %s" % (where, r["node_id"], node))
            if previous is not None:
                if r["number"] <= previous["number"]:
                    raise Bad("%s: does not follow receipt %d"
                              % (where, previous["number"]))
                if r["number"] == previous["number"] + 1:
                    if r["prev_hash_bytes"] != previous["hash_bytes"]:
                        raise Bad("%s: prev_hash is not the hash of receipt %d"
                                  % (where, previous["number"]))
                    if r["first_sequence"] != previous["last_sequence"] + 1:
                        raise Bad("%s: starts at sequence %d, not %d"
                                  % (where, r["first_sequence"],
                                     previous["last_sequence"] + 1))
                elif contiguous:
                    raise Bad("%s: receipt %d is missing (receipt %d follows "
                              "receipt %d in a contiguous export)"
                              % (where, previous["number"] + 1, r["number"],
                                 previous["number"]))
            elif r["number"] == 1 and r["prev_hash_bytes"] != ZERO_HASH:
                raise Bad("%s: the first receipt's prev_hash is not 32 zero "
                          "bytes" % where)
            if not first_receipt:
                first_receipt = r["number"]
            last_receipt = r["number"]
            receipt_count += 1
            receipts_digest.update(r["hash_bytes"])
            receipts[r["number"]] = r
            previous = r

    # 6. Event lines.
    data, lines = read_lines(events_path, "events")
    events_digest = hashlib.sha256()
    count = 0
    first = None        # (sequence, prev_hash)
    previous = None     # (sequence, hash)
    at_head = None      # the hash of the line at the signed head's sequence
    for number, raw in enumerate(lines, start=1):
        try:
            sequence, prev_hash, stored_hash, line_node, receipt, received = \
                check_event_line(load_json(raw))
        except ValueError as e:
            raise Bad("line %d: not JSON: %s" % (number, e))
        except Bad as e:
            raise Bad("line %d: %s" % (number, e))
        where = "line %d (sequence %d)" % (number, sequence)
        if line_node != node:
            raise Bad("%s: node %s is not the manifest's node %s"
                      % (where, line_node, node))
        if previous is not None:
            if sequence <= previous[0]:
                raise Bad("%s: sequence does not increase (previous %d)"
                          % (where, previous[0]))
            if sequence == previous[0] + 1 and prev_hash != previous[1]:
                raise Bad("%s: prev_hash is not the hash of sequence %d"
                          % (where, previous[0]))
        elif sequence == 1 and prev_hash != ZERO_HASH:
            raise Bad("%s: the first event's prev_hash is not 32 zero bytes"
                      % where)
        if not m["receipts_file"]:
            if receipt:
                raise Bad("%s: names a receipt, but the export has no receipts"
                          % where)
        else:
            r = receipts.get(receipt)
            if r is None:
                raise Bad("%s: its receipt %d is not in the receipts file"
                          % (where, receipt))
            if not r["first_sequence"] <= sequence <= r["last_sequence"]:
                raise Bad("%s: receipt %d covers %d..%d, not it"
                          % (where, receipt, r["first_sequence"],
                             r["last_sequence"]))
            if received != r["received_at_us"]:
                raise Bad("%s: received_at_us %d differs from receipt %d's %d"
                          % (where, received, receipt, r["received_at_us"]))
            if sequence == r["last_sequence"] and stored_hash != r["last_hash_bytes"]:
                raise Bad("%s: receipt %d's last_hash is not this event's hash"
                          % (where, receipt))
        if head is not None and head["sequence"] == sequence:
            if bytes.fromhex(head["hash"]) != stored_hash:
                raise Bad("%s: hash differs from the hash node %s signed for "
                          "it (%s)" % (where, node, head["hash"]))
            at_head = stored_hash
        if first is None:
            first = (sequence, prev_hash)
        previous = (sequence, stored_hash)
        events_digest.update(stored_hash)
        count += 1

    # 7. The manifest against the files.
    def expect(name, actual):
        if m[name] != actual:
            raise Bad("manifest: %s is %s but the files have %s"
                      % (name, json.dumps(m[name]), json.dumps(actual)))
    expect("count", count)
    expect("first_sequence", first[0] if first else 0)
    expect("last_sequence", previous[0] if previous else 0)
    expect("first_prev_hash", first[1].hex() if first else "")
    expect("last_hash", previous[1].hex() if previous else "")
    expect("events_digest", events_digest.hexdigest())
    expect("events_sha256", sha256(data).hex())
    expect("contiguous", count == 0 or count == previous[0] - first[0] + 1)
    expect("receipt_count", receipt_count)
    expect("first_receipt", first_receipt)
    expect("last_receipt", last_receipt)
    expect("receipts_digest", receipts_digest.hexdigest())
    expect("receipts_sha256", receipts_sha.hex())
    if m["log_head_sequence"] < (previous[0] if previous else 0):
        raise Bad("manifest: log_head_sequence %d is below last_sequence %d"
                  % (m["log_head_sequence"], previous[0]))

    # 8. The anchor.
    linked = at_head is not None
    if head is not None and first is not None and \
            head["sequence"] + 1 == first[0]:
        if bytes.fromhex(head["hash"]) != first[1]:
            raise Bad("manifest: first_prev_hash differs from the hash node "
                      "%s signed for sequence %d" % (node, head["sequence"]))
        linked = True

    out = "OK: %d events" % count
    if count:
        out += " (sequences %d..%d, %s)" % (
            first[0], previous[0],
            "contiguous" if m["contiguous"] else "not contiguous")
    if receipt_count:
        out += ", %d receipt%s" % (receipt_count,
                                   "" if receipt_count == 1 else "s")
    out += ", signed by %s key %d (%s); " % (
        m["signer"], m["key"], signer_keys[m["key"]].hex())
    if head is None:
        out += "not anchored to a head signed by node %s" % node
    else:
        out += "anchored to node %s's head signed at sequence %d, %s" % (
            node, head["sequence"],
            "linked" if linked else "not linked (no line at it)")
    return out


def main(argv):
    usage = ("usage: verify_export.py EXPORT.jsonl [--manifest M] "
             "[--trusted-key HEX]...\n")
    args = argv[1:]
    events_path = manifest_path = None
    trusted = set()
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            sys.stdout.write(usage)
            return 0
        if arg in ("--manifest", "--trusted-key") and args:
            value = args.pop(0)
            if arg == "--manifest":
                manifest_path = value
            else:
                try:
                    trusted.add(unhex(value, 32, "--trusted-key"))
                except Bad as e:
                    sys.stderr.write("%s\n%s" % (e, usage))
                    return 2
        elif events_path is None and not arg.startswith("-"):
            events_path = arg
        else:
            sys.stderr.write(usage)
            return 2
    if events_path is None:
        sys.stderr.write(usage)
        return 2
    if manifest_path is None:
        manifest_path = events_path + ".manifest.json"
    try:
        summary = verify(events_path, manifest_path, trusted)
    except Bad as e:
        print("FAIL: %s: %s" % (os.path.basename(events_path), e))
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
