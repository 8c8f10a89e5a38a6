"""A self-check kiosk's visit, played by an independent SIP2 client: Tobias Zeumer's `sip2`
package from PyPI (imported as `Sip2`), against `shelfmark sip2 serve`.

Usage: sip2_kiosk.py HOST PORT LOGIN PASSWORD PATRON PIN ITEM

Prints one JSON object: each exchange's parsed answer as the client reads it, and whether
the checksum of each raw answer adds up over its UTF-8 bytes (checked here, because the
client's own check accepts anything). The Rust test asserts on it.
"""

import json
import sys

from Sip2.sip2 import Sip2


def checksum_ok(raw):
    """SIP2's rule: the 16-bit sum of the bytes through "AZ", plus the checksum, is zero."""
    data = raw.rstrip("\r\n").encode("utf-8")
    if len(data) < 6 or data[-6:-4] != b"AZ":
        return False
    return (sum(data[:-4]) + int(data[-4:], 16)) & 0xFFFF == 0


def main():
    host, port, login, password, patron, pin, item = sys.argv[1:8]
    sip = Sip2()
    sip.hostName = host
    sip.hostPort = int(port)
    sip.tlsEnable = False
    sip.socketTimeout = 30
    sip.loglevel = "WARNING"
    sip.logfile_path = "."
    sip.institutionId = "HK"
    sip.scLocation = "HK"
    sip.connect()

    out = {}
    checksums = []

    def exchange(name, request, parse):
        raw = sip.get_response(request)
        checksums.append(checksum_ok(raw))
        parsed = parse(raw)
        out[name] = {"raw": raw, "fixed": parsed["fixed"], "variable": parsed["variable"]}

    exchange("login", sip.sip_login_request(login, password), sip.sip_login_response)
    exchange("status", sip.sip_sc_status_request(), sip.sip_sc_status_response)
    sip.patron = patron
    sip.patronpwd = pin
    exchange(
        "patron",
        sip.sip_patron_information_request("charged"),
        sip.sip_patron_information_response,
    )
    exchange("checkout", sip.sip_checkout_request(item), sip.sip_checkout_response)
    exchange(
        "charged",
        sip.sip_patron_information_request("charged"),
        sip.sip_patron_information_response,
    )
    exchange("checkin", sip.sip_checkin_request(item), sip.sip_checkin_response)
    exchange(
        "end",
        sip.sip_end_patron_session_request(),
        sip.sip_end_patron_session_response,
    )
    sip.disconnect()
    out["checksums_ok"] = checksums
    print(json.dumps(out, ensure_ascii=False))


main()
