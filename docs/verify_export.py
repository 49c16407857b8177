#!/usr/bin/env python3
"""Verify an audit export (docs/AUDIT.md) with nothing but Python 3's
standard library. Independent of the project's C++ code on purpose: an
auditor can read this file in ten minutes and trust it, or rewrite it.

    python3 verify_export.py EXPORT.jsonl [EXPORT.jsonl.manifest.json]

Checks, line by line (a line is one event):
  1. envelope_b64 is base64 of a protobuf EventEnvelope (decoded below by a
     small wire-format reader; no protobuf library needed);
  2. hash == SHA-256(prev_hash || envelope bytes), and prev_hash is the
     envelope's own prev_hash field (storage/README.md "Hash chain");
  3. every readable field of the line (node_id, sequence, stream_id,
     stream_version, event_id, event_type, recorded_at_us, recorded_at,
     actor, command_id, payload_b64, received_at) says exactly what the
     envelope bytes say, so an edited actor or sequence is caught;
  4. sequences increase; where a sequence is the previous line's + 1, its
     prev_hash is the previous line's hash (the chain). A contiguous export
     (manifest "contiguous": true) must have no gaps at all.
Then the manifest: node, count, first/last sequence, prev hash of the first
event, head hash (of the last event) and the SHA-256 of the whole file.

Exit 0 and "OK: N events, head <hex>" on success; exit 1 and
"FAIL: <where>: <reason>" naming the first problem; exit 2 for usage.
"""

import base64
import binascii
import datetime
import hashlib
import json
import os
import sys

FORMAT = "reporting-audit-export"
FORMAT_VERSION = 1
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


def no_duplicate_keys(pairs):
    """json object_pairs_hook: a repeated key could show a reader one value
    and a checker another, so it is refused."""
    out = {}
    for key, value in pairs:
        if key in out:
            raise Bad("key %s appears twice" % key)
        out[key] = value
    return out


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


def unhex(text, what):
    if not isinstance(text, str) or len(text) != 64 or text != text.lower():
        raise Bad("%s is not 64 lower-case hex digits" % what)
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise Bad("%s is not 64 lower-case hex digits" % what)


def unbase64(text, what):
    if not isinstance(text, str):
        raise Bad("%s is not a string" % what)
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Bad("%s is not base64" % what)
    if base64.b64encode(data).decode("ascii") != text:
        raise Bad("%s is not canonical base64" % what)
    return data


def check_line(obj):
    """Checks one event line; returns (sequence, prev_hash, hash, node)."""
    if not isinstance(obj, dict):
        raise Bad("not a JSON object")
    for name in COPIED_FIELDS + ["recorded_at", "prev_hash", "hash",
                                 "envelope_b64", "payload_b64"]:
        if name not in obj:
            raise Bad("field %s is missing" % name)
    envelope_bytes = unbase64(obj["envelope_b64"], "envelope_b64")
    envelope = decode_envelope(envelope_bytes)
    prev_hash = unhex(obj["prev_hash"], "prev_hash")
    stored_hash = unhex(obj["hash"], "hash")
    if prev_hash != envelope["prev_hash"]:
        raise Bad("prev_hash differs from the envelope's prev_hash")
    if hashlib.sha256(prev_hash + envelope_bytes).digest() != stored_hash:
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
    if "received_at_us" in obj or "received_at" in obj:
        received = obj.get("received_at_us")
        if not isinstance(received, int) or isinstance(received, bool):
            raise Bad("received_at_us is not a whole number")
        if obj.get("received_at") != iso_utc(received):
            raise Bad("received_at differs from received_at_us")
    return envelope["sequence"], prev_hash, stored_hash, envelope["node_id"]


def verify(events_path, manifest_path):
    """Returns (count, head hash); raises Bad naming the first problem."""
    try:
        with open(manifest_path, "rb") as f:
            manifest = json.loads(f.read().decode("utf-8"),
                                  object_pairs_hook=no_duplicate_keys)
    except (OSError, ValueError, Bad) as e:
        raise Bad("manifest %s: %s" % (manifest_path, e))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Bad("manifest: format is not %s" % FORMAT)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise Bad("manifest: format_version %r is not %d"
                  % (manifest.get("format_version"), FORMAT_VERSION))
    contiguous = manifest.get("contiguous")
    if not isinstance(contiguous, bool):
        raise Bad("manifest: contiguous is not true or false")

    try:
        with open(events_path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Bad("events %s: %s" % (events_path, e))

    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the final newline
    count = 0
    first = None
    previous = None  # (sequence, hash)
    for number, raw in enumerate(lines, start=1):
        where = "line %d" % number
        try:
            obj = json.loads(raw.decode("utf-8"),
                             object_pairs_hook=no_duplicate_keys)
            sequence, prev_hash, stored_hash, node = check_line(obj)
        except ValueError as e:
            raise Bad("%s: not JSON: %s" % (where, e))
        except Bad as e:
            raise Bad("%s: %s" % (where, e))
        where = "line %d (sequence %d)" % (number, sequence)
        if node != manifest.get("node_id"):
            raise Bad("%s: node %s is not the manifest's node %s"
                      % (where, node, manifest.get("node_id")))
        if previous is not None:
            if sequence <= previous[0]:
                raise Bad("%s: sequence does not increase (previous %d)"
                          % (where, previous[0]))
            if sequence == previous[0] + 1:
                if prev_hash != previous[1]:
                    raise Bad("%s: prev_hash is not the hash of sequence %d"
                              % (where, previous[0]))
            elif contiguous:
                raise Bad("%s: gap after sequence %d in a contiguous export"
                          % (where, previous[0]))
        elif sequence == 1 and prev_hash != ZERO_HASH:
            raise Bad("%s: the first event's prev_hash is not 32 zero bytes"
                      % where)
        if first is None:
            first = (sequence, prev_hash)
        previous = (sequence, stored_hash)
        count += 1

    def expect(name, actual):
        if manifest.get(name) != actual:
            raise Bad("manifest: %s is %s but the file has %s"
                      % (name, json.dumps(manifest.get(name)),
                         json.dumps(actual)))

    expect("count", count)
    expect("first_sequence", first[0] if first else 0)
    expect("last_sequence", previous[0] if previous else 0)
    expect("first_prev_hash", first[1].hex() if first else "")
    expect("head_hash", previous[1].hex() if previous else "")
    expect("events_sha256", hashlib.sha256(data).hexdigest())
    if contiguous and count != (previous[0] - first[0] + 1 if count else 0):
        raise Bad("manifest: contiguous, but count does not cover the range")
    return count, (previous[1].hex() if previous else "(empty)")


def main(argv):
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: verify_export.py EXPORT.jsonl "
                         "[EXPORT.jsonl.manifest.json]\n")
        return 2
    events_path = argv[1]
    manifest_path = argv[2] if len(argv) == 3 else events_path + ".manifest.json"
    try:
        count, head = verify(events_path, manifest_path)
    except Bad as e:
        print("FAIL: %s: %s" % (os.path.basename(events_path), e))
        return 1
    print("OK: %d events, head %s" % (count, head))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
