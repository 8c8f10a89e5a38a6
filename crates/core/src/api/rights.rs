//! Rights determinations: the copyright status of a work (the rightsstatements.org vocabulary
//! plus public domain), who may open its digital copies (the access level), and the report.
//!
//! Dates are calendar dates `YYYY-MM-DD`; times RFC 3339 in UTC. Explanations come in both
//! languages, ready to show.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A copyright status: the twelve rightsstatements.org statements, and the public domain
/// (Creative Commons Public Domain Mark). Serialized as the statement's identifier
/// (`InC-OW-EU`, `NoC-US`, ...) and `PublicDomain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
pub enum RightsStatus {
    #[serde(rename = "InC")]
    InC,
    #[serde(rename = "InC-OW-EU")]
    InCOwEu,
    #[serde(rename = "InC-EDU")]
    InCEdu,
    #[serde(rename = "InC-NC")]
    InCNc,
    #[serde(rename = "InC-RUU")]
    InCRuu,
    #[serde(rename = "NoC-CR")]
    NoCCr,
    #[serde(rename = "NoC-NC")]
    NoCNc,
    #[serde(rename = "NoC-OKLR")]
    NoCOklr,
    #[serde(rename = "NoC-US")]
    NoCUs,
    #[serde(rename = "CNE")]
    Cne,
    #[serde(rename = "UND")]
    Und,
    #[serde(rename = "NKC")]
    Nkc,
    PublicDomain,
}

impl RightsStatus {
    pub const ALL: [RightsStatus; 13] = [
        RightsStatus::PublicDomain,
        RightsStatus::InC,
        RightsStatus::InCOwEu,
        RightsStatus::InCEdu,
        RightsStatus::InCNc,
        RightsStatus::InCRuu,
        RightsStatus::NoCCr,
        RightsStatus::NoCNc,
        RightsStatus::NoCOklr,
        RightsStatus::NoCUs,
        RightsStatus::Cne,
        RightsStatus::Und,
        RightsStatus::Nkc,
    ];

