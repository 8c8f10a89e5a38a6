//! `shelfmark search`, `shelfmark reindex` and `shelfmark export`: thin faces over core's
//! `search::SearchIndex` and `catalog::export`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::bail;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use shelfmark_core::Catalog;
use shelfmark_core::api::{FacetCount, SearchFacets, SearchQuery, SearchSort};
use shelfmark_core::catalog::export::{self, ExportOptions};
use shelfmark_core::search::SearchIndex;
use shelfmark_marc::Format;

use crate::marc::{UsageError, parse_format};

#[derive(Clone, Copy, ValueEnum)]
pub enum SortArg {
    Relevance,
    Title,
    Author,
    Year,
}

#[derive(Args)]
pub struct SearchArgs {
    /// The search: words (diacritics optional), "phrases", fields such as title:, author:,
    /// subject:, isbn:, issn:, publisher:, callno:, lang:, type:, year:1990..2000, branch:,
    /// available:yes, and AND / OR / NOT with parentheses.
    query: String,
    /// How many hits to show (at most 1000).
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// How many hits to skip first.
    #[arg(long, default_value_t = 0)]
    offset: u64,
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,
    /// Also count material types, languages, decades, branches, availability and serials.
    #[arg(long)]
    facets: bool,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The file to write (written as OUT.partial, renamed when complete).
    output: PathBuf,
    /// iso2709, marcxml, mrk, json or jsonl; default from OUT's extension.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    format: Option<Format>,
    /// Export only the records this search finds.
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// Leave out the rights determinations (542, 506, 540 are otherwise written in).
    #[arg(long)]
    no_rights: bool,
}

fn bar(total: u64, quiet: bool, what: &str) -> anyhow::Result<ProgressBar> {
    // A bar only where a person watches: never in pipes, logs or --json runs.
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total)
    };
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {what} [{{bar:40}}] {{pos}}/{{len}} records ({{per_sec}}, {{eta}})"
        ))?
        .progress_chars("=> "),
    );
    Ok(bar)
}

pub fn run_search(catalog: &Catalog, args: &SearchArgs, json: bool) -> anyhow::Result<()> {
    let mut index = SearchIndex::open(catalog)?;
    let results = index.search(
        catalog,
        &SearchQuery {
            text: args.query.clone(),
            offset: args.offset,
            limit: args.limit,
            sort: match args.sort {
                SortArg::Relevance => SearchSort::Relevance,
                SortArg::Title => SearchSort::Title,
                SortArg::Author => SearchSort::Author,
                SortArg::Year => SearchSort::Year,
            },
            facets: args.facets,
        },
    )?;
    let mut out = std::io::stdout().lock();
    if json {
        for hit in &results.hits {
            writeln!(out, "{}", serde_json::to_string(hit)?)?;
        }
        if let Some(facets) = &results.facets {
            writeln!(
                out,
                "{}",
                serde_json::to_string(&serde_json::json!({ "facets": facets }))?
            )?;
        }
        return Ok(());
    }
    for (i, hit) in results.hits.iter().enumerate() {
        writeln!(
            out,
            "{:>7}  {:<12} {:<50}  {:<28} {:>4}  {}",
            args.offset + i as u64 + 1,
            hit.control_number.as_deref().unwrap_or("-"),
            hit.title,
            hit.author.as_deref().unwrap_or("-"),
            hit.year.map_or_else(|| "-".into(), |y| y.to_string()),
            hit.material_type.as_str()
        )?;
    }
    writeln!(
        out,
        "{} of {} records found",
        results.hits.len(),
        results.total
    )?;
    if let Some(facets) = &results.facets {
        print_facets(&mut out, facets)?;
    }
    Ok(())
}

fn print_facets(out: &mut impl Write, facets: &SearchFacets) -> anyhow::Result<()> {
    let line = |counts: &[FacetCount]| {
        counts
            .iter()
            .map(|c| format!("{} {}", c.value, c.count))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(out, "Material type  {}", line(&facets.material_type))?;
    writeln!(out, "Language       {}", line(&facets.language))?;
    writeln!(out, "Decade         {}", line(&facets.decade))?;
    writeln!(out, "Branch         {}", line(&facets.branch))?;
    writeln!(out, "Availability   {}", line(&facets.availability))?;
    writeln!(out, "Serials        {}", line(&facets.serial))?;
    Ok(())
}

pub fn run_reindex(catalog: &Catalog, json: bool) -> anyhow::Result<()> {
    let total = catalog.summary()?.records;
    let bar = bar(total, json, "indexing")?;
    let start = Instant::now();
    let (index, count) = SearchIndex::rebuild(catalog, |done, _| bar.set_position(done))?;
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    if json {
        println!(
            "{}",
            serde_json::json!({
                "records": count,
                "seconds": secs,
                "index": index.dir().display().to_string(),
            })
        );
    } else {
        println!(
            "Indexed {count} records in {secs:.1}s ({:.0} records/s) into {}.",
            count as f64 / secs.max(1e-9),
            index.dir().display()
        );
    }
    Ok(())
}

pub fn run_export(catalog: &Catalog, args: &ExportArgs, json: bool) -> anyhow::Result<bool> {
    let Some(format) = args.format.or_else(|| Format::from_path(&args.output)) else {
        bail!(UsageError::new(format!(
            "cannot tell the format of {} from its extension; name one with --format",
            args.output.display()
        )));
    };
    let total = catalog.summary()?.records;
    let bar = bar(total, json, "exporting")?;
    let start = Instant::now();
    let report = export::export(
        catalog,
        &ExportOptions {
            format,
            query: args.query.clone(),
            cancel: None,
            with_rights: !args.no_rights,
        },
        &args.output,
        |p| bar.set_position(p.records),
    )?;
    bar.finish_and_clear();
    for failure in &report.failed {
        eprintln!(
            "shelfmark: record {} ({}) not exported: {}",
            failure.id,
            failure.control_number.as_deref().unwrap_or("no 001"),
            failure.reason
        );
    }
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        let secs = start.elapsed().as_secs_f64();
        println!(
            "Exported {} records to {} as {} in {secs:.1}s{}.",
            report.written,
            display(&args.output),
            format.name(),
            if report.failed.is_empty() {
                String::new()
            } else {
                format!("; {} could not be written", report.failed.len())
            }
        );
    }
    Ok(report.failed.is_empty())
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
