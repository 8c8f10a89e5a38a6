//! A demo catalog with a SIP2 account and readers of our own, and a server on loopback.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::Duration;

use shelfmark_core::api::{ItemStatus, PatronInput, Sip2AccountInput, Sip2Language};
use shelfmark_core::circulation::{loans, patrons, sip2};
use shelfmark_core::demo::{self, DEMO_PIN, DemoConfig};
use shelfmark_core::{Catalog, CatalogOptions};
use shelfmark_sip2::{Charset, Server, ServerConfig, ShutdownHandle};

pub const LOGIN: &str = "kiosk";
pub const PASSWORD: &str = "secret-pw";
pub const READER: &str = "299000000000";
pub const READER_NAME: &str = "Nguyễn Thị Ánh Tuyết";

pub struct Library {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Library {
    /// A demo catalog (`records` records) with the account `kiosk` at HK and `count` readers
    /// `2990000000NN` with PIN 1234, free to borrow.
    pub fn new(records: u64, readers: usize) -> Library {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("branch.db");
        let mut catalog = Catalog::open(&path, CatalogOptions::default()).expect("opens");
        demo::build(
            &mut catalog,
            "demo",
            DemoConfig { records, seed: 11 },
            |_| {},
        )
        .expect("demo");
        sip2::add_account(
            &mut catalog,
            "staff",
            &Sip2AccountInput {
                login: LOGIN.into(),
                branch_code: "HK".into(),
                may_check_out: true,
                may_check_in: true,
                may_renew: true,
                language: Sip2Language::Vi,
            },
            PASSWORD,
        )
        .expect("account");
        catalog
            .write("staff", |m| {
                for n in 0..readers {
                    let barcode = reader(n);
                    let name = if n == 0 {
                        READER_NAME.to_string()
                    } else {
                        format!("Bạn đọc {n}")
                    };
                    patrons::add(
                        m,
                        &PatronInput {
                            barcode: barcode.clone(),
                            name,
                            category: "staff".into(),
                            email: None,
                            phone: None,
                            home_branch_code: Some("HK".into()),
                            expires_on: "2099-12-31".into(),
                            notes: String::new(),
                        },
                    )?;
                    // One hash for every reader: Argon2 is slow on purpose.
                    if n == 0 {
                        patrons::set_pin(m, &barcode, DEMO_PIN)?;
                    }
                }
                Ok(())
            })
            .expect("readers");
        for n in 1..readers {
            catalog
                .write("staff", |m| patrons::set_pin(m, &reader(n), DEMO_PIN))
                .expect("pin");
        }
        Library { dir, path }
    }

    pub fn catalog(&self) -> Catalog {
        Catalog::open(&self.path, CatalogOptions::default()).expect("opens")
    }

    /// Available items, one per title, nobody waiting.
    pub fn free_items(&self, count: usize) -> Vec<String> {
        let catalog = self.catalog();
        let mut titles = std::collections::HashSet::new();
        (1..100_000u64)
            .map(|n| format!("3{n:011}"))
            .map_while(|b| loans::item_circulation(&catalog, &b).ok())
            .filter(|i| i.status == ItemStatus::Available && i.holds_queue == 0)
            .filter(|i| titles.insert(i.title.clone()))
            .map(|i| i.barcode)
            .take(count)
            .collect()
    }

    pub fn serve(&self, idle: Duration, charset: Charset) -> Running {
        let mut config =
            ServerConfig::new("127.0.0.1:0".parse().expect("address"), self.path.clone());
        config.idle_timeout = idle;
        config.charset = charset;
        let server = Server::bind(config).expect("binds");
        let addr = server.local_addr().expect("address");
        let stop = server.shutdown_handle();
        let thread = std::thread::spawn(move || server.run().expect("serves"));
        Running {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

pub fn reader(n: usize) -> String {
    format!("2990000{n:05}")
}

pub struct Running {
    pub addr: SocketAddr,
    pub stop: ShutdownHandle,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    /// Stops the server and waits until every connection is closed.
    pub fn stop(mut self) {
        self.stop.shutdown();
        if let Some(t) = self.thread.take() {
            t.join().expect("server thread ends cleanly");
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.shutdown();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
