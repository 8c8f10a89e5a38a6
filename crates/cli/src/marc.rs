//! `shelfmark marc …`: convert, validate, dump and count MARC files in any format.
//!
//! Reading never stops at a bad record: each one is reported on stderr with its record
//! number, byte offset, 001 and field, and the rest go on. The exit code says how it went:
//! 0 when every record made it, 1 when some failed (the others are still written), 2 for a
//! usage error (clap's own, or a format that cannot be told).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

pub use crate::usage::UsageError;
use shelfmark_marc::{Decoded, Diagnostic, Format, Severity, reader, validate, writer};

#[derive(Subcommand)]
pub enum MarcCommand {
    /// Convert between ISO 2709, MARCXML, mnemonic (.mrk) and MARC-in-JSON.
    Convert {
        /// Input file, or `-` for standard input.
        input: PathBuf,
        /// Output file, or `-` for standard output.
        output: PathBuf,
        #[command(flatten)]
        formats: FormatArgs,
        /// Treat warnings as failures: records with warnings are not written.
        #[arg(long)]
        strict: bool,
    },
    /// Check every record against MARC 21; one problem per line (JSON lines with --json).
    Validate {
        input: PathBuf,
        #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
        from: Option<Format>,
        /// Treat warnings as failures.
        #[arg(long)]
        strict: bool,
    },
    /// Show records in readable mnemonic form (`=245  10$aTitle`).
    Dump {
        input: PathBuf,
        #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
        from: Option<Format>,
    },
    /// Count the records in a file (and those that cannot be read).
    Count {
        input: PathBuf,
        #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
        from: Option<Format>,
    },
}

#[derive(Args)]
pub struct FormatArgs {
    /// Input format (iso2709, marcxml, mrk, json, jsonl); default from the extension or content.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    from: Option<Format>,
    /// Output format; default from the output file's extension.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    to: Option<Format>,
}

/// clap's parser for every `--format`/`--from`/`--to` option of the CLI.
pub(crate) fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!(
            "unknown MARC format {name:?}; use one of {}",
            names.join(", ")
        )
    })
}

/// How a batch went; decides the exit code and the closing summary.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub read: u64,
    pub written: u64,
    pub with_warnings: u64,
    pub failed: u64,
}

impl Summary {
    pub fn all_made_it(&self) -> bool {
        self.failed == 0
    }
}

/// The input as a buffered stream with its size (for the progress bar) when it is a file.
struct Input {
    stream: Box<dyn BufRead>,
    len: Option<u64>,
    format: Format,
}

fn open_input(path: &Path, from: Option<Format>) -> anyhow::Result<Input> {
    let (mut stream, len): (Box<dyn BufRead>, Option<u64>) = if path == Path::new("-") {
        (
            Box::new(BufReader::with_capacity(1 << 16, io::stdin())),
            None,
        )
    } else {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let len = file.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::with_capacity(1 << 16, file)), len)
    };
    let format = match from.or_else(|| Format::from_path(path)) {
        Some(f) => f,
        None => {
            let head = stream.fill_buf().context("cannot read the input")?;
            Format::sniff(head).ok_or_else(|| {
                UsageError::new(format!(
                    "cannot tell the MARC format of {}; name it with --from (iso2709, marcxml, mrk, json, jsonl)",
                    path.display()
                ))
            })?
        }
    };
    Ok(Input {
        stream,
        len,
        format,
    })
}

fn progress(len: Option<u64>) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match len {
        Some(len) => {
            let bar = ProgressBar::new(len);
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {msg} ({bytes_per_sec}, {eta})",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        }
        None => ProgressBar::new_spinner(),
    }
}

/// Reads every record, handing each good one to `each` and reporting each problem.
fn for_each_record(
    input: Input,
    strict: bool,
    mut each: impl FnMut(u64, &Decoded) -> anyhow::Result<()>,
    mut report: impl FnMut(&Diagnostic),
) -> anyhow::Result<Summary> {
    let bar = progress(input.len);
    let stream = bar.wrap_read(input.stream);
    let mut summary = Summary::default();
    for result in reader(input.format, stream) {
        summary.read += 1;
        match result {
            Ok(decoded) => {
                for w in &decoded.warnings {
                    report(w);
                }
                if !decoded.warnings.is_empty() {
                    summary.with_warnings += 1;
                }
                if strict && !decoded.warnings.is_empty() {
                    summary.failed += 1;
                } else {
                    // Readers number every record they yield, good or bad, in order.
                    each(summary.read, &decoded)?;
                }
            }
            Err(problem) => {
                summary.failed += 1;
                report(&problem);
            }
        }
        if summary.read % 1024 == 0 {
            bar.set_message(format!("{} records", summary.read));
        }
    }
    bar.finish_and_clear();
    Ok(summary)
}

fn print_problem(d: &Diagnostic) {
    eprintln!("{d}");
}

fn print_summary(summary: &Summary, json: bool) {
    if json {
        eprintln!("{}", serde_json::to_string(summary).unwrap_or_default());
    } else {
        eprintln!(
            "{} records read, {} written, {} with warnings, {} failed",
            summary.read, summary.written, summary.with_warnings, summary.failed
        );
    }
}

