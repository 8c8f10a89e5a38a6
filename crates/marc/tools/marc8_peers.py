#!/usr/bin/env python3
"""Print how the peers convert each MARC-8 field value of an ISO 2709 file, for marc8's tests.

For every control field value and every subfield value of every record, prints one line:

    record <TAB> tag <TAB> code <TAB> MARC-8 bytes in hex <TAB> yaz <TAB> pymarc

where `yaz` is `yaz-iconv -f MARC-8 -t UTF-8` of the value, NFC-normalised, and `pymarc` is
`pymarc.marc8.marc8_to_unicode` (pymarc 5.4.0 normalises to NFC itself). Each value is converted
on its own, the way both peers do inside their record readers. Text columns escape `\\`, tab,
newline and C0/C1 controls as `\\u{XXXX}`; a peer that fails prints `!ERROR`.

The ISO 2709 structure is read from the Leader (indicator count, subfield code length, base
address), so danMARC-style records with three indicators (yaz's marc1/marc2) split correctly.

Usage: python3 crates/marc/tools/marc8_peers.py FILE.mrc > FILE.peers.tsv
"""

import subprocess
import sys
import unicodedata

from pymarc.marc8 import marc8_to_unicode


def escape(text):
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0:
            out.append("\\u{%X}" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def yaz(value):
    run = subprocess.run(["yaz-iconv", "-f", "MARC-8", "-t", "UTF-8"], input=value, capture_output=True)
    if run.returncode != 0:
        return "!ERROR"
    try:
        return escape(unicodedata.normalize("NFC", run.stdout.decode("utf-8")))
    except UnicodeDecodeError:
        return "!ERROR"


def pymarc(value):
    try:
        return escape(marc8_to_unicode(value, hide_utf8_warnings=True))
    except Exception:  # pymarc raises several kinds on bad input; any of them is "failed"
        return "!ERROR"


def records(data):
    pos = 0
    while pos + 24 <= len(data):
        length = int(data[pos:pos + 5])
        yield data[pos:pos + length]
        pos += length


def values(record):
    leader = record[:24]
    indicators = int(leader[10:11])
    code_len = int(leader[11:12])
    base = int(leader[12:17])
    directory = record[24:base - 1]
    for i in range(0, len(directory) - 11, 12):
        entry = directory[i:i + 12]
        tag = entry[:3].decode("ascii")
        length = int(entry[3:7])
        start = int(entry[7:12])
        field = record[base + start:base + start + length].rstrip(b"\x1e")
        if tag < "010" and tag.isdigit():
            yield tag, "", field
            continue
        for part in field[indicators:].split(b"\x1f")[1:]:
            yield tag, part[:code_len - 1].decode("latin-1"), part[code_len - 1:]


def main():
    data = open(sys.argv[1], "rb").read()
    for number, record in enumerate(records(data), 1):
        for tag, code, value in values(record):
            print("\t".join([str(number), tag, escape(code), value.hex(), yaz(value), pymarc(value)]))


if __name__ == "__main__":
    main()