    /// The identifier used in JSON, the CLI and the catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            RightsStatus::InC => "InC",
            RightsStatus::InCOwEu => "InC-OW-EU",
            RightsStatus::InCEdu => "InC-EDU",
            RightsStatus::InCNc => "InC-NC",
            RightsStatus::InCRuu => "InC-RUU",
            RightsStatus::NoCCr => "NoC-CR",
            RightsStatus::NoCNc => "NoC-NC",
            RightsStatus::NoCOklr => "NoC-OKLR",
            RightsStatus::NoCUs => "NoC-US",
            RightsStatus::Cne => "CNE",
            RightsStatus::Und => "UND",
            RightsStatus::Nkc => "NKC",
            RightsStatus::PublicDomain => "PublicDomain",
        }
    }

    /// The statement's URI, as 540 $u and 542 $u carry it.
    pub fn uri(self) -> &'static str {
        match self {
            RightsStatus::InC => "http://rightsstatements.org/vocab/InC/1.0/",
            RightsStatus::InCOwEu => "http://rightsstatements.org/vocab/InC-OW-EU/1.0/",
            RightsStatus::InCEdu => "http://rightsstatements.org/vocab/InC-EDU/1.0/",
            RightsStatus::InCNc => "http://rightsstatements.org/vocab/InC-NC/1.0/",
            RightsStatus::InCRuu => "http://rightsstatements.org/vocab/InC-RUU/1.0/",
            RightsStatus::NoCCr => "http://rightsstatements.org/vocab/NoC-CR/1.0/",
            RightsStatus::NoCNc => "http://rightsstatements.org/vocab/NoC-NC/1.0/",
            RightsStatus::NoCOklr => "http://rightsstatements.org/vocab/NoC-OKLR/1.0/",
            RightsStatus::NoCUs => "http://rightsstatements.org/vocab/NoC-US/1.0/",
            RightsStatus::Cne => "http://rightsstatements.org/vocab/CNE/1.0/",
            RightsStatus::Und => "http://rightsstatements.org/vocab/UND/1.0/",
            RightsStatus::Nkc => "http://rightsstatements.org/vocab/NKC/1.0/",
            RightsStatus::PublicDomain => "https://creativecommons.org/publicdomain/mark/1.0/",
        }
    }

    /// The statement's English name, as rightsstatements.org and Creative Commons give it.
    pub fn label_en(self) -> &'static str {
        match self {
            RightsStatus::InC => "In Copyright",
            RightsStatus::InCOwEu => "In Copyright - EU Orphan Work",
            RightsStatus::InCEdu => "In Copyright - Educational Use Permitted",
            RightsStatus::InCNc => "In Copyright - Non-Commercial Use Permitted",
            RightsStatus::InCRuu => "In Copyright - Rights-holder(s) Unlocatable or Unidentifiable",
            RightsStatus::NoCCr => "No Copyright - Contractual Restrictions",
            RightsStatus::NoCNc => "No Copyright - Non-Commercial Use Only",
            RightsStatus::NoCOklr => "No Copyright - Other Known Legal Restrictions",
            RightsStatus::NoCUs => "No Copyright - United States",
            RightsStatus::Cne => "Copyright Not Evaluated",
            RightsStatus::Und => "Copyright Undetermined",
            RightsStatus::Nkc => "No Known Copyright",
            RightsStatus::PublicDomain => "Public Domain",
        }
    }

    /// The statement's Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            RightsStatus::InC => "Còn bảo hộ quyền tác giả",
            RightsStatus::InCOwEu => "Còn bảo hộ - tác phẩm mồ côi (EU)",
            RightsStatus::InCEdu => "Còn bảo hộ - được dùng cho giáo dục",
            RightsStatus::InCNc => "Còn bảo hộ - được dùng phi thương mại",
            RightsStatus::InCRuu => {
                "Còn bảo hộ - không xác định hoặc không liên hệ được chủ sở hữu"
            }
            RightsStatus::NoCCr => "Hết bảo hộ - hạn chế theo hợp đồng",
            RightsStatus::NoCNc => "Hết bảo hộ - chỉ dùng phi thương mại",
            RightsStatus::NoCOklr => "Hết bảo hộ - có hạn chế pháp lý khác",
            RightsStatus::NoCUs => "Hết bảo hộ tại Hoa Kỳ",
            RightsStatus::Cne => "Chưa đánh giá quyền tác giả",
            RightsStatus::Und => "Chưa xác định được quyền tác giả",
            RightsStatus::Nkc => "Không có quyền tác giả được biết đến",
            RightsStatus::PublicDomain => "Thuộc phạm vi công cộng",
        }
    }

    /// Reads an identifier (any case), `PD`/`PDM`, or a statement URI (with or without the
    /// trailing slash, http or https).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let norm = |u: &str| {
            u.trim_end_matches('/')
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .to_ascii_lowercase()
        };
        if matches!(
            s.to_ascii_lowercase().as_str(),
            "pd" | "pdm" | "publicdomain" | "public_domain" | "public-domain"
        ) {
            return Some(RightsStatus::PublicDomain);
        }
        Self::ALL.into_iter().find(|st| {
            st.as_str().eq_ignore_ascii_case(s) || (s.contains('/') && norm(st.uri()) == norm(s))
        })
    }

    /// Whether the work may be used freely (public domain or one of the No Copyright
    /// statements).
    pub fn is_free(self) -> bool {
        matches!(
            self,
            RightsStatus::PublicDomain
                | RightsStatus::NoCCr
                | RightsStatus::NoCNc
                | RightsStatus::NoCOklr
                | RightsStatus::NoCUs
        )
    }
}

