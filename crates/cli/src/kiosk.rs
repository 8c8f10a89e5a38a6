//! `shelfmark kiosk`: the self-service kiosk's staff password, the one that leaves kiosk mode
//! in the desktop app. Read from standard input, never from the command line, so it stays out
//! of the shell's history and the process list.

use std::io::BufRead;

use clap::Subcommand;
use shelfmark_core::Catalog;
use shelfmark_core::circulation::kiosk;

#[derive(Subcommand)]
pub enum KioskCommand {
    /// Set the staff password that leaves kiosk mode (at least 6 characters). Standard input
    /// gives the new password on its first line; when one is already set, the first line is
    /// the current password and the second the new one.
    SetPassword,
}

/// One line of standard input without its line ending (spaces inside a password are kept).
fn read_line(input: &mut impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    input.read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn run(
    command: &KioskCommand,
    json: bool,
    catalog: &mut Catalog,
    user: &str,
) -> anyhow::Result<()> {
    match command {
        KioskCommand::SetPassword => {
            let mut input = std::io::stdin().lock();
            let was_set = kiosk::password_set(catalog)?;
            let current = if was_set {
                Some(read_line(&mut input)?)
            } else {
                None
            };
            let next = read_line(&mut input)?;
            kiosk::set_password(catalog, user, current.as_deref(), &next)?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "kiosk_password": if was_set { "changed" } else { "set" } })
                );
            } else if was_set {
                println!("Kiosk password changed.");
            } else {
                println!("Kiosk password set.");
            }
            Ok(())
        }
    }
}
