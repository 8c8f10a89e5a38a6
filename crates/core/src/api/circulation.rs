//! The circulation desk's types: refusals with their two messages, loans, holds, the fines
//! ledger, patrons as the desk sees them, the policy matrix and the calendar.
//!
//! Times are RFC 3339 in UTC; dates (`due_on`, `expires_on`, closed days) are calendar dates
//! in the library's time zone, `YYYY-MM-DD`. Money is whole Vietnamese đồng.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ItemStatus;

/// Why circulation said no. The code is stable (the UI's translation key
/// `circulation.refusal.<code>`, interpolated with `params`); both messages are ready to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// `date`: the day the card expired.
    CardExpired,
    /// `reason`: the block's reason as staff wrote it.
    PatronBlocked,
    /// `balance`, `limit`: what the reader owes and the limit that blocks.
    FinesOverLimit,
    /// `count`: loans past their due date.
    OverdueItems,
    /// `max`: the loans this reader's category may have.
    LoanLimitReached,
    ItemNotForLoan,
    /// `same_patron`: `true` when the reader already has this very item.
    ItemAlreadyOnLoan,
    ItemOnHoldForOther,
    /// `status`: the item's status (`lost`, `damaged`, `in_transit`, ...).
    ItemNotAvailable,
    /// `max`: renewals allowed.
    RenewalLimitReached,
    /// Another reader is waiting for the record.
    RenewalOnHold,
    ItemNotOnLoan,
    HoldsNotAllowed,
    HoldAlreadyPlaced,
    /// The record has no item that could ever be lent.
    NothingToHold,
    /// The reader has an item of this record on loan already.
    HoldOnOwnLoan,
    /// Self-service: the PIN typed is not this card's (`attempts_left`).
    WrongPin,
    /// Self-service: too many wrong PINs; `until` (local time) the card cannot sign in.
    PinLocked,
    /// Self-service: the card has no PIN yet; staff set one at the desk.
    NoPin,
    /// Self-service: this card was merged into another reader's card; the reader uses their
    /// current card or asks at the desk (nobody at a machine can check who holds an old card).
    CardMerged,
}

impl RefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::CardExpired => "card_expired",
            RefusalCode::PatronBlocked => "patron_blocked",
            RefusalCode::FinesOverLimit => "fines_over_limit",
            RefusalCode::OverdueItems => "overdue_items",
            RefusalCode::LoanLimitReached => "loan_limit_reached",
            RefusalCode::ItemNotForLoan => "item_not_for_loan",
            RefusalCode::ItemAlreadyOnLoan => "item_already_on_loan",
            RefusalCode::ItemOnHoldForOther => "item_on_hold_for_other",
            RefusalCode::ItemNotAvailable => "item_not_available",
            RefusalCode::RenewalLimitReached => "renewal_limit_reached",
            RefusalCode::RenewalOnHold => "renewal_on_hold",
            RefusalCode::ItemNotOnLoan => "item_not_on_loan",
            RefusalCode::HoldsNotAllowed => "holds_not_allowed",
            RefusalCode::HoldAlreadyPlaced => "hold_already_placed",
            RefusalCode::NothingToHold => "nothing_to_hold",
            RefusalCode::HoldOnOwnLoan => "hold_on_own_loan",
            RefusalCode::WrongPin => "wrong_pin",
            RefusalCode::PinLocked => "pin_locked",
            RefusalCode::NoPin => "no_pin",
            RefusalCode::CardMerged => "card_merged",
        }
    }
}

/// A refusal as the desk, the kiosk and `--json` receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Refusal {
    pub code: RefusalCode,
    pub message_vi: String,
    pub message_en: String,
    pub params: BTreeMap<String, String>,
}

/// One loan, open or closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Loan {
    pub id: String,
    pub item_id: String,
    pub item_barcode: String,
    pub record_id: String,
    pub title: String,
    pub patron_id: String,
    pub patron_barcode: String,
    /// The branch that lent it (its calendar sets the due date).
    pub branch_code: String,
    pub checked_out_at: String,
    /// The last moment of `due_on` in the library's time zone, in UTC.
    pub due_at: String,
    pub due_on: String,
    pub renewals: u32,
    pub returned_at: Option<String>,
    pub returned_branch_code: Option<String>,
    /// The reason staff gave for lending despite a refusal.
    pub override_reason: Option<String>,
    /// `true` while open and past `due_at`.
    pub overdue: bool,
}

