//! Measures ISO 2709 → MARCXML conversion, to compare with `yaz-marcdump -i marc -o marcxml`.
//!
//! ```text
//! cargo run --release -p shelfmark-marc --example marcxml_speed -- generate SEED.mrc 100000 big.mrc
//! time yaz-marcdump -i marc -o marcxml big.mrc > /dev/null
//! time target/release/examples/marcxml_speed convert big.mrc > /dev/null
//! target/release/examples/marcxml_speed write-only big.mrc
//! ```
//!
//! `generate` repeats the seed file's records with a new 001 each; `convert` streams the whole
//! path (ISO 2709 reader, MARCXML writer, stdout); `write-only` times the writer alone on
//! records already in memory.

use std::io::{self, Write};
use std::time::Instant;

use shelfmark_marc::{Field, Record, RecordWriter, Tag, iso2709, marcxml};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["generate", seed, n, out] => generate(seed, n.parse()?, out),
        ["convert", input] => convert(input),
        ["write-only", input] => write_only(input),
        _ => Err("usage: generate SEED N OUT | convert IN | write-only IN".into()),
    }
}

fn read_records(path: &str) -> Result<Vec<Record>, Box<dyn std::error::Error>> {
    let file = std::fs::File::open(path)?;
    let mut records = Vec::new();
    for result in iso2709::Reader::new(file) {
        records.push(result.map_err(|d| d.to_string())?.record);
    }
    Ok(records)
}

fn generate(seed: &str, n: usize, out: &str) -> Result<(), Box<dyn std::error::Error>> {
    let seeds = read_records(seed)?;
    let mut output = io::BufWriter::new(std::fs::File::create(out)?);
    let tag001 = Tag::new("001")?;
    for i in 0..n {
        let mut record = seeds[i % seeds.len()].clone();
        let number = format!("bench{i:09}");
        match record.fields.iter_mut().find(|f| f.tag() == tag001) {
            Some(Field::Control { value, .. }) => *value = number,
            _ => record.fields.insert(
                0,
                Field::Control {
                    tag: tag001,
                    value: number,
                },
            ),
        }
        output.write_all(&iso2709::to_bytes(&record)?)?;
    }
    output.flush()?;
    Ok(())
}

fn convert(input: &str) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let file = std::fs::File::open(input)?;
    let stdout = io::stdout().lock();
    let mut writer = Box::new(marcxml::Writer::new(stdout));
    let mut count = 0u64;
    for result in iso2709::Reader::new(file) {
        writer.write_record(&result.map_err(|d| d.to_string())?.record)?;
        count += 1;
    }
    writer.finish()?;
    eprintln!(
        "{count} records, ISO 2709 -> MARCXML in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn write_only(input: &str) -> Result<(), Box<dyn std::error::Error>> {
    let records = read_records(input)?;
    let started = Instant::now();
    let mut writer = Box::new(marcxml::Writer::new(io::sink()));
    for record in &records {
        writer.write_record(record)?;
    }
    writer.finish()?;
    eprintln!(
        "{} records written as MARCXML in {:.3} s",
        records.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
