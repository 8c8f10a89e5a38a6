//! The digital collection in a catalog, with real small files made by the demo's generators
//! (`demo::media`): a PDF with a text layer, an EPUB of two chapters, an MP3 with ID3 chapter
//! frames over silent MPEG frames, an M4B with a Nero chapter list, a PNG, and a Vietnamese
//! UTF-8 text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::params;
use shelfmark_marc::{Leader, Record};
use time::macros::datetime;
use uuid::Uuid;

use super::{access, fulltext, marc, objects, store};
use crate::api::{
    AccessBasis, AccessLevel, AttachRequest, AttachResult, DigitalKind, ErrorCode, FullTextQuery,
    PatronInput, ReaderRequest, ReaderRole, RightsStatus,
};
use crate::catalog::records;
use crate::circulation::patrons;
use crate::demo::media;
use crate::error::CoreError;
use crate::rights::determinations;
use crate::{Catalog, CatalogOptions, ManualClock};

fn catalog() -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::new(datetime!(2026-03-01 03:00 UTC)));
    let catalog = Catalog::open(dir.path().join("c.db"), CatalogOptions { clock }).expect("opens");
    (dir, catalog)
}

fn record(catalog: &mut Catalog, title: &str) -> Uuid {
    let rec = Record::new(Leader::new('n', 'a', 'm'))
        .control("008", "000101s1941    vm            000 0 vie d")
        .expect("008")
        .data("100", ['1', ' '], &[('a', "Nguyễn Du"), ('d', "1766-1820")])
        .expect("100")
        .data("245", ['1', '0'], &[('a', title)])
        .expect("245")
        .data(
            "856",
            ['4', '2'],
            &[('u', "https://nxb.example.vn/kieu"), ('y', "Nhà xuất bản")],
        )
        .expect("856");
    catalog
        .write("t", |m| records::insert(m, &rec))
        .expect("insert")
}

fn work_access(catalog: &mut Catalog, id: Uuid, level: AccessLevel) {
    catalog
        .write("t", |m| determinations::set_access(m, id, level, "test"))
        .expect("set access");
}

