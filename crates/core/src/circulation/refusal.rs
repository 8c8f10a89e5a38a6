//! Refusals: every "no" of the desk as a stable code with its parameters and a message in
//! Vietnamese and in English, written for a clerk to act on.
//!
//! The messages are made here, in core, so the CLI, the desk and the kiosk say the same thing;
//! the UI may still translate by `code` + `params` instead.

use std::collections::BTreeMap;

use time::{Date, Month};

use crate::api::{ItemStatus, Refusal, RefusalCode};
use crate::error::CoreError;

/// A refusal with its parameters; both messages are made from them.
pub(crate) fn refusal(code: RefusalCode, params: &[(&str, String)]) -> Refusal {
    let params: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    let p = |k: &str| params.get(k).cloned().unwrap_or_default();
    let (vi, en) = match code {
        RefusalCode::CardExpired => {
            let date = Date::parse(
                &p("date"),
                &time::format_description::well_known::Iso8601::DATE,
            )
            .ok();
            let (vi, en) = date
                .map(|d| (date_vi(d), date_en(d)))
                .unwrap_or_else(|| (p("date"), p("date")));
            (
                format!("Thẻ đã hết hạn ngày {vi}."),
                format!("Card expired on {en}."),
            )
        }
        RefusalCode::PatronBlocked => (
            format!("Thẻ bạn đọc đang bị khóa: {}.", p("reason")),
            format!("The reader is blocked: {}.", p("reason")),
        ),
        RefusalCode::FinesOverLimit => {
            let balance = p("balance").parse().unwrap_or(0);
            let limit = p("limit").parse().unwrap_or(0);
            (
                format!(
                    "Bạn đọc còn nợ {} tiền phạt, vượt mức cho phép {}.",
                    money_vi(balance),
                    money_vi(limit)
                ),
                format!(
                    "The reader owes {} in fines, over the limit of {}.",
                    money_en(balance),
                    money_en(limit)
                ),
            )
        }
        RefusalCode::OverdueItems => (
            format!("Bạn đọc có {} tài liệu quá hạn chưa trả.", p("count")),
            format!(
                "The reader has {} overdue item{}.",
                p("count"),
                if p("count") == "1" { "" } else { "s" }
            ),
        ),
        RefusalCode::LoanLimitReached => (
            format!("Bạn đọc đã mượn đủ {} tài liệu, mức tối đa.", p("max")),
            format!("The limit of {} loans is reached.", p("max")),
        ),
        RefusalCode::ItemNotForLoan => (
            "Bản này không cho mượn về nhà (chỉ đọc tại chỗ).".to_string(),
            "This item is not for loan (library use only).".to_string(),
        ),
        RefusalCode::ItemAlreadyOnLoan if p("same_patron") == "true" => (
            "Bạn đọc này đang mượn chính bản này.".to_string(),
            "This reader already has this item on loan.".to_string(),
        ),
        RefusalCode::ItemAlreadyOnLoan => (
            "Bản này đang cho bạn đọc khác mượn; hãy nhận trả trước.".to_string(),
            "This item is on loan to another reader; check it in first.".to_string(),
        ),
        RefusalCode::ItemOnHoldForOther => (
            "Bản này đang được giữ cho bạn đọc khác.".to_string(),
            "This item is on hold for another reader.".to_string(),
        ),
        RefusalCode::ItemNotAvailable => {
            let status = ItemStatus::parse(&p("status"));
            (
                format!(
                    "Bản này hiện không mượn được (trạng thái: {}).",
                    status.map(status_vi).unwrap_or("?")
                ),
                format!(
                    "This item cannot be lent now (status: {}).",
                    status.map(status_en).unwrap_or("?")
                ),
            )
        }
        RefusalCode::RenewalLimitReached => (
            format!("Đã gia hạn đủ {} lần, mức tối đa.", p("max")),
            format!("The limit of {} renewals is reached.", p("max")),
        ),
        RefusalCode::RenewalOnHold => (
            "Không gia hạn được: bạn đọc khác đang đặt giữ tài liệu này.".to_string(),
            "Cannot renew: another reader has a hold on this title.".to_string(),
        ),
        RefusalCode::ItemNotOnLoan => (
            "Bản này không đang được cho mượn.".to_string(),
            "This item is not on loan.".to_string(),
        ),
        RefusalCode::HoldsNotAllowed => (
            "Bạn đọc này không được đặt giữ loại tài liệu này.".to_string(),
            "Holds on this kind of item are not allowed for this reader.".to_string(),
        ),
        RefusalCode::HoldAlreadyPlaced => (
            "Bạn đọc đã đặt giữ tài liệu này rồi.".to_string(),
            "This reader already has a hold on this title.".to_string(),
        ),
        RefusalCode::NothingToHold => (
            "Tài liệu này không có bản nào cho mượn để đặt giữ.".to_string(),
            "This title has no item that can be lent, so it cannot be held.".to_string(),
        ),
        RefusalCode::HoldOnOwnLoan => (
            "Bạn đọc đang mượn một bản của tài liệu này.".to_string(),
            "This reader already has a copy of this title on loan.".to_string(),
        ),
        RefusalCode::WrongPin => (
            format!("Mã PIN không đúng. Còn {} lần thử.", p("attempts_left")),
            match p("attempts_left").as_str() {
                "1" => "Wrong PIN. 1 attempt left.".to_string(),
                left => format!("Wrong PIN. {left} attempts left."),
            },
        ),
        RefusalCode::PinLocked => (
            format!(
                "Nhập sai PIN quá nhiều lần. Thẻ tạm khoá đến {}; xin mời đến quầy thủ thư.",
                p("until")
            ),
            format!(
                "Too many wrong PINs. The card is locked until {}; please ask at the desk.",
                p("until")
            ),
        ),
        RefusalCode::NoPin => (
            "Thẻ này chưa có mã PIN; xin mời đến quầy thủ thư để đặt mã.".to_string(),
            "This card has no PIN yet; please ask at the desk to set one.".to_string(),
        ),
        RefusalCode::CardMerged => (
            "Thẻ này đã được gộp vào thẻ khác của bạn đọc; xin dùng thẻ hiện tại hoặc đến quầy thủ thư."
                .to_string(),
            "This card was merged into the reader's other card; please use your current card or ask at the desk."
                .to_string(),
        ),
    };
    Refusal {
        code,
        message_vi: vi,
        message_en: en,
        params,
    }
}

