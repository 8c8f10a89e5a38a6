//! `shelfmark digital`: the digital collection, a thin face over core's `digital` modules.
//! `attach` stores a file (once) and its text, `list`, `remove` with a reason, `verify`
//! re-hashes the stored files, `search` the full text as a given reader, `open` an object as
//! a given reader (the decision, its text parts, the saved position), `text` one part's text
//! (as staff), `rights` an object's own status and level. `--json` prints the api types.

use clap::{Args, Subcommand};
use shelfmark_core::api::{
    AccessLevel, AttachRequest, FullTextQuery, ReaderRequest, ReaderRole, RightsStatus,
};
use shelfmark_core::digital::{self, fulltext, objects, store};
use shelfmark_core::{Catalog, CoreError};

#[derive(Args)]
pub struct DigitalArgs {
    #[command(subcommand)]
    command: DigitalCommand,
}

#[derive(Subcommand)]
enum DigitalCommand {
    /// Attach a file (PDF, EPUB, image, MP3/M4B, UTF-8 text) to a record.
    Attach {
        /// A record id or control number.
        record: String,
        file: std::path::PathBuf,
        /// What the library calls it ("Tập 1", "Bản quét 1998").
        #[arg(long)]
        label: Option<String>,
        /// An accessible-format copy for readers with a print disability.
        #[arg(long)]
        accessible_format: bool,
    },
    /// The digital objects of a record.
    List { record: String },
    /// Detach an object from its record (its content goes when nothing else uses it).
    Remove {
        object: String,
        #[arg(long)]
        reason: String,
    },
    /// Re-hash every stored file and report missing or damaged ones.
    Verify,
    /// Search the text of every object; excerpts only where the reader may open it.
    Search {
        query: String,
        /// Who is searching: staff, anonymous, or patron:CARD.
        #[arg(long = "as", default_value = "staff", value_name = "READER")]
        reader: String,
        /// The reader is not at the library.
        #[arg(long)]
        off_premises: bool,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Open an object as a reader: whether they may, why (in Vietnamese and English), its
    /// text parts and where they stopped in a recording. A refusal is an answer (exit 0).
    Open {
        object: String,
        /// Who is opening it: staff, anonymous, or patron:CARD.
        #[arg(long = "as", default_value = "staff", value_name = "READER")]
        reader: String,
        /// The reader is not at the library.
        #[arg(long)]
        off_premises: bool,
    },
    /// Print an object's text (one part, or all of them).
    Text {
        object: String,
        /// The part (PDF page or EPUB chapter), from 0.
        #[arg(long)]
        part: Option<u32>,
    },
    /// Set an object's own status and/or access level (neither: follow the work again).
    Rights {
        object: String,
        /// InC, PublicDomain, ... (omit to follow the work's).
        #[arg(long)]
        status: Option<String>,
        /// open, registered, premises, staff, dark (omit to follow the status or the work).
        #[arg(long)]
        access: Option<String>,
        #[arg(long)]
        reason: String,
    },
}

fn record_id(catalog: &Catalog, key: &str) -> Result<uuid::Uuid, CoreError> {
    if let Ok(id) = uuid::Uuid::parse_str(key.trim()) {
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

/// `staff`, `anonymous` or `patron:CARD`.
fn reader(s: &str, off_premises: bool) -> Result<ReaderRequest, CoreError> {
    let on_premises = !off_premises;
    match s.trim() {
        "staff" => Ok(ReaderRequest {
            role: ReaderRole::Staff,
            card: None,
            on_premises,
        }),
        "anonymous" => Ok(ReaderRequest {
            role: ReaderRole::Anonymous,
            card: None,
            on_premises,
        }),
        other => match other.strip_prefix("patron:") {
            Some(card) if !card.trim().is_empty() => Ok(ReaderRequest {
                role: ReaderRole::Patron,
                card: Some(card.trim().to_string()),
                on_premises,
            }),
            _ => Err(CoreError::InvalidInput {
                what: "reader",
                value: s.to_string(),
                reason: "staff, anonymous, or patron:CARD (e.g. patron:TV001)".into(),
            }),
        },
    }
}

fn staff() -> ReaderRequest {
    ReaderRequest {
        role: ReaderRole::Staff,
        card: None,
        on_premises: true,
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / f64::from(1 << 10)),
        b => format!("{b} B"),
    }
}

/// Milliseconds as `m:ss.mmm`.
fn clock(ms: u64) -> String {
    format!("{}:{:02}.{:03}", ms / 60_000, ms / 1_000 % 60, ms % 1_000)
}

fn line(o: &shelfmark_core::api::DigitalObject) -> String {
    format!(
        "{}  {:<28} {:<10} {:>9}  {:<10} {}{}",
        o.id,
        o.media_type,
        o.parts.map_or("-".to_string(), |p| format!("{p} parts")),
        size(o.size_bytes),
        o.access.as_str(),
        o.label.as_deref().unwrap_or(&o.file_name),
        if o.accessible_format {
            "  (accessible format)"
        } else {
            ""
        }
    )
}

pub fn run(
    args: &DigitalArgs,
    json: bool,
    catalog: &mut Catalog,
    user: &str,
) -> anyhow::Result<()> {
    let print = |v: &dyn erased::Json| -> anyhow::Result<()> {
        println!("{}", v.to_json()?);
        Ok(())
    };
    match &args.command {
        DigitalCommand::Attach {
            record,
            file,
            label,
            accessible_format,
        } => {
            let id = record_id(catalog, record)?;
            let result = digital::attach(
                catalog,
                user,
                &AttachRequest {
                    record_id: id.to_string(),
                    path: file.display().to_string(),
                    label: label.clone(),
                    accessible_format: *accessible_format,
                },
            )?;
            if json {
                return print(&result);
            }
            println!("{}", line(&result.object));
            if result.content_already_stored {
                println!("The same content was already stored; no second copy was written.");
            }
            if let Some(note) = &result.text_note {
                println!("No text: {note}");
            }
        }
        DigitalCommand::List { record } => {
            let id = record_id(catalog, record)?;
            let all = digital::list(catalog, id)?;
            if json {
                return print(&all);
            }
            for o in &all {
                println!("{}", line(o));
            }
        }
        DigitalCommand::Remove { object, reason } => {
            let id = objects::parse_id(object)?;
            digital::remove(catalog, user, id, reason)?;
            if json {
                return print(&serde_json::json!({ "removed": id.to_string() }));
            }
            println!("Removed {id}.");
        }
        DigitalCommand::Verify => {
            let report = store::verify(catalog)?;
            let bad = !report.missing.is_empty() || !report.damaged.is_empty();
            if json {
                print(&report)?;
            } else {
                println!(
                    "{} objects: {} ok, {} missing, {} damaged",
                    report.objects,
                    report.ok,
                    report.missing.len(),
                    report.damaged.len()
                );
                for id in &report.missing {
                    println!("missing  {id}");
                }
                for id in &report.damaged {
                    println!("damaged  {id}");
                }
            }
            if bad {
                return Err(anyhow::anyhow!(
                    "some stored files are missing or damaged; restore them from a backup"
                ));
            }
        }
        DigitalCommand::Search {
            query,
            reader: who,
            off_premises,
            offset,
            limit,
        } => {
            let reader = reader(who, *off_premises)?;
            let results = fulltext::search(
                catalog,
                &FullTextQuery {
                    text: query.clone(),
                    offset: *offset,
                    limit: *limit,
                },
                &reader,
            )?;
            if json {
                return print(&results);
            }
            println!("{} objects", results.total);
            for hit in &results.hits {
                println!(
                    "{}  {} — {}{}",
                    hit.object_id,
                    hit.title,
                    hit.label.as_deref().unwrap_or(&hit.file_name),
                    if hit.decision.allowed {
                        String::new()
                    } else {
                        format!("  [{}]", hit.decision.explanation_en)
                    }
                );
                for e in &hit.excerpts {
                    let text: String = e
                        .segments
                        .iter()
                        .map(|s| {
                            if s.highlighted {
                                format!("[{}]", s.text)
                            } else {
                                s.text.clone()
                            }
                        })
                        .collect();
                    println!("    {}: {}", e.part_label, text.replace('\n', " "));
                }
            }
        }
        DigitalCommand::Open {
            object,
            reader: who,
            off_premises,
        } => {
            let id = objects::parse_id(object)?;
            let opened = digital::open(catalog, user, id, &reader(who, *off_premises)?)?;
            if json {
                return print(&opened);
            }
            println!("{}", line(&opened.object));
            let d = &opened.decision;
            println!(
                "{} ({}, level {})",
                if d.allowed { "Allowed" } else { "REFUSED" },
                serde_json::to_value(d.basis)?.as_str().unwrap_or_default(),
                d.access.as_str()
            );
            println!("  vi: {}", d.explanation_vi);
            println!("  en: {}", d.explanation_en);
            if let Some(citation) = &d.citation {
                println!("  law: {citation}");
            }
            for c in &opened.object.chapters {
                println!(
                    "chapter  {} – {}  {}",
                    clock(c.start_ms),
                    clock(c.end_ms),
                    c.title
                );
            }
            for p in &opened.text_parts {
                println!("part {:>3}  {}", p.index, p.label);
            }
            if let Some(ms) = opened.resume_ms {
                println!(
                    "resume at {} ({}x)",
                    clock(ms),
                    opened.resume_rate.unwrap_or(1.0)
                );
            }
        }
        DigitalCommand::Text { object, part } => {
            let id = objects::parse_id(object)?;
            let parts = match part {
                Some(p) => vec![digital::text_part(catalog, id, *p, &staff())?],
                None => {
                    let opened = digital::open(catalog, user, id, &staff())?;
                    if !opened.decision.allowed {
                        return Err(CoreError::AccessDenied {
                            what: format!("the digital object {id}"),
                            decision: Box::new(opened.decision),
                        }
                        .into());
                    }
                    let mut all = Vec::new();
                    for info in &opened.text_parts {
                        all.push(digital::text_part(catalog, id, info.index, &staff())?);
                    }
                    all
                }
            };
            if json {
                return print(&parts);
            }
            for p in &parts {
                println!("== {} ==\n{}\n", p.label, p.text);
            }
        }
        DigitalCommand::Rights {
            object,
            status,
            access,
            reason,
        } => {
            let id = objects::parse_id(object)?;
            let status = status
                .as_deref()
                .map(|s| {
                    RightsStatus::parse(s).ok_or_else(|| CoreError::InvalidInput {
                        what: "rights status",
                        value: s.to_string(),
                        reason: "one of InC, InC-OW-EU, InC-EDU, InC-NC, InC-RUU, NoC-CR, NoC-NC, NoC-OKLR, NoC-US, CNE, UND, NKC, PublicDomain, or a statement URI".into(),
                    })
                })
                .transpose()?;
            let access = access
                .as_deref()
                .map(|a| {
                    AccessLevel::parse(a).ok_or_else(|| CoreError::InvalidInput {
                        what: "access level",
                        value: a.to_string(),
                        reason: "one of open, registered, premises, staff, dark".into(),
                    })
                })
                .transpose()?;
            let object =
                catalog.write(user, |m| digital::set_rights(m, id, status, access, reason))?;
            if json {
                return print(&object);
            }
            println!("{}", line(&object));
        }
    }
    Ok(())
}

/// Printing any of the api types as pretty JSON through one closure.
mod erased {
    pub trait Json {
        fn to_json(&self) -> serde_json::Result<String>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> serde_json::Result<String> {
            serde_json::to_string_pretty(self)
        }
    }
}