fn patron(catalog: &mut Catalog, card: &str, category: &str) {
    catalog
        .write("t", |m| {
            patrons::add(
                m,
                &PatronInput {
                    barcode: card.into(),
                    name: format!("Bạn đọc {card}"),
                    category: category.into(),
                    email: None,
                    phone: None,
                    home_branch_code: None,
                    expires_on: "2030-12-31".into(),
                    notes: String::new(),
                },
            )
        })
        .expect("patron");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

fn attach(catalog: &mut Catalog, record: Uuid, path: &Path, accessible: bool) -> AttachResult {
    objects::attach(
        catalog,
        "lan",
        &AttachRequest {
            record_id: record.to_string(),
            path: path.display().to_string(),
            label: None,
            accessible_format: accessible,
        },
    )
    .expect("attach")
}

const KIEU: &str =
    "Truyện Kiều\n\nTrăm năm trong cõi người ta,\nChữ tài chữ mệnh khéo là ghét nhau.";

/// A PDF of one page per line, each with that line of text in Helvetica.
fn pdf(lines: &[&str]) -> Vec<u8> {
    let pages: Vec<[&str; 1]> = lines.iter().map(|l| [*l]).collect();
    let pages: Vec<&[&str]> = pages.iter().map(|p| &p[..]).collect();
    media::pdf(&pages).expect("pdf")
}

/// An EPUB 3 of two chapters with a nav document.
fn epub() -> Vec<u8> {
    media::epub(
        "Truyện Kiều",
        "vi",
        &[
            media::Chapter {
                title: "Hồi thứ nhất",
                paragraphs: &["Sông Tiền Đường mênh mông sóng nước."],
            },
            media::Chapter {
                title: "Hồi thứ hai",
                paragraphs: &["Kim Trọng gặp Thúy Kiều bên mộ Đạm Tiên."],
            },
        ],
    )
    .expect("epub")
}

/// An MP3 of `frames` silent frames (26.1 ms each) with two chapters in ID3v2.4 CHAP/CTOC.
fn mp3_with_chapters(frames: usize) -> Vec<u8> {
    media::mp3(
        "Truyện Kiều (sách nói)",
        media::SilentFrame::STEREO_128K,
        frames,
        &[
            media::ChapterMark {
                title: "Phần một",
                start_ms: 0,
                end_ms: 1_000,
            },
            media::ChapterMark {
                title: "Phần hai",
                start_ms: 1_000,
                end_ms: 2_000,
            },
        ],
    )
    .expect("mp3")
}

/// An M4B audiobook of 90 s with three chapters in a Nero chapter list (`chpl`).
fn m4b_with_chapters() -> Vec<u8> {
    media::m4b(
        90_000,
        &[
            media::ChapterStart {
                title: "Lời giới thiệu",
                start_ms: 0,
            },
            media::ChapterStart {
                title: "Chương một",
                start_ms: 12_500,
            },
            media::ChapterStart {
                title: "Chương hai",
                start_ms: 47_250,
            },
        ],
    )
    .expect("m4b")
}

const PNG: &[u8] = media::TINY_PNG;

fn staff() -> ReaderRequest {
    ReaderRequest {
        role: ReaderRole::Staff,
        card: None,
        on_premises: true,
    }
}

fn anonymous(on_premises: bool) -> ReaderRequest {
    ReaderRequest {
        role: ReaderRole::Anonymous,
        card: None,
        on_premises,
    }
}

fn card(card: &str) -> ReaderRequest {
    ReaderRequest {
        role: ReaderRole::Patron,
        card: Some(card.into()),
        on_premises: false,
    }
}

fn count(catalog: &Catalog, sql: &str) -> i64 {
    catalog
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

#[test]
fn content_is_stored_once_removed_when_unused_and_verified() {
    let (dir, mut catalog) = catalog();
    let a = record(&mut catalog, "Truyện Kiều");
    let b = record(&mut catalog, "Kim Vân Kiều");
    let file = write(dir.path(), "kieu.txt", KIEU.as_bytes());
    let first = attach(&mut catalog, a, &file, false);
    assert!(!first.content_already_stored);
    let second = attach(&mut catalog, b, &file, false);
    assert!(
        second.content_already_stored,
        "same content, no second copy"
    );
    assert_eq!(first.object.sha256, second.object.sha256);
    let stored = store::content_file(catalog.path(), &first.object.sha256).expect("address");
    assert!(
        stored.starts_with(
            dir.path()
                .join("c.db.files")
                .join(&first.object.sha256[..2])
        )
    );
    assert_eq!(std::fs::read(&stored).expect("stored"), KIEU.as_bytes());
    // No temporary file is left in the store.
    let leftovers = std::fs::read_dir(dir.path().join("c.db.files"))
        .expect("dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with('.'))
        })
        .count();
    assert_eq!(leftovers, 0);

    let report = store::verify(&catalog).expect("verify");
    assert_eq!((report.objects, report.ok), (2, 2));
    std::fs::write(&stored, b"damaged").expect("corrupt");
    let report = store::verify(&catalog).expect("verify");
    assert_eq!(report.ok, 0);
    assert_eq!(report.damaged.len(), 2);
    // Attaching the same content again puts the good copy back under its address.
    let third = attach(&mut catalog, a, &file, false);
    assert!(!third.content_already_stored);
    assert_eq!(store::verify(&catalog).expect("verify").ok, 3);

    let err = objects::remove(
        &mut catalog,
        "lan",
        objects::parse_id(&first.object.id).expect("id"),
        " ",
    )
    .expect_err("a reason is required");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    for o in [&first.object, &second.object] {
        objects::remove(
            &mut catalog,
            "lan",
            objects::parse_id(&o.id).expect("id"),
            "thay bản quét",
        )
        .expect("remove");
        assert!(stored.exists(), "another object still uses the content");
    }
    objects::remove(
        &mut catalog,
        "lan",
        objects::parse_id(&third.object.id).expect("id"),
        "thay bản quét",
    )
    .expect("remove");
    assert!(!stored.exists(), "no object uses it any more");
    let report = store::verify(&catalog).expect("verify");
    assert_eq!(report.objects, 0);
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM change_log WHERE entity_type = 'digital_object'"
        ),
        6
    );
    assert_eq!(count(&catalog, "SELECT count(*) FROM digital_texts"), 0);

    // A missing file is reported as missing.
    let again = attach(&mut catalog, a, &file, false);
    std::fs::remove_file(store::content_file(catalog.path(), &again.object.sha256).expect("a"))
        .expect("rm");
    let report = store::verify(&catalog).expect("verify");
    assert_eq!(report.missing, vec![again.object.id.clone()]);
    let err = access::content_path(
        &catalog,
        objects::parse_id(&again.object.id).expect("id"),
        &staff(),
    )
    .expect_err("missing");
    assert_eq!(err.code(), ErrorCode::Storage);
}

