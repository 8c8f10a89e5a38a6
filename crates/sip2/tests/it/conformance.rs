use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use shelfmark_core::circulation::loans;
use shelfmark_core::demo::DEMO_PIN;
use shelfmark_sip2::Charset;
use sip2::{Connection, Message};

use crate::setup::*;

const DATE: &str = "20260301    100000";

fn ff(msg: &Message, i: usize) -> String {
    msg.fixed_fields()[i].value().to_string()
}

#[test]
fn the_sip2_crate_client_runs_a_kiosk_session() {
    let lib = Library::new(200, 1);
    let items = lib.free_items(1);
    let item = items[0].as_str();
    let server = lib.serve(Duration::from_secs(300), Charset::Utf8);
    let mut con = Connection::new(&server.addr.to_string()).expect("connects");
    let send = |con: &mut Connection, code: &str, fixed: &[&str], fields: &[(&str, &str)]| {
        let req = Message::from_values(code, fixed, fields).expect("valid request");
        con.sendrecv(&req).expect("answer the client can parse")
    };

    let bad = send(
        &mut con,
        "93",
        &["0", "0"],
        &[("CN", LOGIN), ("CO", "wrong")],
    );
    assert_eq!(ff(&bad, 0), "0");
    let login = send(
        &mut con,
        "93",
        &["0", "0"],
        &[("CN", LOGIN), ("CO", PASSWORD)],
    );
    assert_eq!(login.spec().code, "94");
    assert_eq!(ff(&login, 0), "1");

    let status = send(&mut con, "99", &["0", "030", "2.00"], &[]);
    assert_eq!(status.spec().code, "98");
    assert_eq!(status.get_field_value("BX"), Some("YYYNYYYYYYYNNNYN"));
    assert_eq!(status.get_field_value("AM"), Some("Chi nhánh Hoàn Kiếm"));

    let patron = send(
        &mut con,
        "23",
        &["000", DATE],
        &[("AO", "HK"), ("AA", READER), ("AC", ""), ("AD", DEMO_PIN)],
    );
    assert_eq!(patron.spec().code, "24");
    // The Vietnamese name arrives whole: its checksum and bytes were UTF-8.
    assert_eq!(patron.get_field_value("AE"), Some(READER_NAME));
    assert_eq!(patron.get_field_value("BL"), Some("Y"));
    assert_eq!(patron.get_field_value("CQ"), Some("Y"));

    let out = send(
        &mut con,
        "11",
        &["N", "N", DATE, DATE],
        &[
            ("AO", "HK"),
            ("AA", READER),
            ("AB", item),
            ("AC", ""),
            ("AD", DEMO_PIN),
        ],
    );
    assert_eq!(out.spec().code, "12");
    assert_eq!(ff(&out, 0), "1", "{out:?}");
    assert!(
        out.get_field_value("AF")
            .expect("AF")
            .starts_with("Mượn thành công")
    );

    let info = send(&mut con, "17", &[DATE], &[("AO", "HK"), ("AB", item)]);
    assert_eq!(info.spec().code, "18");
    assert_eq!(ff(&info, 0), "04");

    let summary = send(
        &mut con,
        "63",
        &["000", DATE, "  Y       "],
        &[("AO", "HK"), ("AA", READER), ("AD", DEMO_PIN)],
    );
    assert_eq!(summary.spec().code, "64");
    assert_eq!(ff(&summary, 5), "0001");
    assert_eq!(summary.get_field_value("AU"), Some(item));

    let renewed = send(
        &mut con,
        "29",
        &["N", "N", DATE, DATE],
        &[("AO", "HK"), ("AA", READER), ("AD", DEMO_PIN), ("AB", item)],
    );
    assert_eq!(renewed.spec().code, "30");
    assert_eq!(ff(&renewed, 0), "1", "{renewed:?}");

    let back = send(
        &mut con,
        "09",
        &["N", DATE, DATE],
        &[("AP", "HK"), ("AO", "HK"), ("AB", item), ("AC", "")],
    );
    assert_eq!(back.spec().code, "10");
    assert_eq!(ff(&back, 0), "1");

    let end = send(&mut con, "35", &[DATE], &[("AO", "HK"), ("AA", READER)]);
    assert_eq!(end.spec().code, "36");
    assert_eq!(ff(&end, 0), "Y");
    con.disconnect().expect("disconnects");
    server.stop();
    let catalog = lib.catalog();
    assert!(
        loans::item_circulation(&catalog, item)
            .expect("item")
            .loan
            .is_none()
    );
}

