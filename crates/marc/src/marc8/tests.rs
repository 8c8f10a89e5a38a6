//! Tests for the MARC-8 converter: byte/text pairs, errors, peer comparisons and no-panic sweeps.

use super::*;

use unicode_normalization::is_nfc;

const ESC: u8 = 0x1B;

/// One conversion: the MARC-8 bytes and the UTF-8 text they must give.
struct Pair {
    name: &'static str,
    marc8: &'static [u8],
    text: &'static str,
}

const PAIRS: &[Pair] = &[
    Pair {
        name: "empty",
        marc8: b"",
        text: "",
    },
    Pair {
        name: "ascii",
        marc8: b"On the road, 1975 [sic]!",
        text: "On the road, 1975 [sic]!",
    },
    Pair {
        name: "controls pass through",
        marc8: b"a\x1fbc\x1e",
        text: "a\u{1f}bc\u{1e}",
    },
    Pair {
        name: "acute before its base",
        marc8: b"d\xe2esir\xe2ee",
        text: "désirée",
    },
    Pair {
        name: "grave",
        marc8: b"tr\xe1es",
        text: "très",
    },
    Pair {
        name: "tilde",
        marc8: b"ma\xe4nana",
        text: "mañana",
    },
    Pair {
        name: "umlaut on a capital",
        marc8: b"L\xe8owenbr\xe8au",
        text: "Löwenbräu",
    },
    Pair {
        name: "caron",
        marc8: b"\xe9crny",
        text: "črny",
    },
    Pair {
        name: "cedilla",
        marc8: b"\xf0ca va",
        text: "ça va",
    },
    Pair {
        name: "polish l and acute",
        marc8: b"\xa1\xe2od\xe2z",
        text: "Łódź",
    },
    Pair {
        name: "no precomposed form stays decomposed",
        marc8: b"ge\xfeotermika",
        text: "geo\u{313}termika",
    },
    Pair {
        name: "mark before space is a spacing diacritic",
        marc8: b"P\xe5 omslaget",
        text: "P \u{304}omslaget",
    },
    // Stacked marks keep their MARC-8 order; NFC reorders only marks of different classes.
    Pair {
        name: "two marks above compose in order",
        marc8: b"\xe3\xe1a",
        text: "ầ",
    },
    Pair {
        name: "mark above then below",
        marc8: b"\xe3\xf2a",
        text: "ậ",
    },
    Pair {
        name: "mark below then above",
        marc8: b"\xf2\xe3a",
        text: "ậ",
    },
    Pair {
        name: "three marks, no composition",
        marc8: b"\xe8\xe5\xf2q",
        text: "q\u{323}\u{308}\u{304}",
    },
    // Vietnamese: o-hook/u-hook are letters of ANSEL; tones are marks before them.
    Pair {
        name: "o-hook and u-hook",
        marc8: b"\xbc\xbd\xac\xad",
        text: "ơưƠƯ",
    },
    Pair {
        name: "d-stroke",
        marc8: b"\xb3\xa3",
        text: "đĐ",
    },
    Pair {
        name: "o-hook with hook above",
        marc8: b"S\xe0\xbc",
        text: "Sở",
    },
    Pair {
        name: "u-hook with hook above",
        marc8: b"\xe0\xbd",
        text: "ử",
    },
    Pair {
        name: "Nguyen: circumflex and tilde stacked",
        marc8: b"Nguy\xe3\xe4en",
        text: "Nguyễn",
    },
    Pair {
        name: "Thuong: u-hook, o-hook with grave",
        marc8: b"Th\xbd\xe1\xbcng",
        text: "Thường",
    },
    Pair {
        name: "Duong: d-stroke, u-hook, o-hook with grave",
        marc8: b"\xa3\xbd\xe1\xbcng",
        text: "Đường",
    },
    Pair {
        name: "Viet: circumflex and dot below",
        marc8: b"Vi\xe3\xf2et",
        text: "Việt",
    },
    Pair {
        name: "Ha Noi",
        marc8: b"H\xe1a N\xf2\xe3oi",
        text: "Hà Nội",
    },
    Pair {
        name: "Tre: hook above",
        marc8: b"Nxb. Tr\xe0e",
        text: "Nxb. Trẻ",
    },
    // Double diacritics: LoC's half marks, one after each letter (see the module doc).
    Pair {
        name: "ligature halves",
        marc8: b"d\xebi\xeca",
        text: "di\u{fe20}a\u{fe21}",
    },
    Pair {
        name: "double tilde halves",
        marc8: b"\xfan\xfbgalan",
        text: "n\u{fe22}g\u{fe23}alan",
    },
    // ANSEL spacing characters and C1 controls.
    Pair {
        name: "ansel symbols",
        marc8: b"\xb9 5.95 \xc3 \xc8 \xc7",
        text: "£ 5.95 © € ß",
    },
    Pair {
        name: "non-sort marks",
        marc8: b"\x88The \x89Road",
        text: "\u{98}The \u{9c}Road",
    },
    Pair {
        name: "joiners",
        marc8: b"a\x8db\x8ec",
        text: "a\u{200d}b\u{200c}c",
    },
    // Other scripts.
    Pair {
        name: "greek with a combining acute",
        marc8: b"\x1b(S\x6e\x22\x72\x64\x72\x77\x1b(B.",
        text: "λόγος.",
    },
    Pair {
        name: "basic cyrillic",
        marc8: b"\x1b(N\x6d\x4f\x53\x4b\x57\x41\x1b(B 1990",
        text: "Москва 1990",
    },
    Pair {
        name: "extended cyrillic as G1",
        marc8: b"\x1b)Q\xe4\xc4\xe1\x1b)E",
        text: "ЁёЂ",
    },
    Pair {
        name: "extended cyrillic as G0",
        marc8: b"\x1b(Q\x64\x44\x61\x1b(B",
        text: "ЁёЂ",
    },
    Pair {
        name: "hebrew",
        marc8: b"\x1b(2\x79\x6c\x65\x6d\x1b(B",
        text: "שלום",
    },
    Pair {
        name: "arabic",
        marc8: b"\x1b(3\x63\x4a\x47\x48\x1b(B",
        text: "كتاب",
    },
    Pair {
        name: "extended arabic as G1",
        marc8: b"\x1b)4\xa9\xb1\x1b)E",
        text: "پچ",
    },
    Pair {
        name: "eacc",
        marc8: b"\x1b$1\x21\x30\x34\x21\x42\x58\x1b(B",
        text: "中文",
    },
    Pair {
        name: "eacc with G0 intermediate",
        marc8: b"\x1b$(1\x21\x43\x69\x1b(B",
        text: "本",
    },
    Pair {
        name: "eacc korean",
        marc8: b"\x1b$1\x6f\x5c\x65\x6f\x49\x6f\x1b(B",
        text: "한국",
    },
    Pair {
        name: "eacc ideographic space",
        marc8: b"\x1b$1\x21\x23\x20\x1b(B",
        text: "\u{3000}",
    },
    Pair {
        name: "space is one byte in eacc",
        marc8: b"\x1b$1\x21\x30\x34 \x21\x42\x58\x1b(B",
        text: "中 文",
    },
    Pair {
        name: "eacc as G1",
        marc8: b"\x1b$)1\xa1\xb0\xb4\x1b)E",
        text: "中",
    },
    Pair {
        name: "ansel designated with !E",
        marc8: b"\x1b)1\x1b)!E\xe2e",
        text: "é",
    },
    Pair {
        name: "technique 1 superscript",
        marc8: b"E=mc\x1bp2\x1bs",
        text: "E=mc²",
    },
    Pair {
        name: "technique 1 subscript",
        marc8: b"H\x1bb2\x1bsO",
        text: "H₂O",
    },
    Pair {
        name: "technique 1 greek symbols",
        marc8: b"\x1bgabc\x1bs rays",
        text: "αβγ rays",
    },
    Pair {
        name: "marks wait across an escape",
        marc8: b"\xe2\x1b(Be",
        text: "é",
    },
];

