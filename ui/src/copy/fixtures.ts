/**
 * Copy-cataloging test data: two SRU targets (the National Library of Vietnam and the Library
 * of Congress) and Vietnamese records as a target returns them (MARCXML read into MarcRecord,
 * with the summary the SRU client makes). Every builder returns a fresh copy.
 */
import type { CopyHit } from "../bindings/CopyHit";
import type { CopyImportOutcome } from "../bindings/CopyImportOutcome";
import type { CopySearchPage } from "../bindings/CopySearchPage";
import type { CopyTarget } from "../bindings/CopyTarget";
import type { MarcField } from "../bindings/MarcField";
import type { MarcRecord } from "../bindings/MarcRecord";

export function targets(): CopyTarget[] {
  return [
    { name: "loc", base_url: "http://lx2.loc.gov:210/LCDB", version: "1.1", record_schema: "marcxml" },
    { name: "nlv", base_url: "https://sru.nlv.gov.vn/sru", version: "2.0", record_schema: "marcxml" },
  ];
}

const data = (tag: string, ind1: string, ind2: string, ...subs: Array<[string, string]>): MarcField => ({
  kind: "data",
  tag,
  ind1,
  ind2,
  subfields: subs.map(([code, value]) => ({ code, value })),
});
const control = (tag: string, value: string): MarcField => ({ kind: "control", tag, value });

/** Tô Hoài's Dế Mèn phiêu lưu ký as the National Library catalogs it. */
export function deMenMarc(): MarcRecord {
  return {
    leader: "00812nam a2200253 i 4500",
    fields: [
      control("001", "VN-NLV-2019-004512"),
      control("003", "VN-NLV"),
      control("008", "190405s2019    vm a   j      000 1 vie d"),
      data("020", " ", " ", ["a", "9786042088701"], ["q", "(bìa mềm)"]),
      data("041", "0", " ", ["a", "vie"]),
      data("082", "0", "4", ["a", "895.9223"], ["b", "T450H"]),
      data("100", "0", " ", ["a", "Tô Hoài,"], ["d", "1920-2014."]),
      data("245", "1", "0", ["a", "Dế Mèn phiêu lưu ký /"], ["c", "Tô Hoài ; minh hoạ: Tạ Huy Long."]),
      data("250", " ", " ", ["a", "In lần thứ 15."]),
      data("264", " ", "1", ["a", "Hà Nội :"], ["b", "Kim Đồng,"], ["c", "2019."]),
      data("300", " ", " ", ["a", "143 tr. :"], ["b", "tranh vẽ ;"], ["c", "21 cm."]),
      data("490", "0", " ", ["a", "Tủ sách Tác phẩm chọn lọc dành cho thiếu nhi"]),
      data("500", " ", " ", ["a", "Truyện dài dành cho thiếu nhi."]),
      data("650", " ", "7", ["a", "Văn học thiếu nhi"], ["z", "Việt Nam"], ["v", "Truyện dài"], ["2", "bvvn"]),
    ],
  };
}

/** Vũ Trọng Phụng's Số đỏ, with an ISBN-10 and an ISBN-13. */
export function soDoMarc(): MarcRecord {
  return {
    leader: "00701nam a2200229 a 4500",
    fields: [
      control("001", "VN-NLV-2016-118830"),
      control("008", "160922s2016    vm            000 1 vie d"),
      data("020", " ", " ", ["a", "9786045391416"]),
      data("020", " ", " ", ["a", "604539141X (bìa cứng)"]),
      data("100", "0", " ", ["a", "Vũ Trọng Phụng,"], ["d", "1912-1939."]),
      data("245", "1", "0", ["a", "Số đỏ :"], ["b", "tiểu thuyết /"], ["c", "Vũ Trọng Phụng."]),
      data("260", " ", " ", ["a", "Hà Nội :"], ["b", "Văn học,"], ["c", "2016."]),
      data("300", " ", " ", ["a", "283 tr. ;"], ["c", "19 cm."]),
      data("650", " ", "7", ["a", "Tiểu thuyết"], ["z", "Việt Nam"], ["y", "Thế kỷ 20"]),
    ],
  };
}

/** A thin record: no author, no 008, no ISBN (what some targets send for old holdings). */
export function thinMarc(): MarcRecord {
  return {
    leader: "00230nam a2200097 a 4500",
    fields: [
      control("001", "VN-NLV-1958-000071"),
      data("245", "0", "0", ["a", "Ca dao tục ngữ Việt Nam."]),
      data("260", " ", " ", ["a", "Sài Gòn :"], ["b", "Khai Trí,"], ["c", "[1958]"]),
    ],
  };
}