/// Lets an operation go on despite `refusals` only when staff gave a reason to override:
/// without one the first refusal is the answer; with one, the refusals overridden and the
/// reason (NFC, trimmed) come back to be recorded. A blank reason is not a reason.
pub(crate) fn overridable(
    refusals: Vec<Refusal>,
    override_reason: Option<&str>,
) -> Result<(Vec<Refusal>, Option<String>), CoreError> {
    let reason = override_reason
        .map(|r| crate::text::nfc(r.trim()))
        .filter(|r| !r.is_empty());
    if override_reason.is_some() && reason.is_none() {
        return Err(CoreError::InvalidInput {
            what: "override reason",
            value: String::new(),
            reason: "an override needs a reason; it is recorded with the loan".into(),
        });
    }
    match (refusals.first(), reason) {
        (Some(first), None) => Err(CoreError::Refused(first.clone())),
        (None, _) => Ok((Vec::new(), None)),
        (Some(_), Some(reason)) => Ok((refusals, Some(reason))),
    }
}

/// `12/03/2026`: how Vietnamese writes a date.
pub(crate) fn date_vi(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// `12 March 2026`.
pub(crate) fn date_en(d: Date) -> String {
    let month = match d.month() {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    };
    format!("{} {month} {}", d.day(), d.year())
}

fn group_thousands(amount: i64, sep: char) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if amount < 0 { format!("-{out}") } else { out }
}

/// `50.000 ₫`.
pub(crate) fn money_vi(amount: i64) -> String {
    format!("{} ₫", group_thousands(amount, '.'))
}

/// `50,000 VND`.
pub(crate) fn money_en(amount: i64) -> String {
    format!("{} VND", group_thousands(amount, ','))
}

pub(crate) fn status_vi(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Available => "sẵn sàng",
        ItemStatus::OnLoan => "đang cho mượn",
        ItemStatus::InTransit => "đang luân chuyển",
        ItemStatus::OnHoldShelf => "trên giá đặt giữ",
        ItemStatus::NotForLoan => "không cho mượn",
        ItemStatus::Lost => "bị mất",
        ItemStatus::Damaged => "bị hư hỏng",
        ItemStatus::Withdrawn => "đã thanh lý",
        ItemStatus::ClaimedReturned => "bạn đọc báo đã trả",
    }
}

pub(crate) fn status_en(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Available => "available",
        ItemStatus::OnLoan => "on loan",
        ItemStatus::InTransit => "in transit",
        ItemStatus::OnHoldShelf => "on the hold shelf",
        ItemStatus::NotForLoan => "not for loan",
        ItemStatus::Lost => "lost",
        ItemStatus::Damaged => "damaged",
        ItemStatus::Withdrawn => "withdrawn",
        ItemStatus::ClaimedReturned => "claimed returned",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_expired_names_the_date_in_both_languages() {
        let r = refusal(RefusalCode::CardExpired, &[("date", "2026-03-12".into())]);
        assert_eq!(r.message_vi, "Thẻ đã hết hạn ngày 12/03/2026.");
        assert_eq!(r.message_en, "Card expired on 12 March 2026.");
        assert_eq!(r.params["date"], "2026-03-12");
    }

    #[test]
    fn money_is_grouped_the_way_each_language_writes_it() {
        assert_eq!(money_vi(1_250_000), "1.250.000 ₫");
        assert_eq!(money_en(50_000), "50,000 VND");
        assert_eq!(money_en(-999), "-999 VND");
        let r = refusal(
            RefusalCode::FinesOverLimit,
            &[("balance", "60000".into()), ("limit", "50000".into())],
        );
        assert!(r.message_vi.contains("60.000 ₫"), "{}", r.message_vi);
    }

    #[test]
    fn loan_limit_says_how_many() {
        let r = refusal(RefusalCode::LoanLimitReached, &[("max", "5".into())]);
        assert_eq!(r.message_en, "The limit of 5 loans is reached.");
        assert_eq!(
            serde_json::to_value(&r).expect("json")["code"],
            "loan_limit_reached"
        );
    }
}