/// What the desk should do with a book just checked in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckinAction {
    /// Back on the shelf here.
    Reshelve,
    /// Put it on the hold shelf here for this reader.
    HoldShelf {
        hold_id: String,
        patron_barcode: String,
        patron_name: String,
        shelf_expires_on: String,
    },
    /// Send it to `branch_code`: a reader waits for it there (`hold_id`) or it goes home.
    Transit {
        branch_code: String,
        hold_id: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CheckoutResult {
    pub loan: Loan,
    /// The refusals staff overrode (empty for an ordinary loan).
    pub overridden: Vec<Refusal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CheckinResult {
    pub item_barcode: String,
    pub title: String,
    /// The loan this check-in closed; `null` when the item was not on loan.
    pub loan: Option<Loan>,
    /// The overdue fine charged now (0 when none).
    #[ts(type = "number")]
    pub fine_charged: i64,
    pub action: CheckinAction,
    pub status: ItemStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RenewResult {
    pub loan: Loan,
    /// The overdue fine for the time before this late renewal (0 when renewed in time).
    #[ts(type = "number")]
    pub fine_charged: i64,
    pub overridden: Vec<Refusal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HoldStatus {
    /// In the queue.
    Waiting,
    /// Keeps its place in the queue but is skipped when an item is trapped.
    Suspended,
    /// An item is on its way to the pickup branch.
    InTransit,
    /// An item waits on the hold shelf until `shelf_expires_on`.
    OnShelf,
    Fulfilled,
    Cancelled,
    /// Not collected from the hold shelf in time.
    Expired,
}

impl HoldStatus {
    pub const ALL: [HoldStatus; 7] = [
        HoldStatus::Waiting,
        HoldStatus::Suspended,
        HoldStatus::InTransit,
        HoldStatus::OnShelf,
        HoldStatus::Fulfilled,
        HoldStatus::Cancelled,
        HoldStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HoldStatus::Waiting => "waiting",
            HoldStatus::Suspended => "suspended",
            HoldStatus::InTransit => "in_transit",
            HoldStatus::OnShelf => "on_shelf",
            HoldStatus::Fulfilled => "fulfilled",
            HoldStatus::Cancelled => "cancelled",
            HoldStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }

    /// Still to be served: in the queue, or with an item set aside.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            HoldStatus::Waiting
                | HoldStatus::Suspended
                | HoldStatus::InTransit
                | HoldStatus::OnShelf
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Hold {
    pub id: String,
    pub patron_id: String,
    pub patron_barcode: String,
    pub record_id: String,
    pub title: String,
    /// Set for a hold on one particular item; `null`: any item of the record.
    pub item_barcode: Option<String>,
    pub pickup_branch_code: String,
    pub placed_at: String,
    pub status: HoldStatus,
    /// 1 for the next reader served; `null` once the hold left the queue.
    pub position: Option<u32>,
    /// The item set aside for this hold (in transit or on the shelf).
    pub trapped_item_barcode: Option<String>,
    pub shelf_expires_on: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FineKind {
    /// Charged at check-in or late renewal for the open days past the due date.
    Overdue,
    /// Charged by staff (a lost or damaged book).
    Charge,
    Payment,
    Waiver,
}

impl FineKind {
    pub const ALL: [FineKind; 4] = [
        FineKind::Overdue,
        FineKind::Charge,
        FineKind::Payment,
        FineKind::Waiver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FineKind::Overdue => "overdue",
            FineKind::Charge => "charge",
            FineKind::Payment => "payment",
            FineKind::Waiver => "waiver",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One line of the append-only fines ledger. Charges are positive, payments and waivers
/// negative; the balance is their sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FineEntry {
    pub id: String,
    pub patron_id: String,
    pub loan_id: Option<String>,
    pub kind: FineKind,
    #[ts(type = "number")]
    pub amount: i64,
    /// For an overdue charge, the open days it counts.
    pub days: Option<u32>,
    pub reason: String,
    pub at: String,
    pub by: String,
}

/// A block staff put on a reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PatronBlock {
    pub id: String,
    pub reason: String,
    pub blocked_by: String,
    pub blocked_at: String,
}

/// A reader as the desk shows them: card, blocks (manual and computed), loans, holds, fines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PatronAccount {
    pub id: String,
    pub barcode: String,
    pub name: String,
    pub category: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub home_branch_code: Option<String>,
    pub expires_on: String,
    pub notes: String,
    pub has_pin: bool,
    pub manual_blocks: Vec<PatronBlock>,
    /// Everything that stops a loan now: manual blocks, expired card, fines, overdue items.
    pub refusals: Vec<Refusal>,
    pub loans: Vec<Loan>,
    pub holds: Vec<Hold>,
    #[ts(type = "number")]
    pub balance: i64,
    /// Set when the card scanned was merged into this reader: the desk says so ("card X was
    /// merged into Y") before lending. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub merged_card: Option<MergedCardNotice>,
}

/// The card that led to a reader it was merged into, for the desk's notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct MergedCardNotice {
    /// The card scanned (the merged-away reader's).
    pub barcode: String,
    /// The merged-away reader's name as it was.
    pub name: String,
    /// RFC 3339.
    pub merged_at: String,
    pub merged_by: String,
    pub reason: String,
}

/// Why a merge of two readers was refused. The code is stable (the UI's translation key
/// `desk.merge.refusal.<code>`, with `params`); both messages are ready to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MergeRefusalCode {
    /// The reader to keep and the duplicate are the same reader.
    SamePatron,
    /// `which` (`keep` or `duplicate`), `value`: no reader has this card or id.
    UnknownPatron,
    /// `which`, `barcode`, `into`: that reader was already merged into the card `into`.
    AlreadyMerged,
    /// A merge needs a reason (it stays in the history).
    ReasonMissing,
}

impl MergeRefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            MergeRefusalCode::SamePatron => "same_patron",
            MergeRefusalCode::UnknownPatron => "unknown_patron",
            MergeRefusalCode::AlreadyMerged => "already_merged",
            MergeRefusalCode::ReasonMissing => "reason_missing",
        }
    }
}

