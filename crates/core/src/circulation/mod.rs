//! Circulation: patrons now; loans, holds, fines and policies as they are built.

pub mod patrons;
