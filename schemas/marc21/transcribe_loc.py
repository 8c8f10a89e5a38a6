"""Writes leader.json, 008.json, holdings.json and authority.json.

The facts here were transcribed by hand from the Library of Congress MARC 21 formats
(https://www.loc.gov/marc/bibliographic/, /marc/holdings/, /marc/authority/); see SOURCES.md.
Tags that the holdings and authority formats share with the bibliographic format (same
indicators and subfields) are copied from bibliographic.json, which derive_from_marc_lint.py
builds. Run after that script:  python3 transcribe_loc.py
"""

import json
from pathlib import Path

HERE = Path(__file__).parent
B = " "  # a blank position


def c(chars, name, start, end=None, each=False):
    """A position (or range) whose value is one of the single-character codes in `chars`."""
    return {"start": start, "end": end if end is not None else start, "name": name,
            "kind": "codes", "each": each, "codes": sorted(set(chars))}


def multi(codes, name, start, end):
    return {"start": start, "end": end, "name": name, "kind": "codes", "each": False,
            "codes": sorted(set(codes))}


def kind(k, name, start, end):
    return {"start": start, "end": end, "name": name, "kind": k}


def undefined(start, end=None):
    return c(B + "|", "Undefined", start, end, each=True)


# ---- Leader ------------------------------------------------------------------------------
LEADER_BIB = [
    {**c("acdnp", "Record status", 5), "meanings": {
        "a": "Increase in encoding level", "c": "Corrected or revised", "d": "Deleted",
        "n": "New", "p": "Increase in encoding level from prepublication"}},
    {**c("acdefgijkmoprt", "Type of record", 6), "meanings": {
        "a": "Language material", "c": "Notated music", "d": "Manuscript notated music",
        "e": "Cartographic material", "f": "Manuscript cartographic material",
        "g": "Projected medium", "i": "Nonmusical sound recording",
        "j": "Musical sound recording", "k": "Two-dimensional nonprojectable graphic",
        "m": "Computer file", "o": "Kit", "p": "Mixed materials",
        "r": "Three-dimensional artifact or naturally occurring object",
        "t": "Manuscript language material"}},
    {**c("abcdims", "Bibliographic level", 7), "meanings": {
        "a": "Monographic component part", "b": "Serial component part", "c": "Collection",
        "d": "Subunit", "i": "Integrating resource", "m": "Monograph/Item", "s": "Serial"}},
    {**c(B + "a", "Type of control", 8), "meanings": {" ": "No specified type", "a": "Archival"}},
    {**c(B + "a", "Character coding scheme", 9), "meanings": {" ": "MARC-8", "a": "UCS/Unicode"}},
    {**c("2", "Indicator count", 10), "severity": "warning",
     "meanings": {"2": "Two character positions for indicators"}},
    {**c("2", "Subfield code count", 11), "severity": "warning",
     "meanings": {"2": "Two character positions for a subfield code"}},
    {**c(B + "123457843uz", "Encoding level", 17), "meanings": {
        " ": "Full level", "1": "Full level, material not examined",
        "2": "Less-than-full level, material not examined", "3": "Abbreviated level",
        "4": "Core level", "5": "Partial (preliminary) level", "7": "Minimal level",
        "8": "Prepublication level", "u": "Unknown", "z": "Not applicable"}},
    {**c(B + "acinu", "Descriptive cataloging form", 18), "meanings": {
        " ": "Non-ISBD", "a": "AACR 2", "c": "ISBD punctuation omitted",
        "i": "ISBD punctuation included", "n": "Non-ISBD punctuation omitted", "u": "Unknown"}},
    {**c(B + "abc", "Multipart resource record level", 19), "meanings": {
        " ": "Not specified or not applicable", "a": "Set",
        "b": "Part with independent title", "c": "Part with dependent title"}},
    {**c("4", "Length of the length-of-field portion", 20), "severity": "warning"},
    {**c("5", "Length of the starting-character-position portion", 21), "severity": "warning"},
    {**c("0", "Length of the implementation-defined portion", 22), "severity": "warning"},
    {**c("0", "Undefined (entry map)", 23), "severity": "warning"},
]
TAIL = LEADER_BIB[5:7] + LEADER_BIB[10:]
LEADER_HOLDINGS = [
    c("cdn", "Record status", 5), c("uvxy", "Type of record", 6),
    c(B, "Undefined", 7), c(B, "Undefined", 8), c(B + "a", "Character coding scheme", 9),
    c("12345muz", "Encoding level", 17), c("in", "Item information in record", 18),
    c(B, "Undefined", 19),
] + TAIL
LEADER_AUTHORITY = [
    c("acdnosx", "Record status", 5), c("z", "Type of record", 6),
    c(B, "Undefined", 7), c(B, "Undefined", 8), c(B + "a", "Character coding scheme", 9),
    c("no", "Encoding level", 17), c(B + "ciu", "Punctuation policy", 18),
    c(B, "Undefined", 19),
] + TAIL
for table in (LEADER_HOLDINGS, LEADER_AUTHORITY):
    for p in table:
        if p["start"] in (7, 8, 19):
            p["severity"] = "warning"

