"""Derives bibliographic.json and codes.json from the MARC::Lint tables.

Run with the PyPI package marc-lint 0.0.6 installed (MIT-licensed Python port of MARC::Lint,
which carries the same tag table as the Perl module's `__DATA__` section):

    python3 derive_from_marc_lint.py

Only facts are taken (tags, repeatability, indicator values, subfield codes, code lists).
The output is committed; this script is kept so the derivation can be repeated and audited.
"""

import json
from pathlib import Path

from marc_lint import code_data
from marc_lint.field_rules import RULES_DATA

HERE = Path(__file__).parent


def indicator(value, description):
    if value == "blank":
        allowed = " "
    else:
        allowed = ""
        i = 0
        while i < len(value):
            ch = value[i]
            if i + 2 < len(value) and value[i + 1] == "-":
                allowed += "".join(chr(c) for c in range(ord(ch), ord(value[i + 2]) + 1))
                i += 3
                continue
            allowed += " " if (ch == "b" and i == 0) else ch
            i += 1
    return {"values": allowed, "name": description}


def bibliographic():
    tags = {}
    for block in RULES_DATA.strip().split("\n\n"):
        lines = [ln.rstrip() for ln in block.splitlines() if ln.strip()]
        tag, rep, name = lines[0].split(None, 2)
        entry = {"name": name.strip(), "repeatable": rep == "R"}
        subfields = {}
        for line in lines[1:]:
            parts = line.split(None, 2)
            if parts[0] in ("ind1", "ind2"):
                if parts[1] == "Same":
                    continue  # 880: checked against the linked field's own definition
                entry[parts[0]] = indicator(parts[1], parts[2] if len(parts) > 2 else "")
            elif parts[0] in ("NR", "R"):
                continue  # control fields: the table's placeholder row for "no subfields"
            else:
                subfields[parts[0]] = {
                    "name": parts[2] if len(parts) > 2 else "",
                    "repeatable": parts[1] == "R",
                }
        if len(lines) == 1:
            # Holdings fields embedded in a bibliographic record: the table names them only,
            # and MARC::Lint skips them; their content is defined in holdings.json.
            entry["embedded_holdings"] = True
        elif not tag.startswith("00"):
            entry["subfields"] = subfields
        else:
            entry.pop("ind1", None)
            entry.pop("ind2", None)
        tags[tag] = entry
    return tags


def words(s):
    return sorted(set(s.split("\t") if "\t" in s else s.split()))


def codes():
    return {
        "languages": sorted(code_data.LANGUAGE_CODES),
        "obsolete_languages": sorted(code_data.OBSOLETE_LANGUAGE_CODES),
        "countries": sorted(code_data.COUNTRY_CODES),
        "obsolete_countries": sorted(code_data.OBSOLETE_COUNTRY_CODES),
        "geographic_areas": sorted(code_data.GEOG_AREA_CODES),
        "obsolete_geographic_areas": sorted(code_data.OBSOLETE_GEOG_AREA_CODES),
    }


def articles():
    """Initial articles by language, for checking nonfiling-character indicators."""
    by_language = {}
    for word, languages in code_data.ARTICLES.items():
        for lang in languages:
            by_language.setdefault(lang, []).append(word)
    return {
        "articles": {k: sorted(v) for k, v in sorted(by_language.items())},
        # Titles that start with an article-like word which is not an article here.
        "exceptions": sorted(code_data.ARTICLE_EXCEPTIONS),
        # MARC::Lint accepts either count for these words (an article or not, by context).
        "ambiguous": {"en": [0, 3]},
        "languages_judged": sorted(code_data.SUPPORTED_ARTICLE_LANGUAGES),
    }


def dump(name, value):
    (HERE / name).write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n")


dump("bibliographic.json", {"format": "bibliographic", "tags": bibliographic()})
dump("codes.json", codes())
dump("articles.json", articles())