#[test]
fn each_kind_is_read_from_its_content_with_parts_text_and_chapters() {
    let (dir, mut catalog) = catalog();
    let r = record(&mut catalog, "Truyện Kiều");

    let p = attach(
        &mut catalog,
        r,
        &write(
            dir.path(),
            "scan.bin",
            &pdf(&["Truyen Kieu page one", "Kim Trong page two"]),
        ),
        false,
    );
    assert_eq!(p.object.kind, DigitalKind::Pdf);
    assert_eq!(p.object.media_type, "application/pdf");
    assert_eq!(p.object.parts, Some(2));
    assert!(p.object.has_text, "{:?}", p.text_note);
    let id = objects::parse_id(&p.object.id).expect("id");
    let page2 = access::text_part(&catalog, id, 1, &staff()).expect("page 2");
    assert_eq!(page2.label, "Trang 2");
    assert!(page2.text.contains("Kim Trong page two"), "{}", page2.text);

    let e = attach(
        &mut catalog,
        r,
        &write(dir.path(), "kieu.epub", &epub()),
        false,
    );
    assert_eq!(e.object.kind, DigitalKind::Epub);
    assert_eq!(e.object.parts, Some(2));
    let opened = access::open(
        &catalog,
        "lan",
        objects::parse_id(&e.object.id).expect("id"),
        &staff(),
    )
    .expect("open");
    let labels: Vec<&str> = opened.text_parts.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["Hồi thứ nhất", "Hồi thứ hai"]);
    let ch1 = access::text_part(
        &catalog,
        objects::parse_id(&e.object.id).expect("id"),
        0,
        &staff(),
    )
    .expect("chapter");
    assert_eq!(
        ch1.text,
        "Hồi thứ nhất\n\nSông Tiền Đường mênh mông sóng nước."
    );

    let m = attach(
        &mut catalog,
        r,
        &write(dir.path(), "kieu.mp3", &mp3_with_chapters(100)),
        true,
    );
    assert_eq!(m.object.kind, DigitalKind::Audio);
    assert_eq!(m.object.media_type, "audio/mpeg");
    let duration = m.object.duration_ms.expect("duration");
    assert!(
        (2_550..=2_700).contains(&duration),
        "100 frames of 26.1 ms: {duration}"
    );
    let chapters: Vec<(&str, u64, u64)> = m
        .object
        .chapters
        .iter()
        .map(|c| (c.title.as_str(), c.start_ms, c.end_ms))
        .collect();
    assert_eq!(
        chapters,
        [("Phần một", 0, 1_000), ("Phần hai", 1_000, 2_000)]
    );
    assert!(m.object.accessible_format);
    assert!(!m.object.has_text && m.text_note.is_none());

    let i = attach(&mut catalog, r, &write(dir.path(), "bia.png", PNG), false);
    assert_eq!(
        (i.object.kind, i.object.media_type.as_str()),
        (DigitalKind::Image, "image/png")
    );
    assert_eq!(i.object.parts, Some(1));
    assert!(i.text_note.as_deref().is_some_and(|n| n.contains("OCR")));

    // A PDF without a text layer is kept, and says why it has no text.
    let blank = attach(
        &mut catalog,
        r,
        &write(dir.path(), "blank.pdf", &pdf(&[""])),
        false,
    );
    assert!(!blank.object.has_text);
    assert!(
        blank
            .text_note
            .as_deref()
            .is_some_and(|n| n.contains("text layer")),
        "{:?}",
        blank.text_note
    );
    // A damaged PDF is kept too.
    let broken = attach(
        &mut catalog,
        r,
        &write(dir.path(), "broken.pdf", b"%PDF-1.4\n1 0 obj <<"),
        false,
    );
    assert_eq!(broken.object.parts, None);
    assert!(broken.text_note.is_some());

    // What is not kept is refused, and nothing of it stays.
    let before = count(&catalog, "SELECT count(*) FROM digital_objects");
    let err = objects::attach(
        &mut catalog,
        "lan",
        &AttachRequest {
            record_id: r.to_string(),
            path: write(dir.path(), "x.exe", b"MZ\x90\0\x03\0\0\0\x04")
                .display()
                .to_string(),
            label: None,
            accessible_format: false,
        },
    )
    .expect_err("refused");
    assert!(matches!(err, CoreError::UnsupportedMedia { .. }), "{err}");
    assert!(err.to_string().contains("x.exe"));
    assert_eq!(
        count(&catalog, "SELECT count(*) FROM digital_objects"),
        before
    );
    let files: usize = walk(&dir.path().join("c.db.files"));
    assert_eq!(
        files, before as usize,
        "only the objects' own content is stored"
    );

    let err = objects::attach(
        &mut catalog,
        "lan",
        &AttachRequest {
            record_id: Uuid::nil().to_string(),
            path: write(dir.path(), "k.txt", b"Kieu").display().to_string(),
            label: None,
            accessible_format: false,
        },
    )
    .expect_err("no record");
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = objects::attach(
        &mut catalog,
        "lan",
        &AttachRequest {
            record_id: r.to_string(),
            path: dir.path().join("nowhere.pdf").display().to_string(),
            label: None,
            accessible_format: false,
        },
    )
    .expect_err("no file");
    assert_eq!(err.code(), ErrorCode::NotFound);
}

