/**
 * Realistic records and schema pieces for the editor's tests: a Vietnamese printed book as
 * a cataloger in Hà Nội would enter it, the five templates, and a fixed-field schema cut
 * down to the positions the tests exercise (labels in both languages).
 */
import type { FixedFieldSchema } from "../bindings/FixedFieldSchema";
import type { MarcRecord } from "../bindings/MarcRecord";
import type { RecordDetail } from "../bindings/RecordDetail";
import type { RecordTemplate } from "../bindings/RecordTemplate";
import type { ValidationIssue } from "../bindings/ValidationIssue";

export function vietnameseBook(): MarcRecord {
  return {
    leader: "01024nam a2200289 a 4500",
    fields: [
      { kind: "control", tag: "001", value: "VN-HN-000123" },
      { kind: "control", tag: "005", value: "20240315103000.0" },
      { kind: "control", tag: "008", value: "240315s2019    vm a          000 1 vie d" },
      {
        kind: "data",
        tag: "020",
        ind1: " ",
        ind2: " ",
        subfields: [
          { code: "a", value: "9786041123456" },
          { code: "c", value: "120000 VND" },
        ],
      },
      {
        kind: "data",
        tag: "041",
        ind1: "0",
        ind2: " ",
        subfields: [{ code: "a", value: "vie" }],
      },
      {
        kind: "data",
        tag: "100",
        ind1: "1",
        ind2: " ",
        subfields: [
          { code: "a", value: "Nguyễn, Nhật Ánh," },
          { code: "e", value: "tác giả." },
        ],
      },
      {
        kind: "data",
        tag: "245",
        ind1: "1",
        ind2: "0",
        subfields: [
          { code: "a", value: "Tôi thấy hoa vàng trên cỏ xanh :" },
          { code: "b", value: "tiểu thuyết /" },
          { code: "c", value: "Nguyễn Nhật Ánh." },
        ],
      },
      {
        kind: "data",
        tag: "264",
        ind1: " ",
        ind2: "1",
        subfields: [
          { code: "a", value: "Hà Nội :" },
          { code: "b", value: "Nhà xuất bản Trẻ," },
          { code: "c", value: "2019." },
        ],
      },
      {
        kind: "data",
        tag: "300",
        ind1: " ",
        ind2: " ",
        subfields: [
          { code: "a", value: "378 trang :" },
          { code: "b", value: "minh họa ;" },
          { code: "c", value: "20 cm." },
        ],
      },
      {
        kind: "data",
        tag: "650",
        ind1: " ",
        ind2: "7",
        subfields: [
          { code: "a", value: "Văn học Việt Nam" },
          { code: "v", value: "Tiểu thuyết." },
          { code: "2", value: "bvtt" },
        ],
      },
    ],
  };
}

/** The book's mnemonic text, as the engine writes it. */
export function vietnameseBookMnemonic(): string {
  return [
    "=LDR  01024nam a2200289 a 4500",
    "=001  VN-HN-000123",
    "=005  20240315103000.0",
    "=008  240315s2019\\\\\\\\vm\\a\\\\\\\\\\\\\\\\\\\\000\\1\\vie\\d",
    "=020  \\\\$a9786041123456$c120000 VND",
    "=041  0\\$avie",
    "=100  1\\$aNguyễn, Nhật Ánh,$etác giả.",
    "=245  10$aTôi thấy hoa vàng trên cỏ xanh :$btiểu thuyết /$cNguyễn Nhật Ánh.",
    "=264  \\1$aHà Nội :$bNhà xuất bản Trẻ,$c2019.",
    "=300  \\\\$a378 trang :$bminh họa ;$c20 cm.",
    "=650  \\7$aVăn học Việt Nam$vTiểu thuyết.$2bvtt",
  ].join("\n");
}

export function bookDetail(marc: MarcRecord = vietnameseBook(), id = "rec-123"): RecordDetail {
  return {
    id,
    control_number: "VN-HN-000123",
    material_type: "book",
    title: "Tôi thấy hoa vàng trên cỏ xanh : tiểu thuyết",
    responsibility: "Nguyễn Nhật Ánh.",
    authors: ["Nguyễn, Nhật Ánh"],
    edition: null,
    publication: "Hà Nội : Nhà xuất bản Trẻ, 2019.",
    year: 2019,
    physical_description: "378 trang : minh họa ; 20 cm.",
    series: [],
    subjects: ["Văn học Việt Nam -- Tiểu thuyết"],
    notes: [],
    isbns: [],
    issns: [],
    links: [],
    languages: ["vie"],
    call_number: null,
    marc,
    items: [],
    created_at: "2024-03-15T10:30:00Z",
    updated_at: "2024-03-15T10:30:00Z",
  };
}

