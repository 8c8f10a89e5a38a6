//! A deterministic demo catalog: the same `--records` and `--seed` give the same records,
//! items and patrons (ids and timestamps aside, which come from the clock).
//!
//! About 60% of the records are Vietnamese, with real diacritics, and one in ten of those is
//! stored in decomposed form (NFD) in its MARC to prove that the extracted columns and search
//! normalize. The rest are English. Material types: printed books, e-books, audiobooks for
//! readers with visual impairments, and serials. Items get barcodes unique across branches.
//!
//! Every tenth reader (card `200000000001`, `200000000011`, ...) has the kiosk PIN
//! [`DEMO_PIN`]. The catalog is built as if begun [`history::HISTORY_DAYS`] days ago, and
//! `history` then lends, returns and fines over those days (see there). Last, `showcase`
//! makes the digital collection and runs the copyright rules over a share of the records;
//! the first [`SHOWCASE_RECORDS`] records are its fixed works (see there).

mod history;
pub mod media;
pub mod showcase;
mod vocabulary;

pub use history::HISTORY_DAYS;
pub use showcase::{
    DemoDigital, DemoObject, ORDINARY_CARD, SHOWCASE_RECORDS, VISUALLY_IMPAIRED_CARD,
};

use std::sync::Arc;

use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use shelfmark_marc::{Leader, Record};
use time::{Date, Month};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

use crate::api::MaterialType;
use crate::catalog::records;
use crate::circulation::patrons::{self, NewPatron, PatronCategory};
use crate::clock::ManualClock;
use crate::error::CoreError;
use crate::holdings::{self, NewBranch, NewItem};
use crate::store::{Catalog, Mutation};
use vocabulary::*;

/// What to build.
#[derive(Debug, Clone, Copy)]
pub struct DemoConfig {
    pub records: u64,
    pub seed: u64,
}

/// What was built.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoReport {
    pub records: u64,
    pub items: u64,
    pub patrons: u64,
    pub branches: u64,
    /// Loans made in the history, and how many of them are still out.
    pub loans: u64,
    pub open_loans: u64,
    pub holds: u64,
    /// The digital collection and the copyright determinations.
    pub digital: DemoDigital,
}

/// The kiosk PIN of every tenth demo reader.
pub const DEMO_PIN: &str = "1234";

/// Records written per transaction: large enough to be fast, small enough to show progress.
const BATCH: u64 = 2_000;

/// Builds the demo into an empty catalog. `progress` is told how many records are done.
pub fn build(
    catalog: &mut Catalog,
    user: &str,
    config: DemoConfig,
    progress: impl FnMut(u64),
) -> Result<DemoReport, CoreError> {
    build_with(catalog, user, config, true, progress)
}

/// The demo without its digital collection and copyright determinations: records, items,
/// readers and the circulation history only, every work never evaluated. For tests that
/// start from a catalog no one has looked at for rights (the review queue's).
pub fn build_plain(
    catalog: &mut Catalog,
    user: &str,
    config: DemoConfig,
    progress: impl FnMut(u64),
) -> Result<DemoReport, CoreError> {
    build_with(catalog, user, config, false, progress)
}

fn build_with(
    catalog: &mut Catalog,
    user: &str,
    config: DemoConfig,
    digital: bool,
    mut progress: impl FnMut(u64),
) -> Result<DemoReport, CoreError> {
    let existing = catalog.summary()?;
    if existing.records > 0 || existing.patrons > 0 {
        return Err(CoreError::InvalidInput {
            what: "catalog for the demo",
            value: catalog.path().display().to_string(),
            reason: format!(
                "it already holds {} records and {} patrons; the demo is built only into an empty catalog (choose a new --db)",
                existing.records, existing.patrons
            ),
        });
    }
    // The catalog's own clock is lent a hand-set one for the build, and always given back.
    let now = catalog.clock().now();
    let clock = Arc::new(ManualClock::new(
        now - time::Duration::days(history::HISTORY_DAYS + 1),
    ));
    let own = catalog.swap_clock(clock.clone());
    let built = build_at(catalog, user, config, digital, &mut progress, &clock, now);
    catalog.swap_clock(own);
    built
}

