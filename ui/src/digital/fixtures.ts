/**
 * Realistic digital-collection data for tests: Truyện Kiều (the record fixtures' KIEU_ID) with
 * a 1998 scan (PDF), a cover photograph, an EPUB, a plain text, and a narrated audiobook made
 * as an accessible-format copy with its own rights; the access decisions the core gives for
 * them; and full-text hits.
 */
import type { AccessDecision } from "../bindings/AccessDecision";
import type { AudioChapter } from "../bindings/AudioChapter";
import type { DigitalObject } from "../bindings/DigitalObject";
import type { FullTextHit } from "../bindings/FullTextHit";
import type { OpenedObject } from "../bindings/OpenedObject";
import { KIEU_ID } from "../record/fixtures";

export { KIEU_ID };

export const SCAN_ID = "0190a2b5-0000-7000-8000-000000000001";
export const COVER_ID = "0190a2b5-0000-7000-8000-000000000002";
export const EPUB_ID = "0190a2b5-0000-7000-8000-000000000003";
export const TEXT_ID = "0190a2b5-0000-7000-8000-000000000004";
export const AUDIO_ID = "0190a2b5-0000-7000-8000-000000000005";

function object(over: Partial<DigitalObject> & Pick<DigitalObject, "id" | "kind" | "media_type" | "file_name">): DigitalObject {
  return {
    record_id: KIEU_ID,
    label: null,
    size_bytes: 1000,
    sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    parts: 1,
    duration_ms: null,
    chapters: [],
    accessible_format: false,
    has_text: true,
    status: null,
    access: "open",
    rights_reason: null,
    added_by: "lan.nguyen",
    added_at: "2024-05-06T09:15:00+07:00",
    ...over,
  };
}

/** Chapters of the narration: "Hồi" as the printed editions divide the poem. */
export const KIEU_CHAPTERS: AudioChapter[] = [
  { title: "Mở đầu", start_ms: 0, end_ms: 300_000 },
  { title: "Hồi 1: Chị em Thúy Kiều", start_ms: 300_000, end_ms: 900_000 },
  { title: "Hồi 2: Kim Trọng", start_ms: 900_000, end_ms: 2_400_000 },
  { title: "Hồi 3: Gia biến", start_ms: 2_400_000, end_ms: 3_780_000 },
];

export function kieuObjects(): DigitalObject[] {
  return [
    object({
      id: SCAN_ID,
      kind: "pdf",
      media_type: "application/pdf",
      file_name: "truyen-kieu-1998.pdf",
      label: "Bản quét 1998",
      size_bytes: 24_300_000,
      parts: 120,
      status: "PublicDomain",
      access: "open",
    }),
    object({ id: COVER_ID, kind: "image", media_type: "image/jpeg", file_name: "bia-truyen-kieu.jpg", label: "Ảnh bìa", size_bytes: 812_000 }),
    object({ id: EPUB_ID, kind: "epub", media_type: "application/epub+zip", file_name: "truyen-kieu.epub", size_bytes: 1_450_000, parts: 3, access: "registered" }),
    object({
      id: AUDIO_ID,
      kind: "audio",
      media_type: "audio/mp4",
      file_name: "truyen-kieu-doc.m4b",
      label: "Sách nói – giọng đọc Hồng Vân",
      size_bytes: 98_400_000,
      parts: null,
      duration_ms: 3_780_000,
      chapters: KIEU_CHAPTERS,
      accessible_format: true,
      has_text: false,
      status: "InC",
      access: "staff",
      rights_reason: "Bản đọc mới năm 2021, quyền của đài phát thanh; chỉ cho người khiếm thị theo ngoại lệ.",
    }),
  ];
}

export function objectById(id: string): DigitalObject {
  const all = [...kieuObjects(), textObject()];
  const found = all.find((o) => o.id === id);
  if (!found) throw new Error(`no fixture object ${id}`);
  return found;
}

export function textObject(): DigitalObject {
  return object({ id: TEXT_ID, kind: "text", media_type: "text/plain", file_name: "truyen-kieu.txt", size_bytes: 140_000 });
}

export const allowedStaff: AccessDecision = {
  allowed: true,
  access: "staff",
  basis: "staff_member",
  citation: null,
  explanation_vi: "Cán bộ thư viện được mở mọi tài liệu số trừ bản lưu trữ bảo quản.",
  explanation_en: "Library staff may open every digital copy except preservation copies.",
};

export const refusedNotRegistered: AccessDecision = {
  allowed: false,
  access: "registered",
  basis: "not_registered",
  citation: null,
  explanation_vi: "Bản số này chỉ dành cho bạn đọc đã đăng ký. Hãy đăng nhập bằng thẻ thư viện.",
  explanation_en: "This digital copy is for registered readers only. Sign in with a library card.",
};

export const refusedStaffOnly: AccessDecision = {
  allowed: false,
  access: "staff",
  basis: "staff_only",
  citation: "Luật Sở hữu trí tuệ, Điều 25",
  explanation_vi: "Tác phẩm còn được bảo hộ quyền tác giả; chỉ cán bộ thư viện được mở bản số.",
  explanation_en: "The work is in copyright; only library staff may open the digital copy.",
};

export const allowedByException: AccessDecision = {
  allowed: true,
  access: "staff",
  basis: "print_disability_exception",
  citation: "Luật Sở hữu trí tuệ, Điều 25a; Hiệp ước Marrakesh",
  explanation_vi: "Bạn đọc khiếm thị được mở bản định dạng dễ tiếp cận theo ngoại lệ dành cho người khuyết tật.",
  explanation_en: "A visually impaired reader may open the accessible-format copy under the disability exception.",
};

export function opened(id: string, decision: AccessDecision = allowedStaff, extra: Partial<OpenedObject> = {}): OpenedObject {
  const object = objectById(id);
  const parts =
    object.kind === "pdf"
      ? Array.from({ length: object.parts ?? 1 }, (_, i) => ({ index: i, label: `Trang ${i + 1}` }))
      : object.kind === "epub"
        ? [
            { index: 0, label: "Lời giới thiệu" },
            { index: 1, label: "Phần thứ nhất: Gặp gỡ và đính ước" },
            { index: 2, label: "Phần thứ hai: Gia biến và lưu lạc" },
          ]
        : object.kind === "text"
          ? [{ index: 0, label: "Toàn văn" }]
          : [];
  return {
    object,
    decision,
    content_url: decision.allowed ? `shelfmark-content://localhost/${id}` : null,
    text_parts: decision.allowed ? parts : [],
    resume_ms: null,
    resume_rate: null,
    ...extra,
  };
}

export const KIEU_OPENING = "Trăm năm trong cõi người ta,\nChữ tài chữ mệnh khéo là ghét nhau.\n\nTrải qua một cuộc bể dâu,\nNhững điều trông thấy mà đau đớn lòng.";

export function kieuHit(over: Partial<FullTextHit> = {}): FullTextHit {
  return {
    record_id: KIEU_ID,
    object_id: SCAN_ID,
    title: "Truyện Kiều",
    author: "Nguyễn Du",
    file_name: "truyen-kieu-1998.pdf",
    label: "Bản quét 1998",
    kind: "pdf",
    score: 12.5,
    decision: { ...allowedStaff, access: "open", basis: "open_access" },
    excerpts: [
      {
        part: 11,
        part_label: "Trang 12",
        segments: [
          { text: "…", highlighted: false },
          { text: "Trăm năm", highlighted: true },
          { text: " trong cõi người ta, chữ tài chữ mệnh khéo là ghét nhau…", highlighted: false },
        ],
      },
    ],
    ...over,
  };
}
