//! `shelfmark sip2`: the branch's SIP2 server for self-check kiosks and return machines, and
//! the accounts they log in with. Passwords are read from standard input, never from the
//! command line, so they stay out of the shell's history and the process list.

use std::io::BufRead;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::{Args, Subcommand};
use shelfmark_core::Catalog;
use shelfmark_core::api::{Sip2AccountInput, Sip2Language};
use shelfmark_core::circulation::sip2 as accounts;
use shelfmark_sip2::{Charset, Server, ServerConfig};

#[derive(Subcommand)]
pub enum Sip2Command {
    /// Serve SIP2 over TCP until interrupted (Ctrl-C or SIGTERM).
    Serve(ServeArgs),
    /// The accounts SIP2 machines log in with (93).
    #[command(subcommand)]
    Account(AccountCommand),
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:6001")]
    listen: SocketAddr,
    /// Character set of the messages: utf-8 (default), cp1258 (legacy Vietnamese), latin1.
    #[arg(long, default_value = "utf-8", value_parser = parse_charset)]
    charset: Charset,
    /// Close a connection with nothing received for this many seconds.
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    idle_timeout: u64,
    /// Log every message in and out (PINs and passwords masked) to standard error.
    #[arg(long)]
    log_messages: bool,
}

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Add an account. Standard input gives its password (at least 6 characters) on its
    /// first line.
    Add {
        login: String,
        /// The branch the machine lends and takes returns for.
        #[arg(long, value_name = "CODE")]
        branch: String,
        /// The machine may not check out (a return machine).
        #[arg(long)]
        no_checkout: bool,
        /// The machine may not check in.
        #[arg(long)]
        no_checkin: bool,
        /// The machine may not renew.
        #[arg(long)]
        no_renew: bool,
        /// Language of the machine's screen messages: vi (default) or en.
        #[arg(long, default_value = "vi", value_parser = parse_language)]
        language: Sip2Language,
    },
    /// List the accounts (never their passwords).
    List,
    /// Remove an account; the machine's next login is refused.
    Remove { login: String },
}

fn parse_charset(s: &str) -> Result<Charset, String> {
    Charset::parse(s).ok_or_else(|| format!("{s:?} is not utf-8, cp1258 or latin1"))
}

fn parse_language(s: &str) -> Result<Sip2Language, String> {
    Sip2Language::parse(s).ok_or_else(|| format!("{s:?} is not vi or en"))
}

pub fn run(
    command: &Sip2Command,
    json: bool,
    catalog: &mut Catalog,
    user: &str,
) -> anyhow::Result<()> {
    match command {
        Sip2Command::Serve(args) => serve(args, json, catalog),
        Sip2Command::Account(AccountCommand::Add {
            login,
            branch,
            no_checkout,
            no_checkin,
            no_renew,
            language,
        }) => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let account = accounts::add_account(
                catalog,
                user,
                &Sip2AccountInput {
                    login: login.clone(),
                    branch_code: branch.clone(),
                    may_check_out: !no_checkout,
                    may_check_in: !no_checkin,
                    may_renew: !no_renew,
                    language: *language,
                },
                password,
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&account)?);
            } else {
                println!(
                    "SIP2 account {} added for branch {}.",
                    account.login, account.branch_code
                );
            }
            Ok(())
        }
        Sip2Command::Account(AccountCommand::List) => {
            let all = accounts::accounts(catalog)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else if all.is_empty() {
                println!(
                    "No SIP2 accounts. Add one with `shelfmark sip2 account add LOGIN --branch CODE`."
                );
            } else {
                let yn = |b: bool| if b { "yes" } else { "no" };
                println!("login\tbranch\tcheck out\tcheck in\trenew\tlanguage");
                for a in all {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        a.login,
                        a.branch_code,
                        yn(a.may_check_out),
                        yn(a.may_check_in),
                        yn(a.may_renew),
                        a.language.as_str()
                    );
                }
            }
            Ok(())
        }
        Sip2Command::Account(AccountCommand::Remove { login }) => {
            accounts::remove_account(catalog, user, login)?;
            if json {
                println!("{}", serde_json::json!({ "removed": login }));
            } else {
                println!("SIP2 account {login} removed.");
            }
            Ok(())
        }
    }
}

fn serve(args: &ServeArgs, json: bool, catalog: &Catalog) -> anyhow::Result<()> {
    if args.log_messages {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(std::io::stderr)
            .init();
    }
    if accounts::accounts(catalog)?.is_empty() {
        eprintln!(
            "warning: no SIP2 accounts yet; every login will be refused. Add one with `shelfmark sip2 account add LOGIN --branch CODE`."
        );
    }
    let mut config = ServerConfig::new(args.listen, catalog.path().to_path_buf());
    config.charset = args.charset;
    config.idle_timeout = Duration::from_secs(args.idle_timeout.max(1));
    let server = Server::bind(config)?;
    let addr = server.local_addr()?;
    let stop = server.shutdown_handle();
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, interrupted.clone())?;
    }
    std::thread::spawn(move || {
        while !interrupted.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(100));
        }
        stop.shutdown();
    });
    if json {
        println!(
            "{}",
            serde_json::json!({ "listening": addr.to_string(), "charset": args.charset.name() })
        );
    } else {
        println!(
            "SIP2 server listening on {addr} ({}); Ctrl-C stops it.",
            args.charset.name()
        );
    }
    server.run()?;
    if !json {
        println!("SIP2 server stopped.");
    }
    Ok(())
}