/// A refused merge as the desk and `--json` receive it (in the error's `details`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct MergeRefusal {
    pub code: MergeRefusalCode,
    pub message_vi: String,
    pub message_en: String,
    pub params: BTreeMap<String, String>,
}

/// One of the two readers of a merge, as the side-by-side view shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct MergeSide {
    pub id: String,
    pub barcode: String,
    pub name: String,
    pub category: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub home_branch_code: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires_on: String,
    /// When the reader was registered (RFC 3339).
    pub registered_at: String,
    pub open_loans: Vec<Loan>,
    /// Loans returned (history), counted.
    pub past_loans: u32,
    /// Active holds.
    pub holds: Vec<Hold>,
    /// Holds no longer active (history), counted.
    pub past_holds: u32,
    #[ts(type = "number")]
    pub balance: i64,
    /// Lines in the fines ledger.
    pub fine_entries: u32,
    pub manual_blocks: Vec<PatronBlock>,
}

/// What merging `duplicate` into `keep` would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PatronMergePreview {
    pub keep: MergeSide,
    pub duplicate: MergeSide,
    /// The duplicate's loans (open and past) that move to the reader kept.
    pub loans_moving: u32,
    /// The duplicate's holds (active and past) that move.
    pub holds_moving: u32,
    /// Fine-ledger lines that move, with their ids and amounts unchanged.
    pub fine_entries_moving: u32,
    /// Blocks that move (active ones keep blocking the reader kept).
    pub blocks_moving: u32,
    /// Holds of both readers on one record: the newer of each pair is cancelled.
    pub holds_to_cancel: Vec<Hold>,
    /// The reader kept's balance afterwards: the sum of both.
    #[ts(type = "number")]
    pub balance_after: i64,
}

/// A merge done: who was merged into whom, and exactly what moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PatronMerge {
    /// The change-log entry of the merge.
    pub id: String,
    pub keep_id: String,
    pub keep_barcode: String,
    pub keep_name: String,
    pub duplicate_id: String,
    pub duplicate_barcode: String,
    pub duplicate_name: String,
    pub merged_at: String,
    pub merged_by: String,
    pub reason: String,
    /// Ids of the loans, holds, fine-ledger lines and blocks re-pointed to the reader kept.
    pub loans: Vec<String>,
    pub holds: Vec<String>,
    pub fine_entries: Vec<String>,
    pub blocks: Vec<String>,
    /// Holds cancelled because both readers held the same record (the older one stays).
    pub holds_cancelled: Vec<Hold>,
    /// The reader kept's balance now.
    #[ts(type = "number")]
    pub balance: i64,
}

