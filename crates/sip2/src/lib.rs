//! Shelfmark's SIP2 server: the branch answers self-check kiosks and automated return
//! machines that speak SIP2 (3M Standard Interchange Protocol 2.00) over TCP.
//!
//! - `message`: the message types we know, their fixed fields by position and their variable
//!   fields (`XXvalue|`), as plain data.
//! - `codec`: bytes to messages and back: the character set, the CR terminator, the sequence
//!   number (AY) and checksum (AZ) computed over the bytes actually sent.
//! - `session`: one connection's state and its answers, every one from core's circulation
//!   functions (the same rules and refusals as the desk; no overrides, like the kiosk).
//! - `server`: the TCP listener, one thread per connection, idle timeout and graceful shutdown.
//! - `writer`: the one thread that writes, running the writes waiting in its queue in one
//!   transaction (group commit), each its own core function in its own savepoint.
//!
//! What this crate must never do: decide a circulation rule itself, write to the catalog
//! outside a core function (each operation is one core function, alone in its transaction or
//! in its own savepoint of a group), or panic on what a
//! machine sends.

pub mod codec;
pub mod message;
pub mod server;
pub mod session;
mod writer;

pub use codec::{Charset, CodecError, Frame};
pub use message::{Field, Kind, Message};
pub use server::{Server, ServerConfig, ServerError, ShutdownHandle};
pub use session::Session;
pub use writer::WriterStats;
