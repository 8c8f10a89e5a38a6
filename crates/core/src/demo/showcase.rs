//! The demo's digital collection and copyright: the first [`SHOWCASE_RECORDS`] demo records
//! are fixed works a Hanoi library has in digital form, each a different rights situation,
//! and the rules are run over a share of the rest so the review queue, the rights tab and the
//! rights report have a realistic mix.
//!
//! - `SM000000000` Truyện Kiều (Nguyễn Du, 1765–1820): public domain by the rules, open to
//!   everyone; its opening verses as a text and as an EPUB of two chapters, and a dark
//!   preservation master of the text.
//! - `SM000000001` Dế Mèn phiêu lưu ký (Tô Hoài, 1920–2014), an audiobook: in copyright; the
//!   accessible-format MP3 (three chapters) is for staff only, so an ordinary reader cannot
//!   open it and a reader of category `visually_impaired` can (the print-disability
//!   exception, Marrakesh Treaty).
//! - `SM000000002` Bản đồ Hà Nội, a scanned map with no known maker or year: the rules say
//!   `UND`, staff only, waiting in the review queue.
//! - `SM000000003` Làng gốm Bát Tràng, a digitised local-history booklet: a PDF on the
//!   premises only, the level set by a person with a reason.
//!
//! Demo reader 1 (card [`VISUALLY_IMPAIRED_CARD`], with the kiosk PIN like every tenth) is
//! `visually_impaired`, reader 2 ([`ORDINARY_CARD`]) an adult; both cards are valid.
//!
//! Everything goes through the real functions (`digital::attach` from files written to a
//! temporary folder beside the catalog, `digital::set_rights`, `rights::compute_many`,
//! `rights::set_access`), so the content store, the change log and the determinations are
//! what a librarian would have made. This module never invents a rights status: the rules
//! compute them; only the levels a person would set are set, each with its reason.

use std::path::Path;
use std::sync::Arc;

use rusqlite::params;
use shelfmark_marc::{Leader, Record};
use time::{Date, Month, OffsetDateTime};
use uuid::Uuid;

use super::media::{self, Chapter, ChapterMark, KIEU_OPENING, KIEU_PROLOGUE_LINES, SilentFrame};
use super::vocabulary::{ACCESSIBLE_LOCATION, VI_NARRATORS};
use super::{fixed_field_008, isbn13};
use crate::api::{AccessLevel, AttachRequest, DigitalKind, MaterialType};
use crate::circulation::patrons::PatronCategory;
use crate::clock::ManualClock;
use crate::digital;
use crate::error::CoreError;
use crate::rights::{self, determinations};
use crate::store::Catalog;

/// How many demo records are the showcase (records `0..SHOWCASE_RECORDS`).
pub const SHOWCASE_RECORDS: u64 = 4;

/// The card of the demo's reader with a print disability (category `visually_impaired`).
pub const VISUALLY_IMPAIRED_CARD: &str = "200000000001";
/// The card of an ordinary registered reader (category `adult`).
pub const ORDINARY_CARD: &str = "200000000002";

/// The most records the rules are run over in the demo: a third of them up to this many,
/// so a million-record demo costs seconds more, not minutes.
pub const MAX_DETERMINED: u64 = 5_000;

/// Control numbers of the showcase records.
pub const KIEU: &str = "SM000000000";
pub const AUDIOBOOK: &str = "SM000000001";
pub const MAP: &str = "SM000000002";
pub const BOOKLET: &str = "SM000000003";

/// Labels of the showcase objects (what the viewer and the record's tab show).
pub const KIEU_TEXT_LABEL: &str = "Truyện Kiều — văn bản (đoạn mở đầu)";
pub const KIEU_EPUB_LABEL: &str = "Truyện Kiều — sách điện tử EPUB";
pub const KIEU_MASTER_LABEL: &str = "Truyện Kiều — bản gốc lưu trữ (bảo quản)";
pub const AUDIOBOOK_LABEL: &str = "Dế Mèn phiêu lưu ký — sách nói (bản dễ tiếp cận)";
pub const MAP_LABEL: &str = "Bản đồ Hà Nội — bản quét";
pub const BOOKLET_LABEL: &str = "Làng gốm Bát Tràng — bản số hoá (PDF)";

