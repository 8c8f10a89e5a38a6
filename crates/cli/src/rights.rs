//! `shelfmark rights`: copyright determinations, a thin face over core's `rights` modules.
//! `compute` stores what the rules say for today (a person's decision stands); with
//! `--as-of` it only shows what they would say on that day. `set` and `access` record a
//! person's decision with its reason; `report` counts (and writes its CSV); `review` lists
//! the works waiting for a person; `bulk` sets one status for many works at once.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use shelfmark_core::api::{
    AccessLevel, BulkDetermination, Determination, DeterminationSummary, ReviewFilter, ReviewQuery,
    ReviewSort, RightsStatus,
};
use shelfmark_core::rights::{self, determinations, jurisdiction};
use shelfmark_core::{Catalog, CoreError};
use uuid::Uuid;

#[derive(Args)]
pub struct RightsArgs {
    #[command(subcommand)]
    command: RightsCommand,
}

#[derive(Subcommand)]
enum RightsCommand {
    /// Compute the determinations (of one record, or all) and store what is new.
    Compute {
        /// A record id or control number (default: every record).
        #[arg(long)]
        record: Option<String>,
        /// Evaluate for this day (YYYY-MM-DD) without storing anything.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Set a record's status by decision, with the reason.
    Set {
        record: String,
        /// InC, InC-EDU, NoC-US, UND, CNE, PublicDomain, ... or a statement URI.
        status: String,
        #[arg(long)]
        reason: String,
        /// The day it enters the public domain, if known (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        public_domain_from: Option<String>,
    },
    /// Set who may open a record's digital copies: open, registered, premises, staff, dark.
    Access {
        record: String,
        level: String,
        #[arg(long)]
        reason: String,
    },
    /// A record's determinations, oldest first.
    History { record: String },
    /// Counts by status, works entering the public domain next 1 January, not evaluated.
    Report {
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Also write the report as CSV (UTF-8 with BOM) to this file.
        #[arg(long, value_name = "PATH")]
        csv: Option<PathBuf>,
    },
    /// The works waiting for a person's determination (never evaluated, UND, CNE).
    Review {
        #[arg(long, value_enum, default_value = "needs-review")]
        filter: FilterArg,
        #[arg(long, value_enum, default_value = "most-borrowed")]
        sort: SortArg,
        /// Works to skip (for the next page).
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// Works to list (1 to 1000).
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Set one status for many works at once, with the reason (all or nothing).
    Bulk {
        /// InC, InC-EDU, NoC-US, UND, PublicDomain, ... or a statement URI.
        #[arg(long)]
        status: String,
        #[arg(long)]
        reason: String,
        /// Also set who may open them: open, registered, premises, staff, dark.
        #[arg(long)]
        access: Option<String>,
        /// Read record ids or control numbers from this file, one a line (`#` starts a
        /// comment).
        #[arg(long, value_name = "FILE")]
        from_file: Option<PathBuf>,
        /// Record ids or control numbers.
        records: Vec<String>,
    },
    /// Show or choose the jurisdiction (vn, berne, or one added with `--add FILE`).
    Jurisdiction {
        /// Use this jurisdiction from now on.
        #[arg(long)]
        set: Option<String>,
        /// Add a jurisdiction file (like schemas/rights/vn.json).
        #[arg(long, value_name = "FILE")]
        add: Option<std::path::PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FilterArg {
    /// Never evaluated, UND or CNE.
    NeedsReview,
    NotEvaluated,
    Undetermined,
}

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    MostBorrowed,
    Oldest,
    DigitalFirst,
    Title,
}

fn parse_status(status: &str) -> Result<RightsStatus, CoreError> {
    RightsStatus::parse(status).ok_or_else(|| CoreError::InvalidInput {
        what: "rights status",
        value: status.to_string(),
        reason: "one of InC, InC-OW-EU, InC-EDU, InC-NC, InC-RUU, NoC-CR, NoC-NC, NoC-OKLR, NoC-US, CNE, UND, NKC, PublicDomain, or a statement URI".into(),
    })
}

fn parse_level(level: &str) -> Result<AccessLevel, CoreError> {
    AccessLevel::parse(level).ok_or_else(|| CoreError::InvalidInput {
        what: "access level",
        value: level.to_string(),
        reason: "one of open, registered, premises, staff, dark".into(),
    })
}

fn print_summary(s: &DeterminationSummary, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(s)?);
    } else {
        println!("{} works, {} changed", s.records, s.changed);
        for c in &s.by_status {
            println!("  {:<13} {:>8}", c.status.as_str(), c.count);
        }
    }
    Ok(())
}

fn record_id(catalog: &Catalog, key: &str) -> Result<Uuid, CoreError> {
    if let Ok(id) = Uuid::parse_str(key.trim()) {
        return Ok(id);
    }
    let found = shelfmark_core::catalog::records::find_by_control_number(catalog, key)?;
    match found.as_slice() {
        [id] => Ok(*id),
        [] => Err(CoreError::NotFound {
            entity: "record",
            key: "id or control number",
            value: key.to_string(),
        }),
        _ => Err(CoreError::InvalidInput {
            what: "control number",
            value: key.to_string(),
            reason: "several records have it; give the record id".into(),
        }),
    }
}

/// One line of `compute --json`.
#[derive(Serialize)]
struct ComputeLine<'a> {
    id: &'a str,
    control_number: Option<&'a str>,
    status: RightsStatus,
    public_domain_from: Option<&'a str>,
    access: AccessLevel,
    rule: &'a str,
    basis: String,
    citation: &'a str,
    explanation_en: &'a str,
    explanation_vi: &'a str,
    overridden_reason: Option<&'a str>,
}

