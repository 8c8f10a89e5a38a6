/**
 * Realistic record-view data for tests: Nguyễn Du's Truyện Kiều as a Hanoi public library
 * would catalog it (Vietnamese cataloging, two ISBNs of which one has a wrong check digit,
 * an 856 link, three items in two branches) and its change history. Other screens' tests
 * may reuse these; every builder returns a fresh copy, so a test may change what it gets.
 */
import type { Branch } from "../bindings/Branch";
import type { Item } from "../bindings/Item";
import type { MarcRecord } from "../bindings/MarcRecord";
import type { RecordChange } from "../bindings/RecordChange";
import type { RecordDetail } from "../bindings/RecordDetail";

export const KIEU_ID = "0190a2b4-7c1e-7d3a-9f10-5b2c4e6d8a01";

export function kieuMarc(): MarcRecord {
  return {
    leader: "01024nam a2200313 i 4500",
    fields: [
      { kind: "control", tag: "001", value: "VN-HN000123" },
      { kind: "control", tag: "003", value: "VN-HN" },
      { kind: "control", tag: "005", value: "20260312093015.0" },
      { kind: "control", tag: "008", value: "150610s2015    vm a          000 1 vie d" },
      {
        kind: "data", tag: "020", ind1: " ", ind2: " ",
        subfields: [{ code: "a", value: "9786049556128" }, { code: "q", value: "(bìa mềm)" }],
      },
      {
        kind: "data", tag: "020", ind1: " ", ind2: " ",
        subfields: [{ code: "a", value: "9786049556123" }, { code: "q", value: "(bìa cứng)" }],
      },
      { kind: "data", tag: "041", ind1: "0", ind2: " ", subfields: [{ code: "a", value: "vie" }, { code: "a", value: "fre" }] },
      { kind: "data", tag: "082", ind1: "0", ind2: "4", subfields: [{ code: "a", value: "895.9221" }, { code: "b", value: "NG-D" }] },
      { kind: "data", tag: "100", ind1: "0", ind2: " ", subfields: [{ code: "a", value: "Nguyễn Du," }, { code: "d", value: "1765-1820." }] },
      {
        kind: "data", tag: "245", ind1: "1", ind2: "0",
        subfields: [
          { code: "a", value: "Truyện Kiều /" },
          { code: "c", value: "Nguyễn Du ; Đào Duy Anh khảo đính." },
        ],
      },
      { kind: "data", tag: "250", ind1: " ", ind2: " ", subfields: [{ code: "a", value: "Tái bản lần thứ 3." }] },
      {
        kind: "data", tag: "264", ind1: " ", ind2: "1",
        subfields: [
          { code: "a", value: "Hà Nội :" },
          { code: "b", value: "Văn học," },
          { code: "c", value: "2015." },
        ],
      },
      {
        kind: "data", tag: "300", ind1: " ", ind2: " ",
        subfields: [{ code: "a", value: "239 tr. ;" }, { code: "c", value: "21 cm." }],
      },
      { kind: "data", tag: "490", ind1: "0", ind2: " ", subfields: [{ code: "a", value: "Tủ sách văn học cổ điển Việt Nam" }] },
      { kind: "data", tag: "500", ind1: " ", ind2: " ", subfields: [{ code: "a", value: "Thơ lục bát, 3254 câu." }] },
      { kind: "data", tag: "504", ind1: " ", ind2: " ", subfields: [{ code: "a", value: "Có thư mục: tr. 231-235." }] },
      { kind: "data", tag: "600", ind1: "0", ind2: "4", subfields: [{ code: "a", value: "Nguyễn Du," }, { code: "d", value: "1765-1820" }] },
      {
        kind: "data", tag: "650", ind1: " ", ind2: "7",
        subfields: [
          { code: "a", value: "Văn học Việt Nam" },
          { code: "y", value: "Thế kỷ 19" },
          { code: "2", value: "bộ TVQG" },
        ],
      },
      { kind: "data", tag: "650", ind1: " ", ind2: "7", subfields: [{ code: "a", value: "Truyện thơ" }, { code: "2", value: "bộ TVQG" }] },
      { kind: "data", tag: "700", ind1: "1", ind2: " ", subfields: [{ code: "a", value: "Đào, Duy Anh," }, { code: "e", value: "khảo đính." }] },
      {
        kind: "data", tag: "856", ind1: "4", ind2: "1",
        subfields: [
          { code: "u", value: "https://thuvien.hanoi.gov.vn/so-hoa/truyen-kieu" },
          { code: "y", value: "Bản số hoá (Thư viện Hà Nội)" },
        ],
      },
    ],
  };
}

