//! One SIP2 connection: the machine's login, then each request answered from core's
//! circulation functions with the same rules and refusals as the desk. Owns the connection's
//! state (account, last answer for a resend) and the mapping between core's results and SIP2
//! fields; never decides a rule, never overrides a refusal (like the kiosk), never writes to
//! the catalog except through one core function per operation (one transaction each).
//!
//! Operations on a reader's account (check-out, renewal, the lists of patron information)
//! need the reader's PIN (AD), checked by core's kiosk sign-in with its lockout. A check-in
//! needs none: a book-drop has no keypad. Patron status without a PIN answers with the
//! valid-patron field (BL) and leaves out the valid-password field (CQ), as SIP2 says.
//!
//! A kiosk repeats the PIN with each of a reader's messages. The session remembers a right
//! one for a few minutes as core's [`kiosk::RememberedPin`] (a keyed MAC, never the PIN), so
//! the follow-up messages skip Argon2; a different PIN, a different reader, end session (35)
//! or a new login forget it, and every PIN not remembered is checked in full by core, wrong
//! ones counting towards the lockout.

use std::sync::Arc;

use shelfmark_core::api::{
    CheckinAction, CirculationPolicy, HoldStatus, ItemStatus, Loan, PatronAccount, Refusal,
    RefusalCode, Sip2Account, Sip2Language,
};
use shelfmark_core::circulation::calendar::LibraryTime;
use shelfmark_core::circulation::sip2::ProvenLogins;
use shelfmark_core::circulation::{fines, kiosk, loans, patrons, policy, sip2};
use shelfmark_core::{Catalog, CoreError, holdings};
use time::OffsetDateTime;

use crate::codec::{self, Charset, CodecError, Frame};
use crate::message::{Kind, Message};
use crate::writer::Writer;

/// The messages this server answers, in the order of the BX field of the ACS status (98):
/// patron status, check-out, check-in, block patron, status, resend, login, patron
/// information, end session, fee paid, item information, item status update, patron enable,
/// hold, renew, renew all.
pub const SUPPORTED_MESSAGES: &str = "YYYNYYYYYYYNNNYN";

/// Damaged messages in a row answered with 96 before the connection is closed: a machine
/// that keeps sending the same garbage would otherwise be asked to resend forever.
pub const MAX_RESEND_REQUESTS: u32 = 3;

/// Refused logins (94 with 0) on one connection before it is closed after the last answer:
/// a machine with a mistyped password knows by then, and someone guessing has to reconnect
/// (each guess is an Argon2 check as well).
pub const MAX_FAILED_LOGINS: u32 = 3;

/// What to do with the connection after a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Send these bytes and go on.
    Reply(Vec<u8>),
    /// Close the connection (after sending these bytes, if any): why, for the log.
    Close { bytes: Vec<u8>, reason: String },
}

/// One connection's state.
pub struct Session {
    charset: Charset,
    account: Option<Sip2Account>,
    /// `sip2:<login>`, recorded as the user of every change this machine makes.
    user: String,
    library_time: Option<LibraryTime>,
    /// The circulation policy as it was at login: its limits go into patron information.
    policy: Option<CirculationPolicy>,
    last_answer: Option<Vec<u8>>,
    resend_requests: u32,
    failed_logins: u32,
    /// The right PIN of the reader at the machine, for their next messages.
    remembered: Option<kiosk::RememberedPin>,
    /// The server's one writer, shared by every session: core writes queue for it and run
    /// together, a transaction for all those waiting (see `writer.rs`). SQLite lets one
    /// writer in at a time whatever we do, and a deferred transaction meeting another's
    /// commit fails at once. Reads and the PIN check (Argon2, slow on purpose) stay outside
    /// the queue, on the session's own connection. `None`: writes go through the catalog
    /// given to [`Session::answer`].
    writer: Option<Writer>,
    /// The machines' passwords already checked with Argon2: the server's, shared by every
    /// session, so a hundred kiosks of one account logging in at once cost one check.
    logins: Arc<ProvenLogins>,
}

/// A two-language text for the screen message (AF).
struct Text {
    vi: String,
    en: String,
}

fn text(vi: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        vi: vi.into(),
        en: en.into(),
    }
}

impl Session {
    /// A session writing through the catalog given to each [`Session::answer`].
    pub fn new(charset: Charset) -> Session {
        Session::with_writer(charset, None, Arc::new(ProvenLogins::new()))
    }

    /// A session whose writes go through the server's `writer`, with the other sessions', and
    /// whose login checks share the server's `logins`.
    pub(crate) fn sharing(charset: Charset, writer: Writer, logins: Arc<ProvenLogins>) -> Session {
        Session::with_writer(charset, Some(writer), logins)
    }

    fn with_writer(charset: Charset, writer: Option<Writer>, logins: Arc<ProvenLogins>) -> Session {
        Session {
            writer,
            logins,
            charset,
            account: None,
            user: "sip2".into(),
            library_time: None,
            policy: None,
            last_answer: None,
            resend_requests: 0,
            failed_logins: 0,
            remembered: None,
        }
    }

    /// The account this connection logged in with.
    pub fn account(&self) -> Option<&Sip2Account> {
        self.account.as_ref()
    }