# ---- 008 -----------------------------------------------------------------------------------
AUDIENCE = B + "abcdefgj|"
FORM = B + "abcdfoqrs|"
GOVT = B + "acfilmosuz|"
NATURE = B + "abcdefgijklmnopqrstuvwyz256|"
BOOLEAN = "01|"

ALL_BIB = [
    kind("date_entered", "Date entered on file", 0, 5),
    c("bcdeikmnpqrstu|", "Type of date/Publication status", 6),
    kind("date", "Date 1", 7, 10),
    kind("date", "Date 2", 11, 14),
    kind("country", "Place of publication, production, or execution", 15, 17),
    kind("language", "Language", 35, 37),
    c(B + "dorsx|", "Modified record", 38),
    c(B + "cdu|", "Cataloging source", 39),
]
BOOKS = [
    c(B + "abcdefghijklmop|", "Illustrations", 18, 21, each=True),
    c(AUDIENCE, "Target audience", 22), c(FORM, "Form of item", 23),
    c(NATURE, "Nature of contents", 24, 27, each=True),
    c(GOVT, "Government publication", 28), c(BOOLEAN, "Conference publication", 29),
    c(BOOLEAN, "Festschrift", 30), c(BOOLEAN, "Index", 31), undefined(32),
    c("01defhijmpsu|", "Literary form", 33), c(B + "abcd|", "Biography", 34),
]
CONTINUING = [
    c(B + "abcdefghijkmqstuwz|", "Frequency", 18), c("nrux|", "Regularity", 19),
    undefined(20), c(B + "dghjlmnpstw|", "Type of continuing resource", 21),
    c(B + "abcdefoqs|", "Form of original item", 22), c(FORM, "Form of item", 23),
    c(B + "abcdefghiklmnopqrstuvwyz56|", "Nature of entire work", 24),
    c(B + "abcdefghiklmnopqrstuvwyz56|", "Nature of contents", 25, 27, each=True),
    c(GOVT, "Government publication", 28), c(BOOLEAN, "Conference publication", 29),
    undefined(30, 32), c(B + "abcdefghijkuz|", "Original alphabet or script of title", 33),
    c("012|", "Entry convention", 34),
]
MUSIC = [
    multi("an bd bg bl bt ca cb cc cg ch cl cn co cp cr cs ct cy cz df dv fg fl fm ft gm hy "
          "jz mc md mi mo mp mr ms mu mz nc nn op or ov pg pm po pp pr ps pt pv rc rd rg ri "
          "rp rq sd sg sn sp st su sy tc tl ts uu vi vr wz za zz ||".split(),
          "Form of composition", 18, 19),
    c("abcdeghijklmnpuz|", "Format of music", 20), c(B + "defnu|", "Music parts", 21),
    c(AUDIENCE, "Target audience", 22), c(FORM, "Form of item", 23),
    c(B + "abcdefghikrsz|", "Accompanying matter", 24, 29, each=True),
    c(B + "abcdefghijklmnoprstz|", "Literary text for sound recordings", 30, 31, each=True),
    undefined(32), c(B + "abcnu|", "Transposition and arrangement", 33), undefined(34),
]
MAPS = [
    c(B + "abcdefgijkmz|", "Relief", 18, 21, each=True),
    multi(["  ", "||"] + "aa ab ac ad ae af ag am an ap au az ba bb bc bd be bf bg bh bi bj "
          "bk bl bo br bs bu bz ca cb cc ce cp cu cz da db dc dd de df dg dh dl zz".split(),
          "Projection", 22, 23),
    undefined(24), c("abcdefguz|", "Type of cartographic material", 25),
    undefined(26, 27), c(GOVT, "Government publication", 28), c(FORM, "Form of item", 29),
    undefined(30), c(BOOLEAN, "Index", 31), undefined(32),
    c(B + "ejklnoprz|", "Special format characteristics", 33, 34, each=True),
]
VISUAL = [
    kind("running_time", "Running time for motion pictures and videorecordings", 18, 20),
    undefined(21), c(AUDIENCE, "Target audience", 22), undefined(23, 27),
    c(GOVT, "Government publication", 28), c(FORM, "Form of item", 29), undefined(30, 32),
    c("abcdfgiklmnopqrstvwz|", "Type of visual material", 33),
    c("aclnuz|", "Technique", 34),
]
COMPUTER = [
    undefined(18, 21), c(AUDIENCE, "Target audience", 22), c(B + "oq|", "Form of item", 23),
    undefined(24, 25), c("abcdefghijmuz|", "Type of computer file", 26), undefined(27),
    c(GOVT, "Government publication", 28), undefined(29, 34),
]
MIXED = [undefined(18, 22), c(FORM, "Form of item", 23), undefined(24, 34)]

