//! Reads ISO 2709 files and prints, per file, how many records were read, how many were
//! refused, and every diagnostic: the quick way to compare this reader with yaz-marcdump or
//! pymarc on a folder of real files.
//!
//! `cargo run -p shelfmark-marc --example marc_check -- [-q] FILE...` (`-q`: counts only).

use std::fs::File;
use std::io::BufReader;

use shelfmark_marc::iso2709::Reader;

fn main() {
    let mut quiet = false;
    for arg in std::env::args().skip(1) {
        if arg == "-q" {
            quiet = true;
            continue;
        }
        let file = match File::open(&arg) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{arg}: {e}");
                continue;
            }
        };
        let (mut ok, mut bad, mut warned) = (0, 0, 0);
        let mut lines = Vec::new();
        for result in Reader::new(BufReader::new(file)) {
            match result {
                Ok(decoded) => {
                    ok += 1;
                    if !decoded.warnings.is_empty() {
                        warned += 1;
                    }
                    lines.extend(decoded.warnings.iter().map(ToString::to_string));
                }
                Err(d) => {
                    bad += 1;
                    lines.push(d.to_string());
                }
            }
        }
        println!("{arg}: {ok} read ({warned} with warnings), {bad} refused");
        if !quiet {
            for line in lines {
                println!("  {line}");
            }
        }
    }
}