/// Reads one answer (to CR) or `None` when the server closed the connection.
fn read_answer(stream: &mut TcpStream) -> Option<Vec<u8>> {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte) {
            Ok(0) => return None,
            Ok(_) => {
                out.push(byte[0]);
                if byte[0] == b'\r' {
                    return Some(out);
                }
            }
            Err(e) => panic!("read failed: {e}"),
        }
    }
}

fn login(stream: &mut TcpStream) {
    stream
        .write_all(format!("9300CN{LOGIN}|CO{PASSWORD}|\r").as_bytes())
        .expect("writes");
    assert_eq!(read_answer(stream).as_deref(), Some(&b"941\r"[..]));
}

#[test]
fn bad_checksums_unknown_types_dropped_and_idle_connections() {
    let lib = Library::new(100, 1);
    let items = lib.free_items(1);
    let item = &items[0];
    let server = lib.serve(Duration::from_millis(300), Charset::Utf8);

    // A checksum that does not add up: 96, the spec's "please resend". CRLF is tolerated.
    let mut s = TcpStream::connect(server.addr).expect("connects");
    s.write_all(b"9900302.00AY1AZFCA6\r\n").expect("writes");
    assert_eq!(read_answer(&mut s).as_deref(), Some(&b"96AZFEF6\r"[..]));
    // The right one is answered with the same sequence number and a checksum of its own.
    s.write_all(b"9900302.00AY1AZFCA5\n").expect("writes");
    let answer = read_answer(&mut s).expect("answer");
    let body = &answer[..answer.len() - 1];
    assert!(body.starts_with(b"98"));
    let frame = shelfmark_sip2::codec::decode(body, Charset::Utf8).expect("checksum checks");
    assert_eq!(frame.sequence, Some(1));

    // An unknown message type: the connection is closed.
    s.write_all(b"01N20260301    100000AOHK|AA1|\r")
        .expect("writes");
    assert_eq!(read_answer(&mut s), None);

    // A check-out cut off by a dropped connection does nothing.
    let mut s = TcpStream::connect(server.addr).expect("connects");
    login(&mut s);
    s.write_all(format!("11NN{DATE}{DATE}AOHK|AA{READER}|AB{item}|AD{DEMO_PIN}").as_bytes())
        .expect("writes");
    drop(s);
    // The server is still there, and the item was not lent.
    let mut s = TcpStream::connect(server.addr).expect("connects");
    login(&mut s);
    s.write_all(format!("17{DATE}AOHK|AB{item}|\r").as_bytes())
        .expect("writes");
    let info = read_answer(&mut s).expect("answer");
    assert!(
        info.starts_with(b"1803"),
        "{}",
        String::from_utf8_lossy(&info)
    );

    // Idle past the timeout: closed by the server.
    assert_eq!(read_answer(&mut s), None);

    // A message trickling in a byte at a time is not kept open by each byte: it must be
    // whole within the timeout from its first byte.
    let mut s = TcpStream::connect(server.addr).expect("connects");
    let started = std::time::Instant::now();
    let mut closed = false;
    for byte in format!("17{DATE}AOHK|AB{item}|{}", "x".repeat(100)).bytes() {
        if s.write_all(&[byte]).is_err() {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        if started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    assert!(
        closed,
        "a byte every 50 ms kept the connection open for 3 s"
    );
    server.stop();
    let catalog = lib.catalog();
    assert!(
        loans::item_circulation(&catalog, item)
            .expect("item")
            .loan
            .is_none()
    );
}

#[test]
fn cp1258_machines_get_vietnamese_in_their_code_page() {
    let lib = Library::new(50, 1);
    let server = lib.serve(Duration::from_secs(300), Charset::Cp1258);
    let mut s = TcpStream::connect(server.addr).expect("connects");
    login(&mut s);
    s.write_all(format!("23000{DATE}AOHK|AA{READER}|AY2AZ").as_bytes())
        .expect("writes");
    let sum =
        shelfmark_sip2::codec::checksum(format!("23000{DATE}AOHK|AA{READER}|AY2AZ").as_bytes());
    s.write_all(format!("{sum}\r").as_bytes()).expect("writes");
    let answer = read_answer(&mut s).expect("answer");
    assert!(
        std::str::from_utf8(&answer).is_err(),
        "sent in cp1258, not UTF-8"
    );
    let frame = shelfmark_sip2::codec::decode(&answer[..answer.len() - 1], Charset::Cp1258)
        .expect("checksum over the cp1258 bytes");
    assert_eq!(frame.message.get("AE"), Some(READER_NAME));
    server.stop();
}