# ---- 008 code meanings (LoC 008 pages), for the fixed-field editor -----------------------------
# By position name: the positions of one name mean the same in every material type, except
# where "material/name" says otherwise.
NO_ATTEMPT = {"|": "No attempt to code"}
NATURE_MEANINGS = {
    " ": "No specified nature of contents", "a": "Abstracts/summaries", "b": "Bibliographies",
    "c": "Catalogs", "d": "Dictionaries", "e": "Encyclopedias", "f": "Handbooks",
    "g": "Legal articles", "h": "Biography", "i": "Indexes", "j": "Patent document",
    "k": "Discographies", "l": "Legislation", "m": "Theses",
    "n": "Surveys of literature in a subject area", "o": "Reviews", "p": "Programmed texts",
    "q": "Filmographies", "r": "Directories", "s": "Statistics", "t": "Technical reports",
    "u": "Standards/specifications", "v": "Legal cases and case notes",
    "w": "Law reports and digests", "y": "Yearbooks", "z": "Treaties", "2": "Offprints",
    "5": "Calendars", "6": "Comics/graphic novels", **NO_ATTEMPT}
FORM_MEANINGS = {
    " ": "None of the following", "a": "Microfilm", "b": "Microfiche", "c": "Microopaque",
    "d": "Large print", "f": "Braille", "o": "Online", "q": "Direct electronic",
    "r": "Regular print reproduction", "s": "Electronic", **NO_ATTEMPT}