/// Who may open a work's digital copies.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    /// Everyone, online.
    Open,
    /// Registered readers (signed in).
    Registered,
    /// Anyone on the library's premises.
    Premises,
    /// Library staff only.
    Staff,
    /// No one: a preservation copy.
    Dark,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::Open,
        AccessLevel::Registered,
        AccessLevel::Premises,
        AccessLevel::Staff,
        AccessLevel::Dark,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Open => "open",
            AccessLevel::Registered => "registered",
            AccessLevel::Premises => "premises",
            AccessLevel::Staff => "staff",
            AccessLevel::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
    }
}

/// What kind of work the law treats it as, from Leader/06, 007 and 008.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkType {
    /// Literary, musical, cartographic and other works measured by the author's life.
    General,
    Photographic,
    Cinematographic,
    AppliedArt,
}

impl WorkType {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkType::General => "general",
            WorkType::Photographic => "photographic",
            WorkType::Cinematographic => "cinematographic",
            WorkType::AppliedArt => "applied_art",
        }
    }
}

/// What a determination rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RightsBasis {
    /// The (last surviving) author's death year.
    AuthorDeath,
    /// The year of first publication.
    Publication,
    /// The year the work was made (fixed), when it was not published in time.
    Creation,
    /// A status or licence stated in the record (542, 540).
    RecordStatement,
    /// A person decided, with a reason.
    Override,
    /// An input the rule needs is missing.
    MissingInput,
    /// Two inputs disagree.
    ContradictoryInput,
    /// No one has evaluated the work.
    NotEvaluated,
}

impl RightsBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            RightsBasis::AuthorDeath => "author_death",
            RightsBasis::Publication => "publication",
            RightsBasis::Creation => "creation",
            RightsBasis::RecordStatement => "record_statement",
            RightsBasis::Override => "override",
            RightsBasis::MissingInput => "missing_input",
            RightsBasis::ContradictoryInput => "contradictory_input",
            RightsBasis::NotEvaluated => "not_evaluated",
        }
    }
}

/// One author as read from 100/700 (or 542 $a/$b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AuthorInput {
    pub name: String,
    /// The field it came from (`100`, `700`, `542`).
    pub tag: String,
    /// `$d` as written.
    pub dates: Option<String>,
    pub death_year: Option<i32>,
    /// The death year is approximate (`ca.`, `?`); the latest plausible year is used.
    pub death_year_approximate: bool,
}

/// What the computation read from the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RightsInputs {
    pub authors: Vec<AuthorInput>,
    /// Only corporate bodies (110/710) are named as creators.
    pub corporate_only: bool,
    /// No creator is named anywhere (no 1XX/7XX, no 245 $c, no 542 $a/$c), or a name says
    /// "anonymous".
    pub anonymous: bool,
    pub work_type: WorkType,
    /// Leader/06 and the 007/008 values that decided the work type.
    pub work_type_source: String,
    /// The year of first publication used (008/07-10, or 008/11-14 for a reprint; 264/260
    /// $c; 542 $i).
    pub publication_year: Option<i32>,
    pub publication_year_008: Option<i32>,
    pub publication_year_264: Option<i32>,
    /// The year the work was made (542 $j).
    pub creation_year: Option<i32>,
    /// 542 $l as written.
    pub statement_542: Option<String>,
    /// A status stated in the record (542 $u/$l, 540 $u).
    pub stated_status: Option<RightsStatus>,
}

/// A work's rights determination: the status, when it enters the public domain, who may open
/// it, and why, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Determination {
    /// This determination's own id (UUIDv7); the record's history is ordered by it.
    pub id: String,
    pub record_id: String,
    pub control_number: Option<String>,
    pub status: RightsStatus,
    /// The statement's URI.
    pub status_uri: String,
    /// 1 January after the term ends; `null` when no date follows from the inputs.
    pub public_domain_from: Option<String>,
    pub access: AccessLevel,
    /// The access level was set by a person, with this reason.
    pub access_reason: Option<String>,
    /// The jurisdiction whose rules were applied (`vn`, `berne`, ...).
    pub jurisdiction: String,
    /// The id of the rule applied (`vn.life_plus_50`, ...), or `override`, `missing_input`...
    pub rule: String,
    pub basis: RightsBasis,
    /// The legal provision: law, article, clause.
    pub citation: String,
    pub inputs: RightsInputs,
    pub explanation_vi: String,
    pub explanation_en: String,
    /// The day the status was evaluated for.
    pub as_of: String,
    pub decided_by: String,
    pub decided_at: String,
    /// Set when a person chose the status rather than the rules; the computation leaves it.
    pub overridden_reason: Option<String>,
}