/// The reasons a person would give for the levels they set.
const AUDIOBOOK_REASON: &str = "Bản sách nói dễ tiếp cận làm theo ngoại lệ cho người khuyết tật (Luật SHTT Điều 25a, Hiệp ước Marrakesh): tác phẩm còn bảo hộ, chỉ phục vụ bạn đọc khuyết tật không đọc được chữ in.";
const MASTER_REASON: &str =
    "Bản gốc lưu trữ để bảo quản, không phục vụ; bạn đọc dùng bản văn bản và bản EPUB.";
const BOOKLET_REASON: &str =
    "Tài liệu địa chí số hoá theo thoả thuận với đơn vị biên soạn: chỉ đọc tại thư viện.";

/// One showcase object, as the demo's report lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DemoObject {
    pub id: String,
    pub record_id: String,
    pub control_number: String,
    pub title: String,
    pub label: String,
    pub file_name: String,
    pub kind: DigitalKind,
    pub access: AccessLevel,
    pub accessible_format: bool,
}

/// What the showcase made.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoDigital {
    /// Records the rules were run over, and the determinations stored.
    pub records_determined: u64,
    pub determinations: u64,
    pub objects: Vec<DemoObject>,
    /// A reader of category `visually_impaired` (with the kiosk PIN).
    pub visually_impaired_card: Option<String>,
    /// An ordinary adult reader.
    pub ordinary_card: Option<String>,
}

/// A showcase record and where its copies stand: (item type, location) per copy.
pub(super) struct ShowcaseRecord {
    pub record: Record,
    pub copies: &'static [(&'static str, &'static str)],
}

fn base(n: u64, leader: Leader, f008: String) -> Result<Record, CoreError> {
    Ok(Record::new(leader)
        .control("001", format!("SM{n:09}"))?
        .control("003", "VN-SM")?
        .control("005", "20260101000000.0")?
        .control("008", f008)?)
}