MEANINGS_008 = {
    "Type of date/Publication status": {
        "b": "No dates given; B.C. date involved",
        "c": "Continuing resource currently published",
        "d": "Continuing resource ceased publication", "e": "Detailed date",
        "i": "Inclusive dates of collection", "k": "Range of years of bulk of collection",
        "m": "Multiple dates", "n": "Dates unknown",
        "p": "Date of distribution/release/issue and production/recording session when different",
        "q": "Questionable date", "r": "Reprint/reissue date and original date",
        "s": "Single known date/probable date", "t": "Publication date and copyright date",
        "u": "Continuing resource status unknown", **NO_ATTEMPT},
    "Modified record": {
        " ": "Not modified", "d": "Dashed-on information omitted",
        "o": "Completely romanized/printed cards romanized",
        "r": "Completely romanized/printed cards in script", "s": "Shortened",
        "x": "Missing characters", **NO_ATTEMPT},
    "Cataloging source": {
        " ": "National bibliographic agency", "c": "Cooperative cataloging program",
        "d": "Other", "u": "Unknown", **NO_ATTEMPT},
    "Illustrations": {
        " ": "No illustrations", "a": "Illustrations", "b": "Maps", "c": "Portraits",
        "d": "Charts", "e": "Plans", "f": "Plates", "g": "Music", "h": "Facsimiles",
        "i": "Coats of arms", "j": "Genealogical tables", "k": "Forms", "l": "Samples",
        "m": "Phonodisc, phonowire, etc.", "o": "Photographs", "p": "Illuminations",
        **NO_ATTEMPT},
    "Target audience": {
        " ": "Unknown or not specified", "a": "Preschool", "b": "Primary",
        "c": "Pre-adolescent", "d": "Adolescent", "e": "Adult", "f": "Specialized",
        "g": "General", "j": "Juvenile", **NO_ATTEMPT},
    "Form of item": FORM_MEANINGS,
    "computer_files/Form of item": {
        " ": "Unknown or not specified", "o": "Online", "q": "Direct electronic", **NO_ATTEMPT},
    "Form of original item": {**FORM_MEANINGS, "e": "Newspaper format"},
    "Nature of contents": NATURE_MEANINGS,
    "Nature of entire work": {**NATURE_MEANINGS, " ": "Not specified"},
    "Government publication": {
        " ": "Not a government publication",
        "a": "Autonomous or semi-autonomous component", "c": "Multilocal",
        "f": "Federal/national", "i": "International intergovernmental", "l": "Local",
        "m": "Multistate", "o": "Government publication-level undetermined",
        "s": "State, provincial, territorial, dependent, etc.",
        "u": "Unknown if item is government publication", "z": "Other", **NO_ATTEMPT},
    "Conference publication": {
        "0": "Not a conference publication", "1": "Conference publication", **NO_ATTEMPT},
    "Festschrift": {"0": "Not a festschrift", "1": "Festschrift", **NO_ATTEMPT},
    "Index": {"0": "No index", "1": "Index present", **NO_ATTEMPT},
    "Undefined": {" ": "Undefined", **NO_ATTEMPT},
    "Literary form": {
        "0": "Not fiction (not further specified)", "1": "Fiction (not further specified)",
        "d": "Dramas", "e": "Essays", "f": "Novels", "h": "Humor, satires, etc.",
        "i": "Letters", "j": "Short stories", "m": "Mixed forms", "p": "Poetry",
        "s": "Speeches", "u": "Unknown", **NO_ATTEMPT},
    "Biography": {
        " ": "No biographical material", "a": "Autobiography", "b": "Individual biography",
        "c": "Collective biography", "d": "Contains biographical information", **NO_ATTEMPT},
    "Frequency": {
        " ": "No determinable frequency", "a": "Annual", "b": "Bimonthly", "c": "Semiweekly",
        "d": "Daily", "e": "Biweekly", "f": "Semiannual", "g": "Biennial", "h": "Triennial",
        "i": "Three times a week", "j": "Three times a month", "k": "Continuously updated",
        "m": "Monthly", "q": "Quarterly", "s": "Semimonthly", "t": "Three times a year",
        "u": "Unknown", "w": "Weekly", "z": "Other", **NO_ATTEMPT},
    "Regularity": {
        "n": "Normalized irregular", "r": "Regular", "u": "Unknown",
        "x": "Completely irregular", **NO_ATTEMPT},
    "Type of continuing resource": {
        " ": "None of the following", "d": "Updating database", "g": "Magazine", "h": "Blog",
        "j": "Journal", "l": "Updating loose-leaf", "m": "Monographic series",
        "n": "Newspaper", "p": "Periodical", "s": "Bulletin", "t": "Directory",
        "w": "Updating Web site", **NO_ATTEMPT},
    "Original alphabet or script of title": {
        " ": "No alphabet or script given/No key title", "a": "Basic Roman",
        "b": "Extended Roman", "c": "Cyrillic", "d": "Japanese", "e": "Chinese",
        "f": "Arabic", "g": "Greek", "h": "Hebrew", "i": "Thai", "j": "Devanagari",
        "k": "Korean", "l": "Tamil", "u": "Unknown", "z": "Other", **NO_ATTEMPT},
    "Entry convention": {
        "0": "Successive entry", "1": "Latest entry", "2": "Integrated entry", **NO_ATTEMPT},
    "Form of composition": {
        "an": "Anthems", "bd": "Ballads", "bg": "Bluegrass music", "bl": "Blues",
        "bt": "Ballets", "ca": "Chaconnes", "cb": "Chants, Other religions",
        "cc": "Chant, Christian", "cg": "Concerti grossi", "ch": "Chorales",
        "cl": "Chorale preludes", "cn": "Canons and rounds", "co": "Concertos",
        "cp": "Chansons, polyphonic", "cr": "Carols", "cs": "Chance compositions",
        "ct": "Cantatas", "cy": "Country music", "cz": "Canzonas", "df": "Dance forms",
        "dv": "Divertimentos, serenades, cassations, divertissements, and notturni",
        "fg": "Fugues", "fl": "Flamenco", "fm": "Folk music", "ft": "Fantasias",
        "gm": "Gospel music", "hy": "Hymns", "jz": "Jazz", "mc": "Musical revues and comedies",
        "md": "Madrigals", "mi": "Minuets", "mo": "Motets", "mp": "Motion picture music",
        "mr": "Marches", "ms": "Masses", "mu": "Multiple forms", "mz": "Mazurkas",
        "nc": "Nocturnes", "nn": "Not applicable", "op": "Operas", "or": "Oratorios",
        "ov": "Overtures", "pg": "Program music", "pm": "Passion music", "po": "Polonaises",
        "pp": "Popular music", "pr": "Preludes", "ps": "Passacaglias", "pt": "Part-songs",
        "pv": "Pavans", "rc": "Rock music", "rd": "Rondos", "rg": "Ragtime music",
        "ri": "Ricercars", "rp": "Rhapsodies", "rq": "Requiems", "sd": "Square dance music",
        "sg": "Songs", "sn": "Sonatas", "sp": "Symphonic poems", "st": "Studies and exercises",
        "su": "Suites", "sy": "Symphonies", "tc": "Toccatas", "tl": "Teatro lirico",
        "ts": "Trio-sonatas", "uu": "Unknown", "vi": "Villancicos", "vr": "Variations",
        "wz": "Waltzes", "za": "Zarzuelas", "zz": "Other", "||": "No attempt to code"},
    "Format of music": {
        "a": "Full score", "b": "Miniature or study score",
        "c": "Accompaniment reduced for keyboard",
        "d": "Voice score with accompaniment omitted",
        "e": "Condensed score or piano-conductor score", "g": "Close score",
        "h": "Chorus score", "i": "Condensed score", "j": "Performer-conductor part",
        "k": "Vocal score", "l": "Score", "m": "Multiple score formats", "n": "Not applicable",
        "p": "Piano score", "u": "Unknown", "z": "Other", **NO_ATTEMPT},
    "Music parts": {
        " ": "No parts in hand or not specified", "d": "Instrumental and vocal parts",
        "e": "Instrumental parts", "f": "Vocal parts", "n": "Not applicable", "u": "Unknown",
        **NO_ATTEMPT},
    "Accompanying matter": {
        " ": "No accompanying matter", "a": "Discography", "b": "Bibliography",
        "c": "Thematic index", "d": "Libretto or text",
        "e": "Biography of composer or author",
        "f": "Biography of performer or history of ensemble",
        "g": "Technical and/or historical information on instruments",
        "h": "Technical information on music", "i": "Historical information",
        "k": "Ethnological information", "r": "Instructional materials", "s": "Music",
        "z": "Other", **NO_ATTEMPT},
    "Literary text for sound recordings": {
        " ": "Item is a music sound recording", "a": "Autobiography", "b": "Biography",
        "c": "Conference proceedings", "d": "Drama", "e": "Essays", "f": "Fiction",
        "g": "Reporting", "h": "History", "i": "Instruction", "j": "Language instruction",
        "k": "Comedy", "l": "Lectures, speeches", "m": "Memoirs", "n": "Not applicable",
        "o": "Folktales", "p": "Poetry", "r": "Rehearsals", "s": "Sounds", "t": "Interviews",
        "z": "Other", **NO_ATTEMPT},
    "Transposition and arrangement": {
        " ": "Not arrangement or transposition or not specified", "a": "Transposition",
        "b": "Arrangement", "c": "Both transposed and arranged", "n": "Not applicable",
        "u": "Unknown", **NO_ATTEMPT},
    "Relief": {
        " ": "No relief shown", "a": "Contours", "b": "Shading",
        "c": "Gradient and bathymetric tints", "d": "Hachures", "e": "Bathymetry/soundings",
        "f": "Form lines", "g": "Spot heights", "i": "Pictorially", "j": "Land forms",
        "k": "Bathymetry/isolines", "m": "Rock drawings", "z": "Other", **NO_ATTEMPT},
    "Projection": {
        "  ": "Projection not specified", "aa": "Aitoff", "ab": "Gnomic",
        "ac": "Lambert's azimuthal equal area", "ad": "Orthographic",
        "ae": "Azimuthal equidistant", "af": "Stereographic",
        "ag": "General vertical near-sided", "am": "Modified stereographic for Alaska",
        "an": "Chamberlin trimetric", "ap": "Polar stereographic",
        "au": "Azimuthal, specific type unknown", "az": "Azimuthal, other", "ba": "Gall",
        "bb": "Goode's homolographic", "bc": "Lambert's cylindrical equal area",
        "bd": "Mercator", "be": "Miller", "bf": "Mollweide", "bg": "Sinusoidal",
        "bh": "Transverse Mercator", "bi": "Gauss-Kruger", "bj": "Equirectangular",
        "bk": "Krovak", "bl": "Cassini-Soldner", "bo": "Oblique Mercator", "br": "Robinson",
        "bs": "Space oblique Mercator", "bu": "Cylindrical, specific type unknown",
        "bz": "Cylindrical, other", "ca": "Albers equal area", "cb": "Bonne",
        "cc": "Lambert's conformal conic", "ce": "Equidistant conic", "cp": "Polyconic",
        "cu": "Conic, specific type unknown", "cz": "Conic, other", "da": "Armadillo",
        "db": "Butterfly", "dc": "Eckert", "dd": "Goode's homolosine",
        "de": "Miller's bipolar oblique conformal conic", "df": "Van der Grinten",
        "dg": "Dimaxion", "dh": "Cordiform", "dl": "Lambert conformal", "zz": "Other",
        "||": "No attempt to code"},
    "Type of cartographic material": {
        "a": "Single map", "b": "Map series", "c": "Map serial", "d": "Globe", "e": "Atlas",
        "f": "Separate supplement to another work", "g": "Bound as part of another work",
        "u": "Unknown", "z": "Other", **NO_ATTEMPT},
    "Special format characteristics": {
        " ": "No specified special format characteristics", "e": "Manuscript",
        "j": "Picture card, post card", "k": "Calendar", "l": "Puzzle", "n": "Game",
        "o": "Wall map", "p": "Playing cards", "r": "Loose-leaf", "z": "Other", **NO_ATTEMPT},
    "Type of visual material": {
        "a": "Art original", "b": "Kit", "c": "Art reproduction", "d": "Diorama",
        "f": "Filmstrip", "g": "Game", "i": "Picture", "k": "Graphic",
        "l": "Technical drawing", "m": "Motion picture", "n": "Chart", "o": "Flash card",
        "p": "Microscope slide", "q": "Model", "r": "Realia", "s": "Slide",
        "t": "Transparency", "v": "Videorecording", "w": "Toy", "z": "Other", **NO_ATTEMPT},
    "Technique": {
        "a": "Animation", "c": "Animation and live action", "l": "Live action",
        "n": "Not applicable", "u": "Unknown", "z": "Other", **NO_ATTEMPT},
    "Type of computer file": {
        "a": "Numeric data", "b": "Computer program", "c": "Representational",
        "d": "Document", "e": "Bibliographic data", "f": "Font", "g": "Game", "h": "Sound",
        "i": "Interactive multimedia", "j": "Online system or service", "m": "Combination",
        "u": "Unknown", "z": "Other", **NO_ATTEMPT},
}

