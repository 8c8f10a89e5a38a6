//! The SIP2 server on loopback, spoken to by an existing SIP2 client from crates.io (`sip2`,
//! Evergreen's) and by raw sockets for what no well-behaved client sends.

mod conformance;
pub mod setup;
mod together;