    /// Answers one message's bytes (terminator removed).
    pub fn answer(&mut self, catalog: &mut Catalog, bytes: &[u8]) -> Answer {
        let frame = match codec::decode(bytes, self.charset) {
            Ok(frame) => frame,
            Err(err) => return self.damaged(bytes, err),
        };
        self.resend_requests = 0;
        tracing::debug!(target: "shelfmark_sip2::wire", "in  {}", frame.message.to_log_text());
        if frame.message.kind == Kind::RequestAcsResend {
            return match &self.last_answer {
                Some(last) => Answer::Reply(last.clone()),
                None => Answer::Reply(codec::encode_resend_request(frame.checksummed)),
            };
        }
        let Some(response) = self.respond(catalog, &frame) else {
            return Answer::Close {
                bytes: Vec::new(),
                reason: format!(
                    "message type {} is an answer, not a request",
                    frame.message.kind.code()
                ),
            };
        };
        tracing::debug!(target: "shelfmark_sip2::wire", "out {}", response.to_log_text());
        let detection =
            (frame.checksummed || frame.sequence.is_some()).then_some(frame.sequence.unwrap_or(0));
        let bytes = codec::encode(&response, self.charset, detection);
        self.last_answer = Some(bytes.clone());
        if response.kind == Kind::LoginResponse {
            self.failed_logins = match response.fixed(0) {
                "1" => 0,
                _ => self.failed_logins + 1,
            };
            if self.failed_logins >= MAX_FAILED_LOGINS {
                return Answer::Close {
                    bytes,
                    reason: format!("{MAX_FAILED_LOGINS} refused logins in a row"),
                };
            }
        }
        Answer::Reply(bytes)
    }

    /// A message that could not be read: 96 when a resend may cure it, else the connection is
    /// closed (a machine sending unknown types is not one this server can serve).
    fn damaged(&mut self, bytes: &[u8], err: CodecError) -> Answer {
        let checksummed = codec::checksum_digits(bytes).is_some();
        tracing::debug!(target: "shelfmark_sip2::wire", "bad message: {err}");
        if err.asks_resend() && self.resend_requests < MAX_RESEND_REQUESTS {
            self.resend_requests += 1;
            return Answer::Reply(codec::encode_resend_request(checksummed));
        }
        Answer::Close {
            bytes: Vec::new(),
            reason: err.to_string(),
        }
    }

    fn respond(&mut self, catalog: &mut Catalog, frame: &Frame) -> Option<Message> {
        let req = &frame.message;
        let now = catalog.clock().now();
        // A message about another reader: the one before has left the machine.
        let patron = req.get("AA").map(str::trim).unwrap_or("");
        if matches!(req.kind, Kind::Login | Kind::EndPatronSession)
            || (!patron.is_empty()
                && self
                    .remembered
                    .as_ref()
                    .is_some_and(|r| r.patron_barcode() != patron))
        {
            self.remembered = None;
        }
        let response = match req.kind {
            Kind::Login => self.login(catalog, req),
            Kind::ScStatus => self.status(catalog, now),
            kind => {
                let response = kind.response()?;
                match self.account.clone() {
                    None => self.failed(
                        req,
                        response,
                        now,
                        &text(
                            "Máy chưa đăng nhập SIP2 (93).",
                            "This machine has not logged in (93).",
                        ),
                    ),
                    Some(account) => match kind {
                        Kind::PatronStatusRequest => self.patron_status(catalog, req, now),
                        Kind::PatronInformation => self.patron_information(catalog, req, now),
                        Kind::Checkout => self.checkout(catalog, &account, req, now),
                        Kind::Checkin => self.checkin(catalog, &account, req, now),
                        Kind::Renew => self.renew(catalog, &account, req, now),
                        Kind::ItemInformation => self.item_information(catalog, req, now),
                        Kind::FeePaid => self.fee_paid(catalog, req, now),
                        Kind::EndPatronSession => {
                            Message::new(Kind::EndSessionResponse, &["Y", &self.date(now)])
                                .field("AO", req.get("AO").unwrap_or(""))
                                .field("AA", req.get("AA").unwrap_or(""))
                        }
                        _ => return None,
                    },
                }
            }
        };
        Some(response)
    }

    fn lang(&self) -> Sip2Language {
        self.account
            .as_ref()
            .map(|a| a.language)
            .unwrap_or(Sip2Language::Vi)
    }

    fn say(&self, t: &Text) -> String {
        match self.lang() {
            Sip2Language::Vi => t.vi.clone(),
            Sip2Language::En => t.en.clone(),
        }
    }

    fn refusal_text(&self, r: &Refusal) -> String {
        match self.lang() {
            Sip2Language::Vi => r.message_vi.clone(),
            Sip2Language::En => r.message_en.clone(),
        }
    }

    /// What to show for a core error: the refusal's own message, a missing card or item, or
    /// a plain "go to the desk" (the details go to the log).
    fn error_text(&self, err: &CoreError, patron: &str, item: &str) -> String {
        match err {
            CoreError::Refused(r) => self.refusal_text(r),
            CoreError::NotFound {
                entity: "patron", ..
            } => self.say(&text(
                format!("Không tìm thấy thẻ bạn đọc {patron}."),
                format!("No reader with card {patron}."),
            )),
            CoreError::NotFound { entity: "item", .. } => self.say(&text(
                format!("Không tìm thấy bản {item}."),
                format!("No item with barcode {item}."),
            )),
            other => {
                tracing::warn!(target: "shelfmark_sip2", "operation failed: {other}");
                self.say(&text(
                    "Không thực hiện được. Mời bạn đến quầy thủ thư.",
                    "This could not be done. Please see the library staff.",
                ))
            }
        }
    }

    /// `YYYYMMDDZZZZHHMMSS` in the library's local time (ZZZZ blank: local). Before a login
    /// the session knows no library and so no time zone: then UTC, marked `   Z` as SIP2 says,
    /// so a machine setting its clock from the status (98) is not off by the zone.
    fn date(&self, t: OffsetDateTime) -> String {
        let (local, zone) = match &self.library_time {
            Some(lt) => (lt.local_time(t), "    "),
            None => (t.to_offset(time::UtcOffset::UTC), "   Z"),
        };
        format!(
            "{:04}{:02}{:02}{zone}{:02}{:02}{:02}",
            local.year(),
            u8::from(local.month()),
            local.day(),
            local.hour(),
            local.minute(),
            local.second()
        )
    }

    /// An RFC 3339 time from core as a SIP2 date ("" when unreadable).
    fn date_of(&self, rfc3339: &str) -> String {
        OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
            .map(|t| self.date(t))
            .unwrap_or_default()
    }