F008 = {
    "length": 40,
    "material_types": {
        "books": {"name": "Books", "positions": ALL_BIB + BOOKS},
        "continuing_resources": {"name": "Continuing resources", "positions": ALL_BIB + CONTINUING},
        "music": {"name": "Music", "positions": ALL_BIB + MUSIC},
        "maps": {"name": "Maps", "positions": ALL_BIB + MAPS},
        "visual_materials": {"name": "Visual materials", "positions": ALL_BIB + VISUAL},
        "computer_files": {"name": "Computer files", "positions": ALL_BIB + COMPUTER},
        "mixed_materials": {"name": "Mixed materials", "positions": ALL_BIB + MIXED},
    },
    "material_type_by_leader": [
        {"leader06": "at", "leader07": "bis", "type": "continuing_resources",
         "note": "LoC: Leader/06 a with Leader/07 b, i or s is a continuing resource"},
        {"leader06": "at", "type": "books"},
        {"leader06": "cdij", "type": "music"},
        {"leader06": "ef", "type": "maps"},
        {"leader06": "gkor", "type": "visual_materials"},
        {"leader06": "m", "type": "computer_files"},
        {"leader06": "p", "type": "mixed_materials"},
    ],
    "holdings": {"length": 32, "positions": [
        kind("date_entered", "Date entered on file", 0, 5),
        c("012345", "Receipt or acquisition status", 6),
        c("cdeglmnpquz", "Method of acquisition", 7),
        kind("any", "Expected acquisition end date", 8, 11),
        c("012345678", "General retention policy", 12),
        kind("any", "Specific retention policy", 13, 15),
        c("01234", "Completeness", 16),
        kind("any", "Number of copies reported", 17, 19),
        c("abclu", "Lending policy", 20), c("abu", "Reproduction policy", 21),
        kind("language_or_blank", "Language", 22, 24),
        c("01", "Separate or composite copy report", 25),
        kind("any", "Date of report", 26, 31),
    ]},
    "authority": {"length": 40, "positions": [
        kind("date_entered", "Date entered on file", 0, 5),
        c(B + "din|", "Direct or indirect geographic subdivision", 6),
        c("abcdefghijklmnz|", "Romanization scheme", 7),
        c(B + "bef|", "Language of catalog", 8),
        c("abcdefg", "Kind of record", 9),
        c("abcdnz|", "Descriptive cataloging rules", 10),
        c("abcdknrsvz|", "Subject heading system/thesaurus", 11),
        c("abcnz|", "Type of series", 12), c("abcn|", "Numbered or unnumbered series", 13),
        c("ab|", "Heading use--main or added entry", 14),
        c("ab|", "Heading use--subject added entry", 15),
        c("ab|", "Heading use--series added entry", 16),
        c("abcden|", "Type of subject subdivision", 17), undefined(18, 27),
        c(GOVT, "Type of government agency", 28), c("abn|", "Reference evaluation", 29),
        undefined(30), c("ab|", "Record update in process", 31),
        c("abn|", "Undifferentiated personal name", 32),
        c("abcdn|", "Level of establishment", 33), undefined(34, 37),
        c(B + "sx|", "Modified record", 38), c(B + "cdu|", "Cataloging source", 39),
    ]},
}

