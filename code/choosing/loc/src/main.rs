#![forbid(unsafe_code)]

use std::path::PathBuf;

use choosing_loc::{Listing, SOLUTIONS, default_root, problems};
use clap::Parser;

/// Counts the lines of code (not blank, not comments) of the anchored listings
/// the book shows for each strategy on each recurring problem.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The recurring problem whose solutions to count, or "all".
    #[arg(long, default_value = "all", value_parser = problem_names())]
    problem: String,
    /// Count this listing instead (package:file:anchor); may be repeated.
    #[arg(long, value_parser = Listing::parse)]
    listing: Vec<Listing>,
    /// The workspace root (the folder that holds code/).
    #[arg(long, default_value_os_t = default_root())]
    root: PathBuf,
}

fn problem_names() -> clap::builder::PossibleValuesParser {
    let mut names = vec!["all"];
    names.extend(problems());
    clap::builder::PossibleValuesParser::new(names)
}

fn main() {
    let args: Args = support_kit::parse_args();
    if !args.listing.is_empty() {
        let rows: Vec<String> = args
            .listing
            .iter()
            .map(|l| {
                let lines = l.count(&args.root).unwrap_or_else(|e| fail(e));
                format!("| `{}` | {lines} |", cell(&l.label()))
            })
            .collect();
        println!("| listing | lines of code |");
        println!("|:--|--:|");
        rows.iter().for_each(|row| println!("{row}"));
        return;
    }
    let rows: Vec<String> = SOLUTIONS
        .iter()
        .filter(|s| args.problem == "all" || args.problem == s.problem)
        .map(|s| {
            let lines = match s.count(&args.root).unwrap_or_else(|e| fail(e)) {
                Some(lines) => lines.to_string(),
                None => "—".into(),
            };
            let listings = cell(&choosing_loc::describe(&s.listings()));
            let note = cell(s.note);
            format!(
                "| {} | {} | {listings} | {lines} | {note} |",
                s.problem, s.strategy
            )
        })
        .collect();
    println!("| problem | strategy | listings | lines of code | note |");
    println!("|:--|:--|:--|--:|:--|");
    rows.iter().for_each(|row| println!("{row}"));
}

/// Text for a table cell: a `|` inside it is escaped, as markdown wants.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A listing that cannot be counted: one line, exit code 2.
fn fail(e: choosing_loc::LocError) -> ! {
    support_kit::usage_error(&e.to_string())
}