fn build_at(
    catalog: &mut Catalog,
    user: &str,
    config: DemoConfig,
    digital: bool,
    progress: &mut impl FnMut(u64),
    clock: &Arc<ManualClock>,
    now: time::OffsetDateTime,
) -> Result<DemoReport, CoreError> {
    let mut generator = Generator::new(config.seed);
    let mut report = DemoReport::default();
    let branches = catalog.write(user, |m| {
        BRANCHES
            .iter()
            .map(|(code, name)| {
                holdings::add_branch(
                    m,
                    &NewBranch {
                        code: (*code).into(),
                        name: (*name).into(),
                    },
                )
            })
            .collect::<Result<Vec<Uuid>, _>>()
    })?;
    report.branches = branches.len() as u64;
    let mut done = 0;
    while done < config.records {
        let batch_end = (done + BATCH).min(config.records);
        let items = catalog.write(user, |m| {
            let mut items = 0;
            for n in done..batch_end {
                items += generator.record_with_items(m, n, &branches)?;
            }
            Ok(items)
        })?;
        report.items += items;
        report.records += batch_end - done;
        done = batch_end;
        progress(done);
    }
    let patron_count = (config.records / 20).clamp(10, 50_000);
    // One hash for every demo PIN: Argon2 is slow on purpose, and thousands of them would
    // make the demo wait for nothing.
    let pin_hash = patrons::hash_secret(DEMO_PIN, "PIN")?;
    catalog.write(user, |m| {
        for n in 0..patron_count {
            generator.patron(m, n, &branches)?;
            if n % 10 == 0 {
                patrons::store_pin_hash(m, &patron_barcode(n), &pin_hash)?;
            }
        }
        Ok(())
    })?;
    report.patrons = patron_count;
    let made = history::build(
        catalog,
        user,
        config.seed,
        report.items,
        patron_count,
        clock,
        now,
    )?;
    report.loans = made.loans;
    report.open_loans = made.open_loans;
    report.holds = made.holds;
    if digital {
        report.digital = showcase::build(catalog, user, config.records, clock, now)?;
    }
    Ok(report)
}

/// The card barcode of the `n`th demo reader (from 0): `200000000001`, ...
fn patron_barcode(n: u64) -> String {
    format!("2{:011}", n + 1)
}