# ---- Holdings and authority tags ---------------------------------------------------------
BIB = json.loads((HERE / "bibliographic.json").read_text())["tags"]


def sf(spec):
    """'a NR Name; b R Name' -> subfield table."""
    out = {}
    for item in spec.split(";"):
        code, rep, name = item.strip().split(None, 2)
        out[code] = {"name": name, "repeatable": rep == "R"}
    return out


def ind(values, name):
    return {"values": values, "name": name}


def tag(name, repeatable, ind1=None, ind2=None, subfields=None):
    e = {"name": name, "repeatable": repeatable}
    if subfields is not None:
        e["ind1"] = ind1 or ind(B, "Undefined")
        e["ind2"] = ind2 or ind(B, "Undefined")
        e["subfields"] = subfields
    return e


SHARED_HOLDINGS = ("001 003 005 007 010 020 022 024 027 030 035 040 066 337 338 506 538 541 561 "
                   "562 563 583 843 845 856 880 883").split()
ENUM_CHRON = sf("a NR First level of enumeration; b NR Second level of enumeration; "
                "c NR Third level of enumeration; d NR Fourth level of enumeration; "
                "e NR Fifth level of enumeration; f NR Sixth level of enumeration; "
                "g NR Alternative numbering scheme, first level of enumeration; "
                "h NR Alternative numbering scheme, second level of enumeration; "
                "i NR First level of chronology; j NR Second level of chronology; "
                "k NR Third level of chronology; l NR Fourth level of chronology; "
                "m NR Alternative numbering scheme, chronology; n NR Converted Gregorian year; "
                "o R Title of unit; p NR Piece designation; q NR Piece physical condition; "
                "s R Copyright article-fee code; t NR Copy number; v R Issuing date; "
                "w NR Break indicator; x R Nonpublic note; z R Public note; 6 NR Linkage; "
                "8 NR Field link and sequence number")