#[test]
fn pairs_convert_to_the_expected_text() {
    for pair in PAIRS {
        let got = decode(pair.marc8).unwrap_or_else(|e| panic!("{}: {e}", pair.name));
        assert_eq!(got, pair.text, "{}", pair.name);
        assert!(is_nfc(&got), "{}: not NFC", pair.name);
        let (lossy, problems) = decode_lossy(pair.marc8);
        assert_eq!(lossy, pair.text, "{} (lossy)", pair.name);
        assert!(problems.is_empty(), "{}: {problems:?}", pair.name);
    }
}

/// Bytes that cannot be read: where `decode` stops, and what `decode_lossy` makes of them.
struct Bad {
    name: &'static str,
    marc8: &'static [u8],
    position: usize,
    message_has: &'static str,
    lossy: &'static str,
}

const BAD: &[Bad] = &[
    Bad {
        name: "unknown final character",
        marc8: b"ab\x1b(Zcd",
        position: 2,
        message_has: "ESC ( Z names a character set MARC-8 does not have",
        lossy: "ab\u{fffd}cd",
    },
    Bad {
        name: "escape not used by MARC-8",
        marc8: b"ab\x1bAcd",
        position: 2,
        message_has: "ESC A is not one MARC-8 uses",
        lossy: "ab\u{fffd}cd",
    },
    Bad {
        name: "escape cut short at the end",
        marc8: b"ab\x1b$",
        position: 2,
        message_has: "ESC $ cut short",
        lossy: "ab\u{fffd}",
    },
    Bad {
        name: "lone escape at the end",
        marc8: b"ab\x1b",
        position: 2,
        message_has: "cut short",
        lossy: "ab\u{fffd}",
    },
    Bad {
        name: "escape without a final character",
        marc8: b"a\x1b(\xe2e",
        position: 1,
        message_has: "malformed",
        lossy: "a\u{fffd}é",
    },
    Bad {
        name: "truncated multibyte at the end",
        marc8: b"\x1b$1\x21\x30\x34\x21\x30",
        position: 6,
        message_has: "EACC) character cut short: 3 bytes expected, found 2",
        lossy: "中\u{fffd}",
    },
    Bad {
        name: "multibyte cut by an escape",
        marc8: b"\x1b$1\x21\x1b(Bok",
        position: 3,
        message_has: "found 1",
        lossy: "\u{fffd}ok",
    },
    Bad {
        name: "unmapped eacc code",
        marc8: b"\x1b$1\x7e\x7e\x7e\x1b(Bok",
        position: 3,
        message_has: "have no character in East Asian (EACC)",
        lossy: "\u{fffd}ok",
    },
    Bad {
        name: "unmapped ansel position",
        marc8: b"x\xafy",
        position: 1,
        message_has: "byte 0xAF has no character in Extended Latin (ANSEL)",
        lossy: "x\u{fffd}y",
    },
    Bad {
        name: "letter outside a technique 1 set",
        marc8: b"\x1bpA\x1bs",
        position: 2,
        message_has: "0x41 'A' has no character in Superscripts",
        lossy: "\u{fffd}",
    },
    Bad {
        name: "undefined C1 control",
        marc8: b"a\x81b",
        position: 1,
        message_has: "C1 control",
        lossy: "a\u{fffd}b",
    },
    Bad {
        name: "lone mark at the end",
        marc8: b"abc\xe2",
        position: 3,
        message_has: "combining mark 0xE2 has no base character after it",
        lossy: "abc\u{fffd}\u{301}",
    },
    Bad {
        name: "lone mark alone",
        marc8: b"\xe8",
        position: 0,
        message_has: "no base",
        lossy: "\u{fffd}\u{308}",
    },
    Bad {
        name: "stacked marks before a delimiter",
        marc8: b"a\xe3\xe1\x1fb",
        position: 1,
        message_has: "combining mark 0xE3",
        lossy: "a\u{fffd}\u{302}\u{300}\u{1f}b",
    },
    Bad {
        name: "DEL",
        marc8: b"a\x7fb",
        position: 1,
        message_has: "0x7F",
        lossy: "a\u{fffd}b",
    },
    Bad {
        name: "0xFF",
        marc8: b"\xff",
        position: 0,
        message_has: "0xFF",
        lossy: "\u{fffd}",
    },
    Bad {
        name: "mark on an unreadable byte stays with the replacement",
        marc8: b"\xe2\xff",
        position: 1,
        message_has: "0xFF",
        lossy: "\u{fffd}\u{301}",
    },
];

