//! Nothing here: the tests are generated from the book by build.rs.
#![forbid(unsafe_code)]
