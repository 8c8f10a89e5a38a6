//! Small real files of every kind the digital collection keeps, made in memory: a PDF with a
//! text layer (lopdf), an EPUB 3 with a table of contents (zip), an MP3 of silent MPEG
//! frames with ID3 chapter marks (id3), an M4B audiobook with a Nero chapter list (by hand),
//! a PNG drawing (png), and the opening verses of Truyện Kiều as text. The demo attaches them to its showcase records; the digital
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

/// Where a chapter of an [`m4b`] starts, in milliseconds from the start, and its title. A
/// Nero chapter list gives no ends: a chapter ends where the next begins, the last at the
/// end of the book.
#[derive(Debug, Clone, Copy)]
pub struct ChapterStart<'a> {
    pub title: &'a str,
    pub start_ms: u64,
}

/// One MP4 box: its 32-bit size, its type, then its content.
fn mp4_box(fourcc: &[u8; 4], parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = 8 + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut out = Vec::with_capacity(len);
    // The boxes made here are a few hundred bytes, far below the 32-bit size's limit.
    out.extend_from_slice(&(len as u32).to_be_bytes());
    out.extend_from_slice(fourcc);
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

/// One MP4 "full box": a box whose content opens with a version byte and 24 bits of flags.
fn mp4_full_box(fourcc: &[u8; 4], version: u8, flags: u32, parts: &[&[u8]]) -> Vec<u8> {
    let mut head = flags.to_be_bytes();
    head[0] = version;
    let mut all: Vec<&[u8]> = vec![&head];
    all.extend_from_slice(parts);
    mp4_box(fourcc, &all)
}

/// The identity transformation matrix of `mvhd` and `tkhd` (16.16 and 2.30 fixed point).
const MP4_MATRIX: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];