    /// A day `YYYY-MM-DD` as the reader reads it (`dd/mm/yyyy`).
    fn day(&self, iso: &str) -> String {
        let parts: Vec<&str> = iso.split('-').collect();
        match parts.as_slice() {
            [y, m, d] => format!("{d}/{m}/{y}"),
            _ => iso.to_string(),
        }
    }

    fn login(&mut self, catalog: &Catalog, req: &Message) -> Message {
        let login = req.get("CN").unwrap_or("");
        let password = req.get("CO").unwrap_or("");
        let ok = match sip2::sign_in_proven(catalog, &self.logins, login, password) {
            Ok(Some(account)) => {
                self.policy = policy::current(catalog).ok();
                self.library_time = self
                    .policy
                    .as_ref()
                    .and_then(|p| LibraryTime::named(&p.settings.time_zone).ok());
                self.user = format!("sip2:{}", account.login);
                self.account = Some(account);
                true
            }
            Ok(None) => {
                tracing::info!(target: "shelfmark_sip2", "login refused for {login:?}");
                self.account = None;
                false
            }
            Err(err) => {
                tracing::warn!(target: "shelfmark_sip2", "login failed: {err}");
                false
            }
        };
        Message::new(Kind::LoginResponse, &[if ok { "1" } else { "0" }])
    }

    fn status(&self, catalog: &Catalog, now: OffsetDateTime) -> Message {
        let yn = |b: bool| if b { "Y" } else { "N" };
        let account = self.account.as_ref();
        let branch = account.map(|a| a.branch_code.clone()).unwrap_or_default();
        let library = holdings::branches(catalog)
            .ok()
            .and_then(|all| all.into_iter().find(|b| b.code == branch))
            .map(|b| b.name)
            .unwrap_or_else(|| "Shelfmark".into());
        Message::new(
            Kind::AcsStatus,
            &[
                "Y",
                yn(account.is_some_and(|a| a.may_check_in)),
                yn(account.is_some_and(|a| a.may_check_out)),
                yn(account.is_some_and(|a| a.may_renew)),
                "N",
                "N",
                "100",
                "003",
                &self.date(now),
                "2.00",
            ],
        )
        .field("AO", &branch)
        .field("AM", library)
        .field("BX", SUPPORTED_MESSAGES)
        .field("AN", &branch)
    }

    /// The answer of `kind` saying no, with `reason` on the screen.
    fn failed(&self, req: &Message, kind: Kind, now: OffsetDateTime, reason: &Text) -> Message {
        self.refused(req, kind, now, self.say(reason))
    }

    fn refused(&self, req: &Message, kind: Kind, now: OffsetDateTime, reason: String) -> Message {
        let date = self.date(now);
        let ao = req.get("AO").unwrap_or("");
        let aa = req.get("AA").unwrap_or("");
        let ab = req.get("AB").unwrap_or("");
        let language = match req.kind {
            Kind::PatronStatusRequest | Kind::PatronInformation => language_of(req).to_string(),
            _ => "000".into(),
        };
        let msg = match kind {
            Kind::CheckoutResponse | Kind::RenewResponse => {
                Message::new(kind, &["0", "N", "U", "N", &date])
                    .field("AO", ao)
                    .field("AA", aa)
                    .field("AB", ab)
                    .field("AJ", "")
                    .field("AH", "")
            }
            Kind::CheckinResponse => Message::new(kind, &["0", "N", "U", "N", &date])
                .field("AO", ao)
                .field("AB", ab)
                .field("AQ", ""),
            Kind::PatronStatusResponse => Message::new(kind, &["YYYY          ", &language, &date])
                .field("AO", ao)
                .field("AA", aa)
                .field("AE", "")
                .field("BL", "N"),
            Kind::PatronInformationResponse => Message::new(
                kind,
                &[
                    "YYYY          ",
                    &language,
                    &date,
                    "0000",
                    "0000",
                    "0000",
                    "0000",
                    "0000",
                    "0000",
                ],
            )
            .field("AO", ao)
            .field("AA", aa)
            .field("AE", "")
            .field("BL", "N"),
            Kind::EndSessionResponse | Kind::FeePaidResponse => Message::new(kind, &["N", &date])
                .field("AO", ao)
                .field("AA", aa),
            Kind::ItemInformationResponse => Message::new(kind, &["01", "00", "01", &date])
                .field("AB", ab)
                .field("AJ", ""),
            other => Message::new(other, &[]),
        };
        msg.field("AF", reason)
    }