CAPTIONS = sf("a NR First level of enumeration; b NR Second level of enumeration; "
              "c NR Third level of enumeration; d NR Fourth level of enumeration; "
              "e NR Fifth level of enumeration; f NR Sixth level of enumeration; "
              "g NR Alternative numbering scheme, first level of enumeration; "
              "h NR Alternative numbering scheme, second level of enumeration; "
              "i NR First level of chronology; j NR Second level of chronology; "
              "k NR Third level of chronology; l NR Fourth level of chronology; "
              "m NR Alternative numbering scheme, chronology; n NR Pattern note; "
              "p NR Number of pieces per issuance; t NR Copy caption; "
              "u R Bibliographic units per next higher level; v R Numbering continuity; "
              "w NR Frequency; x NR Calendar change; y R Regularity pattern; "
              "z R Numbering scheme; 2 R Source of caption abbreviation; "
              "3 NR Materials specified; 6 NR Linkage; 8 NR Field link and sequence number")
TEXTUAL = sf("a NR Textual string; x R Nonpublic note; z R Public note; "
             "2 NR Source of notation; 6 NR Linkage; 8 NR Field link and sequence number")
ITEM = sf("a NR Internal item number; b R Invalid or canceled internal item number; c R Cost; "
          "d R Date acquired; e R Source of acquisition; h R Use restrictions; j R Item status; "
          "l R Temporary location; p R Piece designation; "
          "r R Invalid or canceled piece designation; t NR Copy number; x R Nonpublic note; "
          "z R Public note; 3 NR Materials specified; 6 NR Linkage; "
          "8 R Field link and sequence number")
LEVEL = ind(B + "345", "Field encoding level")
HOLDINGS = {t: BIB[t] for t in SHARED_HOLDINGS}
HOLDINGS.update({
    "004": tag("CONTROL NUMBER FOR RELATED BIBLIOGRAPHIC RECORD", False),
    "008": tag("FIXED-LENGTH DATA ELEMENTS", False),
    "014": tag("LINKAGE NUMBER", True, ind("01", "Type of linkage number"), None,
               sf("a NR Linkage number; 6 NR Linkage; 8 R Field link and sequence number")),
    "842": tag("TEXTUAL PHYSICAL FORM DESIGNATOR", False, None, None,
               sf("a NR Textual physical form designator; 6 NR Linkage; "
                  "8 R Field link and sequence number")),
    "844": tag("NAME OF UNIT", False, None, None,
               sf("a NR Name of unit; 6 NR Linkage; 8 R Field link and sequence number")),
    "852": tag("LOCATION", True, ind(B + "012345678", "Shelving scheme"),
               ind(B + "012", "Shelving order"),
               sf("a NR Location; b R Sublocation or collection; c R Shelving location; "
                  "d R Former shelving location; e R Address; f R Coded location qualifier; "
                  "g R Non-coded location qualifier; h NR Classification part; i R Item part; "
                  "j NR Shelving control number; k R Call number prefix; "
                  "l NR Shelving form of title; m R Call number suffix; n NR Country code; "
                  "p NR Piece designation; q NR Piece physical condition; "
                  "s R Copyright article-fee code; t NR Copy number; "
                  "u R Uniform Resource Identifier; x R Nonpublic note; z R Public note; "
                  "2 NR Source of classification or shelving scheme; 3 NR Materials specified; "
                  "6 NR Linkage; 8 R Sequence number")),
})
for t, name in (("853", "BASIC BIBLIOGRAPHIC UNIT"), ("854", "SUPPLEMENTARY MATERIAL"),
                ("855", "INDEXES")):
    HOLDINGS[t] = tag("CAPTIONS AND PATTERN--" + name, True,
                      ind("0123", "Compressibility and expandability"),
                      ind("0123", "Caption evaluation"), CAPTIONS)
for t, name in (("863", "BASIC BIBLIOGRAPHIC UNIT"), ("864", "SUPPLEMENTARY MATERIAL"),
                ("865", "INDEXES")):
    HOLDINGS[t] = tag("ENUMERATION AND CHRONOLOGY--" + name, True, LEVEL,
                      ind(B + "0123", "Form of holdings"), ENUM_CHRON)
for t, name in (("866", "BASIC BIBLIOGRAPHIC UNIT"), ("867", "SUPPLEMENTARY MATERIAL"),
                ("868", "INDEXES")):
    HOLDINGS[t] = tag("TEXTUAL HOLDINGS--" + name, True, LEVEL,
                      ind("0127", "Type of notation"), TEXTUAL)