/// Files in the store (not counting folders).
fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn full_text_finds_words_without_diacritics_and_shows_excerpts_only_to_who_may_open() {
    let (dir, mut catalog) = catalog();
    let r = record(&mut catalog, "Truyện Kiều");
    work_access(&mut catalog, r, AccessLevel::Open);
    let kieu = attach(
        &mut catalog,
        r,
        &write(dir.path(), "kieu.txt", KIEU.as_bytes()),
        false,
    );
    let ascii = attach(
        &mut catalog,
        r,
        &write(
            dir.path(),
            "ascii.txt",
            b"Ban dich: truyen kieu, ban in 1902.\nkieu kieu",
        ),
        false,
    );
    let closed_record = record(&mut catalog, "Đoạn trường tân thanh");
    work_access(&mut catalog, closed_record, AccessLevel::Dark);
    let dark = attach(
        &mut catalog,
        closed_record,
        &write(
            dir.path(),
            "doan-truong.txt",
            "Đoạn trường tân thanh, Truyện Kiều bản Nôm.".as_bytes(),
        ),
        false,
    );
    let q = |text: &str| FullTextQuery {
        text: text.into(),
        offset: 0,
        limit: 20,
    };
    let found = fulltext::search(&catalog, &q("truyen kieu"), &anonymous(false)).expect("search");
    assert_eq!(found.total, 3);
    let ids: Vec<&str> = found.hits.iter().map(|h| h.object_id.as_str()).collect();
    assert!(
        ids.contains(&dark.object.id.as_str()),
        "a dark object is listed"
    );
    for hit in &found.hits {
        if hit.object_id == dark.object.id {
            assert!(!hit.decision.allowed);
            assert_eq!(hit.decision.basis, AccessBasis::Dark);
            assert!(hit.excerpts.is_empty(), "no text from a dark object");
        } else {
            assert!(hit.decision.allowed);
            assert_eq!(hit.title, "Truyện Kiều");
            assert_eq!(hit.author.as_deref(), Some("Nguyễn Du"));
            let highlighted: Vec<String> = hit.excerpts[0]
                .segments
                .iter()
                .filter(|s| s.highlighted)
                .map(|s| crate::text::fold(&s.text))
                .collect();
            assert!(
                highlighted.contains(&"kieu".to_string()),
                "{:?}",
                hit.excerpts
            );
        }
    }
    // Typed with diacritics, the exact word ranks first, even over more frequent folded ones.
    let exact = fulltext::search(&catalog, &q("Kiều"), &staff()).expect("search");
    assert_eq!(exact.hits.len(), 3);
    assert_eq!(exact.hits[2].object_id, ascii.object.id, "{:?}", exact.hits);
    let kieu_hit = exact
        .hits
        .iter()
        .find(|h| h.object_id == kieu.object.id)
        .expect("kieu");
    let text: String = kieu_hit.excerpts[0]
        .segments
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert!(text.contains("Truyện Kiều"), "{text}");
    assert!(
        kieu_hit.excerpts[0]
            .segments
            .iter()
            .any(|s| s.highlighted && s.text == "Kiều")
    );
    // A phrase must appear as written.
    let phrase = fulltext::search(&catalog, &q("\"chu tai chu menh\""), &staff()).expect("phrase");
    assert_eq!(phrase.total, 1);
    let none = fulltext::search(&catalog, &q("\"menh chu\""), &staff()).expect("phrase");
    assert_eq!(none.total, 0);
    let err = fulltext::search(&catalog, &q("  \"\" "), &staff()).expect_err("empty");
    assert_eq!(err.code(), ErrorCode::InvalidInput);

    // Removed: gone from the results at once; the index rebuilds itself when thrown away.
    objects::remove(
        &mut catalog,
        "lan",
        objects::parse_id(&ascii.object.id).expect("id"),
        "trùng",
    )
    .expect("remove");
    assert_eq!(
        fulltext::search(&catalog, &q("truyen kieu"), &staff())
            .expect("s")
            .total,
        2
    );
    std::fs::remove_dir_all(fulltext::fulltext_dir(catalog.path())).expect("rm index");
    assert_eq!(
        fulltext::search(&catalog, &q("truyen kieu"), &staff())
            .expect("s")
            .total,
        2
    );
    std::fs::write(
        fulltext::fulltext_dir(catalog.path()).join("shelfmark-fulltext.json"),
        b"{not json",
    )
    .expect("damage state");
    let page = fulltext::search(
        &catalog,
        &FullTextQuery {
            text: "kieu".into(),
            offset: 1,
            limit: 1,
        },
        &staff(),
    )
    .expect("page 2");
    assert_eq!((page.total, page.hits.len()), (2, 1));
}