export function kieuItems(): Item[] {
  return [
    {
      id: "item-1", record_id: KIEU_ID, barcode: "HK0001234", branch_code: "HK", holding_branch_code: null,
      location: "Kho mở tầng 2", call_number: "895.9221 NG-D", item_type: "book", status: "available", local_number: "VV.12034",
    },
    {
      id: "item-2", record_id: KIEU_ID, barcode: "HK0001235", branch_code: "HK", holding_branch_code: null,
      location: "Kho mở tầng 2", call_number: "895.9221 NG-D", item_type: "book", status: "on_loan", local_number: null,
    },
    {
      id: "item-3", record_id: KIEU_ID, barcode: "CG0000777", branch_code: "CG", holding_branch_code: "HK",
      location: "Phòng đọc", call_number: "895.9221 NG-D", item_type: "reference", status: "not_for_loan", local_number: null,
    },
  ];
}

export function kieuDetail(): RecordDetail {
  return {
    id: KIEU_ID,
    control_number: "VN-HN000123",
    material_type: "book",
    title: "Truyện Kiều",
    responsibility: "Nguyễn Du ; Đào Duy Anh khảo đính",
    authors: ["Nguyễn Du, 1765-1820", "Đào, Duy Anh"],
    edition: "Tái bản lần thứ 3.",
    publication: "Hà Nội : Văn học, 2015",
    year: 2015,
    physical_description: "239 tr. ; 21 cm.",
    series: ["Tủ sách văn học cổ điển Việt Nam"],
    subjects: ["Nguyễn Du, 1765-1820", "Văn học Việt Nam -- Thế kỷ 19", "Truyện thơ"],
    notes: ["Thơ lục bát, 3254 câu.", "Có thư mục: tr. 231-235."],
    isbns: [
      { value: "9786049556128", qualifier: "(bìa mềm)", valid: true },
      { value: "9786049556123", qualifier: "(bìa cứng)", valid: false },
    ],
    issns: [],
    links: [{ url: "https://thuvien.hanoi.gov.vn/so-hoa/truyen-kieu", label: "Bản số hoá (Thư viện Hà Nội)" }],
    languages: ["vie", "fre"],
    call_number: "895.9221 NG-D",
    marc: kieuMarc(),
    items: kieuItems(),
    created_at: "2025-11-03T02:15:00Z",
    updated_at: "2026-03-12T02:30:15Z",
  };
}

export function hanoiBranches(): Branch[] {
  return [
    { id: "br-hk", code: "HK", name: "Hoàn Kiếm" },
    { id: "br-cg", code: "CG", name: "Cầu Giấy" },
    { id: "br-bd", code: "BD", name: "Ba Đình" },
  ];
}

/** Truyện Kiều's history as the change log gives it: oldest first. */
export function kieuHistory(): RecordChange[] {
  return [
    {
      change_id: "c-1", entity_type: "record", entity_id: KIEU_ID, operation: "create", user: "lan.nguyen",
      recorded_at: "2025-11-03T02:15:00Z", item_barcode: null,
      details: [{ kind: "added", what: "245", before: null, after: "=245  10$aTruyen Kieu /$cNguyễn Du." }],
    },
    {
      change_id: "c-2", entity_type: "item", entity_id: "item-1", operation: "create", user: "lan.nguyen",
      recorded_at: "2025-11-03T02:20:00Z", item_barcode: "HK0001234",
      details: [{ kind: "added", what: "location", before: null, after: "Kho mở tầng 2" }],
    },
    {
      change_id: "c-3", entity_type: "record", entity_id: KIEU_ID, operation: "update", user: "minh.tran",
      recorded_at: "2026-03-12T02:30:15Z", item_barcode: null,
      details: [
        {
          kind: "changed", what: "245",
          before: "=245  10$aTruyen Kieu /$cNguyễn Du.",
          after: "=245  10$aTruyện Kiều /$cNguyễn Du ; Đào Duy Anh khảo đính.",
        },
        { kind: "added", what: "856", before: null, after: "=856  41$uhttps://thuvien.hanoi.gov.vn/so-hoa/truyen-kieu" },
      ],
    },
    {
      change_id: "c-4", entity_type: "item", entity_id: "item-3", operation: "update", user: "minh.tran",
      recorded_at: "2026-03-14T08:05:00Z", item_barcode: "CG0000777",
      details: [{ kind: "changed", what: "status", before: "available", after: "not_for_loan" }],
    },
  ];
}