/// The `n`th showcase record, when `n` is one.
pub(super) fn record(n: u64) -> Result<Option<ShowcaseRecord>, CoreError> {
    let showcase = match n {
        0 => ShowcaseRecord {
            record: base(
                n,
                Leader::new('n', 'a', 'm'),
                fixed_field_008(MaterialType::Book, 2015, "vm ", "vie"),
            )?
            .data("020", [' ', ' '], &[('a', &isbn13("978604960001"))])?
            .data("041", ['0', ' '], &[('a', "vie")])?
            .data("082", ['0', '4'], &[('a', "895.9221"), ('2', "23")])?
            .data(
                "100",
                ['1', ' '],
                &[('a', "Nguyễn, Du,"), ('d', "1765-1820.")],
            )?
            .data(
                "245",
                ['1', '0'],
                &[('a', "Truyện Kiều /"), ('c', "Nguyễn Du")],
            )?
            .data(
                "264",
                [' ', '1'],
                &[('a', "Hà Nội :"), ('b', "Văn học,"), ('c', "2015.")],
            )?
            .data("300", [' ', ' '], &[('a', "256 tr. ; 21 cm")])?
            .data(
                "500",
                [' ', ' '],
                &[(
                    'a',
                    "Có bản số hoá: văn bản và sách điện tử đoạn mở đầu, mở cho mọi người.",
                )],
            )?
            .data("650", [' ', '7'], &[('a', "Thơ Việt Nam"), ('2', "local")])?,
            copies: &[("book", "Kho mở"), ("book", "Phòng đọc")],
        },
        1 => ShowcaseRecord {
            record: base(
                n,
                Leader::new('n', 'i', 'm'),
                fixed_field_008(MaterialType::Audiobook, 2019, "vm ", "vie"),
            )?
            .control("007", "sd fsngnnmmned")?
            .data("020", [' ', ' '], &[('a', &isbn13("978604210001"))])?
            .data("041", ['0', ' '], &[('a', "vie")])?
            .data("082", ['0', '4'], &[('a', "895.9223"), ('2', "23")])?
            .data(
                "100",
                ['1', ' '],
                &[('a', "Tô, Hoài,"), ('d', "1920-2014.")],
            )?
            .data(
                "245",
                ['1', '0'],
                &[
                    ('a', "Dế Mèn phiêu lưu ký :"),
                    ('b', "sách nói /"),
                    ('c', "Tô Hoài"),
                ],
            )?
            .data(
                "264",
                [' ', '1'],
                &[('a', "Hà Nội :"), ('b', "Kim Đồng,"), ('c', "2019.")],
            )?
            .data(
                "300",
                [' ', ' '],
                &[('a', "1 tệp âm thanh (MP3, 3 chương)")],
            )?
            .data("341", ['0', ' '], &[('a', "auditory")])?
            .data(
                "511",
                ['0', ' '],
                &[('a', &format!("Đọc: {}.", VI_NARRATORS[0]))],
            )?
            .data(
                "650",
                [' ', '7'],
                &[('a', "Sách thiếu nhi"), ('2', "local")],
            )?,
            copies: &[("audiobook", ACCESSIBLE_LOCATION)],
        },
        2 => ShowcaseRecord {
            record: base(n, Leader::new('n', 'e', 'm'), map_008())?
                .data("041", ['0', ' '], &[('a', "vie")])?
                .data(
                    "245",
                    ['0', '0'],
                    &[
                        ('a', "Bản đồ Hà Nội :"),
                        ('b', "bản quét từ tờ bản đồ in cũ"),
                    ],
                )?
                .data(
                    "264",
                    [' ', '1'],
                    &[
                        ('a', "[Hà Nội] :"),
                        ('b', "[Không rõ nơi in],"),
                        ('c', "[Không rõ năm]"),
                    ],
                )?
                .data(
                    "300",
                    [' ', ' '],
                    &[('a', "1 bản đồ :"), ('b', "màu ;"), ('c', "60 x 80 cm")],
                )?
                .data(
                    "500",
                    [' ', ' '],
                    &[(
                        'a',
                        "Không rõ người vẽ và năm in; quyền tác giả chưa xác định được.",
                    )],
                )?
                .data(
                    "651",
                    [' ', '7'],
                    &[('a', "Hà Nội (Việt Nam)"), ('v', "Bản đồ"), ('2', "local")],
                )?,
            copies: &[("reference", "Kho lưu trữ")],
        },
        3 => ShowcaseRecord {
            record: base(
                n,
                Leader::new('n', 'a', 'm'),
                fixed_field_008(MaterialType::Book, 1998, "vm ", "vie"),
            )?
            .data("041", ['0', ' '], &[('a', "vie")])?
            .data("082", ['0', '4'], &[('a', "959.731"), ('2', "23")])?
            .data(
                "245",
                ['1', '0'],
                &[
                    ('a', "Làng gốm Bát Tràng :"),
                    ('b', "tư liệu địa chí /"),
                    ('c', "Thư viện Hà Nội biên soạn"),
                ],
            )?
            .data(
                "264",
                [' ', '1'],
                &[('a', "Hà Nội :"), ('b', "Thư viện Hà Nội,"), ('c', "1998.")],
            )?
            .data("300", [' ', ' '], &[('a', "48 tr. ; 19 cm")])?
            .data(
                "651",
                [' ', '7'],
                &[
                    ('a', "Bát Tràng (Hà Nội)"),
                    ('x', "Lịch sử"),
                    ('2', "local"),
                ],
            )?
            .data("710", ['2', ' '], &[('a', "Thư viện Hà Nội.")])?,
            copies: &[("reference", "Kho lưu trữ")],
        },
        _ => return Ok(None),
    };
    Ok(Some(showcase))
}

/// 008 of a single map whose dates are unknown: 06 `n` with `uuuu`, 18-21 no relief, 22-23
/// projection not specified, 25 single map, 31 no index.
fn map_008() -> String {
    format!(
        "250101nuuuuuuuuvm {relief}{projection} a   {form} 0   vie d",
        relief = "    ",
        projection = "  ",
        form = " ",
    )
}

