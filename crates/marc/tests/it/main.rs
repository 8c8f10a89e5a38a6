//! Integration tests of the MARC engine against real files and real peers.

mod corpus;