/// How many works have one status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StatusCount {
    pub status: RightsStatus,
    #[ts(type = "number")]
    pub count: u64,
}

/// A work entering the public domain on the report's next 1 January.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PublicDomainEntry {
    pub record_id: String,
    pub control_number: Option<String>,
    pub title: String,
    pub rule: String,
}

/// The rights report: works by status, the works entering the public domain next 1 January,
/// and the works no one has evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RightsReport {
    pub as_of: String,
    pub jurisdiction: String,
    #[ts(type = "number")]
    pub records: u64,
    /// By the current determination; a work without one counts as `CNE`. A status whose
    /// public-domain date has come counts as `PublicDomain`.
    pub by_status: Vec<StatusCount>,
    /// The next 1 January after `as_of`.
    pub next_public_domain_day: String,
    pub entering_public_domain: Vec<PublicDomainEntry>,
    /// Works entering the public domain on each of the next ten 1 Januaries (the first is
    /// `next_public_domain_day`), for the report's chart.
    pub public_domain_by_year: Vec<YearCount>,
    /// Works with no determination at all.
    #[ts(type = "number")]
    pub not_evaluated: u64,
    /// Works determined `UND`.
    #[ts(type = "number")]
    pub undetermined: u64,
}

/// Who is asking to open a digital copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReaderContext {
    /// Signed in with a library card.
    pub registered: bool,
    /// On the library's network or a reading-room computer.
    pub on_premises: bool,
    pub staff: bool,
    /// A reader with a print disability (patron category `visually_impaired`).
    pub print_disabled: bool,
}

/// Why a digital copy may or may not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessBasis {
    OpenAccess,
    RegisteredReader,
    OnPremises,
    StaffMember,
    /// The disability exception (Vietnam's Law on Intellectual Property, Article 25a) and the
    /// Marrakesh Treaty: an accessible-format copy for a reader with a print disability.
    PrintDisabilityException,
    NotRegistered,
    NotOnPremises,
    StaffOnly,
    /// A preservation copy no one opens.
    Dark,
}

/// Whether a reader may open a work's digital copy, and the basis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AccessDecision {
    pub allowed: bool,
    pub access: AccessLevel,
    pub basis: AccessBasis,
    /// The legal provision relied on, when an exception opened it.
    pub citation: Option<String>,
    pub explanation_vi: String,
    pub explanation_en: String,
}

/// Which works the review queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewFilter {
    /// Works no one has evaluated, and works evaluated `UND` or `CNE`.
    NeedsReview,
    /// Works with no determination at all.
    NotEvaluated,
    /// Works whose determination is `UND`.
    Undetermined,
}

/// The review queue's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewSort {
    /// Most loans first (readers want these), then oldest.
    MostBorrowed,
    /// Oldest publication first (likeliest to be free), unknown years last.
    Oldest,
    /// Works with digital copies first (what could be opened), then most borrowed.
    DigitalFirst,
    Title,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReviewQuery {
    pub filter: ReviewFilter,
    pub sort: ReviewSort,
    pub offset: u32,
    pub limit: u32,
}

/// A work waiting for a person's determination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReviewEntry {
    pub record_id: String,
    pub control_number: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub year: Option<i32>,
    /// `null`: never evaluated.
    pub status: Option<RightsStatus>,
    /// Why the rules could not decide (the current determination's explanation).
    pub explanation_vi: Option<String>,
    pub explanation_en: Option<String>,
    #[ts(type = "number")]
    pub loans: u64,
    pub digital_objects: u32,
}