/// Reader `n` (from 0) of the demo gets this category and card expiry instead of the drawn
/// ones, so the showcase has known readers.
pub(super) fn reader(n: u64) -> Option<(PatronCategory, Date)> {
    let valid = Date::from_calendar_date(2028, Month::December, 31).ok()?;
    match n {
        0 => Some((PatronCategory::VisuallyImpaired, valid)),
        1 => Some((PatronCategory::Adult, valid)),
        _ => None,
    }
}

fn record_id(catalog: &Catalog, control_number: &str) -> Result<Option<Uuid>, CoreError> {
    Ok(
        crate::catalog::records::find_by_control_number(catalog, control_number)?
            .into_iter()
            .next(),
    )
}

/// The records the rules are run over: every third, up to [`MAX_DETERMINED`], in catalog
/// order, read without going through the whole catalog.
fn sample(catalog: &Catalog) -> Result<Vec<Uuid>, CoreError> {
    let mut stmt = catalog
        .conn()
        .prepare("SELECT id FROM records ORDER BY rowid LIMIT ?1")?;
    let ids = stmt
        .query_map(params![(MAX_DETERMINED * 3) as i64], |r| {
            r.get::<_, String>(0)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ids
        .iter()
        .step_by(3)
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect())
}

/// Writes one sample file into the temporary folder.
fn write(dir: &Path, name: &str, bytes: std::io::Result<Vec<u8>>) -> Result<String, CoreError> {
    let path = dir.join(name);
    bytes
        .and_then(|b| std::fs::write(&path, b))
        .map_err(|source| CoreError::WriteFile {
            path: path.clone(),
            source,
        })?;
    Ok(path.display().to_string())
}

fn kieu_text() -> String {
    let mut text = String::from("Truyện Kiều\nNguyễn Du (1765–1820)\n\n");
    for (i, line) in KIEU_OPENING.iter().enumerate() {
        if i == KIEU_PROLOGUE_LINES {
            text.push('\n');
        }
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Builds the showcase's rights and objects at `now` (the catalog's clock is `clock`).
pub(super) fn build(
    catalog: &mut Catalog,
    user: &str,
    records: u64,
    clock: &Arc<ManualClock>,
    now: OffsetDateTime,
) -> Result<DemoDigital, CoreError> {
    let mut made = DemoDigital {
        visually_impaired_card: Some(VISUALLY_IMPAIRED_CARD.into()),
        ordinary_card: Some(ORDINARY_CARD.into()),
        ..DemoDigital::default()
    };
    if records == 0 {
        return Ok(made);
    }
    clock.set(now - time::Duration::minutes(30));

    // The rules over a share of the catalog, the showcase's works among them.
    let mut ids = sample(catalog)?;
    for cn in [KIEU, AUDIOBOOK, MAP, BOOKLET] {
        if let Some(id) = record_id(catalog, cn)? {
            ids.push(id);
        }
    }
    let summary = rights::compute_many(catalog, user, Some(&ids))?;
    made.records_determined = summary.records;
    made.determinations = summary.changed;

    // The files, written beside the catalog (the store is on the same disk) and attached.
    let parent = match catalog.path().parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".shelfmark-demo-")
        .tempdir_in(&parent)
        .map_err(|source| CoreError::WriteFile {
            path: parent.clone(),
            source,
        })?;
    let dir = temp.path();
    let attach = |catalog: &mut Catalog,
                  cn: &str,
                  path: String,
                  label: &str,
                  accessible_format: bool|
     -> Result<Option<Uuid>, CoreError> {
        let Some(record) = record_id(catalog, cn)? else {
            return Ok(None);
        };
        let attached = digital::attach(
            catalog,
            user,
            &AttachRequest {
                record_id: record.to_string(),
                path,
                label: Some(label.into()),
                accessible_format,
            },
        )?;
        Ok(Some(digital::objects::parse_id(&attached.object.id)?))
    };

    let mut objects = Vec::new();
    let text = write(dir, "truyen-kieu.txt", Ok(kieu_text().into_bytes()))?;
    objects.push(attach(catalog, KIEU, text, KIEU_TEXT_LABEL, false)?);
    let prologue: Vec<&str> = KIEU_OPENING[..KIEU_PROLOGUE_LINES].to_vec();
    let sisters: Vec<&str> = KIEU_OPENING[KIEU_PROLOGUE_LINES..].to_vec();
    let epub = write(
        dir,
        "truyen-kieu.epub",
        media::epub(
            "Truyện Kiều",
            "vi",
            &[
                Chapter {
                    title: "Mở đầu",
                    paragraphs: &prologue,
                },
                Chapter {
                    title: "Chị em Thúy Kiều",
                    paragraphs: &sisters,
                },
            ],
        ),
    )?;
    objects.push(attach(catalog, KIEU, epub, KIEU_EPUB_LABEL, false)?);
    let master = write(
        dir,
        "truyen-kieu-ban-goc.txt",
        Ok(format!(
            "Bản gốc lưu trữ (master) của văn bản số hoá — không phục vụ bạn đọc.\n\n{}",
            kieu_text()
        )
        .into_bytes()),
    )?;
    let master = attach(catalog, KIEU, master, KIEU_MASTER_LABEL, false)?;
    objects.push(master);

    let frame = SilentFrame::MONO_32K;
    let audio = write(
        dir,
        "de-men-phieu-luu-ky.mp3",
        media::mp3(
            "Dế Mèn phiêu lưu ký (sách nói)",
            frame,
            frame.frames_for(72_000),
            &[
                ChapterMark {
                    title: "Lời giới thiệu",
                    start_ms: 0,
                    end_ms: 12_000,
                },
                ChapterMark {
                    title: "Chương một",
                    start_ms: 12_000,
                    end_ms: 42_000,
                },
                ChapterMark {
                    title: "Chương hai",
                    start_ms: 42_000,
                    end_ms: 72_000,
                },
            ],
        ),
    )?;
    let audio = attach(catalog, AUDIOBOOK, audio, AUDIOBOOK_LABEL, true)?;
    objects.push(audio);

    let map = write(dir, "ban-do-ha-noi.png", media::hanoi_map_png())?;
    objects.push(attach(catalog, MAP, map, MAP_LABEL, false)?);

    let booklet = write(
        dir,
        "lang-gom-bat-trang.pdf",
        media::pdf(&[
            &[
                "LANG GOM BAT TRANG",
                "Tu lieu dia chi",
                "Thu vien Ha Noi bien soan, 1998",
            ],
            &[
                "Bat Trang la lang nghe gom su lau doi",
                "ben ta ngan song Hong, huyen Gia Lam, Ha Noi.",
                "Theo su sach, nghe gom o day da co tu the ky XIV - XV.",
            ],
            &[
                "Ngay nay lang van giu nghe lam gom:",
                "bat dia, binh lo, do tho va do luu niem.",
                "Cho gom Bat Trang don khach tham quan hang ngay.",
            ],
        ]),
    )?;
    objects.push(attach(catalog, BOOKLET, booklet, BOOKLET_LABEL, false)?);
    drop(temp);

    // The levels a person sets, with their reasons.
    let booklet_record = record_id(catalog, BOOKLET)?;
    catalog.write(user, |m| {
        if let Some(id) = audio {
            digital::set_rights(m, id, None, Some(AccessLevel::Staff), AUDIOBOOK_REASON)?;
        }
        if let Some(id) = master {
            digital::set_rights(m, id, None, Some(AccessLevel::Dark), MASTER_REASON)?;
        }
        if let Some(id) = booklet_record {
            determinations::set_access(m, id, AccessLevel::Premises, BOOKLET_REASON)?;
        }
        Ok(())
    })?;

    for id in objects.into_iter().flatten() {
        let object = digital::get(catalog, id)?;
        let (control_number, title): (String, String) = catalog.conn().query_row(
            "SELECT control_number, title FROM records WHERE id = ?1",
            params![object.record_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        made.objects.push(DemoObject {
            id: object.id,
            record_id: object.record_id,
            control_number,
            title,
            label: object.label.unwrap_or_default(),
            file_name: object.file_name,
            kind: object.kind,
            access: object.access,
            accessible_format: object.accessible_format,
        });
    }
    Ok(made)
}