    fn required<'m>(
        &self,
        req: &'m Message,
        code: &str,
        kind: Kind,
        now: OffsetDateTime,
    ) -> Result<&'m str, Message> {
        match req.get(code).map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => Ok(v),
            None => Err(self.failed(
                req,
                kind,
                now,
                &text(
                    format!("Thiếu trường {code} trong yêu cầu."),
                    format!("The request lacks the field {code}."),
                ),
            )),
        }
    }

    /// Two required fields, the first one missing named when both are.
    fn required_pair<'m>(
        &self,
        req: &'m Message,
        first: &str,
        second: &str,
        kind: Kind,
        now: OffsetDateTime,
    ) -> Result<(&'m str, &'m str), Message> {
        match (
            self.required(req, first, kind, now),
            self.required(req, second, kind, now),
        ) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (Err(m), _) | (_, Err(m)) => Err(m),
        }
    }

    /// The reader (AA), the item (AB) and the PIN (AD) a loan or a renewal needs: a machine
    /// lends and renews only to a reader who gave the card's PIN.
    fn patron_item_pin<'m>(
        &self,
        req: &'m Message,
        kind: Kind,
        now: OffsetDateTime,
    ) -> Result<(&'m str, &'m str, &'m str), Message> {
        let (patron, item) = self.required_pair(req, "AA", "AB", kind, now)?;
        match req.get("AD").filter(|p| !p.is_empty()) {
            Some(pin) => Ok((patron, item, pin)),
            None => Err(self.failed(req, kind, now, &self.pin_required())),
        }
    }

    /// The answer to a loan or renewal that went through, before its screen message.
    fn loan_made(
        &self,
        kind: Kind,
        renewal_ok: bool,
        req: &Message,
        loan: &Loan,
        now: OffsetDateTime,
    ) -> Message {
        Message::new(
            kind,
            &[
                "1",
                if renewal_ok { "Y" } else { "N" },
                "N",
                "Y",
                &self.date(now),
            ],
        )
        .field("AO", req.get("AO").unwrap_or(""))
        .field("AA", &loan.patron_barcode)
        .field("AB", &loan.item_barcode)
        .field("AJ", &loan.title)
        .field("AH", self.date_of(&loan.due_at))
    }

    /// The late fee a return or renewal charged, as a sentence to append to the screen.
    fn late_fee(&self, fine_charged: i64) -> Option<String> {
        (fine_charged > 0).then(|| {
            self.say(&text(
                format!(" Phí trả muộn: {fine_charged} đồng."),
                format!(" Late fee: {fine_charged} VND."),
            ))
        })
    }

    fn pin_required(&self) -> Text {
        text(
            "Hãy nhập mã PIN của thẻ bạn đọc.",
            "Please enter your card's PIN.",
        )
    }

    /// The charged items limit (CB): the loans the policy allows this reader's category at
    /// this machine's branch for any item type (its most specific rule: branch before
    /// category). None when no rule covers every item type: limits per type have no one
    /// number to give.
    fn charged_limit(&self, reader: &PatronAccount) -> Option<u32> {
        let branch = self.account.as_ref()?.branch_code.as_str();
        self.policy
            .as_ref()?
            .rules
            .iter()
            .filter(|r| r.item_type == "*")
            .filter(|r| r.branch_code == "*" || r.branch_code == branch)
            .filter(|r| r.patron_category == "*" || r.patron_category == reader.category)
            .max_by_key(|r| (r.branch_code != "*", r.patron_category != "*"))
            .map(|r| r.max_loans)
    }

    /// Patron status bits (14): charge, renewal, recall and hold privileges denied, card
    /// lost, too many charged, overdue, renewals, claims, lost, excessive fines, fees, recall
    /// overdue, too many billed.
    fn patron_bits(account: &PatronAccount) -> String {
        use shelfmark_core::api::RefusalCode as R;
        let has = |codes: &[R]| account.refusals.iter().any(|r| codes.contains(&r.code));
        let card = has(&[R::CardExpired, R::PatronBlocked]);
        let mut bits = [' '; 14];
        let mut set = |i: usize, on: bool| {
            if on {
                bits[i] = 'Y';
            }
        };
        set(0, !account.refusals.is_empty());
        set(1, card);
        set(3, card);
        set(6, has(&[R::OverdueItems]));
        set(10, has(&[R::FinesOverLimit]));
        bits.iter().collect()
    }

    /// Checks the reader's PIN: the one remembered, when it is this reader's and this PIN and
    /// still holds (no Argon2); else core's kiosk sign-in in full, whose refusals (and the
    /// count of wrong PINs) are core's. The account when the full check made it.
    fn check_pin(
        &mut self,
        catalog: &mut Catalog,
        barcode: &str,
        pin: &str,
    ) -> Result<Option<PatronAccount>, CoreError> {
        if let Some(remembered) = &self.remembered
            && kiosk::recall_pin(catalog, remembered, barcode, pin)?
        {
            return Ok(None);
        }
        self.remembered = None;
        let (account, remembered) =
            retry(|| kiosk::sign_in_remembering(catalog, &self.user, barcode, pin))?;
        self.remembered = Some(remembered);
        Ok(Some(account))
    }

    /// The reader's account, and whether the PIN given (if any) is right; a wrong PIN is
    /// counted by core towards the lockout.
    fn reader(
        &mut self,
        catalog: &mut Catalog,
        req: &Message,
    ) -> Result<(PatronAccount, Option<Result<(), Refusal>>), CoreError> {
        let barcode = req.get("AA").unwrap_or("").trim();
        // A merged-away card is refused whatever comes with it (no PIN, a wrong one, one
        // remembered from before the merge): a machine shows no one's account for it.
        let account = kiosk::self_service_account(catalog, barcode)?;
        let Some(pin) = req.get("AD").filter(|p| !p.is_empty()) else {
            return Ok((account, None));
        };
        match self.check_pin(catalog, barcode, pin) {
            Ok(Some(account)) => Ok((account, Some(Ok(())))),
            Ok(None) => Ok((account, Some(Ok(())))),
            Err(CoreError::Refused(r)) => Ok((account, Some(Err(r)))),
            Err(other) => Err(other),
        }
    }

    fn patron_status(
        &mut self,
        catalog: &mut Catalog,
        req: &Message,
        now: OffsetDateTime,
    ) -> Message {
        let kind = Kind::PatronStatusResponse;
        let (account, pin) = match self.reader(catalog, req) {
            Ok(found) => found,
            Err(err) => {
                let shown = self.error_text(&err, req.get("AA").unwrap_or(""), "");
                return self.refused(req, kind, now, shown);
            }
        };
        let screen = match &pin {
            Some(Err(r)) => self.refusal_text(r),
            _ => account
                .refusals
                .first()
                .map(|r| self.refusal_text(r))
                .unwrap_or_default(),
        };
        Message::new(
            kind,
            &[
                &Self::patron_bits(&account),
                language_of(req),
                &self.date(now),
            ],
        )
        .field("AO", req.get("AO").unwrap_or(""))
        .field("AA", &account.barcode)
        .field("AE", &account.name)
        .field("BL", "Y")
        .field_opt(
            "CQ",
            pin.as_ref().map(|p| if p.is_ok() { "Y" } else { "N" }),
        )
        .field("BH", "VND")
        .field("BV", account.balance.to_string())
        .field_opt("AF", (!screen.is_empty()).then_some(screen))
    }

    fn patron_information(
        &mut self,
        catalog: &mut Catalog,
        req: &Message,
        now: OffsetDateTime,
    ) -> Message {
        let kind = Kind::PatronInformationResponse;
        let (account, pin) = match self.reader(catalog, req) {
            Ok(found) => found,
            Err(err) => {
                let shown = self.error_text(&err, req.get("AA").unwrap_or(""), "");
                return self.refused(req, kind, now, shown);
            }
        };
        let on_shelf: Vec<String> = account
            .holds
            .iter()
            .filter(|h| h.status == HoldStatus::OnShelf)
            .map(|h| {
                h.trapped_item_barcode
                    .clone()
                    .unwrap_or_else(|| h.title.clone())
            })
            .collect();
        let unavailable: Vec<String> = account
            .holds
            .iter()
            .filter(|h| h.status != HoldStatus::OnShelf)
            .map(|h| h.item_barcode.clone().unwrap_or_else(|| h.title.clone()))
            .collect();
        let overdue: Vec<String> = account
            .loans
            .iter()
            .filter(|l| l.overdue)
            .map(|l| l.item_barcode.clone())
            .collect();
        let charged: Vec<String> = account
            .loans
            .iter()
            .map(|l| l.item_barcode.clone())
            .collect();
        let fines: Vec<String> = if account.balance > 0 {
            vec![self.say(&text(
                format!("Nợ {} đồng", account.balance),
                format!("Owes {} VND", account.balance),
            ))]
        } else {
            Vec::new()
        };
        let count = |n: usize| format!("{:04}", n.min(9999));
        let mut msg = Message::new(
            kind,
            &[
                &Self::patron_bits(&account),
                language_of(req),
                &self.date(now),
                &count(on_shelf.len()),
                &count(overdue.len()),
                &count(charged.len()),
                &count(fines.len()),
                "0000",
                &count(unavailable.len()),
            ],
        )
        .field("AO", req.get("AO").unwrap_or(""))
        .field("AA", &account.barcode)
        .field("AE", &account.name)
        .field_opt(
            "CB",
            self.charged_limit(&account)
                .map(|n| format!("{:04}", n.min(9999))),
        )
        .field("BL", "Y")
        .field_opt(
            "CQ",
            pin.as_ref().map(|p| if p.is_ok() { "Y" } else { "N" }),
        )
        .field("BH", "VND")
        .field("BV", account.balance.to_string())
        .field_opt(
            "CC",
            self.policy
                .as_ref()
                .map(|p| p.settings.fine_block_limit.to_string()),
        );
        // The reader's contact details and lists are their own business: only with the right
        // PIN, never to whoever types a card number.
        if matches!(pin, Some(Ok(()))) {
            msg = msg
                .field_opt("BE", account.email.as_deref())
                .field_opt("BF", account.phone.as_deref());
            let summary = req.fixed(2);
            let which = summary.find('Y');
            let list = match which {
                Some(0) => Some(("AS", &on_shelf)),
                Some(1) => Some(("AT", &overdue)),
                Some(2) => Some(("AU", &charged)),
                Some(3) => Some(("AV", &fines)),
                Some(5) => Some(("CD", &unavailable)),
                _ => None,
            };
            if let Some((code, items)) = list {
                let start = req
                    .get("BP")
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .max(1);
                let end = req
                    .get("BQ")
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(usize::MAX);
                for item in items
                    .iter()
                    .skip(start - 1)
                    .take(end.saturating_sub(start - 1))
                {
                    msg = msg.field(code, item);
                }
            }
        }
        let screen = match &pin {
            Some(Err(r)) => Some(self.refusal_text(r)),
            None => Some(self.say(&self.pin_required())).filter(|_| req.fixed(2).contains('Y')),
            Some(Ok(())) => account.refusals.first().map(|r| self.refusal_text(r)),
        };
        msg.field_opt("AF", screen)
    }

    fn checkout(
        &mut self,
        catalog: &mut Catalog,
        account: &Sip2Account,
        req: &Message,
        now: OffsetDateTime,
    ) -> Message {
        let kind = Kind::CheckoutResponse;
        if !account.may_check_out {
            return self.failed(
                req,
                kind,
                now,
                &text(
                    "Máy này không được cho mượn sách.",
                    "This machine may not lend items.",
                ),
            );
        }
        let (patron, item, pin) = match self.patron_item_pin(req, kind, now) {
            Ok(found) => found,
            Err(m) => return m,
        };
        // The kiosk's own sequence (core's `kiosk::checkout`): the PIN with its lockout, then
        // an ordinary loan with no override; split so the slow PIN check is not in the turn.
        let lent = self.check_pin(catalog, patron, pin).and_then(|_| {
            let (patron, item) = (patron.to_string(), item.to_string());
            let branch = account.branch_code.clone();
            self.write(catalog, move |m| {
                loans::checkout(m, &patron, &item, Some(&branch), None)
            })
        });
        match lent {
            Ok(result) => {
                let loan = result.loan;
                self.loan_made(kind, false, req, &loan, now).field(
                    "AF",
                    self.say(&text(
                        format!("Mượn thành công. Hạn trả: {}.", self.day(&loan.due_on)),
                        format!("Borrowed. Due back {}.", self.day(&loan.due_on)),
                    )),
                )
            }
            Err(CoreError::Refused(r))
                if r.code == RefusalCode::ItemAlreadyOnLoan
                    && r.params.get("same_patron").is_some_and(|v| v == "true") =>
            {
                // The same reader's check-out again: the machine lost the answer and asks
                // anew. The loan stands; say so, with its due date, rather than "failed".
                let loan = patrons::account(catalog, patron).ok().and_then(|a| {
                    a.loans
                        .into_iter()
                        .find(|l| l.item_barcode.eq_ignore_ascii_case(item.trim()))
                });
                match loan {
                    Some(loan) => self.loan_made(kind, false, req, &loan, now).field(
                        "AF",
                        self.say(&text(
                            format!(
                                "Bạn đang mượn cuốn này. Hạn trả: {}.",
                                self.day(&loan.due_on)
                            ),
                            format!(
                                "You already have this on loan. Due back {}.",
                                self.day(&loan.due_on)
                            ),
                        )),
                    ),
                    None => {
                        let shown = self.refusal_text(&r);
                        self.refused(req, kind, now, shown)
                    }
                }
            }
            Err(err) => {
                let shown = self.error_text(&err, patron, item);
                self.refused(req, kind, now, shown)
            }
        }
    }

    fn checkin(
        &self,
        catalog: &mut Catalog,
        account: &Sip2Account,
        req: &Message,
        now: OffsetDateTime,
    ) -> Message {
        let kind = Kind::CheckinResponse;
        if !account.may_check_in {
            return self.failed(
                req,
                kind,
                now,
                &text(
                    "Máy này không được nhận trả sách.",
                    "This machine may not take returns.",
                ),
            );
        }
        let item = match self.required(req, "AB", kind, now) {
            Ok(i) => i,
            Err(m) => return m,
        };
        // "No block" Y: the machine took this return while offline and reports it now, with
        // the return date it took it at; otherwise the return is now.
        let returned_at = (req.fixed(0) == "Y")
            .then(|| self.returned_at(req.fixed(2), now))
            .flatten();
        let branch = account.branch_code.clone();
        // The item as it was before it came back: its status (a lost or claimed-returned book
        // is found by this return, core makes it available again, and staff should know) and
        // its home branch, which a check-in does not change.
        let before = loans::item_circulation(catalog, item).ok();
        let was = before.as_ref().map(|i| i.status);
        let result = {
            let (item, branch) = (item.to_string(), branch.clone());
            self.write(catalog, move |m| match returned_at {
                Some(at) => loans::checkin_taken_offline(m, &item, Some(&branch), at),
                None => loans::checkin(m, &item, Some(&branch), None),
            })
        };
        let result = match result {
            Ok(r) => r,
            Err(err) => {
                let shown = self.error_text(&err, "", item);
                return self.refused(req, kind, now, shown);
            }
        };
        let home = before.map(|i| i.home_branch_code).unwrap_or_default();
        // Back on the shelf only if nothing is wrong with it: a book marked damaged, lost,
        // withdrawn or claimed returned goes to staff, not to the sorter's shelf bin.
        let needs_staff = matches!(result.action, CheckinAction::Reshelve)
            && (matches!(result.status, ItemStatus::Damaged | ItemStatus::Withdrawn)
                || matches!(was, Some(ItemStatus::Lost | ItemStatus::ClaimedReturned)));
        let alert = needs_staff || !matches!(result.action, CheckinAction::Reshelve);
        let mut msg = Message::new(
            kind,
            &[
                "1",
                if alert { "N" } else { "Y" },
                "N",
                if alert { "Y" } else { "N" },
                &self.date(now),
            ],
        )
        .field("AO", req.get("AO").unwrap_or(""))
        .field("AB", &result.item_barcode)
        .field("AQ", home)
        .field("AJ", &result.title)
        .field_opt("AA", result.loan.as_ref().map(|l| l.patron_barcode.clone()));
        let fine = self.late_fee(result.fine_charged);
        let screen = match &result.action {
            CheckinAction::Reshelve if needs_staff => {
                msg = msg.field("CL", "").field("CV", "99");
                self.say(&text(
                    "Đã nhận trả. Cảm ơn bạn. Thủ thư sẽ kiểm tra cuốn sách này.",
                    "Returned. Thank you. Staff will look at this item.",
                ))
            }
            CheckinAction::Reshelve => {
                msg = msg.field("CL", "");
                self.say(&text("Đã nhận trả. Cảm ơn bạn.", "Returned. Thank you."))
            }
            CheckinAction::HoldShelf {
                patron_barcode,
                patron_name,
                ..
            } => {
                msg = msg
                    .field("CL", "HOLD")
                    .field("CT", &branch)
                    .field("CV", "01")
                    .field("CY", patron_barcode)
                    .field("DA", patron_name);
                self.say(&text(
                    format!("Đã nhận trả. Để lên giá sách đặt trước cho {patron_name}."),
                    format!("Returned. Put it on the hold shelf for {patron_name}."),
                ))
            }
            CheckinAction::Transit {
                branch_code,
                hold_id,
            } => {
                msg = msg
                    .field("CL", branch_code)
                    .field("CT", branch_code)
                    .field("CV", if hold_id.is_some() { "02" } else { "04" });
                match hold_id {
                    Some(_) => self.say(&text(
                        format!("Đã nhận trả. Chuyển đến {branch_code}: có bạn đọc đang chờ."),
                        format!("Returned. Send it to {branch_code}: a reader waits for it."),
                    )),
                    None => self.say(&text(
                        format!("Đã nhận trả. Chuyển về {branch_code}."),
                        format!("Returned. Send it home to {branch_code}."),
                    )),
                }
            }
        };
        msg.field("AF", format!("{screen}{}", fine.unwrap_or_default()))
    }

    /// The return date a book-drop sends for a return it took while offline: in the past and
    /// readable (local, or UTC with `   Z`), else none (now). A date before the loan began or
    /// was last renewed counts as that moment (core's `checkin_taken_offline`).
    fn returned_at(&self, date: &str, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let b = date.as_bytes();
        if b.len() != 18 || date.trim().is_empty() {
            return None;
        }
        let num = |r: std::ops::Range<usize>| date.get(r).and_then(|s| s.parse::<u32>().ok());
        let (y, mo, d, h, mi, s) = (
            num(0..4)?,
            num(4..6)?,
            num(6..8)?,
            num(12..14)?,
            num(14..16)?,
            num(16..18)?,
        );
        let month = time::Month::try_from(u8::try_from(mo).ok()?).ok()?;
        let day =
            time::Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?)
                .ok()?;
        let clock = time::Time::from_hms(
            u8::try_from(h).ok()?,
            u8::try_from(mi).ok()?,
            u8::try_from(s).ok()?,
        )
        .ok()?;
        let at = match &date[8..12] {
            "    " => {
                let offset = self.library_time.as_ref()?.local_time(now).offset();
                day.with_time(clock).assume_offset(offset)
            }
            "   Z" => day.with_time(clock).assume_utc(),
            _ => return None,
        };
        (at < now).then_some(at)
    }

    fn renew(
        &mut self,
        catalog: &mut Catalog,
        account: &Sip2Account,
        req: &Message,
        now: OffsetDateTime,
    ) -> Message {
        let kind = Kind::RenewResponse;
        if !account.may_renew {
            return self.failed(
                req,
                kind,
                now,
                &text(
                    "Máy này không được gia hạn.",
                    "This machine may not renew loans.",
                ),
            );
        }
        let (patron, item, pin) = match self.patron_item_pin(req, kind, now) {
            Ok(found) => found,
            Err(m) => return m,
        };
        let reader = match self
            .check_pin(catalog, patron, pin)
            .and_then(|account| match account {
                Some(account) => Ok(account),
                None => kiosk::self_service_account(catalog, patron),
            }) {
            Ok(reader) => reader,
            Err(err) => {
                let shown = self.error_text(&err, patron, item);
                return self.refused(req, kind, now, shown);
            }
        };
        if !reader.loans.iter().any(|l| l.item_barcode == item) {
            return self.failed(
                req,
                kind,
                now,
                &text(
                    format!("Bản {item} không nằm trong số sách bạn đang mượn."),
                    format!("Item {item} is not on loan to this card."),
                ),
            );
        }
        let renewing = item.to_string();
        match self.write(catalog, move |m| loans::renew(m, &renewing, None)) {
            Ok(result) => {
                let loan = result.loan;
                let mut shown = self.say(&text(
                    format!("Đã gia hạn. Hạn trả mới: {}.", self.day(&loan.due_on)),
                    format!("Renewed. Now due back {}.", self.day(&loan.due_on)),
                ));
                if let Some(fine) = self.late_fee(result.fine_charged) {
                    shown.push_str(&fine);
                }
                self.loan_made(kind, true, req, &loan, now)
                    .field_opt(
                        "BV",
                        (result.fine_charged > 0).then(|| result.fine_charged.to_string()),
                    )
                    .field("AF", shown)
            }
            Err(err) => {
                let shown = self.error_text(&err, patron, item);
                self.refused(req, kind, now, shown)
            }
        }
    }

    fn item_information(&self, catalog: &Catalog, req: &Message, now: OffsetDateTime) -> Message {
        let kind = Kind::ItemInformationResponse;
        let item = match self.required(req, "AB", kind, now) {
            Ok(i) => i,
            Err(m) => return m,
        };
        let state = match loans::item_circulation(catalog, item) {
            Ok(s) => s,
            Err(err) => {
                let shown = self.error_text(&err, "", item);
                return self.refused(req, kind, now, shown);
            }
        };
        let circulation = match state.status {
            ItemStatus::Available => "03",
            ItemStatus::OnLoan => "04",
            ItemStatus::OnHoldShelf => "08",
            ItemStatus::InTransit => "10",
            ItemStatus::ClaimedReturned => "11",
            ItemStatus::Lost => "12",
            ItemStatus::Withdrawn => "13",
            ItemStatus::NotForLoan | ItemStatus::Damaged => "01",
        };
        let shelf_day = state
            .trapped_for
            .as_ref()
            .and_then(|h| h.shelf_expires_on.clone());
        Message::new(kind, &[circulation, "00", "01", &self.date(now)])
            .field("CF", state.holds_queue.to_string())
            .field_opt("AH", state.loan.as_ref().map(|l| self.date_of(&l.due_at)))
            .field_opt(
                "CM",
                shelf_day
                    .as_deref()
                    .map(|d| format!("{}    235959", d.replace('-', ""))),
            )
            .field("AB", &state.barcode)
            .field("AJ", &state.title)
            .field("BG", &state.home_branch_code)
            .field("AQ", &state.home_branch_code)
            .field("AP", &state.current_branch_code)
    }

    fn fee_paid(&self, catalog: &mut Catalog, req: &Message, now: OffsetDateTime) -> Message {
        let kind = Kind::FeePaidResponse;
        let (patron, amount) = match self.required_pair(req, "AA", "BV", kind, now) {
            Ok(pair) => pair,
            Err(m) => return m,
        };
        let currency = req.fixed(3).trim();
        if !currency.is_empty() && currency != "VND" {
            return self.failed(
                req,
                kind,
                now,
                &text(
                    format!("Chỉ nhận tiền đồng (VND), không nhận {currency}."),
                    format!("Only đồng (VND) are accepted, not {currency}."),
                ),
            );
        }
        let Some(amount) = whole_dong(amount) else {
            return self.failed(
                req,
                kind,
                now,
                &text(
                    format!("Số tiền {amount} không hợp lệ (số đồng, không có phần lẻ)."),
                    format!("The amount {amount} is not a whole number of đồng."),
                ),
            );
        };
        if let Err(err) = kiosk::self_service_account(catalog, patron) {
            let shown = self.error_text(&err, patron, "");
            return self.refused(req, kind, now, shown);
        }
        let transaction = req.get("BK").unwrap_or("");
        let note = format!(
            "SIP2 fee paid (payment type {}){}",
            req.fixed(2),
            if transaction.is_empty() {
                String::new()
            } else {
                format!(", transaction {transaction}")
            }
        );
        let payer = patron.to_string();
        // A machine sends a payment again when its answer was lost: with its own transaction
        // id the payment is recorded once, however often it comes.
        let paid = if transaction.is_empty() {
            self.write(catalog, move |m| {
                fines::pay(m, &payer, amount, &note).map(fines::MachinePayment::Recorded)
            })
        } else {
            self.write(catalog, move |m| fines::pay_once(m, &payer, amount, &note))
        };
        let left = || {
            patrons::account(catalog, patron)
                .map(|a| a.balance)
                .unwrap_or_default()
        };
        let screen = match paid {
            Ok(fines::MachinePayment::Recorded(_)) => {
                let left = left();
                text(
                    format!("Đã nhận {amount} đồng. Còn nợ {left} đồng."),
                    format!("Received {amount} VND. Still owed: {left} VND."),
                )
            }
            Ok(fines::MachinePayment::AlreadyRecorded(_)) => {
                let left = left();
                text(
                    format!("Khoản {amount} đồng này đã được ghi nhận. Còn nợ {left} đồng."),
                    format!(
                        "This payment of {amount} VND was already recorded. Still owed: {left} VND."
                    ),
                )
            }
            Ok(fines::MachinePayment::OtherAmount(earlier)) => {
                let before = -earlier.amount;
                return self.failed(
                    req,
                    kind,
                    now,
                    &text(
                        format!(
                            "Giao dịch {transaction} đã được ghi với số tiền {before} đồng, không phải {amount} đồng."
                        ),
                        format!(
                            "Transaction {transaction} was already recorded as {before} VND, not {amount} VND."
                        ),
                    ),
                );
            }
            // Core refuses a payment above what is owed; the screen says so in its language.
            Err(CoreError::InvalidInput {
                what: "payment", ..
            }) => {
                let owed = left();
                return self.failed(
                    req,
                    kind,
                    now,
                    &text(
                        format!("Không nhận được: bạn đọc chỉ nợ {owed} đồng."),
                        format!("Not taken: the reader owes only {owed} VND."),
                    ),
                );
            }
            Err(err) => {
                let shown = self.error_text(&err, patron, "");
                return self.refused(req, kind, now, shown);
            }
        };
        Message::new(kind, &["Y", &self.date(now)])
            .field("AO", req.get("AO").unwrap_or(""))
            .field("AA", patron)
            .field_opt("BK", (!transaction.is_empty()).then_some(transaction))
            .field("AF", self.say(&screen))
    }
}