fn print_determination(d: &Determination, json: bool) -> anyhow::Result<()> {
    if json {
        let line = ComputeLine {
            id: &d.record_id,
            control_number: d.control_number.as_deref(),
            status: d.status,
            public_domain_from: d.public_domain_from.as_deref(),
            access: d.access,
            rule: &d.rule,
            basis: d.basis.as_str().to_string(),
            citation: &d.citation,
            explanation_en: &d.explanation_en,
            explanation_vi: &d.explanation_vi,
            overridden_reason: d.overridden_reason.as_deref(),
        };
        println!("{}", serde_json::to_string(&line)?);
    } else {
        println!(
            "{:<12} {:<13} {:<10} {:<9} {:<28} {}",
            d.control_number.as_deref().unwrap_or("-"),
            d.status.as_str(),
            d.public_domain_from.as_deref().unwrap_or("-"),
            d.access.as_str(),
            d.rule,
            d.explanation_en
        );
    }
    Ok(())
}

fn date(s: &Option<String>) -> Result<Option<time::Date>, CoreError> {
    s.as_deref().map(determinations::parse_date).transpose()
}

pub fn run(args: &RightsArgs, json: bool, catalog: &mut Catalog, user: &str) -> anyhow::Result<()> {
    match &args.command {
        RightsCommand::Compute { record, as_of } => {
            let ids = match record {
                Some(key) => vec![record_id(catalog, key)?],
                None => determinations::record_ids(catalog)?,
            };
            let as_of = date(as_of)?;
            for id in ids {
                let d = match as_of {
                    Some(day) => determinations::evaluate(catalog, id, Some(day))?,
                    None => catalog.write(user, |m| determinations::compute_record(m, id))?,
                };
                print_determination(&d, json)?;
            }
        }
        RightsCommand::Set {
            record,
            status,
            reason,
            public_domain_from,
        } => {
            let id = record_id(catalog, record)?;
            let status = parse_status(status)?;
            let from = date(public_domain_from)?;
            let d = catalog.write(user, |m| {
                determinations::set_status(m, id, status, from, reason)
            })?;
            print_determination(&d, json)?;
        }
        RightsCommand::Access {
            record,
            level,
            reason,
        } => {
            let id = record_id(catalog, record)?;
            let level = parse_level(level)?;
            let d = catalog.write(user, |m| determinations::set_access(m, id, level, reason))?;
            print_determination(&d, json)?;
        }
        RightsCommand::History { record } => {
            let id = record_id(catalog, record)?;
            let all = determinations::history(catalog, id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                for d in &all {
                    println!(
                        "{}  {:<13} {:<10} by {:<12} {}",
                        d.decided_at,
                        d.status.as_str(),
                        d.public_domain_from.as_deref().unwrap_or("-"),
                        d.decided_by,
                        d.overridden_reason.as_deref().unwrap_or(&d.rule)
                    );
                }
            }
        }
        RightsCommand::Report { as_of, csv } => {
            let report = rights::report(catalog, date(as_of)?)?;
            if let Some(path) = csv {
                rights::report_csv(&report, path)?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "Rights on {} ({}), {} records",
                    report.as_of, report.jurisdiction, report.records
                );
                for c in &report.by_status {
                    println!(
                        "  {:<13} {:>8}  {}",
                        c.status.as_str(),
                        c.count,
                        c.status.label_en()
                    );
                }
                println!(
                    "Not evaluated: {}; undetermined: {}",
                    report.not_evaluated, report.undetermined
                );
                println!(
                    "Entering the public domain on {}: {}",
                    report.next_public_domain_day,
                    report.entering_public_domain.len()
                );
                for e in &report.entering_public_domain {
                    println!(
                        "  {:<12} {}",
                        e.control_number.as_deref().unwrap_or("-"),
                        e.title
                    );
                }
            }
        }
        RightsCommand::Review {
            filter,
            sort,
            offset,
            limit,
        } => {
            let query = ReviewQuery {
                filter: match filter {
                    FilterArg::NeedsReview => ReviewFilter::NeedsReview,
                    FilterArg::NotEvaluated => ReviewFilter::NotEvaluated,
                    FilterArg::Undetermined => ReviewFilter::Undetermined,
                },
                sort: match sort {
                    SortArg::MostBorrowed => ReviewSort::MostBorrowed,
                    SortArg::Oldest => ReviewSort::Oldest,
                    SortArg::DigitalFirst => ReviewSort::DigitalFirst,
                    SortArg::Title => ReviewSort::Title,
                },
                offset: *offset,
                limit: *limit,
            };
            let page = rights::review_queue(catalog, &query)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&page)?);
            } else {
                println!(
                    "{} works to review; {} to {}",
                    page.total,
                    if page.entries.is_empty() {
                        0
                    } else {
                        offset + 1
                    },
                    *offset as usize + page.entries.len()
                );
                for e in &page.entries {
                    println!(
                        "{:<12} {:<6} {:<5} {:>5}  {}{}",
                        e.control_number.as_deref().unwrap_or("-"),
                        e.status.map_or("-", RightsStatus::as_str),
                        e.year.map_or("-".to_string(), |y| y.to_string()),
                        e.loans,
                        e.title,
                        e.author
                            .as_deref()
                            .map(|a| format!(" / {a}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        RightsCommand::Bulk {
            status,
            reason,
            access,
            from_file,
            records,
        } => {
            let status = parse_status(status)?;
            let access = access.as_deref().map(parse_level).transpose()?;
            let mut keys = records.clone();
            if let Some(path) = from_file {
                let text = std::fs::read_to_string(path).map_err(|source| {
                    anyhow::anyhow!("cannot read {}: {source}", path.display())
                })?;
                keys.extend(
                    text.lines()
                        .map(|l| l.split('#').next().unwrap_or("").trim())
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                );
            }
            if keys.is_empty() {
                anyhow::bail!("name the works: record ids or control numbers, or --from-file FILE");
            }
            let record_ids = keys
                .iter()
                .map(|k| record_id(catalog, k).map(|id| id.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            let request = BulkDetermination {
                record_ids,
                status,
                reason: reason.clone(),
                access,
            };
            let summary = catalog.write(user, |m| rights::bulk_set(m, &request))?;
            print_summary(&summary, json)?;
        }
        RightsCommand::Jurisdiction { set, add } => {
            if let Some(path) = add {
                let text = std::fs::read_to_string(path).map_err(|source| {
                    anyhow::anyhow!("cannot read {}: {source}", path.display())
                })?;
                catalog.write(user, |m| jurisdiction::add(m, &text).map(|_| ()))?;
            }
            if let Some(id) = set {
                catalog.write(user, |m| jurisdiction::set_current(m, id))?;
            }
            let current = jurisdiction::current(catalog)?;
            let known: Vec<String> = jurisdiction::list(catalog)?
                .into_iter()
                .map(|j| j.id)
                .collect();
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "current": current.id, "known": known })
                );
            } else {
                println!(
                    "{} ({}); known: {}",
                    current.id,
                    current.name_en,
                    known.join(", ")
                );
            }
        }
    }
    Ok(())
}