/** The summary the SRU client makes of a record (title, author, publisher, year, ISBN-13s). */
export function hitOf(position: number, record: MarcRecord, isbns: string[]): CopyHit {
  const sub = (tag: string, code: string) => {
    for (const f of record.fields) {
      if (f.kind === "data" && f.tag === tag) {
        const s = f.subfields.find((x) => x.code === code);
        if (s) return s.value;
      }
    }
    return null;
  };
  const tidy = (s: string | null) => (s === null ? null : s.replace(/[ /:;,.]+$/u, ""));
  const title = [sub("245", "a"), sub("245", "b")].filter(Boolean).map(tidy).join(" : ");
  const yearText = sub("264", "c") ?? sub("260", "c");
  const year = yearText && /\d{4}/.exec(yearText) ? Number(/\d{4}/.exec(yearText)![0]) : null;
  const cn = record.fields.find((f) => f.kind === "control" && f.tag === "001");
  return {
    position,
    title,
    author: tidy(sub("100", "a")),
    publisher: tidy(sub("264", "b") ?? sub("260", "b")),
    year,
    isbns,
    control_number: cn && cn.kind === "control" ? cn.value : null,
    record,
  };
}

export function deMenHit(position = 1): CopyHit {
  return hitOf(position, deMenMarc(), ["9786042088701"]);
}

export function soDoHit(position = 2): CopyHit {
  return hitOf(position, soDoMarc(), ["9786045391416"]);
}

export function thinHit(position = 3): CopyHit {
  return hitOf(position, thinMarc(), []);
}

/** A numbered volume of a series, for paging through many results. */
export function volumeHit(position: number): CopyHit {
  const marc: MarcRecord = {
    leader: "00400nam a2200121 a 4500",
    fields: [
      control("001", `VN-NLV-TT-${String(position).padStart(4, "0")}`),
      data("100", "0", " ", ["a", "Nguyễn Nhật Ánh."]),
      data("245", "1", "0", ["a", `Truyện ngắn tuyển chọn.`], ["n", `Tập ${position} /`], ["c", "Nguyễn Nhật Ánh."]),
      data("264", " ", "1", ["a", "TP. Hồ Chí Minh :"], ["b", "Trẻ,"], ["c", "2020."]),
    ],
  };
  const hit = hitOf(position, marc, []);
  return { ...hit, title: `Truyện ngắn tuyển chọn. Tập ${position}` };
}

/** A first page with the three Vietnamese records and one record the target sent unreadable. */
export function firstPage(target = "nlv"): CopySearchPage {
  return {
    target,
    query: 'dc.title all "Dế Mèn"',
    total: 3,
    start: 1,
    hits: [deMenHit(1), soDoHit(2), thinHit(3)],
    problems: ["record 4: the MARCXML could not be read (leader is 12 characters, not 24)"],
  };
}

/** Page `start` of 23 volumes, `max` at a time. */
export function volumesPage(start: number, max: number, target = "nlv"): CopySearchPage {
  const total = 23;
  const hits: CopyHit[] = [];
  for (let p = start; p < start + max && p <= total; p++) hits.push(volumeHit(p));
  return { target, query: 'dc.title all "Truyện ngắn tuyển chọn"', total, start, hits, problems: [] };
}

export const NEW_RECORD_ID = "0190b3c4-8d2f-7e4b-a021-6c3d5f7e9b02";
export const EXISTING_RECORD_ID = "0190a2b4-7c1e-7d3a-9f10-5b2c4e6d8a01";
export const OTHER_RECORD_ID = "0190a2b4-7c1e-7d3a-9f10-5b2c4e6d8a77";

export function addedOutcome(): CopyImportOutcome {
  return {
    action: "added",
    record_id: NEW_RECORD_ID,
    title: "Dế Mèn phiêu lưu ký",
    matched: [],
    issues: [
      { severity: "warning", field: "082", message: "second indicator 4 is not valid here (at 082 ind2)" },
      { severity: "error", field: "008", message: "008/35-37: language code 'vie ' is malformed" },
    ],
  };
}

export function matchedOutcome(): CopyImportOutcome {
  return {
    action: "matched",
    record_id: EXISTING_RECORD_ID,
    title: "Dế Mèn phiêu lưu ký",
    matched: [EXISTING_RECORD_ID, OTHER_RECORD_ID],
    issues: [],
  };
}

export function overlaidOutcome(): CopyImportOutcome {
  return {
    action: "overlaid",
    record_id: EXISTING_RECORD_ID,
    title: "Dế Mèn phiêu lưu ký",
    matched: [EXISTING_RECORD_ID],
    issues: [],
  };
}