for t, name in (("876", "BASIC BIBLIOGRAPHIC UNIT"), ("877", "SUPPLEMENTARY MATERIAL"),
                ("878", "INDEXES")):
    HOLDINGS[t] = tag("ITEM INFORMATION--" + name, True, None, None, ITEM)

# Authority headings: LoC defines X00/X10/X11/X30/X50/X51/X55 with the same name and title
# subfields as the bibliographic 6XX subject entries, without the bibliographic-only $0 $1 $2
# $3 $4 $e/$u distinctions below; 4XX add $i $w $4 $5, 5XX add $i $w $0 $1 $4 $5.
SHARED_AUTHORITY = "001 003 005 010 016 024 035 040 042 043 046 050 053 066 880 883".split()
AUTHORITY = {t: BIB[t] for t in SHARED_AUTHORITY if t in BIB}
AUTHORITY["008"] = tag("FIXED-LENGTH DATA ELEMENTS", False)
HEADINGS = {"00": ("600", ind("013", "Type of personal name entry element"), "PERSONAL NAME"),
            "10": ("610", ind("012", "Type of corporate name entry element"), "CORPORATE NAME"),
            "11": ("611", ind("012", "Type of meeting name entry element"), "MEETING NAME"),
            "30": ("630", ind(B, "Undefined"), "UNIFORM TITLE"),
            "50": ("650", ind(B, "Undefined"), "TOPICAL TERM"),
            "51": ("651", ind(B, "Undefined"), "GEOGRAPHIC NAME"),
            "55": ("655", ind(B, "Undefined"), "GENRE/FORM TERM")}
EXTRA = {"4": sf("i R Relationship information; w NR Control subfield; 4 R Relationship; "
                 "5 R Institution to which field applies; 6 NR Linkage; "
                 "8 R Field link and sequence number"),
         "5": sf("i R Relationship information; w NR Control subfield; "
                 "0 R Authority record control number or standard number; "
                 "1 R Real World Object URI; 4 R Relationship; "
                 "5 R Institution to which field applies; 6 NR Linkage; "
                 "8 R Field link and sequence number")}
for suffix, (bib6, ind1, name) in HEADINGS.items():
    base = {k: v for k, v in BIB[bib6]["subfields"].items() if k not in "012345u"}
    base.update(sf("6 NR Linkage; 8 R Field link and sequence number"))
    # X30 in authority records uses ind2 for nonfiling characters (LoC 130/430/530).
    ind2 = ind("0123456789", "Nonfiling characters") if suffix == "30" else ind(B, "Undefined")
    ind1_ = ind(B, "Undefined") if suffix == "30" else ind1
    heading = "HEADING--" + name
    AUTHORITY["1" + suffix] = tag(heading, False, ind1_, ind2, dict(base))
    AUTHORITY["4" + suffix] = tag("SEE FROM TRACING--" + name, True, ind1_, ind2,
                                  {**base, **EXTRA["4"]})
    AUTHORITY["5" + suffix] = tag("SEE ALSO FROM TRACING--" + name, True, ind1_, ind2,
                                  {**base, **EXTRA["5"]})
AUTHORITY.update({
    "667": tag("NONPUBLIC GENERAL NOTE", True, None, None,
               sf("a NR Nonpublic general note; 5 R Institution to which field applies; "
                  "6 NR Linkage; 8 R Field link and sequence number")),
    "670": tag("SOURCE DATA FOUND", True, None, None,
               sf("a NR Source citation; b NR Information found; u R Uniform Resource Identifier; "
                  "w NR Bibliographic record control number; 6 NR Linkage; "
                  "8 R Field link and sequence number")),
    "675": tag("SOURCE DATA NOT FOUND", False, None, None,
               sf("a R Source citation; 6 NR Linkage; 8 R Field link and sequence number")),
    "680": tag("PUBLIC GENERAL NOTE", True, None, None,
               sf("a R Heading or subdivision term; i R Explanatory text; 6 NR Linkage; "
                  "8 R Field link and sequence number")),
})

# Every code of a bibliographic 008 position gets its meaning (a missing one is a transcription
# defect, so it fails here rather than in the editor).
for key, material in F008["material_types"].items():
    for p in material["positions"]:
        if p["kind"] != "codes":
            continue
        table = MEANINGS_008.get(f"{key}/{p['name']}") or MEANINGS_008[p["name"]]
        p["meanings"] = {code: table[code] for code in p["codes"]}


def dump(name, value):
    (HERE / name).write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n")


dump("leader.json", {"bibliographic": LEADER_BIB, "holdings": LEADER_HOLDINGS,
                     "authority": LEADER_AUTHORITY})
dump("008.json", F008)
dump("holdings.json", {"format": "holdings", "tags": dict(sorted(HOLDINGS.items()))})
dump("authority.json", {"format": "authority", "tags": dict(sorted(AUTHORITY.items()))})
