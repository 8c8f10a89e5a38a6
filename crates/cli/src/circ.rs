//! `shelfmark circ`: the circulation desk on the command line, a thin face over core's
//! `circulation` modules. A refusal exits 1 with its stable code and its message (in the
//! language of `--lang`, Vietnamese by default) on stderr; with `--json` stderr carries the
//! error payload, whose `details` is the refusal with both messages.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use shelfmark_core::api::{
    CheckinAction, CirculationSettings, CirculationStats, ItemStatus, MergeSide, PatronInput,
    PatronMerge, PatronMergePreview, PolicyRule, Refusal,
};
use shelfmark_core::circulation::patrons::merge;
use shelfmark_core::circulation::{self, calendar, fines, holds, loans, patrons, policy, stats};
use shelfmark_core::{Catalog, CoreError};

#[derive(Clone, Copy, ValueEnum)]
pub enum Lang {
    Vi,
    En,
}

#[derive(Args)]
pub struct CircArgs {
    /// The desk's branch code (default: the item's own branch).
    #[arg(long, global = true, value_name = "CODE")]
    branch: Option<String>,
    /// The language of refusals and messages.
    #[arg(long, global = true, value_enum, default_value_t = Lang::Vi)]
    lang: Lang,
    #[command(subcommand)]
    command: CircCommand,
}

