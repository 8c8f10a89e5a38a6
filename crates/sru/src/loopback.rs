//! A stand-in SRU target on loopback, for tests of copy cataloging (this crate's and the
//! CLI's): it answers every request with what the test makes of its path and query, the way
//! real targets misbehave (a byte-order mark, another charset, a position not asked for).
//! Owns nothing of the protocol; never used outside tests.

use std::io::{BufRead, BufReader, Write};

/// Serves `answer(path_and_query) -> (status, content type, body)` on a loopback port, one
/// connection at a time, for the rest of the test process; gives the target's `/sru` URL.
pub fn fake_target(
    answer: impl Fn(&str) -> (u16, &'static str, Vec<u8>) + Send + 'static,
) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let (status, content_type, body) = answer(path);
            let mut stream = &stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}/sru")
}