impl Session {
    /// One core write, through the server's writer with the other sessions' (or on
    /// `catalog`), run again if another program holding the catalog (the desk) made it busy.
    fn write<T, F>(&self, catalog: &mut Catalog, mut work: F) -> Result<T, CoreError>
    where
        T: Send + 'static,
        F: FnMut(&mut shelfmark_core::Mutation<'_>) -> Result<T, CoreError> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.write(&self.user, work),
            None => retry(|| catalog.write(&self.user, &mut work)),
        }
    }
}

/// The language of a patron request (23, 63) to echo in its answer: SIP2's three digits, or
/// `000` (unknown) for anything else, which would shift every later fixed field of the answer.
fn language_of(req: &Message) -> &str {
    let language = req.fixed(0);
    if language.len() == 3 && language.bytes().all(|b| b.is_ascii_digit()) {
        language
    } else {
        "000"
    }
}

/// An amount of whole đồng, above 0: `15000`; grouped in thousands with points (the
/// Vietnamese way, `15.000`, `1.500.000`) or commas (`15,000`); and either of those with a
/// decimal part of zeros only (`15000.00`, `15.000,00`, `15,000.0`), since the đồng has no
/// smaller unit. Anything else (`150.50`, `1,5`, `2.00.0`) is `None`: a kiosk's amount is
/// never guessed at, as a wrong guess would record ten or a hundred times the cash taken.
fn whole_dong(text: &str) -> Option<i64> {
    let t = text.trim();
    let int = match t.rfind(['.', ',']) {
        // Three digits after the last separator are a thousands group ("15.000"), not decimals.
        Some(at) if t.len() - at - 1 != 3 => {
            let (int, fraction) = (&t[..at], &t[at + 1..]);
            let decimal = t.as_bytes()[at] as char;
            let zeros = !fraction.is_empty() && fraction.bytes().all(|b| b == b'0');
            (zeros && !int.contains(decimal)).then_some(int)?
        }
        _ => t,
    };
    grouped_digits(int)?.parse::<i64>().ok().filter(|a| *a > 0)
}

