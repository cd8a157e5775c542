//! Admission policies before sync (DESIGN.md §7).

pub mod cel;