#[test]
fn bad_bytes_are_refused_by_decode_and_replaced_by_decode_lossy() {
    for bad in BAD {
        let err = decode(bad.marc8).expect_err(bad.name);
        assert_eq!(err.position, bad.position, "{}: {err}", bad.name);
        assert!(err.message.contains(bad.message_has), "{}: {err}", bad.name);
        let (text, problems) = decode_lossy(bad.marc8);
        assert_eq!(text, bad.lossy, "{}", bad.name);
        assert_eq!(problems.first(), Some(&err), "{}", bad.name);
    }
}

#[test]
fn lossy_reports_every_problem_in_order() {
    let (text, problems) = decode_lossy(b"\xff a \x1bZ b \xaf");
    assert_eq!(text, "\u{fffd} a \u{fffd} b \u{fffd}");
    let positions: Vec<usize> = problems.iter().map(|p| p.position).collect();
    assert_eq!(positions, [0, 4, 9]);
}

#[test]
fn error_display_names_the_byte_position() {
    let err = decode(b"abc\xff").expect_err("0xFF is not MARC-8");
    assert_eq!(
        err.to_string(),
        "MARC-8 byte 3: byte 0xFF is not a character in MARC-8"
    );
}

#[test]
fn tables_hold_valid_characters_and_sorted_eacc() {
    let single = [
        &tables::BASIC_LATIN,
        &tables::ANSEL,
        &tables::BASIC_HEBREW,
        &tables::BASIC_ARABIC,
        &tables::EXTENDED_ARABIC,
        &tables::BASIC_CYRILLIC,
        &tables::EXTENDED_CYRILLIC,
        &tables::BASIC_GREEK,
        &tables::GREEK_SYMBOLS,
        &tables::SUBSCRIPTS,
        &tables::SUPERSCRIPTS,
    ];
    for table in single {
        for &entry in table.iter().filter(|&&e| e != 0) {
            assert!(char::from_u32(entry & !COMBINING).is_some(), "{entry:#X}");
        }
    }
    // ASCII maps to itself, position for position.
    for (i, &entry) in tables::BASIC_LATIN.iter().enumerate() {
        assert_eq!(entry, i as u32 + 0x21);
    }
    assert!(tables::EACC_CODES.windows(2).all(|w| w[0] < w[1]));
    assert!(tables::EACC_CODES.len() > 15_000);
    assert!(
        tables::EACC_CHARS
            .iter()
            .all(|&c| char::from_u32(c).is_some())
    );
    assert_eq!(eacc_lookup(0x213021), Some('一'));
}

