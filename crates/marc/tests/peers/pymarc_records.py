#!/usr/bin/env python3
"""Prints every record pymarc reads from a MARC file as one JSON line, for the corpus test.

Usage: pymarc_records.py FORMAT FILE   (FORMAT: iso2709, marcxml, json)

Each line is {"leader": ..., "fields": [[tag, value] | [tag, ind1, ind2, [[code, value], ...]]]}
with every string in Unicode NFC, or {"error": "..."} for a record pymarc could not read.
pymarc reads ISO 2709 permissively and converts MARC-8 (Leader/09 blank) to Unicode.
"""
import json
import sys
import unicodedata

import pymarc


def nfc(s):
    return unicodedata.normalize("NFC", s) if isinstance(s, str) else s


def record_json(record):
    fields = []
    for f in record.fields:
        if f.is_control_field():
            fields.append([f.tag, nfc(f.data)])
        else:
            subfields = [[nfc(sf.code), nfc(sf.value)] for sf in f.subfields]
            fields.append([f.tag, f.indicator1, f.indicator2, subfields])
    return {"leader": nfc(str(record.leader)), "fields": fields}


def emit(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    if fmt == "iso2709":
        with open(path, "rb") as fh:
            reader = pymarc.MARCReader(fh, to_unicode=True, permissive=True, utf8_handling="replace")
            for record in reader:
                if record is None:
                    emit({"error": f"{type(reader.current_exception).__name__}: {reader.current_exception}"})
                else:
                    emit(record_json(record))
    elif fmt == "marcxml":
        for record in pymarc.parse_xml_to_array(path):
            emit(record_json(record))
    elif fmt == "json":
        with open(path, "rb") as fh:
            for record in pymarc.JSONReader(fh.read().decode("utf-8")):
                emit(record_json(record))
    else:
        sys.exit(f"unknown format {fmt}")


if __name__ == "__main__":
    main()