#[test]
fn access_is_enforced_per_level_and_role() {
    let (dir, mut catalog) = catalog();
    patron(&mut catalog, "TV001", "adult");
    let r = record(&mut catalog, "Truyện Kiều");
    work_access(&mut catalog, r, AccessLevel::Registered);
    let o = attach(
        &mut catalog,
        r,
        &write(dir.path(), "kieu.txt", KIEU.as_bytes()),
        false,
    );
    let id = objects::parse_id(&o.object.id).expect("id");
    assert_eq!(o.object.access, AccessLevel::Registered, "follows the work");
    let on_site = anonymous(true);
    let off_site = anonymous(false);
    let reader = card("TV001");
    // (level, staff, patron off premises, anonymous on premises, anonymous off premises)
    let table = [
        (AccessLevel::Open, true, true, true, true),
        (AccessLevel::Registered, true, true, false, false),
        (AccessLevel::Premises, true, false, true, false),
        (AccessLevel::Staff, true, false, false, false),
        (AccessLevel::Dark, false, false, false, false),
    ];
    for (level, s, p, a_on, a_off) in table {
        let obj = catalog
            .write("lan", |m| {
                objects::set_rights(m, id, None, Some(level), "thử mức truy cập")
            })
            .expect("set");
        assert_eq!(obj.access, level);
        for (who, expect) in [
            (&staff(), s),
            (&reader, p),
            (&on_site, a_on),
            (&off_site, a_off),
        ] {
            let opened = access::open(&catalog, "lan", id, who).expect("open");
            assert_eq!(opened.decision.allowed, expect, "{level:?} for {who:?}");
            assert_eq!(opened.text_parts.is_empty(), !expect);
            let path = access::content_path(&catalog, id, who);
            let text = access::text_part(&catalog, id, 0, who);
            if expect {
                assert!(path.expect("path").is_file());
                assert_eq!(text.expect("text").text, crate::text::nfc(KIEU));
            } else {
                for err in [path.expect_err("refused"), text.expect_err("refused")] {
                    assert_eq!(err.code(), ErrorCode::AccessDenied);
                    let payload = err.to_payload();
                    let decision: crate::api::AccessDecision =
                        serde_json::from_str(payload.details.as_deref().expect("details"))
                            .expect("decision in details");
                    assert!(!decision.allowed);
                    assert_eq!(decision.access, level);
                }
            }
        }
    }
    let err = access::open(&catalog, "lan", id, &card("NO-SUCH-CARD")).expect_err("unknown card");
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = access::open(
        &catalog,
        "lan",
        id,
        &ReaderRequest {
            role: ReaderRole::Patron,
            card: None,
            on_premises: false,
        },
    )
    .expect_err("no card");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    let err = access::open(&catalog, "lan", Uuid::nil(), &staff()).expect_err("no object");
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[test]
fn a_print_disabled_reader_opens_an_accessible_audiobook_others_cannot() {
    let (dir, mut catalog) = catalog();
    patron(&mut catalog, "KT001", "visually_impaired");
    patron(&mut catalog, "TV002", "adult");
    let r = record(&mut catalog, "Số đỏ");
    work_access(&mut catalog, r, AccessLevel::Staff);
    let audio = attach(
        &mut catalog,
        r,
        &write(dir.path(), "so-do.mp3", &mp3_with_chapters(40)),
        true,
    );
    let print = attach(
        &mut catalog,
        r,
        &write(dir.path(), "so-do.txt", "Số đỏ".as_bytes()),
        false,
    );
    let audio_id = objects::parse_id(&audio.object.id).expect("id");
    let print_id = objects::parse_id(&print.object.id).expect("id");
    let vi = access::open(&catalog, "lan", audio_id, &card("KT001")).expect("open");
    assert!(vi.decision.allowed);
    assert_eq!(vi.decision.basis, AccessBasis::PrintDisabilityException);
    assert!(
        vi.decision
            .citation
            .as_deref()
            .is_some_and(|c| !c.is_empty())
    );
    assert!(access::content_path(&catalog, audio_id, &card("KT001")).is_ok());
    let other = access::open(&catalog, "lan", audio_id, &card("TV002")).expect("open");
    assert!(!other.decision.allowed);
    assert_eq!(other.decision.basis, AccessBasis::StaffOnly);
    // The exception is for the accessible-format copy only, not the print edition.
    let not_print = access::open(&catalog, "lan", print_id, &card("KT001")).expect("open");
    assert!(!not_print.decision.allowed);
    // Dark stays dark.
    catalog
        .write("lan", |m| {
            objects::set_rights(m, audio_id, None, Some(AccessLevel::Dark), "bản bảo quản")
        })
        .expect("dark");
    assert!(
        !access::open(&catalog, "lan", audio_id, &card("KT001"))
            .expect("open")
            .decision
            .allowed
    );
}

#[test]
fn an_m4b_audiobook_gives_its_length_and_chapters_from_its_headers() {
    let (dir, mut catalog) = catalog();
    let r = record(&mut catalog, "Truyện Kiều (sách nói)");
    let a = attach(
        &mut catalog,
        r,
        &write(dir.path(), "kieu.m4b", &m4b_with_chapters()),
        true,
    );
    assert_eq!(a.object.kind, DigitalKind::Audio);
    // The registered type of every MPEG-4 audio file; `audio/x-m4b` is no standard one.
    assert_eq!(a.object.media_type, "audio/mp4");
    assert_eq!(a.object.duration_ms, Some(90_000));
    assert_eq!(a.object.parts, None);
    assert!(!a.object.has_text && a.text_note.is_none());
    let expected = [
        ("Lời giới thiệu", 0, 12_500),
        ("Chương một", 12_500, 47_250),
        ("Chương hai", 47_250, 90_000),
    ];
    let chapters = |o: &crate::api::DigitalObject| -> Vec<(String, u64, u64)> {
        o.chapters
            .iter()
            .map(|c| (c.title.clone(), c.start_ms, c.end_ms))
            .collect()
    };
    let want: Vec<(String, u64, u64)> = expected
        .iter()
        .map(|(t, s, e)| ((*t).to_string(), *s, *e))
        .collect();
    assert_eq!(chapters(&a.object), want);
    // What was stored is what was read.
    let id = objects::parse_id(&a.object.id).expect("id");
    let kept = objects::get(&catalog, id).expect("get");
    assert_eq!(chapters(&kept), want);
    assert_eq!(kept.duration_ms, Some(90_000));
}

#[test]
fn playback_positions_are_kept_per_reader_and_clamped() {
    let (dir, mut catalog) = catalog();
    patron(&mut catalog, "KT001", "visually_impaired");
    let r = record(&mut catalog, "Truyện Kiều");
    work_access(&mut catalog, r, AccessLevel::Registered);
    let audio = attach(
        &mut catalog,
        r,
        &write(dir.path(), "kieu.mp3", &mp3_with_chapters(100)),
        true,
    );
    let id = objects::parse_id(&audio.object.id).expect("id");
    let duration = audio.object.duration_ms.expect("duration");
    access::save_position(&mut catalog, "lan", id, &card("KT001"), 1_500, 1.25).expect("save");
    access::save_position(&mut catalog, "lan", id, &staff(), 999_999, 2.0).expect("save staff");
    let opened = access::open(&catalog, "lan", id, &card("KT001")).expect("open");
    assert_eq!(
        (opened.resume_ms, opened.resume_rate),
        (Some(1_500), Some(1.25))
    );
    let staff_view = access::open(&catalog, "lan", id, &staff()).expect("open");
    assert_eq!(
        staff_view.resume_ms,
        Some(duration),
        "clamped to the length"
    );
    let other_staff = access::open(&catalog, "minh", id, &staff()).expect("open");
    assert_eq!(
        other_staff.resume_ms, None,
        "each staff member has their own place"
    );
    // Someone not signed in has nowhere to keep it; nothing is stored, nothing fails.
    catalog
        .write("lan", |m| {
            objects::set_rights(m, id, None, Some(AccessLevel::Open), "mở")
        })
        .expect("open it");
    access::save_position(&mut catalog, "lan", id, &anonymous(false), 10, 1.0).expect("no-op");
    assert_eq!(
        count(&catalog, "SELECT count(*) FROM playback_positions"),
        2
    );
    let err = access::save_position(&mut catalog, "lan", id, &staff(), 10, 9.0).expect_err("speed");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    catalog
        .write("lan", |m| {
            objects::set_rights(m, id, None, Some(AccessLevel::Staff), "đóng")
        })
        .expect("close it");
    patron(&mut catalog, "TV003", "adult");
    let err = access::save_position(&mut catalog, "lan", id, &card("TV003"), 10, 1.0)
        .expect_err("may not open it");
    assert_eq!(err.code(), ErrorCode::AccessDenied);
    assert_eq!(
        count(
            &catalog,
            "SELECT count(*) FROM change_log WHERE entity_type = 'playback_position'"
        ),
        2
    );
}

#[test]
fn an_objects_own_rights_keep_a_history_and_fall_back_to_the_work() {
    let (dir, mut catalog) = catalog();
    let r = record(&mut catalog, "Truyện Kiều");
    work_access(&mut catalog, r, AccessLevel::Open);
    let o = attach(
        &mut catalog,
        r,
        &write(dir.path(), "kieu.txt", KIEU.as_bytes()),
        false,
    );
    let id = objects::parse_id(&o.object.id).expect("id");
    assert_eq!(
        (o.object.status, o.object.access),
        (None, AccessLevel::Open)
    );
    let err = catalog
        .write("lan", |m| {
            objects::set_rights(m, id, Some(RightsStatus::InC), None, "")
        })
        .expect_err("reason");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    let narrated = catalog
        .write("lan", |m| {
            objects::set_rights(m, id, Some(RightsStatus::InC), None, "bản đọc mới, 2024")
        })
        .expect("set");
    assert_eq!(narrated.status, Some(RightsStatus::InC));
    assert_eq!(
        narrated.access,
        crate::rights::access::default_access(RightsStatus::InC)
    );
    assert_eq!(narrated.rights_reason.as_deref(), Some("bản đọc mới, 2024"));
    let back = catalog
        .write("lan", |m| {
            objects::set_rights(m, id, None, None, "theo tác phẩm")
        })
        .expect("back");
    assert_eq!(
        (back.status, back.access, back.rights_reason),
        (None, AccessLevel::Open, None)
    );
    assert_eq!(
        objects::rights_history(&catalog, id)
            .expect("history")
            .len(),
        2
    );
    let listed = objects::list(&catalog, r).expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].access, AccessLevel::Open);
    assert_eq!(
        objects::list(&catalog, Uuid::nil())
            .expect_err("no record")
            .code(),
        ErrorCode::NotFound
    );
}