#[test]
fn ascii_only_text_is_copied_by_the_fast_path() {
    let text = "245 10 $a A plain title / $c by someone ; with 100% ASCII.";
    assert_eq!(ascii_fast_path(text.as_bytes()).as_deref(), Some(text));
    assert_eq!(ascii_fast_path(b"caf\xe2e"), None);
    assert_eq!(ascii_fast_path(b"\x1b(Bplain"), None);
    // The slow path gives the same text for ASCII wrapped in redundant escapes.
    assert_eq!(decode(b"\x1b(Bplain\x1bs").expect("plain"), "plain");
}

// ---------------------------------------------------------------------------------------------
// Peer comparison. `crates/marc/tools/marc8_peers.py FILE` prints, for each control field and
// subfield value of each record, the MARC-8 bytes and what yaz (`yaz-iconv -f MARC-8 -t UTF-8`,
// then NFC) and pymarc 5.4.0 (`marc8_to_unicode`, NFC) make of them. Our conversion must equal
// both, except for the differences explained in `explain_difference`.

/// Why our text may differ from a peer's for `marc8`, or `None` when it must not.
///
/// Only two differences exist on the peer files:
/// - yaz turns the double-diacritic halves (ANSEL EB/EC ligature, FA/FB double tilde) into one
///   U+0361/U+0360 after the first letter and drops the second half; we follow LoC's table
///   (U+FE20..U+FE23, one half after each letter), as pymarc does. The module doc says why.
/// - pymarc drops C0 controls (its converter skips every byte below 0x20 that is not ESC), which
///   shows on danMARC's 001–009 fields in yaz's marc1/marc2: they carry subfields (0x1F) that our
///   test reader presents as one control-field value. We keep controls, as yaz does, so a caller
///   may convert a whole field with its delimiters.
fn explain_difference(peer: &str, marc8: &[u8], ours: &str, theirs: &str) -> Option<&'static str> {
    let halves = marc8.iter().any(|b| matches!(b, 0xEB | 0xEC | 0xFA | 0xFB));
    if peer == "yaz" && halves {
        let folded: String = ours
            .replace(['\u{fe21}', '\u{fe23}'], "")
            .replace('\u{fe20}', "\u{361}")
            .replace('\u{fe22}', "\u{360}");
        if folded == theirs {
            return Some("yaz: one U+0361/U+0360 for the two halves");
        }
    }
    if peer == "pymarc" {
        let without_controls: String = ours
            .chars()
            .filter(|&c| c >= ' ' || c == '\u{1b}')
            .collect();
        if without_controls == theirs {
            return Some("pymarc: drops C0 controls");
        }
    }
    None
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// Undoes marc8_peers.py's escaping (`\\` and `\u{XXXX}`).
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('\\') {
            out.push('\\');
            rest = after;
        } else {
            let end = rest.find('}').expect("escape end");
            let code = u32::from_str_radix(&rest[2..end], 16).expect("escape hex");
            out.push(char::from_u32(code).expect("escape char"));
            rest = &rest[end + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// Compares every row of a peers table; returns (rows, explained differences).
fn compare_with_peers(source: &str, table: &str) -> (usize, usize) {
    let mut rows = 0;
    let mut explained = 0;
    for line in table.lines().filter(|l| !l.is_empty()) {
        let columns: Vec<&str> = line.split('\t').collect();
        assert_eq!(columns.len(), 6, "{source}: bad row {line}");
        let marc8 = unhex(columns[3]);
        let where_ = format!(
            "{source} record {} field {} ${}",
            columns[0], columns[1], columns[2]
        );
        let (ours, problems) = decode_lossy(&marc8);
        assert!(problems.is_empty(), "{where_}: {problems:?}");
        for (peer, theirs) in [("yaz", columns[4]), ("pymarc", columns[5])] {
            assert_ne!(theirs, "!ERROR", "{where_}: {peer} failed where we did not");
            let theirs = unescape(theirs);
            if ours != theirs {
                let why = explain_difference(peer, &marc8, &ours, &theirs);
                assert!(
                    why.is_some(),
                    "{where_}: {peer} differs\n ours:   {ours:?}\n theirs: {theirs:?}"
                );
                explained += 1;
            }
        }
        rows += 1;
    }
    (rows, explained)
}

#[test]
fn yaz_sample_records_convert_like_yaz_and_pymarc() {
    // marc1/marc2 are yaz's danMARC test records (BSD, copied with their peers tables made by
    // marc8_peers.py; see tests/fixtures/marc/SOURCES.md).
    let fixtures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/marc/yaz/"
    );
    for name in ["marc1", "marc2"] {
        let table =
            std::fs::read_to_string(format!("{fixtures}{name}.peers.tsv")).expect("fixture");
        let (rows, explained) = compare_with_peers(name, &table);
        assert!(rows > 30, "{name}: only {rows} values");
        // The four danMARC 00X fields each differ from pymarc (it drops their delimiters).
        assert_eq!(explained, 4, "{name}");
    }
}

#[test]
fn lc_character_test_records_convert_like_yaz_and_pymarc() {
    // marc4j's brkrtest.mrc (LGPL: read from the corpus, never copied) is LC's MARC-8 character
    // test: every ANSEL character and diacritic, Vietnamese o-hook/u-hook/d-stroke. The peers
    // table is made now by marc8_peers.py, which needs python3 with pymarc, and yaz-iconv.
    let Some(corpus) = crate::test_corpus() else {
        println!("skipped: SHELFMARK_MARC_CORPUS is not set");
        return;
    };
    let file = std::path::Path::new(&corpus).join("marc4j/brkrtest.mrc");
    let tool = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/marc8_peers.py");
    let run = std::process::Command::new("python3")
        .arg(tool)
        .arg(&file)
        .output();
    let table = match run {
        Ok(out) if out.status.success() => String::from_utf8(out.stdout).expect("utf-8 table"),
        Ok(out) => {
            println!(
                "skipped: marc8_peers.py failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return;
        }
        Err(e) => {
            println!("skipped: python3 not runnable: {e}");
            return;
        }
    };
    let (rows, explained) = compare_with_peers("brkrtest", &table);
    assert!(rows > 300, "only {rows} values");
    // Records 2, 3, 5 and 6 hold the ligature and double-tilde halves, each once in a value of
    // its own (2 and 3) or together in one long value (5 and 6): six values, all yaz-only.
    assert_eq!(explained, 6);
}

// ---------------------------------------------------------------------------------------------
// No panics, and decode agrees with decode_lossy, on any input.

fn check_consistent(bytes: &[u8]) {
    let strict = decode(bytes);
    let (text, problems) = decode_lossy(bytes);
    assert!(is_nfc(&text), "{bytes:02X?}");
    match strict {
        Ok(s) => {
            assert_eq!(s, text, "{bytes:02X?}");
            assert!(problems.is_empty(), "{bytes:02X?}");
        }
        Err(e) => {
            assert_eq!(problems.first(), Some(&e), "{bytes:02X?}");
            assert!(e.position < bytes.len(), "{bytes:02X?}");
        }
    }
    assert!(
        problems.windows(2).all(|w| w[0].position < w[1].position),
        "{bytes:02X?}"
    );
}

#[test]
fn every_short_sequence_over_an_interesting_alphabet_is_handled() {
    // Escape parts, set finals, controls, ASCII edges, C1, ANSEL letters and marks, and the
    // bytes outside every set.
    const ALPHABET: &[u8] = &[
        0x00, ESC, 0x1F, b' ', b'!', b'$', b'(', b')', b',', b'-', b'1', b'2', b'B', b'E', b'N',
        b'S', b'Z', b'b', b'g', b'p', b's', b'a', 0x7E, 0x7F, 0x80, 0x88, 0xA0, 0xA1, 0xBC, 0xE2,
        0xEB, 0xFE, 0xFF,
    ];
    let mut buf = [0u8; 3];
    for &a in ALPHABET {
        check_consistent(&[a]);
        for &b in ALPHABET {
            check_consistent(&[a, b]);
            for &c in ALPHABET {
                buf.copy_from_slice(&[a, b, c]);
                check_consistent(&buf);
            }
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    // xorshift64*: a fixed seed gives the same inputs on every run; no crate needed for noise.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut bytes = Vec::new();
    for _ in 0..20_000 {
        bytes.clear();
        let len = (next() % 40) as usize;
        // Half the inputs start in EACC so that multibyte paths see random bytes too.
        if next() % 2 == 0 {
            bytes.extend_from_slice(b"\x1b$1");
        }
        bytes.extend((0..len).map(|_| (next() >> 24) as u8));
        check_consistent(&bytes);
    }
}