/// New reader's details, as the registration form and `patron add` give them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PatronInput {
    pub barcode: String,
    pub name: String,
    /// `adult`, `child`, `student`, `staff`, `visually_impaired`.
    pub category: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub home_branch_code: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires_on: String,
    pub notes: String,
}

/// One cell of the policy matrix. `*` in a key matches anything; the most specific rule
/// (branch first, then patron category, then item type) wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PolicyRule {
    pub patron_category: String,
    pub item_type: String,
    pub branch_code: String,
    pub loan_days: u32,
    pub renewals: u32,
    pub max_loans: u32,
    /// VND per open day late.
    #[ts(type = "number")]
    pub fine_per_day: i64,
    /// VND, the most one loan can be charged for lateness.
    #[ts(type = "number")]
    pub max_fine: i64,
    pub holds_allowed: bool,
    pub not_for_loan: bool,
}

/// Library-wide circulation settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CirculationSettings {
    /// IANA name, e.g. `Asia/Ho_Chi_Minh`.
    pub time_zone: String,
    /// A reader owing more than this (VND) cannot borrow.
    #[ts(type = "number")]
    pub fine_block_limit: i64,
    /// Days an item waits on the hold shelf (moved past closed days).
    pub hold_shelf_days: u32,
    /// A reader with a loan more than this many days overdue cannot borrow (0: any).
    pub overdue_block_days: u32,
}

/// The whole policy: settings and every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CirculationPolicy {
    pub settings: CirculationSettings,
    pub rules: Vec<PolicyRule>,
}

/// A day a branch (or, with `branch_code` null, every branch) is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ClosedDay {
    pub id: String,
    pub branch_code: Option<String>,
    pub day: String,
    pub reason: String,
}

/// Every circulation type's TypeScript, in one list so [`super::generated_files`] cannot miss one.
/// One patron found by the desk's patron search (name without diacritics, or barcode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PatronMatch {
    pub id: String,
    pub barcode: String,
    pub name: String,
    pub category: String,
    pub home_branch_code: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires_on: String,
    /// A manual block is in force (automatic blocks show on the account).
    pub blocked: bool,
}

/// A count on one local day (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct DayCount {
    pub day: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// A count for one branch code, patron category or item type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct KeyCount {
    pub key: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// The circulation report over local days `from`..=`to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CirculationStats {
    pub from: String,
    pub to: String,
    /// Every day of the period, zeros included, so a chart has no gaps.
    pub loans_per_day: Vec<DayCount>,
    pub returns_per_day: Vec<DayCount>,
    /// Loans made in the period, by the branch that lent them.
    pub loans_by_branch: Vec<KeyCount>,
    pub loans_by_category: Vec<KeyCount>,
    pub loans_by_item_type: Vec<KeyCount>,
    #[ts(type = "number")]
    pub loans: u64,
    #[ts(type = "number")]
    pub returns: u64,
    #[ts(type = "number")]
    pub renewals: u64,
    /// Fines charged in the period, in đồng.
    #[ts(type = "number")]
    pub fines_charged: i64,
    /// Loans open now and past their due time, most overdue first.
    pub overdue: Vec<Loan>,
}

/// The language a SIP2 machine shows its screen messages (AF) in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sip2Language {
    Vi,
    En,
}

impl Sip2Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Sip2Language::Vi => "vi",
            Sip2Language::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "vi" => Some(Sip2Language::Vi),
            "en" => Some(Sip2Language::En),
            _ => None,
        }
    }
}

/// A SIP2 account: the login a self-check kiosk or return machine uses, the branch it lends
/// for and what it may do. Its password is never shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Sip2Account {
    pub login: String,
    pub branch_code: String,
    pub may_check_out: bool,
    pub may_check_in: bool,
    pub may_renew: bool,
    pub language: Sip2Language,
    pub created_at: String,
}

/// A new SIP2 account's details (its password is given apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Sip2AccountInput {
    pub login: String,
    pub branch_code: String,
    pub may_check_out: bool,
    pub may_check_in: bool,
    pub may_renew: bool,
    pub language: Sip2Language,
}