/// A page of the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReviewPage {
    #[ts(type = "number")]
    pub total: u64,
    pub entries: Vec<ReviewEntry>,
}

/// A person's determination for one or many works at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct BulkDetermination {
    pub record_ids: Vec<String>,
    pub status: RightsStatus,
    /// Required: why (kept with each determination).
    pub reason: String,
    /// A level to set at the same time; `null` leaves the level to follow the status.
    pub access: Option<AccessLevel>,
}

/// What a bulk determination or a computation did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct DeterminationSummary {
    /// Works looked at.
    #[ts(type = "number")]
    pub records: u64,
    /// Works whose determination changed.
    #[ts(type = "number")]
    pub changed: u64,
    /// The resulting statuses.
    pub by_status: Vec<StatusCount>,
}

/// A record's rights tab: the current determination with its explanation, the history, and
/// its digital objects' levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RecordRights {
    pub record_id: String,
    /// `null`: never evaluated.
    pub current: Option<Determination>,
    /// Earlier determinations, newest first (the current one not repeated).
    pub history: Vec<Determination>,
    /// Who may open the work's digital copies now.
    pub access: AccessLevel,
    /// What the rules would say today, without storing it (to compare with a decision).
    pub computed: Determination,
}

/// How many works enter the public domain on one 1 January.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct YearCount {
    pub year: i32,
    #[ts(type = "number")]
    pub count: u64,
}

pub(super) fn typescript(
    cfg: &ts_rs::Config,
) -> Vec<(&'static str, Result<String, ts_rs::ExportError>)> {
    vec![
        ("RightsStatus", RightsStatus::export_to_string(cfg)),
        ("AccessLevel", AccessLevel::export_to_string(cfg)),
        ("WorkType", WorkType::export_to_string(cfg)),
        ("RightsBasis", RightsBasis::export_to_string(cfg)),
        ("AuthorInput", AuthorInput::export_to_string(cfg)),
        ("RightsInputs", RightsInputs::export_to_string(cfg)),
        ("Determination", Determination::export_to_string(cfg)),
        ("StatusCount", StatusCount::export_to_string(cfg)),
        (
            "PublicDomainEntry",
            PublicDomainEntry::export_to_string(cfg),
        ),
        ("RightsReport", RightsReport::export_to_string(cfg)),
        ("ReaderContext", ReaderContext::export_to_string(cfg)),
        ("AccessBasis", AccessBasis::export_to_string(cfg)),
        ("AccessDecision", AccessDecision::export_to_string(cfg)),
        ("ReviewFilter", ReviewFilter::export_to_string(cfg)),
        ("ReviewSort", ReviewSort::export_to_string(cfg)),
        ("ReviewQuery", ReviewQuery::export_to_string(cfg)),
        ("ReviewEntry", ReviewEntry::export_to_string(cfg)),
        ("ReviewPage", ReviewPage::export_to_string(cfg)),
        (
            "BulkDetermination",
            BulkDetermination::export_to_string(cfg),
        ),
        (
            "DeterminationSummary",
            DeterminationSummary::export_to_string(cfg),
        ),
        ("RecordRights", RecordRights::export_to_string(cfg)),
        ("YearCount", YearCount::export_to_string(cfg)),
    ]
}

/// The JSON Schemas of what `shelfmark rights ... --json` prints.
pub(super) fn schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("determination", schemars::schema_for!(Determination)),
        ("rights-report", schemars::schema_for!(RightsReport)),
        ("access-decision", schemars::schema_for!(AccessDecision)),
        ("review-page", schemars::schema_for!(ReviewPage)),
        (
            "determination-summary",
            schemars::schema_for!(DeterminationSummary),
        ),
    ]
}