#[test]
fn exports_carry_one_856_per_object_and_keep_the_records_own_links() {
    let (dir, mut catalog) = catalog();
    let r = record(&mut catalog, "Truyện Kiều");
    work_access(&mut catalog, r, AccessLevel::Premises);
    let o = attach(
        &mut catalog,
        r,
        &write(dir.path(), "kieu.txt", KIEU.as_bytes()),
        false,
    );
    let labelled = objects::attach(
        &mut catalog,
        "lan",
        &AttachRequest {
            record_id: r.to_string(),
            path: write(dir.path(), "bia.png", PNG).display().to_string(),
            label: Some("  Bìa 1902 ".into()),
            accessible_format: false,
        },
    )
    .expect("attach");
    assert_eq!(labelled.object.label.as_deref(), Some("Bìa 1902"));
    let bytes: Vec<u8> = catalog
        .conn()
        .query_row(
            "SELECT marc FROM records WHERE id = ?1",
            params![r.to_string()],
            |row| row.get(0),
        )
        .expect("marc");
    let now = catalog.clock().now();
    let annotate = |catalog: &Catalog, bytes: &[u8]| {
        let out = crate::rights::marc::annotate_bytes(catalog.conn(), now, &r.to_string(), bytes)
            .expect("annotate")
            .expect("has objects");
        shelfmark_marc::iso2709::from_bytes(&out).expect("parse")
    };
    let rec = annotate(&catalog, &bytes);
    let f856: Vec<&shelfmark_marc::Field> = rec.fields_with_tag("856").collect();
    assert_eq!(f856.len(), 3, "the record's own link and one per object");
    assert_eq!(f856[0].subfield('u'), Some("https://nxb.example.vn/kieu"));
    assert_eq!(
        f856[1].subfield('u').map(str::to_string),
        Some(format!("urn:sha256:{}", o.object.sha256))
    );
    assert_eq!(f856[1].subfield('q'), Some("text/plain; charset=utf-8"));
    assert_eq!(f856[1].subfield('y'), Some("kieu.txt"));
    assert_eq!(
        f856[1].subfield('z'),
        Some("On the library's premises only")
    );
    assert_eq!(
        f856[1].subfield('s').map(str::to_string),
        Some(KIEU.len().to_string())
    );
    assert_eq!(f856[2].subfield('y'), Some("Bìa 1902"));
    // With the library's address set, and exported again from an export: no repeats.
    catalog
        .write("lan", |m| {
            marc::set_base_url(m, Some("https://thuvien.example.vn/so/"))
        })
        .expect("base url");
    let again = annotate(
        &catalog,
        &shelfmark_marc::iso2709::to_bytes(&rec).expect("bytes"),
    );
    let f856: Vec<&shelfmark_marc::Field> = again.fields_with_tag("856").collect();
    assert_eq!(f856.len(), 3);
    assert_eq!(
        f856[1].subfield('u').map(str::to_string),
        Some(format!(
            "https://thuvien.example.vn/so/objects/{}",
            o.object.sha256
        ))
    );
    let err = catalog
        .write("lan", |m| marc::set_base_url(m, Some("ftp://x")))
        .expect_err("not http");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}