fn mp4_matrix() -> Vec<u8> {
    MP4_MATRIX.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// An M4B audiobook as iTunes, ffmpeg and most audiobook tools lay it out, hand-written
/// because no maintained Rust crate writes an MP4 from nothing (`mp4ameta` only edits the
/// metadata of an existing one) and the tests cannot call ffmpeg:
///
/// - `ftyp`: major brand `M4B `, compatible `M4A `, `mp42`, `isom`;
/// - `moov`: `mvhd` (timescale 1000, `duration_ms`), one enabled mono AAC-LC 44.1 kHz
///   audio `trak` (`tkhd`, `mdia` with `mdhd` in Vietnamese, `hdlr` `soun`, `minf` with
///   `smhd`, `dinf`/`dref`/`url `, `stbl` with an `mp4a` sample entry and its `esds`, and
///   sample tables `stts`/`stsc`/`stsz`/`stco` that list no samples), and `udta` with a
///   Nero chapter list `chpl` (version 1, start times in 100 ns units, as ffmpeg writes
///   it — the list `mp4ameta` reads before any QuickTime chapter track);
/// - an empty `mdat`.
///
/// The file holds no audio samples: a reader measures its length and chapters from the
/// headers, which is what the collection reads; a player shows the length and plays
/// silence or nothing. Titles are UTF-8 of at most 255 bytes and there are at most 255
/// chapters (the list counts both in one byte); anything more is refused, never cut.
pub fn m4b(duration_ms: u64, chapters: &[ChapterStart<'_>]) -> io::Result<Vec<u8>> {
    const SAMPLE_RATE: u32 = 44_100;
    let invalid = |m: String| io::Error::new(io::ErrorKind::InvalidInput, m);
    let duration = u32::try_from(duration_ms)
        .map_err(|_| invalid(format!("a length of {duration_ms} ms is over 32 bits")))?;
    let samples = u32::try_from(duration_ms * u64::from(SAMPLE_RATE) / 1_000)
        .map_err(|_| invalid(format!("{duration_ms} ms of samples is over 32 bits")))?;
    let count = u8::try_from(chapters.len())
        .map_err(|_| invalid(format!("{} chapters, over 255", chapters.len())))?;

    let ftyp = mp4_box(
        b"ftyp",
        &[b"M4B ", &0x200u32.to_be_bytes(), b"M4A ", b"mp42", b"isom"],
    );

    let mvhd = mp4_full_box(
        b"mvhd",
        0,
        0,
        &[
            &[0; 8], // created, modified: unknown
            &1_000u32.to_be_bytes(),
            &duration.to_be_bytes(),
            &0x0001_0000u32.to_be_bytes(), // rate 1.0
            &0x0100u16.to_be_bytes(),      // volume 1.0
            &[0; 10],
            &mp4_matrix(),
            &[0; 24],
            &2u32.to_be_bytes(), // next track id
        ],
    );
    let tkhd = mp4_full_box(
        b"tkhd",
        0,
        0x7, // enabled, in the movie, in the preview
        &[
            &[0; 8],
            &1u32.to_be_bytes(), // track id
            &[0; 4],
            &duration.to_be_bytes(),
            &[0; 8],
            &[0; 4],                  // layer, alternate group
            &0x0100u16.to_be_bytes(), // volume 1.0
            &[0; 2],
            &mp4_matrix(),
            &[0; 8], // width, height: none for sound
        ],
    );
    // ISO 639-2 "vie", three 5-bit letters less 0x60.
    let vie: u16 =
        ((b'v' - 0x60) as u16) << 10 | ((b'i' - 0x60) as u16) << 5 | (b'e' - 0x60) as u16;
    let mdhd = mp4_full_box(
        b"mdhd",
        0,
        0,
        &[
            &[0; 8],
            &SAMPLE_RATE.to_be_bytes(),
            &samples.to_be_bytes(),
            &vie.to_be_bytes(),
            &[0; 2],
        ],
    );
    let hdlr = mp4_full_box(
        b"hdlr",
        0,
        0,
        &[&[0; 4], b"soun", &[0; 12], b"SoundHandler\0"],
    );
    let smhd = mp4_full_box(b"smhd", 0, 0, &[&[0; 4]]);
    let url = mp4_full_box(b"url ", 0, 1, &[]); // 1: the media is in this file
    let dref = mp4_full_box(b"dref", 0, 0, &[&1u32.to_be_bytes(), &url]);
    let dinf = mp4_box(b"dinf", &[&dref]);

    // The elementary stream descriptor: AAC (0x40), an audio stream (5 << 2 | 1), 64 kbit/s,
    // and the AudioSpecificConfig AAC-LC (2), 44.1 kHz (index 4), mono (1).
    let asc: [u8; 2] = [0b0001_0010, 0b0000_1000];
    let mut dsi = vec![0x05, asc.len() as u8];
    dsi.extend_from_slice(&asc);
    let mut dcd = vec![0x04, (13 + dsi.len()) as u8, 0x40, 0x15, 0, 0x18, 0];
    dcd.extend_from_slice(&64_000u32.to_be_bytes());
    dcd.extend_from_slice(&64_000u32.to_be_bytes());
    dcd.extend_from_slice(&dsi);
    let sl = [0x06, 1, 0x02];
    let mut es = vec![0x03, (3 + dcd.len() + sl.len()) as u8, 0, 1, 0];
    es.extend_from_slice(&dcd);
    es.extend_from_slice(&sl);
    let esds = mp4_full_box(b"esds", 0, 0, &[&es]);
    let mp4a = mp4_box(
        b"mp4a",
        &[
            &[0; 6],
            &1u16.to_be_bytes(), // data reference 1: the `url ` above
            &[0; 8],
            &1u16.to_be_bytes(),  // channels
            &16u16.to_be_bytes(), // bits per sample
            &[0; 4],
            &(SAMPLE_RATE << 16).to_be_bytes(), // 16.16 fixed point
            &esds,
        ],
    );
    let stsd = mp4_full_box(b"stsd", 0, 0, &[&1u32.to_be_bytes(), &mp4a]);
    let stts = mp4_full_box(b"stts", 0, 0, &[&[0; 4]]);
    let stsc = mp4_full_box(b"stsc", 0, 0, &[&[0; 4]]);
    let stsz = mp4_full_box(b"stsz", 0, 0, &[&[0; 4], &[0; 4]]);
    let stco = mp4_full_box(b"stco", 0, 0, &[&[0; 4]]);
    let stbl = mp4_box(b"stbl", &[&stsd, &stts, &stsc, &stsz, &stco]);
    let minf = mp4_box(b"minf", &[&smhd, &dinf, &stbl]);
    let mdia = mp4_box(b"mdia", &[&mdhd, &hdlr, &minf]);
    let trak = mp4_box(b"trak", &[&tkhd, &mdia]);

    let mut list = vec![0; 4]; // version 1's reserved word
    list.push(count);
    for c in chapters {
        let title = c.title.as_bytes();
        let len = u8::try_from(title.len()).map_err(|_| {
            invalid(format!(
                "the chapter title {:?} is {} bytes, over 255",
                c.title,
                title.len()
            ))
        })?;
        let start = c
            .start_ms
            .checked_mul(10_000)
            .ok_or_else(|| invalid(format!("a start of {} ms is out of range", c.start_ms)))?;
        list.extend_from_slice(&start.to_be_bytes());
        list.push(len);
        list.extend_from_slice(title);
    }
    let chpl = mp4_full_box(b"chpl", 1, 0, &[&list]);
    let udta = mp4_box(b"udta", &[&chpl]);
    let moov = mp4_box(b"moov", &[&mvhd, &trak, &udta]);
    let mdat = mp4_box(b"mdat", &[]);

    Ok([ftyp, moov, mdat].concat())
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

    #[test]
    fn an_m4b_carries_its_length_and_chapters_in_its_headers() {
        let bytes = m4b(
            3_000,
            &[
                ChapterStart {
                    title: "Một",
                    start_ms: 0,
                },
                ChapterStart {
                    title: "Hai",
                    start_ms: 1_250,
                },
            ],
        )
        .expect("m4b");
        assert_eq!(&bytes[4..12], b"ftypM4B ");
        let m = probed(&bytes);
        assert_eq!(m.media_type, "audio/mp4");
        assert_eq!(m.note, None);
        assert_eq!(m.duration_ms, Some(3_000));
        let chapters: Vec<(&str, u64, u64)> = m
            .chapters
            .iter()
            .map(|c| (c.title.as_str(), c.start_ms, c.end_ms))
            .collect();
        assert_eq!(chapters, [("Một", 0, 1_250), ("Hai", 1_250, 3_000)]);
        // The sample entry is a well-formed AAC one: mp4ameta reads its configuration.
        let tag = mp4ameta::Tag::read_from(&mut io::Cursor::new(&bytes)).expect("reads");
        assert_eq!(tag.sample_rate(), Some(mp4ameta::SampleRate::Hz44100));
        assert_eq!(tag.channel_config(), Some(mp4ameta::ChannelConfig::Mono));
        assert_eq!(tag.avg_bitrate(), Some(64_000));
    }

    #[test]
    fn an_m4b_refuses_what_its_chapter_list_cannot_hold() {
        let long = "Chương ".repeat(40);
        let e = m4b(
            1_000,
            &[ChapterStart {
                title: &long,
                start_ms: 0,
            }],
        )
        .expect_err("a title over 255 bytes");
        assert!(e.to_string().contains("over 255"), "{e}");
        let many = vec![
            ChapterStart {
                title: "x",
                start_ms: 0,
            };
            256
        ];
        assert!(m4b(1_000, &many).is_err());
        assert!(m4b(u64::from(u32::MAX) + 1, &[]).is_err());
    }
}