#[derive(Subcommand)]
enum CircCommand {
    /// Lend an item to a reader.
    Checkout {
        patron: String,
        item: String,
        /// Lend despite a refusal; the reason is recorded with the loan.
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
    },
    /// Take an item back (and see where it goes next).
    Checkin {
        item: String,
        /// Back-date the return, RFC 3339 (2026-03-12T09:30:00+07:00).
        #[arg(long, value_name = "DATETIME")]
        at: Option<String>,
    },
    /// Renew a loan.
    Renew {
        item: String,
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
    },
    /// Mark an item lost, damaged, claimed returned, or found again (available).
    Mark {
        item: String,
        #[arg(value_enum)]
        status: MarkStatus,
        #[arg(long, default_value = "")]
        note: String,
    },
    #[command(subcommand)]
    Hold(HoldCommand),
    #[command(subcommand)]
    Patron(PatronCommand),
    #[command(subcommand)]
    Fines(FinesCommand),
    #[command(subcommand)]
    Policy(PolicyCommand),
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// The circulation report: loans and returns per day, by branch, category and item type,
    /// renewals, fines charged, and the loans overdue now.
    Stats {
        /// First day, YYYY-MM-DD (the library's local days).
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: String,
        /// Also write the report to this CSV file (UTF-8, for Excel or LibreOffice).
        #[arg(long, value_name = "FILE")]
        csv: Option<std::path::PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum MarkStatus {
    Lost,
    Damaged,
    ClaimedReturned,
    Available,
}

#[derive(Subcommand)]
enum HoldCommand {
    /// Place a hold on a record (id or control number) or one item (barcode).
    Place {
        patron: String,
        target: String,
        #[arg(long, value_name = "BRANCH")]
        pickup: String,
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
    },
    Cancel {
        id: String,
    },
    Suspend {
        id: String,
    },
    Resume {
        id: String,
    },
    /// Expire the holds not collected from the shelf in time.
    Expire,
}

#[derive(Subcommand)]
enum PatronCommand {
    /// Register a reader.
    Add {
        barcode: String,
        #[arg(long)]
        name: String,
        /// adult, child, student, staff, visually_impaired.
        #[arg(long, default_value = "adult")]
        category: String,
        /// Card expiry, YYYY-MM-DD.
        #[arg(long)]
        expires: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long, value_name = "CODE")]
        home_branch: Option<String>,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// A reader's card, blocks, loans, holds and balance.
    Show {
        barcode: String,
    },
    Block {
        barcode: String,
        #[arg(long)]
        reason: String,
    },
    Unblock {
        block_id: String,
    },
    /// Set the self-service PIN, read from the first line of standard input.
    SetPin {
        barcode: String,
    },
    /// Find readers by card barcode or name (diacritics optional, words in any order).
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Merge a reader registered twice: the duplicate's loans, holds, fines and blocks move to
    /// the reader kept; the duplicate stays in the history, marked merged, and its card leads
    /// to the reader kept at the desk.
    Merge {
        /// The card of the reader to keep.
        #[arg(long, value_name = "CARD")]
        keep: String,
        /// The card of the duplicate, merged away.
        #[arg(long, value_name = "CARD")]
        duplicate: String,
        /// Why (kept in the reader's history). Required unless --dry-run.
        #[arg(long, value_name = "TEXT", default_value = "")]
        reason: String,
        /// Show both readers and what would move; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum FinesCommand {
    Pay {
        patron: String,
        amount: i64,
        #[arg(long, default_value = "")]
        note: String,
    },
    Waive {
        patron: String,
        amount: i64,
        #[arg(long)]
        reason: String,
    },
    /// Charge for a lost or damaged book.
    Charge {
        patron: String,
        amount: i64,
        #[arg(long)]
        reason: String,
    },
    /// The reader's ledger.
    Show { patron: String },
}

#[derive(Subcommand)]
enum PolicyCommand {
    Show,
    /// Add or replace one rule (* for any category, item type or branch).
    Set {
        #[arg(long)]
        category: String,
        #[arg(long)]
        item_type: String,
        #[arg(long = "for-branch", default_value = "*")]
        for_branch: String,
        #[arg(long)]
        loan_days: u32,
        #[arg(long)]
        renewals: u32,
        #[arg(long)]
        max_loans: u32,
        #[arg(long)]
        fine_per_day: i64,
        #[arg(long)]
        max_fine: i64,
        #[arg(long)]
        no_holds: bool,
        #[arg(long)]
        not_for_loan: bool,
    },
    /// Change library-wide settings.
    Settings {
        #[arg(long)]
        time_zone: Option<String>,
        #[arg(long)]
        fine_block_limit: Option<i64>,
        #[arg(long)]
        hold_shelf_days: Option<u32>,
        #[arg(long)]
        overdue_block_days: Option<u32>,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Close a day (every branch unless --branch is given).
    Add {
        /// YYYY-MM-DD.
        day: String,
        #[arg(long)]
        reason: String,
    },
    List {
        /// Only days from this one, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
    },
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn message(refusal: &Refusal, lang: Lang) -> &str {
    match lang {
        Lang::Vi => &refusal.message_vi,
        Lang::En => &refusal.message_en,
    }
}

/// Runs one `circ` command. A refusal is answered here in the chosen language (exit 1), or
/// handed back for `--json` to print as the error payload.
pub fn run(
    args: &CircArgs,
    json: bool,
    open: impl FnOnce() -> anyhow::Result<Catalog>,
    user: &str,
) -> anyhow::Result<ExitCode> {
    let mut catalog = open()?;
    match run_command(args, json, &mut catalog, user) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => match (e.downcast_ref::<CoreError>(), json) {
            (Some(CoreError::Refused(refusal)), false) => {
                eprintln!(
                    "shelfmark: {}: {}",
                    refusal.code.as_str(),
                    message(refusal, args.lang)
                );
                Ok(ExitCode::FAILURE)
            }
            (Some(CoreError::MergeRefused(refusal)), false) => {
                let text = match args.lang {
                    Lang::Vi => &refusal.message_vi,
                    Lang::En => &refusal.message_en,
                };
                eprintln!("shelfmark: {}: {text}", refusal.code.as_str());
                Ok(ExitCode::FAILURE)
            }
            _ => Err(e),
        },
    }
}

fn action_text(action: &CheckinAction, lang: Lang) -> String {
    match (action, lang) {
        (CheckinAction::Reshelve, Lang::Vi) => "Xếp lại lên giá.".into(),
        (CheckinAction::Reshelve, Lang::En) => "Put it back on the shelf.".into(),
        (
            CheckinAction::HoldShelf {
                patron_name,
                patron_barcode,
                shelf_expires_on,
                ..
            },
            Lang::Vi,
        ) => format!(
            "Đặt lên giá giữ chỗ cho {patron_name} ({patron_barcode}) đến hết ngày {shelf_expires_on}."
        ),
        (
            CheckinAction::HoldShelf {
                patron_name,
                patron_barcode,
                shelf_expires_on,
                ..
            },
            Lang::En,
        ) => format!(
            "Put it on the hold shelf for {patron_name} ({patron_barcode}) until {shelf_expires_on}."
        ),
        (
            CheckinAction::Transit {
                branch_code,
                hold_id: Some(_),
            },
            Lang::Vi,
        ) => {
            format!("Chuyển đến chi nhánh {branch_code}: có bạn đọc đặt giữ.")
        }
        (
            CheckinAction::Transit {
                branch_code,
                hold_id: Some(_),
            },
            Lang::En,
        ) => {
            format!("Send it to branch {branch_code}: a reader has it on hold there.")
        }
        (
            CheckinAction::Transit {
                branch_code,
                hold_id: None,
            },
            Lang::Vi,
        ) => {
            format!("Chuyển về chi nhánh {branch_code}.")
        }
        (
            CheckinAction::Transit {
                branch_code,
                hold_id: None,
            },
            Lang::En,
        ) => {
            format!("Send it home to branch {branch_code}.")
        }
    }
}

fn run_command(
    args: &CircArgs,
    json: bool,
    catalog: &mut Catalog,
    user: &str,
) -> anyhow::Result<()> {
    let branch = args.branch.as_deref();
    let vi = matches!(args.lang, Lang::Vi);
    match &args.command {
        CircCommand::Checkout {
            patron,
            item,
            override_reason,
        } => {
            let out = catalog.write(user, |m| {
                loans::checkout(m, patron, item, branch, override_reason.as_deref())
            })?;
            if json {
                return print_json(&out);
            }
            for r in &out.overridden {
                println!("{} ({})", message(r, args.lang), r.code.as_str());
            }
            if vi {
                println!(
                    "Đã cho mượn {} — {}; hạn trả {}.",
                    out.loan.item_barcode, out.loan.title, out.loan.due_on
                );
            } else {
                println!(
                    "Lent {} — {}; due {}.",
                    out.loan.item_barcode, out.loan.title, out.loan.due_on
                );
            }
        }
        CircCommand::Checkin { item, at } => {
            let at = at.as_deref().map(circulation::parse_time).transpose()?;
            let out = catalog.write(user, |m| loans::checkin(m, item, branch, at))?;
            if json {
                return print_json(&out);
            }
            if vi {
                println!("Đã nhận trả {} — {}.", out.item_barcode, out.title);
                if out.fine_charged > 0 {
                    println!("Tiền phạt quá hạn: {} ₫.", out.fine_charged);
                }
            } else {
                println!("Checked in {} — {}.", out.item_barcode, out.title);
                if out.fine_charged > 0 {
                    println!("Overdue fine: {} VND.", out.fine_charged);
                }
            }
            println!("{}", action_text(&out.action, args.lang));
        }
        CircCommand::Renew {
            item,
            override_reason,
        } => {
            let out = catalog.write(user, |m| loans::renew(m, item, override_reason.as_deref()))?;
            if json {
                return print_json(&out);
            }
            if vi {
                println!(
                    "Đã gia hạn {}; hạn trả mới {}.",
                    out.loan.item_barcode, out.loan.due_on
                );
            } else {
                println!(
                    "Renewed {}; now due {}.",
                    out.loan.item_barcode, out.loan.due_on
                );
            }
        }
        CircCommand::Mark { item, status, note } => {
            let status = match status {
                MarkStatus::Lost => ItemStatus::Lost,
                MarkStatus::Damaged => ItemStatus::Damaged,
                MarkStatus::ClaimedReturned => ItemStatus::ClaimedReturned,
                MarkStatus::Available => ItemStatus::Available,
            };
            let status = catalog.write(user, |m| loans::set_status(m, item, status, note))?;
            if json {
                return print_json(&serde_json::json!({ "item_barcode": item, "status": status }));
            }
            println!("{item}: {}", status.as_str());
        }
        CircCommand::Hold(command) => run_hold(command, json, catalog, user)?,
        CircCommand::Patron(command) => run_patron(command, json, catalog, user, args.lang)?,
        CircCommand::Fines(command) => run_fines(command, json, catalog, user)?,
        CircCommand::Policy(command) => run_policy(command, json, catalog, user)?,
        CircCommand::Stats { from, to, csv } => {
            let (from, to) = (circulation::parse_date(from)?, circulation::parse_date(to)?);
            let report = stats::stats(catalog, from, to)?;
            if let Some(path) = csv {
                stats::write_csv(&report, path)?;
            }
            if json {
                return print_json(&report);
            }
            print_stats(&report, csv.as_deref());
        }
        CircCommand::Calendar(command) => match command {
            CalendarCommand::Add { day, reason } => {
                let day = circulation::parse_date(day)?;
                let out =
                    catalog.write(user, |m| calendar::add_closed_day(m, branch, day, reason))?;
                if json {
                    return print_json(&out);
                }
                println!(
                    "{} {} — {}",
                    out.day,
                    out.branch_code.as_deref().unwrap_or("*"),
                    out.reason
                );
            }
            CalendarCommand::List { from } => {
                let from = from.as_deref().map(circulation::parse_date).transpose()?;
                let days = calendar::list_closed_days(catalog, branch, from)?;
                if json {
                    return print_json(&days);
                }
                for d in days {
                    println!(
                        "{}  {:<6} {}",
                        d.day,
                        d.branch_code.as_deref().unwrap_or("*"),
                        d.reason
                    );
                }
            }
        },
    }
    Ok(())
}

fn run_hold(
    command: &HoldCommand,
    json: bool,
    catalog: &mut Catalog,
    user: &str,
) -> anyhow::Result<()> {
    let (hold, action) = match command {
        HoldCommand::Place {
            patron,
            target,
            pickup,
            override_reason,
        } => {
            let hold = catalog.write(user, |m| {
                holds::place(m, patron, target, pickup, override_reason.as_deref())
            })?;
            (hold, None)
        }
        HoldCommand::Cancel { id } => catalog.write(user, |m| holds::cancel(m, id))?,
        HoldCommand::Suspend { id } => (catalog.write(user, |m| holds::suspend(m, id))?, None),
        HoldCommand::Resume { id } => (catalog.write(user, |m| holds::resume(m, id))?, None),
        HoldCommand::Expire => {
            let expired = catalog.write(user, holds::expire_shelf)?;
            if json {
                return print_json(&expired);
            }
            for (hold, _) in &expired {
                println!("{}  {}  {}", hold.id, hold.patron_barcode, hold.title);
            }
            println!("{} hold(s) expired", expired.len());
            return Ok(());
        }
    };
    if json {
        return print_json(&serde_json::json!({ "hold": hold, "action": action }));
    }
    println!(
        "{}  {}  {}  {}  {}",
        hold.id,
        hold.status.as_str(),
        hold.patron_barcode,
        hold.pickup_branch_code,
        hold.title
    );
    if let Some(position) = hold.position {
        println!("position {position}");
    }
    Ok(())
}

fn run_patron(
    command: &PatronCommand,
    json: bool,
    catalog: &mut Catalog,
    user: &str,
    lang: Lang,
) -> anyhow::Result<()> {
    match command {
        PatronCommand::Add {
            barcode,
            name,
            category,
            expires,
            email,
            phone,
            home_branch,
            notes,
        } => {
            let input = PatronInput {
                barcode: barcode.clone(),
                name: name.clone(),
                category: category.clone(),
                email: email.clone(),
                phone: phone.clone(),
                home_branch_code: home_branch.clone(),
                expires_on: expires.clone(),
                notes: notes.clone(),
            };
            catalog.write(user, |m| patrons::add(m, &input))?;
            show_patron(catalog, barcode, json)
        }
        PatronCommand::Show { barcode } => show_patron(catalog, barcode, json),
        PatronCommand::Block { barcode, reason } => {
            let block = catalog.write(user, |m| patrons::block(m, barcode, reason))?;
            if json {
                return print_json(&block);
            }
            println!("{}  {}", block.id, block.reason);
            Ok(())
        }
        PatronCommand::Unblock { block_id } => {
            catalog.write(user, |m| patrons::unblock(m, block_id))?;
            if json {
                return print_json(&serde_json::json!({ "lifted": block_id }));
            }
            println!("lifted {block_id}");
            Ok(())
        }
        PatronCommand::SetPin { barcode } => {
            let mut pin = String::new();
            std::io::stdin().lock().read_line(&mut pin)?;
            catalog.write(user, |m| patrons::set_pin(m, barcode, pin.trim()))?;
            if json {
                return print_json(&serde_json::json!({ "patron": barcode, "pin": "set" }));
            }
            println!("PIN set for {barcode}");
            Ok(())
        }
        PatronCommand::Merge {
            keep,
            duplicate,
            reason,
            dry_run,
        } => {
            let (keep, duplicate) = merge::card_owners(catalog, keep, duplicate)?;
            let preview = merge::merge_preview(catalog, keep, duplicate)?;
            if *dry_run {
                if json {
                    return print_json(&preview);
                }
                print_preview(&preview, lang);
                return Ok(());
            }
            let done = catalog.write(user, |m| merge::merge(m, keep, duplicate, reason))?;
            if json {
                return print_json(&serde_json::json!({ "preview": preview, "merge": done }));
            }
            print_preview(&preview, lang);
            print_merge(&done, lang);
            Ok(())
        }
        PatronCommand::Search { text, limit } => {
            let found = patrons::search(catalog, text, *limit)?;
            if json {
                return print_json(&found);
            }
            for p in found {
                println!(
                    "{}  {}  ({}, card until {}){}",
                    p.barcode,
                    p.name,
                    p.category,
                    p.expires_on,
                    if p.blocked { "  BLOCKED" } else { "" }
                );
            }
            Ok(())
        }
    }
}

fn print_stats(s: &CirculationStats, csv: Option<&std::path::Path>) {
    println!("Circulation {} to {}", s.from, s.to);
    println!(
        "  loans {}  returns {}  renewals {}  fines charged {} VND",
        s.loans, s.returns, s.renewals, s.fines_charged
    );
    println!("  per day (loans / returns):");
    for (out, back) in s.loans_per_day.iter().zip(&s.returns_per_day) {
        println!("    {}  {:>6}  {:>6}", out.day, out.count, back.count);
    }
    for (title, counts) in [
        ("by branch", &s.loans_by_branch),
        ("by reader category", &s.loans_by_category),
        ("by item type", &s.loans_by_item_type),
    ] {
        println!("  loans {title}:");
        for k in counts {
            println!("    {:<20} {:>6}", k.key, k.count);
        }
    }
    println!("  overdue now: {}", s.overdue.len());
    for l in &s.overdue {
        println!(
            "    {}  due {}  {}  {}",
            l.item_barcode, l.due_on, l.patron_barcode, l.title
        );
    }
    if let Some(path) = csv {
        println!("  written to {}", path.display());
    }
}

fn print_side(side: &MergeSide, label: &str) {
    println!(
        "{label}: {}  {}  ({}, card until {}, registered {})",
        side.barcode, side.name, side.category, side.expires_on, side.registered_at
    );
    println!(
        "    loans {} open, {} past; holds {} active, {} past; balance {} VND ({} ledger lines); blocks {}",
        side.open_loans.len(),
        side.past_loans,
        side.holds.len(),
        side.past_holds,
        side.balance,
        side.fine_entries,
        side.manual_blocks.len()
    );
    for b in &side.manual_blocks {
        println!(
            "    block: {} ({}, {})",
            b.reason, b.blocked_by, b.blocked_at
        );
    }
}

fn print_preview(p: &PatronMergePreview, lang: Lang) {
    let (keep, dup, moving, cancel, after) = match lang {
        Lang::Vi => (
            "Giữ lại",
            "Bạn đọc trùng",
            "Sẽ chuyển",
            "Sẽ hủy đặt giữ trùng",
            "Số dư sau khi gộp",
        ),
        Lang::En => (
            "Keep",
            "Duplicate",
            "Moving",
            "Duplicate hold to cancel",
            "Balance after",
        ),
    };
    print_side(&p.keep, keep);
    print_side(&p.duplicate, dup);
    println!(
        "{moving}: {} loans, {} holds, {} ledger lines, {} blocks",
        p.loans_moving, p.holds_moving, p.fine_entries_moving, p.blocks_moving
    );
    for h in &p.holds_to_cancel {
        println!(
            "{cancel}: {} ({}, {})",
            h.title, h.patron_barcode, h.placed_at
        );
    }
    println!("{after}: {} VND", p.balance_after);
}

fn print_merge(m: &PatronMerge, lang: Lang) {
    match lang {
        Lang::Vi => println!(
            "Đã gộp thẻ {} ({}) vào thẻ {} ({}): chuyển {} lượt mượn, {} đặt giữ, {} dòng tiền phạt, {} khóa thẻ; hủy {} đặt giữ trùng. Số dư: {} VND.",
            m.duplicate_barcode,
            m.duplicate_name,
            m.keep_barcode,
            m.keep_name,
            m.loans.len(),
            m.holds.len(),
            m.fine_entries.len(),
            m.blocks.len(),
            m.holds_cancelled.len(),
            m.balance
        ),
        Lang::En => println!(
            "Merged card {} ({}) into card {} ({}): moved {} loans, {} holds, {} ledger lines, {} blocks; cancelled {} duplicate holds. Balance: {} VND.",
            m.duplicate_barcode,
            m.duplicate_name,
            m.keep_barcode,
            m.keep_name,
            m.loans.len(),
            m.holds.len(),
            m.fine_entries.len(),
            m.blocks.len(),
            m.holds_cancelled.len(),
            m.balance
        ),
    }
}

fn show_patron(catalog: &Catalog, barcode: &str, json: bool) -> anyhow::Result<()> {
    let a = patrons::account(catalog, barcode)?;
    if json {
        return print_json(&a);
    }
    println!(
        "{}  {}  ({}, card until {})",
        a.barcode, a.name, a.category, a.expires_on
    );
    for r in &a.refusals {
        println!("  ! {} — {}", r.code.as_str(), r.message_en);
    }
    for b in &a.manual_blocks {
        println!(
            "  block {}: {} (by {} at {})",
            b.id, b.reason, b.blocked_by, b.blocked_at
        );
    }
    for l in &a.loans {
        println!(
            "  loan {}  due {}{}  {}",
            l.item_barcode,
            l.due_on,
            if l.overdue { " OVERDUE" } else { "" },
            l.title
        );
    }
    for h in &a.holds {
        println!("  hold {}  {}  {}", h.id, h.status.as_str(), h.title);
    }
    println!("  balance {} VND", a.balance);
    Ok(())
}

fn run_fines(
    command: &FinesCommand,
    json: bool,
    catalog: &mut Catalog,
    user: &str,
) -> anyhow::Result<()> {
    let entry = match command {
        FinesCommand::Pay {
            patron,
            amount,
            note,
        } => catalog.write(user, |m| fines::pay(m, patron, *amount, note))?,
        FinesCommand::Waive {
            patron,
            amount,
            reason,
        } => catalog.write(user, |m| fines::waive(m, patron, *amount, reason))?,
        FinesCommand::Charge {
            patron,
            amount,
            reason,
        } => catalog.write(user, |m| fines::charge(m, patron, *amount, reason))?,
        FinesCommand::Show { patron } => {
            let ledger = fines::ledger(catalog, patron)?;
            if json {
                return print_json(&ledger);
            }
            for e in &ledger {
                println!(
                    "{}  {:<8} {:>10}  {}  ({})",
                    e.at,
                    e.kind.as_str(),
                    e.amount,
                    e.reason,
                    e.by
                );
            }
            println!(
                "balance {} VND",
                ledger.iter().map(|e| e.amount).sum::<i64>()
            );
            return Ok(());
        }
    };
    if json {
        return print_json(&entry);
    }
    println!(
        "{}  {}  {}",
        entry.kind.as_str(),
        entry.amount,
        entry.reason
    );
    Ok(())
}

fn run_policy(
    command: &PolicyCommand,
    json: bool,
    catalog: &mut Catalog,
    user: &str,
) -> anyhow::Result<()> {
    match command {
        PolicyCommand::Show => {}
        PolicyCommand::Set {
            category,
            item_type,
            for_branch,
            loan_days,
            renewals,
            max_loans,
            fine_per_day,
            max_fine,
            no_holds,
            not_for_loan,
        } => {
            let rule = PolicyRule {
                patron_category: category.clone(),
                item_type: item_type.clone(),
                branch_code: for_branch.clone(),
                loan_days: *loan_days,
                renewals: *renewals,
                max_loans: *max_loans,
                fine_per_day: *fine_per_day,
                max_fine: *max_fine,
                holds_allowed: !no_holds,
                not_for_loan: *not_for_loan,
            };
            catalog.write(user, |m| policy::set_rule(m, &rule))?;
        }
        PolicyCommand::Settings {
            time_zone,
            fine_block_limit,
            hold_shelf_days,
            overdue_block_days,
        } => {
            let current = policy::current(catalog)?.settings;
            let next = CirculationSettings {
                time_zone: time_zone.clone().unwrap_or(current.time_zone),
                fine_block_limit: fine_block_limit.unwrap_or(current.fine_block_limit),
                hold_shelf_days: hold_shelf_days.unwrap_or(current.hold_shelf_days),
                overdue_block_days: overdue_block_days.unwrap_or(current.overdue_block_days),
            };
            catalog.write(user, |m| policy::set_settings(m, &next))?;
        }
    }
    let shown = policy::current(catalog)?;
    if json {
        return print_json(&shown);
    }
    let s = &shown.settings;
    println!(
        "time zone {}; fines over {} VND block; hold shelf {} days; overdue over {} days blocks",
        s.time_zone, s.fine_block_limit, s.hold_shelf_days, s.overdue_block_days
    );
    println!(
        "category           item type      branch  days  renew  max  fine/day  max fine  holds  not for loan"
    );
    for r in &shown.rules {
        println!(
            "{:<18} {:<14} {:<7} {:>4}  {:>5}  {:>3}  {:>8}  {:>8}  {:<5}  {}",
            r.patron_category,
            r.item_type,
            r.branch_code,
            r.loan_days,
            r.renewals,
            r.max_loans,
            r.fine_per_day,
            r.max_fine,
            r.holds_allowed,
            r.not_for_loan
        );
    }
    Ok(())
}
