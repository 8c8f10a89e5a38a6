//! Small real files of every kind the digital collection keeps, made in memory: a PDF with a
//! text layer (lopdf), an EPUB 3 with a table of contents (zip), an MP3 of silent MPEG
//! frames with ID3 chapter marks (id3), a PNG drawing (png), and the opening verses of
//! Truyện Kiều as text. The demo attaches them to its showcase records; the digital
//! collection's tests and the CLI's tests use the same generators, so a file the viewer
//! opens in the demo is the file the tests check.
//!
//! This module only makes bytes: it never writes a file, touches a catalog or reads the
//! clock. Its inputs are the callers' own constants, so the only errors are the encoders'
//! own, passed on as `io::Error`.

use std::io::{self, Write};

/// The opening of Truyện Kiều (Nguyễn Du, 1765–1820; public domain), lines 1–32 in the
/// usual modern quốc ngữ text: the prologue (1–8), then Vương's family and the two sisters.
pub const KIEU_OPENING: &[&str] = &[
    "Trăm năm trong cõi người ta,",
    "Chữ tài chữ mệnh khéo là ghét nhau.",
    "Trải qua một cuộc bể dâu,",
    "Những điều trông thấy mà đau đớn lòng.",
    "Lạ gì bỉ sắc tư phong,",
    "Trời xanh quen thói má hồng đánh ghen.",
    "Cảo thơm lần giở trước đèn,",
    "Phong tình cổ lục còn truyền sử xanh.",
    "Rằng năm Gia Tĩnh triều Minh,",
    "Bốn phương phẳng lặng hai kinh vững vàng.",
    "Có nhà viên ngoại họ Vương,",
    "Gia tư nghĩ cũng thường thường bậc trung.",
    "Một trai con thứ rốt lòng,",
    "Vương Quan là chữ nối dòng nho gia.",
    "Đầu lòng hai ả tố nga,",
    "Thúy Kiều là chị em là Thúy Vân.",
    "Mai cốt cách tuyết tinh thần,",
    "Mỗi người một vẻ mười phân vẹn mười.",
    "Vân xem trang trọng khác vời,",
    "Khuôn trăng đầy đặn nét ngài nở nang.",
    "Hoa cười ngọc thốt đoan trang,",
    "Mây thua nước tóc tuyết nhường màu da.",
    "Kiều càng sắc sảo mặn mà,",
    "So bề tài sắc lại là phần hơn.",
    "Làn thu thủy nét xuân sơn,",
    "Hoa ghen thua thắm liễu hờn kém xanh.",
    "Một hai nghiêng nước nghiêng thành,",
    "Sắc đành đòi một tài đành họa hai.",
    "Thông minh vốn sẵn tính trời,",
    "Pha nghề thi họa đủ mùi ca ngâm.",
    "Cung thương làu bậc ngũ âm,",
    "Nghề riêng ăn đứt Hồ cầm một trương.",
];

/// How many of [`KIEU_OPENING`]'s lines are the prologue (before "Rằng năm Gia Tĩnh...").
pub const KIEU_PROLOGUE_LINES: usize = 8;

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// A PDF with one page per entry of `pages`, each line of a page set in Helvetica
/// (WinAnsiEncoding) from the top. The standard fonts carry no Vietnamese letters with
/// their tone marks (ă, ơ, ư, đ and most toned vowels are outside WinAnsi), and embedding
/// a font would make the file large, so the text is meant to be ASCII (Vietnamese written
/// without diacritics, as in old typed documents); the full-text search folds diacritics, so
/// it is still found by what a reader types. A page of one empty line has no text layer.
pub fn pdf(pages: &[&[&str]]) -> io::Result<Vec<u8>> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for lines in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 14.into()]),
            Operation::new("TL", vec![20.into()]),
            Operation::new("Td", vec![72.into(), 760.into()]),
        ];
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                operations.push(Operation::new("T*", vec![]));
            }
            operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().map_err(other)?;
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(other)?;
    Ok(out)
}

/// One chapter of an [`epub`]: its title (in the table of contents and as its heading) and
/// its paragraphs.
#[derive(Debug, Clone, Copy)]
pub struct Chapter<'a> {
    pub title: &'a str,
    pub paragraphs: &'a [&'a str],
}