struct Generator {
    rng: ChaCha8Rng,
    next_item_barcode: u64,
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, list: &'a [T]) -> &'a T {
    &list[rng.random_range(0..list.len())]
}

/// The ISBN-13 check digit (weights 1, 3, 1, 3, ...).
fn isbn13(first12: &str) -> String {
    let sum: u32 = first12
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{first12}{}", (10 - sum % 10) % 10)
}

/// A language-tagged bundle of the parts of one generated record.
struct Parts {
    vietnamese: bool,
    title: String,
    author: Option<(&'static str, &'static str)>,
    place: &'static str,
    publisher: &'static str,
    subject: &'static str,
    year: i32,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            next_item_barcode: 1,
        }
    }

    fn material(&mut self) -> MaterialType {
        match self.rng.random_range(0..100) {
            0..70 => MaterialType::Book,
            70..82 => MaterialType::Ebook,
            82..92 => MaterialType::Audiobook,
            _ => MaterialType::Serial,
        }
    }

    fn parts(&mut self, vietnamese: bool, material: MaterialType) -> Parts {
        let r = &mut self.rng;
        let year = r.random_range(1930..=2025);
        if vietnamese {
            let (title, author) = match material {
                MaterialType::Serial => (pick(r, VI_SERIALS).0.to_string(), None),
                _ => match r.random_range(0..3) {
                    0 => {
                        let (title, author) = *pick(r, VI_WORKS);
                        (title.to_string(), Some(author))
                    }
                    1 => (
                        format!("{} {}", pick(r, VI_TOPICS), pick(r, VI_PLACES)),
                        Some(*pick(r, VI_AUTHORS)),
                    ),
                    _ => (
                        format!(
                            "{} {} {}",
                            pick(r, VI_FORMS),
                            pick(r, VI_TOPICS).to_lowercase(),
                            pick(r, VI_PLACES)
                        ),
                        Some(*pick(r, VI_AUTHORS)),
                    ),
                },
            };
            let (place, publisher) = *pick(r, VI_PUBLISHERS);
            Parts {
                vietnamese,
                title,
                author,
                place,
                publisher,
                subject: *pick(r, VI_SUBJECTS),
                year,
            }
        } else {
            let (title, author) = match material {
                MaterialType::Serial => (pick(r, EN_SERIALS).0.to_string(), None),
                _ => match r.random_range(0..2) {
                    0 => {
                        let (title, author) = *pick(r, EN_WORKS);
                        (title.to_string(), Some(author))
                    }
                    _ => (
                        format!("{} {}", pick(r, EN_FORMS), pick(r, EN_TOPICS)),
                        Some(*pick(r, EN_AUTHORS)),
                    ),
                },
            };
            let (place, publisher) = *pick(r, EN_PUBLISHERS);
            Parts {
                vietnamese,
                title,
                author,
                place,
                publisher,
                subject: *pick(r, EN_SUBJECTS),
                year,
            }
        }
    }

    /// One MARC record. `n` numbers it (and makes its control number).
    fn record(
        &mut self,
        n: u64,
        material: MaterialType,
        parts: &Parts,
    ) -> Result<Record, CoreError> {
        let lang = if parts.vietnamese { "vie" } else { "eng" };
        let country = if parts.vietnamese { "vm " } else { "xx " };
        let (record_type, level) = match material {
            MaterialType::Audiobook => ('i', 'm'),
            MaterialType::Serial => ('a', 's'),
            _ => ('a', 'm'),
        };
        let f008 = fixed_field_008(material, parts.year, country, lang);
        let mut record = Record::new(Leader::new('n', record_type, level))
            .control("001", format!("SM{n:09}"))?
            .control("003", "VN-SM")?
            .control("005", "20260101000000.0")?;
        match material {
            MaterialType::Ebook => record = record.control("007", "cr |||||||||||")?,
            MaterialType::Audiobook => record = record.control("007", "sd fsngnnmmned")?,
            _ => {}
        }
        record = record.control("008", f008)?;
        if material == MaterialType::Serial {
            let issn = if parts.vietnamese {
                pick(&mut self.rng, VI_SERIALS).1
            } else {
                pick(&mut self.rng, EN_SERIALS).1
            };
            record = record.data("022", [' ', ' '], &[('a', issn)])?;
        } else {
            let group = if parts.vietnamese { "978604" } else { "978014" };
            let isbn = isbn13(&format!(
                "{group}{:06}",
                self.rng.random_range(0..1_000_000)
            ));
            record = record.data("020", [' ', ' '], &[('a', &isbn)])?;
        }
        record = record.data("041", ['0', ' '], &[('a', lang)])?;
        let ddc = if parts.vietnamese {
            "895.922"
        } else {
            "823.914"
        };
        record = record.data("082", ['0', '4'], &[('a', ddc), ('2', "23")])?;
        if let Some((name, dates)) = parts.author {
            record = record.data("100", ['1', ' '], &[('a', name), ('d', dates)])?;
        }
        let statement = parts
            .author
            .map(|(name, _)| name.trim_end_matches(',').to_string());
        let title_a = match &statement {
            Some(_) => format!("{} /", parts.title),
            None => parts.title.clone(),
        };
        let mut f245: Vec<(char, &str)> = vec![('a', &title_a)];
        if let Some(s) = &statement {
            f245.push(('c', s));
        }
        let nonfiling = match parts.title.split(' ').next() {
            Some("The") => '4',
            Some("An") => '3',
            Some("A") => '2',
            _ => '0',
        };
        record = record.data("245", ['1', nonfiling], &f245)?;
        let date = format!("{}.", parts.year);
        let place = format!("{} :", parts.place);
        let publisher = format!("{},", parts.publisher);
        record = record.data(
            "264",
            [' ', '1'],
            &[('a', &place), ('b', &publisher), ('c', &date)],
        )?;
        let extent = match material {
            MaterialType::Audiobook => format!("1 đĩa CD ({} phút)", 60 + n % 240),
            MaterialType::Ebook => "1 tài nguyên trực tuyến".to_string(),
            _ => format!("{} tr. ; 21 cm", 80 + n % 600),
        };
        let extent = if parts.vietnamese {
            extent
        } else {
            english_extent(material, n)
        };
        record = record.data("300", [' ', ' '], &[('a', &extent)])?;
        if material == MaterialType::Audiobook {
            let narrator = format!("Đọc: {}.", pick(&mut self.rng, VI_NARRATORS));
            record = record.data("511", ['0', ' '], &[('a', &narrator)])?;
        }
        record = record.data("650", [' ', '7'], &[('a', parts.subject), ('2', "local")])?;
        if matches!(material, MaterialType::Ebook | MaterialType::Audiobook) {
            let url = format!("https://thuvien.example.vn/so/{n}");
            record = record.data("856", ['4', '0'], &[('u', &url)])?;
        }
        Ok(record)
    }

    fn record_with_items(
        &mut self,
        m: &mut Mutation<'_>,
        n: u64,
        branches: &[Uuid],
    ) -> Result<u64, CoreError> {
        let vietnamese = self.rng.random_range(0..100) < 60;
        let material = self.material();
        let parts = self.parts(vietnamese, material);
        let mut record = self.record(n, material, &parts)?;
        // One Vietnamese record in ten keeps its text decomposed, as some vendors send it.
        if vietnamese && n % 10 == 3 {
            decompose(&mut record);
        }
        // The showcase's works take the first places (the record each replaces is still
        // drawn, which keeps one path through here).
        let showcase = showcase::record(n)?;
        let (record, vietnamese) = match &showcase {
            Some(s) => (&s.record, true),
            None => (&record, vietnamese),
        };
        let record_id = records::insert(m, record)?;
        let copies: Vec<(&str, &str)> = match (&showcase, material) {
            (Some(s), _) => s.copies.to_vec(),
            (None, MaterialType::Ebook) => Vec::new(),
            (None, MaterialType::Audiobook) => vec![("audiobook", ACCESSIBLE_LOCATION)],
            (None, _) => {
                let item_type = if material == MaterialType::Serial {
                    "serial_issue"
                } else {
                    "book"
                };
                (0..self.rng.random_range(1..=3))
                    .map(|_| (item_type, ""))
                    .collect()
            }
        };
        let count = copies.len() as u64;
        for (item_type, location) in copies {
            let branch = *pick(&mut self.rng, branches);
            let location = if location.is_empty() {
                pick(&mut self.rng, LOCATIONS)
            } else {
                location
            };
            let barcode = format!("3{:011}", self.next_item_barcode);
            self.next_item_barcode += 1;
            holdings::add_item(
                m,
                &NewItem {
                    record_id,
                    barcode,
                    branch_id: branch,
                    location: location.into(),
                    call_number: Some(format!(
                        "{} {}",
                        if vietnamese { "895.922" } else { "823.914" },
                        n % 1000
                    )),
                    item_type: item_type.into(),
                },
            )?;
        }
        Ok(count)
    }

    fn patron(
        &mut self,
        m: &mut Mutation<'_>,
        n: u64,
        branches: &[Uuid],
    ) -> Result<Uuid, CoreError> {
        let r = &mut self.rng;
        let name = if r.random_range(0..10) < 9 {
            format!(
                "{} {} {}",
                pick(r, FAMILY_NAMES),
                pick(r, MIDDLE_NAMES),
                pick(r, GIVEN_NAMES)
            )
        } else {
            pick(r, EN_PATRON_NAMES).to_string()
        };
        let category = match r.random_range(0..100) {
            0..50 => PatronCategory::Adult,
            50..70 => PatronCategory::Student,
            70..85 => PatronCategory::Child,
            85..93 => PatronCategory::VisuallyImpaired,
            _ => PatronCategory::Staff,
        };
        // Fixed dates, not the clock, keep the demo the same on every run; some cards expired.
        let base = Date::from_calendar_date(2026, Month::January, 1).unwrap_or(Date::MIN);
        let expires_on = base + time::Duration::days(r.random_range(-120..=1_000));
        let (category, expires_on) = showcase::reader(n).unwrap_or((category, expires_on));
        let phone = format!("09{:08}", r.random_range(0..100_000_000u32));
        patrons::register(
            m,
            &NewPatron {
                barcode: patron_barcode(n),
                name,
                category,
                email: None,
                phone: Some(phone),
                home_branch_id: Some(*pick(r, branches)),
                expires_on,
            },
        )
    }
}