function template(leader: string, f008: string, extra: MarcRecord["fields"] = []): MarcRecord {
  return {
    leader,
    fields: [
      { kind: "control", tag: "008", value: f008 },
      ...extra,
      { kind: "data", tag: "245", ind1: "0", ind2: "0", subfields: [{ code: "a", value: "" }] },
    ],
  };
}

export function templates(): RecordTemplate[] {
  return [
    { kind: "book", record: template("00000nam a2200000 i 4500", "      s        vm            000 0 vie d") },
    {
      kind: "ebook",
      record: template("00000nam a2200000 i 4500", "      s        vm     o      000 0 vie d", [
        { kind: "data", tag: "856", ind1: "4", ind2: "0", subfields: [{ code: "u", value: "" }] },
      ]),
    },
    { kind: "audiobook", record: template("00000nim a2200000 i 4500", "      s        vm nnn  s         n vie d") },
    { kind: "serial", record: template("00000nas a2200000 i 4500", "      c        vm  r p       0   a0vie d") },
    { kind: "map", record: template("00000nem a2200000 i 4500", "      s        vm            a  0   vie d") },
  ];
}

const L = (en: string, vi: string) => ({ en, vi });

export function fixedSchema(): FixedFieldSchema {
  return {
    leader: [
      { start: 0, end: 4, label: L("Record length", "Độ dài biểu ghi"), kind: "computed", values: [], each: false },
      {
        start: 5,
        end: 5,
        label: L("Record status", "Trạng thái biểu ghi"),
        kind: "codes",
        each: false,
        values: [
          { code: "c", label: L("Corrected or revised", "Đã sửa") },
          { code: "n", label: L("New", "Mới") },
        ],
      },
      {
        start: 6,
        end: 6,
        label: L("Type of record", "Loại biểu ghi"),
        kind: "codes",
        each: false,
        values: [
          { code: "a", label: L("Language material", "Tài liệu ngôn ngữ") },
          { code: "e", label: L("Cartographic material", "Tài liệu bản đồ") },
          { code: "i", label: L("Nonmusical sound recording", "Ghi âm không phải âm nhạc") },
        ],
      },
      {
        start: 7,
        end: 7,
        label: L("Bibliographic level", "Cấp thư mục"),
        kind: "codes",
        each: false,
        values: [
          { code: "m", label: L("Monograph/Item", "Chuyên khảo") },
          { code: "s", label: L("Serial", "Ấn phẩm tiếp tục") },
        ],
      },
      { start: 12, end: 16, label: L("Base address of data", "Địa chỉ gốc dữ liệu"), kind: "computed", values: [], each: false },
    ],
    field_008: [
      {
        key: "books",
        label: L("Books", "Sách"),
        positions: [
          { start: 0, end: 5, label: L("Date entered on file", "Ngày nhập biểu ghi"), kind: "date_entered", values: [], each: false },
          { start: 7, end: 10, label: L("Date 1", "Năm thứ nhất"), kind: "date", values: [], each: false },
          {
            start: 18,
            end: 21,
            label: L("Illustrations", "Minh họa"),
            kind: "codes",
            each: true,
            values: [
              { code: " ", label: L("No illustrations", "Không có minh họa") },
              { code: "a", label: L("Illustrations", "Minh họa") },
              { code: "b", label: L("Maps", "Bản đồ") },
            ],
          },
          { start: 35, end: 37, label: L("Language", "Ngôn ngữ"), kind: "language", values: [], each: false },
        ],
      },
      {
        key: "continuing_resources",
        label: L("Continuing resources", "Ấn phẩm tiếp tục"),
        positions: [
          { start: 7, end: 10, label: L("Date 1", "Năm thứ nhất"), kind: "date", values: [], each: false },
          {
            start: 18,
            end: 18,
            label: L("Frequency", "Định kỳ"),
            kind: "codes",
            each: false,
            values: [
              { code: " ", label: L("No determinable frequency", "Không xác định") },
              { code: "m", label: L("Monthly", "Hằng tháng") },
            ],
          },
        ],
      },
    ],
    layout_for_leader: { am: "books", as: "continuing_resources" },
    default_008: "books",
  };
}

export function issue(partial: Partial<ValidationIssue> & Pick<ValidationIssue, "code">): ValidationIssue {
  return {
    severity: "error",
    field_index: null,
    tag: null,
    subfield_index: null,
    position: null,
    line: null,
    params: {},
    message: partial.code,
    ...partial,
  };
}