fn xml(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// An EPUB 3: the `mimetype` entry first and stored, the container, a package with title,
/// language and identifier, a nav document (links with a fragment, as real ones often have)
/// and one XHTML file per chapter (`<h1>` title, `<p>` per paragraph).
pub fn epub(title: &str, language: &str, chapters: &[Chapter<'_>]) -> io::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut out = io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, text: &str, o: SimpleFileOptions| -> io::Result<()> {
        z.start_file(name, o).map_err(other)?;
        z.write_all(text.as_bytes())
    };
    put("mimetype", "application/epub+zip", stored)?;
    put(
        "META-INF/container.xml",
        r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#,
        deflated,
    )?;
    let mut manifest = String::from(
        r#"<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>"#,
    );
    let mut spine = String::new();
    let mut toc = String::new();
    for (i, chapter) in chapters.iter().enumerate() {
        let n = i + 1;
        manifest.push_str(&format!(
            r#"<item id="c{n}" href="text/ch{n}.xhtml" media-type="application/xhtml+xml"/>"#
        ));
        spine.push_str(&format!(r#"<itemref idref="c{n}"/>"#));
        toc.push_str(&format!(
            r#"<li><a href="text/ch{n}.xhtml#c{n}">{}</a></li>"#,
            xml(chapter.title)
        ));
    }
    let language = xml(language);
    put(
        "OEBPS/content.opf",
        &format!(
            r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:shelfmark:demo:{}</dc:identifier><dc:title>{}</dc:title><dc:language>{language}</dc:language></metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>"#,
            xml(&crate::text::fold(title).replace(' ', "-")),
            xml(title),
        ),
        deflated,
    )?;
    put(
        "OEBPS/nav.xhtml",
        &format!(
            r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="{language}"><head><title>{}</title></head><body><nav epub:type="toc"><ol>{toc}</ol></nav></body></html>"#,
            xml(title)
        ),
        deflated,
    )?;
    for (i, chapter) in chapters.iter().enumerate() {
        let n = i + 1;
        let body: String = chapter
            .paragraphs
            .iter()
            .map(|p| format!("<p>{}</p>", xml(p)))
            .collect();
        put(
            &format!("OEBPS/text/ch{n}.xhtml"),
            &format!(
                r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{language}"><head><title>{}</title></head><body><h1 id="c{n}">{}</h1>{body}</body></html>"#,
                xml(chapter.title),
                xml(chapter.title)
            ),
            deflated,
        )?;
    }
    z.finish().map_err(other)?;
    Ok(out.into_inner())
}

/// A kind of silent MPEG-1 Layer III frame: its four header bytes, its length and how long
/// it plays. All-zero side information and main data decode as silence.
#[derive(Debug, Clone, Copy)]
pub struct SilentFrame {
    header: [u8; 4],
    bytes: usize,
    micros: u64,
}

impl SilentFrame {
    /// 128 kbit/s, 44.1 kHz, joint stereo: 417 bytes, 1152 samples (about 26.1 ms).
    pub const STEREO_128K: SilentFrame = SilentFrame {
        header: [0xFF, 0xFB, 0x90, 0x64],
        bytes: 417,
        micros: 26_122,
    };
    /// 32 kbit/s, 32 kHz, mono: 144 bytes, 1152 samples (36 ms) — a minute of speech-length
    /// silence in about 240 KB, which every MP3 decoder plays.
    pub const MONO_32K: SilentFrame = SilentFrame {
        header: [0xFF, 0xFB, 0x18, 0xC4],
        bytes: 144,
        micros: 36_000,
    };

    /// How many frames play for at least `ms` milliseconds.
    pub fn frames_for(self, ms: u64) -> usize {
        (ms * 1_000).div_ceil(self.micros) as usize
    }
}

/// `n` silent frames of one kind.
pub fn silent_mpeg_frames(frame: SilentFrame, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * frame.bytes);
    for _ in 0..n {
        out.extend_from_slice(&frame.header);
        out.extend(std::iter::repeat_n(0u8, frame.bytes - frame.header.len()));
    }
    out
}

/// A chapter mark of an [`mp3`], in milliseconds from the start.
#[derive(Debug, Clone, Copy)]
pub struct ChapterMark<'a> {
    pub title: &'a str,
    pub start_ms: u32,
    pub end_ms: u32,
}

/// An MP3: an ID3v2.4 tag (title, one CHAP frame per chapter and a top-level ordered CTOC)
/// and then `frames` silent frames. The CHAP frames are written last first, as some
/// taggers write them, so a reader must follow the table of contents for the order.
pub fn mp3(
    title: &str,
    frame: SilentFrame,
    frames: usize,
    chapters: &[ChapterMark<'_>],
) -> io::Result<Vec<u8>> {
    use id3::frame::{Chapter as Chap, TableOfContents};
    use id3::{Frame, Tag, TagLike, Version};
    let mut tag = Tag::new();
    tag.set_title(title);
    for (i, c) in chapters.iter().enumerate().rev() {
        tag.add_frame(Chap {
            element_id: format!("ch{}", i + 1),
            start_time: c.start_ms,
            end_time: c.end_ms,
            start_offset: 0xFFFF_FFFF,
            end_offset: 0xFFFF_FFFF,
            frames: vec![Frame::text("TIT2", c.title)],
        });
    }
    if !chapters.is_empty() {
        tag.add_frame(TableOfContents {
            element_id: "toc".into(),
            top_level: true,
            ordered: true,
            elements: (1..=chapters.len()).map(|i| format!("ch{i}")).collect(),
            frames: Vec::new(),
        });
    }
    let mut out = Vec::new();
    tag.write_to(&mut out, Version::Id3v24).map_err(other)?;
    out.extend(silent_mpeg_frames(frame, frames));
    Ok(out)
}

/// A 1×1 transparent PNG, the smallest image the collection keeps.
pub const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// The size of [`hanoi_map_png`].
pub const MAP_WIDTH: u32 = 480;
pub const MAP_HEIGHT: u32 = 360;

/// A sketch of central Hà Nội as a scanned old map would show it, drawn by hand (no font,
/// so no names): paper, Hồ Tây to the north-west with Trúc Bạch beside it, the Red River
/// curving down the east side, Hồ Hoàn Kiếm near it, a grid of streets, a frame.
pub fn hanoi_map_png() -> io::Result<Vec<u8>> {
    let (w, h) = (MAP_WIDTH as usize, MAP_HEIGHT as usize);
    const PAPER: [u8; 3] = [236, 224, 196];
    const WATER: [u8; 3] = [128, 164, 196];
    const RIVER_BANK: [u8; 3] = [176, 150, 112];
    const STREET: [u8; 3] = [168, 150, 124];
    const INK: [u8; 3] = [70, 56, 40];
    let mut pixels = vec![0u8; w * h * 3];
    let ellipse = |x: f64, y: f64, cx: f64, cy: f64, rx: f64, ry: f64| {
        ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) <= 1.0
    };
    for y in 0..h {
        // The river's middle: down the east side, bending west in the south.
        let yf = y as f64;
        let river_x = 392.0 - 30.0 * (yf / 120.0).sin() - 0.12 * yf;
        for x in 0..w {
            let xf = x as f64;
            let from_river = (xf - river_x).abs();
            let colour = if x < 6 || y < 6 || x >= w - 6 || y >= h - 6 {
                INK
            } else if from_river < 20.0 {
                WATER
            } else if from_river < 26.0 {
                RIVER_BANK
            } else if ellipse(xf, yf, 140.0, 92.0, 78.0, 56.0)
                || ellipse(xf, yf, 232.0, 116.0, 16.0, 10.0)
                || ellipse(xf, yf, 290.0, 222.0, 9.0, 20.0)
            {
                WATER
            } else if xf < river_x - 26.0
                && ((y % 36 < 3 && y > 150) || (x % 42 < 3 && x > 200 && y > 60))
            {
                STREET
            } else {
                // The paper's grain, so it looks scanned rather than flat.
                let grain = ((x * 7 + y * 13) % 11) as u8;
                [PAPER[0] - grain, PAPER[1] - grain, PAPER[2] - grain]
            };
            let at = (y * w + x) * 3;
            pixels[at..at + 3].copy_from_slice(&colour);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, MAP_WIDTH, MAP_HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(other)?;
    writer.write_image_data(&pixels).map_err(other)?;
    writer.finish().map_err(other)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digital::media::{Media, probe};

    fn probed(bytes: &[u8]) -> Media {
        probe(&mut io::Cursor::new(bytes)).expect("probes")
    }

    #[test]
    fn the_generated_files_are_what_they_claim() {
        let m = probed(&hanoi_map_png().expect("png"));
        assert_eq!(m.media_type, "image/png");
        let m = probed(
            &mp3(
                "Thử",
                SilentFrame::MONO_32K,
                SilentFrame::MONO_32K.frames_for(3_000),
                &[
                    ChapterMark {
                        title: "Một",
                        start_ms: 0,
                        end_ms: 1_000,
                    },
                    ChapterMark {
                        title: "Hai",
                        start_ms: 1_000,
                        end_ms: 3_000,
                    },
                ],
            )
            .expect("mp3"),
        );
        assert_eq!(m.media_type, "audio/mpeg");
        let d = m.duration_ms.expect("duration");
        assert!((2_950..=3_100).contains(&d), "{d}");
        let titles: Vec<&str> = m.chapters.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["Một", "Hai"]);
        let m = probed(&pdf(&[&["a", "b"], &["c"]]).expect("pdf"));
        assert_eq!(m.parts, Some(2));
        let m = probed(
            &epub(
                "Thử & xem",
                "vi",
                &[Chapter {
                    title: "<Một>",
                    paragraphs: &["a"],
                }],
            )
            .expect("epub"),
        );
        assert_eq!(m.media_type, "application/epub+zip");
        assert_eq!(m.parts, Some(1));
    }
}