/// 008: 00-05 date entered, 06 type of date, 07-10 date 1, 11-14 date 2, 15-17 place, then
/// 18-34 by the material's configuration, 35-37 language, 38 modified record, 39 cataloging
/// source.
fn fixed_field_008(material: MaterialType, year: i32, country: &str, lang: &str) -> String {
    let middle = match material {
        // Continuing resources: monthly (18), regular (19), periodical (21), not a conference
        // (29), original script extended Roman for Vietnamese or basic Roman (33), successive
        // entry (34).
        MaterialType::Serial => {
            let script = if lang == "vie" { 'b' } else { 'a' };
            format!("mr p       0   {script}0")
        }
        // Music and sound recordings: no form of composition or music format (18-20), no
        // parts (21), fiction read aloud (30), no arrangement (33).
        MaterialType::Audiobook => "nnnn        f  n ".to_string(),
        // Books: form of item online for e-books (23); not government, conference or
        // festschrift, no index (28-31), not fiction (33).
        _ => {
            let form = if material == MaterialType::Ebook {
                'o'
            } else {
                ' '
            };
            format!("     {form}     000 0 ")
        }
    };
    format!("250101s{year:04}    {country}{middle}{lang} d")
}

fn english_extent(material: MaterialType, n: u64) -> String {
    match material {
        MaterialType::Audiobook => format!("1 audio disc ({} min.)", 60 + n % 240),
        MaterialType::Ebook => "1 online resource".to_string(),
        _ => format!("{} pages ; 21 cm", 80 + n % 600),
    }
}

/// Rewrites every data-field value of a record in NFD.
fn decompose(record: &mut Record) {
    for field in &mut record.fields {
        if let shelfmark_marc::Field::Data { subfields, .. } = field {
            for subfield in subfields {
                subfield.value = subfield.value.nfd().collect();
            }
        }
    }
}

#[cfg(test)]
mod tests;