/// The desktop app's SIP2 server, as its settings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Sip2ServerStatus {
    pub running: bool,
    /// `127.0.0.1:6001` while running (the address actually bound), else the last one used.
    pub listen: Option<String>,
    /// `utf-8`, `cp1258` or `latin1`.
    pub charset: String,
    /// Machines connected now.
    pub connections: u32,
    /// Why it stopped or could not start, in words a person can act on.
    pub error: Option<String>,
}

pub(super) fn typescript(
    cfg: &ts_rs::Config,
) -> Vec<(&'static str, Result<String, ts_rs::ExportError>)> {
    vec![
        ("RefusalCode", RefusalCode::export_to_string(cfg)),
        ("Sip2ServerStatus", Sip2ServerStatus::export_to_string(cfg)),
        ("Refusal", Refusal::export_to_string(cfg)),
        ("Loan", Loan::export_to_string(cfg)),
        ("CheckinAction", CheckinAction::export_to_string(cfg)),
        ("CheckoutResult", CheckoutResult::export_to_string(cfg)),
        ("CheckinResult", CheckinResult::export_to_string(cfg)),
        ("RenewResult", RenewResult::export_to_string(cfg)),
        ("HoldStatus", HoldStatus::export_to_string(cfg)),
        ("Hold", Hold::export_to_string(cfg)),
        ("FineKind", FineKind::export_to_string(cfg)),
        ("FineEntry", FineEntry::export_to_string(cfg)),
        ("PatronBlock", PatronBlock::export_to_string(cfg)),
        ("PatronAccount", PatronAccount::export_to_string(cfg)),
        ("MergedCardNotice", MergedCardNotice::export_to_string(cfg)),
        ("MergeRefusalCode", MergeRefusalCode::export_to_string(cfg)),
        ("MergeRefusal", MergeRefusal::export_to_string(cfg)),
        ("MergeSide", MergeSide::export_to_string(cfg)),
        (
            "PatronMergePreview",
            PatronMergePreview::export_to_string(cfg),
        ),
        ("PatronMerge", PatronMerge::export_to_string(cfg)),
        ("PatronInput", PatronInput::export_to_string(cfg)),
        ("PolicyRule", PolicyRule::export_to_string(cfg)),
        (
            "CirculationSettings",
            CirculationSettings::export_to_string(cfg),
        ),
        (
            "CirculationPolicy",
            CirculationPolicy::export_to_string(cfg),
        ),
        ("ClosedDay", ClosedDay::export_to_string(cfg)),
        ("PatronMatch", PatronMatch::export_to_string(cfg)),
        ("DayCount", DayCount::export_to_string(cfg)),
        ("KeyCount", KeyCount::export_to_string(cfg)),
        ("CirculationStats", CirculationStats::export_to_string(cfg)),
        ("Sip2Language", Sip2Language::export_to_string(cfg)),
        ("Sip2Account", Sip2Account::export_to_string(cfg)),
        ("Sip2AccountInput", Sip2AccountInput::export_to_string(cfg)),
    ]
}

/// The JSON Schemas of what `shelfmark circ ... --json` prints and the desk receives.
pub(super) fn schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("refusal", schemars::schema_for!(Refusal)),
        ("checkout-result", schemars::schema_for!(CheckoutResult)),
        ("checkin-result", schemars::schema_for!(CheckinResult)),
        ("renew-result", schemars::schema_for!(RenewResult)),
        ("hold", schemars::schema_for!(Hold)),
        ("fine-entry", schemars::schema_for!(FineEntry)),
        ("patron-account", schemars::schema_for!(PatronAccount)),
        ("patron-input", schemars::schema_for!(PatronInput)),
        ("patron-match", schemars::schema_for!(PatronMatch)),
        (
            "patron-merge-preview",
            schemars::schema_for!(PatronMergePreview),
        ),
        ("patron-merge", schemars::schema_for!(PatronMerge)),
        ("merge-refusal", schemars::schema_for!(MergeRefusal)),
        ("circulation-stats", schemars::schema_for!(CirculationStats)),
        (
            "circulation-policy",
            schemars::schema_for!(CirculationPolicy),
        ),
        ("closed-day", schemars::schema_for!(ClosedDay)),
        ("sip2-account", schemars::schema_for!(Sip2Account)),
    ]
}