/// `15000`, or thousands grouped with one separator (`1.500.000`, `15,000`), as plain digits.
fn grouped_digits(s: &str) -> Option<String> {
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if digits(s) {
        return Some(s.to_string());
    }
    ['.', ','].into_iter().find_map(|sep| {
        let mut groups = s.split(sep);
        let first = groups.next()?;
        let rest: Vec<&str> = groups.collect();
        // A first group of 0 is a decimal, not thousands: "0.500" is half a đồng.
        let grouped = (1..=3).contains(&first.len())
            && digits(first)
            && !first.starts_with('0')
            && !rest.is_empty()
            && rest.iter().all(|g| g.len() == 3 && digits(g));
        grouped.then(|| format!("{first}{}", rest.concat()))
    })
}

/// Runs one core operation again when SQLite says the catalog is busy: another connection
/// wrote between this transaction's read and its write (WAL's "busy snapshot", which SQLite's
/// busy timeout does not wait out). The failed transaction was rolled back whole, so running
/// it again is safe.
pub(crate) fn retry<T>(mut op: impl FnMut() -> Result<T, CoreError>) -> Result<T, CoreError> {
    const ATTEMPTS: u32 = 10;
    let mut attempt = 0;
    loop {
        match op() {
            Err(CoreError::Storage(rusqlite::Error::SqliteFailure(e, _)))
                if attempt + 1 < ATTEMPTS
                    && matches!(
                        e.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) =>
            {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(u64::from(attempt) * 3));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests;