pub fn run(command: &MarcCommand, json: bool) -> anyhow::Result<Summary> {
    match command {
        MarcCommand::Convert {
            input,
            output,
            formats,
            strict,
        } => convert(input, output, formats, *strict, json),
        MarcCommand::Validate {
            input,
            from,
            strict,
        } => validate_file(input, *from, *strict, json),
        MarcCommand::Dump { input, from } => dump(input, *from),
        MarcCommand::Count { input, from } => count(input, *from, json),
    }
}

fn convert(
    input: &Path,
    output: &Path,
    formats: &FormatArgs,
    strict: bool,
    json: bool,
) -> anyhow::Result<Summary> {
    let to = match formats.to.or_else(|| Format::from_path(output)) {
        Some(f) => f,
        None => bail!(UsageError::new(format!(
            "cannot tell which format to write to {}; name it with --to (iso2709, marcxml, mrk, json, jsonl)",
            output.display()
        ))),
    };
    let source = open_input(input, formats.from)?;
    let to_stdout = output == Path::new("-");
    // Written beside the target and renamed at the end, so a failed run never leaves half a
    // file where a complete one was expected, nor destroys an existing one.
    let partial = PathBuf::from(format!("{}.partial", output.display()));
    let sink: Box<dyn Write> = if to_stdout {
        Box::new(BufWriter::with_capacity(1 << 16, io::stdout().lock()))
    } else {
        let file = File::create(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        Box::new(BufWriter::with_capacity(1 << 16, file))
    };
    let mut out = writer(to, sink);
    let mut written = 0;
    let result = for_each_record(
        source,
        strict,
        |_, d| {
            out.write_record(&d.record)
                .with_context(|| format!("cannot write to {}", output.display()))?;
            written += 1;
            Ok(())
        },
        print_problem,
    )
    .and_then(|summary| {
        out.finish()
            .with_context(|| format!("cannot finish {}", output.display()))?;
        Ok(summary)
    });
    match result {
        Ok(mut summary) => {
            summary.written = written;
            if !to_stdout {
                std::fs::rename(&partial, output).with_context(|| {
                    format!("cannot move {} to {}", partial.display(), output.display())
                })?;
            }
            print_summary(&summary, json);
            Ok(summary)
        }
        Err(e) => {
            if !to_stdout {
                let _ = std::fs::remove_file(&partial);
            }
            Err(e)
        }
    }
}

/// One problem as `marc validate --json` prints it: one JSON object per line.
#[derive(Serialize)]
struct ProblemLine<'a> {
    record: Option<u64>,
    offset: Option<u64>,
    control_number: Option<&'a str>,
    tag: Option<&'a str>,
    position: Option<&'a str>,
    severity: Severity,
    message: &'a str,
}

fn print_problem_line(d: &Diagnostic, json: bool) {
    if json {
        let line = ProblemLine {
            record: d.record,
            offset: d.offset,
            control_number: d.control_number.as_deref(),
            tag: d.tag.as_deref(),
            position: d.position.as_deref(),
            severity: d.severity,
            message: &d.message,
        };
        println!("{}", serde_json::to_string(&line).unwrap_or_default());
    } else {
        println!("{d}");
    }
}

fn validate_file(
    input: &Path,
    from: Option<Format>,
    strict: bool,
    json: bool,
) -> anyhow::Result<Summary> {
    let source = open_input(input, from)?;
    let mut invalid = 0;
    let mut summary = for_each_record(
        source,
        false,
        |number, d| {
            let problems = validate::validate(&d.record);
            let failing = problems.iter().any(|p| {
                p.severity == Severity::Error || (strict && p.severity == Severity::Warning)
            });
            for mut p in problems {
                // The validator knows the record, not where it sat in the file.
                p.record = Some(number);
                p.control_number = d.record.control_number().map(str::to_string);
                print_problem_line(&p, json);
            }
            if failing {
                invalid += 1;
            }
            Ok(())
        },
        |d| print_problem_line(d, json),
    )?;
    if strict {
        summary.failed += summary.with_warnings;
    }
    summary.failed += invalid;
    print_summary(&summary, false);
    Ok(summary)
}

fn dump(input: &Path, from: Option<Format>) -> anyhow::Result<Summary> {
    let source = open_input(input, from)?;
    let stdout = BufWriter::new(io::stdout().lock());
    let mut out = writer(Format::Mrk, stdout);
    let mut written = 0;
    let mut summary = for_each_record(
        source,
        false,
        |_, d| {
            out.write_record(&d.record)?;
            written += 1;
            Ok(())
        },
        print_problem,
    )?;
    out.finish()?;
    summary.written = written;
    Ok(summary)
}

fn count(input: &Path, from: Option<Format>, json: bool) -> anyhow::Result<Summary> {
    let source = open_input(input, from)?;
    let summary = for_each_record(source, false, |_, _| Ok(()), print_problem)?;
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!("{}", summary.read - summary.failed);
        if summary.failed > 0 {
            eprintln!("{} records could not be read", summary.failed);
        }
    }
    Ok(summary)
}
