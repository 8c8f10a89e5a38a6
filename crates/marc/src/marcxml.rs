//! PLACEHOLDER: replaced by the marcxml codec.

use std::io::{Read, Write};

use crate::{Diagnostic, MarcError, ReadResult, Record, RecordWriter};

pub struct Reader<R: Read> {
    _input: R,
    done: bool,
}

impl<R: Read> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            _input: input,
            done: false,
        }
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = ReadResult;
    fn next(&mut self) -> Option<ReadResult> {
        if self.done {
            return None;
        }
        self.done = true;
        Some(Err(Diagnostic::error("marcxml reading is not built yet")))
    }
}

pub struct Writer<W: Write> {
    _output: W,
}

impl<W: Write> Writer<W> {
    pub fn new(output: W) -> Self {
        Writer { _output: output }
    }
}

impl<W: Write> RecordWriter for Writer<W> {
    fn write_record(&mut self, _record: &Record) -> Result<(), MarcError> {
        Err(MarcError::Io(std::io::Error::other(
            "marcxml writing is not built yet",
        )))
    }
    fn finish(self: Box<Self>) -> Result<(), MarcError> {
        Ok(())
    }
}
