//! `book-tools`: the machinery behind `scripts/measure` and `scripts/test`.
//! Every check prints what it looked at and fails with one line per problem.
#![forbid(unsafe_code)]

mod chart;
mod claims;
mod data;
mod includes;
mod links;
mod outputs;
mod provenance;
mod services;
mod workspace;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The book's build tool (run it through scripts/measure and scripts/test).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Fail on a missing include file, a missing anchor, a line-number include or an anchor no chapter uses.
    CheckIncludes,
    /// Run each example's captured command and write its output under book/<chapter>/generated/.
    Capture {
        /// Only these packages (default: all).
        #[arg(short, long)]
        package: Vec<String>,
    },
    /// Re-run each captured command and fail when the output's shape no longer matches the book.
    CheckOutputs,
    /// Turn criterion's estimates into data files, markdown tables and SVG charts.
    Render {
        /// Only these packages (default: all).
        #[arg(short, long)]
        package: Vec<String>,
        /// File holding the output of `cargo bench -- --list`: only benchmarks that still exist are kept.
        #[arg(long)]
        list: PathBuf,
    },
    /// Re-render tables and charts from the committed data files (no benchmarks are run).
    Rerender,
    /// Fail when data belongs to a benchmark that no longer exists, a benchmark has no data,
    /// or a table or chart differs from what its data renders to.
    CheckData {
        /// File holding the output of `cargo bench -- --list`.
        #[arg(long)]
        list: PathBuf,
    },
    /// Check every `<!-- claim: ... -->` against the measured data, and refuse comparative
    /// paragraphs that carry none (see CONTRIBUTING.md, "Checked claims").
    CheckClaims {
        /// Only these chapters (default: the whole book).
        #[arg(long)]
        chapter: Vec<String>,
        /// List the claims that fail and succeed anyway (after a re-measure).
        #[arg(long)]
        report_only: bool,
    },
    /// Fail on `#fragment` links in the built HTML that point at no id.
    CheckFragments {
        /// The folder mdBook's html renderer wrote.
        html: PathBuf,
    },
}

fn main() {
    let args: Args = support_kit::parse_args();
    let result = match args.command {
        Command::CheckIncludes => workspace::Workspace::load().and_then(|ws| includes::check(&ws)),
        Command::Capture { package } => {
            workspace::Workspace::load().and_then(|ws| outputs::capture(&ws, &package))
        }
        Command::CheckOutputs => workspace::Workspace::load().and_then(|ws| outputs::check(&ws)),
        Command::Render { package, list } => workspace::Workspace::load()
            .and_then(|ws| data::render_from_criterion(&ws, &package, &list)),
        Command::Rerender => workspace::Workspace::load().and_then(|ws| data::rerender(&ws)),
        Command::CheckData { list } => {
            workspace::Workspace::load().and_then(|ws| data::check(&ws, &list))
        }
        Command::CheckClaims {
            chapter,
            report_only,
        } => workspace::Workspace::load()
            .and_then(|ws| claims::check(&ws, &chapter, report_only)),
        Command::CheckFragments { html } => links::check_fragments(&html),
    };
    if let Err(problem) = result {
        eprintln!("book-tools: {problem}");
        std::process::exit(1);
    }
}
