//! `book-tools`: the one home of the book's machinery. `scripts/test`,
//! `scripts/measure`, `scripts/book` and the scaffolding scripts are thin
//! wrappers that build this tool and hand it their arguments.
//! Every check prints what it looked at and fails with one line per problem.
#![forbid(unsafe_code)]

mod browser;
mod chart;
mod claims;
mod data;
mod includes;
mod layout;
mod links;
mod listings;
mod outputs;
mod pipeline;
mod provenance;
mod scaffold;
mod select;
mod services;
mod workspace;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::select::Selection;
use crate::workspace::Workspace;

/// The book's build tool (usually run through the scripts in scripts/).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Every check CI runs, for the whole book or the named chapters and packages.
    Test {
        /// Chapters (csp) or example packages (csp-pipeline); none means everything.
        names: Vec<String>,
        /// Leave out the mdBook build (CI builds the book in a job of its own).
        #[arg(long)]
        skip_book: bool,
        /// Only the fast static checks: formatting, layout, includes, claims, workflows, clippy.
        #[arg(long)]
        lints_only: bool,
        /// Run every step even after one fails (the run still fails), to see every problem at once.
        #[arg(long)]
        keep_going: bool,
        /// List the chapters and their packages, and stop.
        #[arg(long)]
        list: bool,
    },
    /// Re-run benchmarks and captured commands and regenerate what the book shows from them.
    Measure {
        /// Chapters or example packages; none means every example.
        names: Vec<String>,
        /// An example package (the same as naming it; kept for `scripts/measure -p NAME`).
        #[arg(short, long = "package")]
        package: Vec<String>,
    },
    /// Build the book (links and fragments checked) or serve a live preview.
    Book {
        #[command(subcommand)]
        action: BookAction,
    },
    /// The chapters, their packages and the services they need.
    List {
        /// As JSON, for CI's job matrix.
        #[arg(long)]
        json: bool,
    },
    /// Start or check services the examples talk to (rabbitmq, redis, python, celery, erlang).
    Services {
        /// Which services; none means every service some crate declares.
        names: Vec<String>,
    },
    /// Scaffold a chapter: book/<name>/index.md, results.md and its SUMMARY entry.
    NewChapter {
        /// The chapter's folder and package prefix, like `rayon`.
        name: String,
        /// Its title in the table of contents, like "Data Parallelism".
        title: String,
    },
    /// Scaffold an example crate in the book's shape.
    NewExample {
        /// The chapter, like `csp`.
        chapter: String,
        /// The example, like `pipeline` (package csp-pipeline).
        name: String,
    },
    /// Fail on a missing include file, a missing anchor, a line-number include or an anchor no chapter uses.
    CheckIncludes,
    /// Fail when a crate's folder, package name and chapter disagree, or an example has no page.
    CheckLayout,
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
    /// Run each example's captured command and write its output under book/<chapter>/generated/.
    Capture {
        /// Only these packages (default: all).
        #[arg(short, long)]
        package: Vec<String>,
    },
    /// Re-run each captured command and fail when the output's shape no longer matches the book.
    CheckOutputs {
        /// Only these packages (default: all).
        #[arg(short, long)]
        package: Vec<String>,
    },
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
        /// Only these packages (default: all).
        #[arg(short, long)]
        package: Vec<String>,
    },
    /// The mdBook preprocessor that captions every included listing with its file,
    /// anchor and package (book.toml runs it; mdBook calls it with `supports RENDERER`).
    Listings {
        #[arg(hide = true)]
        supports: Option<String>,
        #[arg(hide = true)]
        renderer: Option<String>,
    },
    /// Fail on `#fragment` links in the built HTML that point at no id.
    CheckFragments {
        /// The folder mdBook's html renderer wrote.
        html: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum BookAction {
    /// Build into target/book/html with every link checked.
    Build,
    /// Serve a live preview on 127.0.0.1.
    Serve {
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Load the built book in headless Chromium and fail on what a reader would see broken.
    Check {
        /// Only these chapters' pages (search and theme are always checked).
        chapters: Vec<String>,
        /// Also print the book to target/browser/concurrency-is-for-speed.pdf.
        #[arg(long)]
        pdf: bool,
    },
    /// Pack code/ (anchor comments removed) into target/browser/concurrency-is-for-speed-code.tar.gz.
    Archive,
}

/// A problem that is the caller's (exit 2) or the book's (exit 1).
enum Failure {
    Usage(String),
    Problem(String),
}

impl From<String> for Failure {
    fn from(problem: String) -> Failure {
        Failure::Problem(problem)
    }
}

fn selection(ws: &Workspace, names: &[String]) -> Result<Selection, Failure> {
    Selection::resolve(ws, names).map_err(Failure::Usage)
}

fn dispatch(command: Command) -> Result<(), Failure> {
    if let Command::CheckFragments { html } = &command {
        return Ok(links::check_fragments(html)?);
    }
    if let Command::Listings { supports, renderer } = &command {
        // mdBook runs preprocessors from the book's root, so no workspace lookup is needed.
        let root = std::env::current_dir().map_err(|e| format!("listings: {e}"))?;
        let asked = supports
            .as_deref()
            .map(|_| renderer.as_deref().unwrap_or(""));
        return Ok(listings::preprocess(&root, asked)?);
    }
    let ws = Workspace::load()?;
    match command {
        Command::Test {
            names,
            skip_book,
            lints_only,
            keep_going,
            list,
        } => {
            if list {
                return Ok(pipeline::list(&ws, false)?);
            }
            let sel = selection(&ws, &names)?;
            let skip = pipeline::Skip {
                book: skip_book,
                after_lints: lints_only,
                keep_going,
            };
            Ok(pipeline::test(&ws, &sel, skip)?)
        }
        Command::Measure { mut names, package } => {
            names.extend(package);
            let sel = selection(&ws, &names)?;
            Ok(pipeline::measure(&ws, &sel)?)
        }
        Command::Book { action } => match action {
            BookAction::Build => Ok(pipeline::build_book(&ws)?),
            BookAction::Serve { port } => Ok(pipeline::serve_book(&ws, port)?),
            BookAction::Check { chapters, pdf } => Ok(browser::check(&ws, &chapters, pdf)?),
            BookAction::Archive => browser::archive(&ws).map(|_| ()).map_err(Failure::Problem),
        },
        Command::List { json } => Ok(pipeline::list(&ws, json)?),
        Command::Services { names } => {
            let known: Vec<&str> = services::SERVICES.iter().map(|(s, _)| *s).collect();
            for name in &names {
                if !known.contains(&name.as_str()) {
                    return Err(Failure::Usage(format!(
                        "unknown service '{name}' (known: {})",
                        known.join(", ")
                    )));
                }
            }
            let wanted = if names.is_empty() {
                selection(&ws, &[])?.needs(&ws)
            } else {
                names.into_iter().collect()
            };
            services::ensure(&ws, &wanted)?;
            println!(
                "services ready: {}",
                wanted.into_iter().collect::<Vec<_>>().join(", ")
            );
            Ok(())
        }
        Command::NewChapter { name, title } => {
            scaffold::new_chapter(&ws, &name, &title).map_err(Failure::Usage)
        }
        Command::NewExample { chapter, name } => {
            scaffold::new_example(&ws, &chapter, &name).map_err(Failure::Usage)
        }
        Command::CheckIncludes => Ok(includes::check(&ws, &[])?),
        Command::CheckLayout => Ok(layout::check(&ws)?),
        Command::CheckClaims {
            chapter,
            report_only,
        } => Ok(claims::check(&ws, &chapter, report_only)?),
        Command::Capture { package } => Ok(outputs::capture(&ws, &package)?),
        Command::CheckOutputs { package } => Ok(outputs::check(&ws, &package)?),
        Command::Render { package, list } => Ok(data::render_from_criterion(&ws, &package, &list)?),
        Command::Rerender => Ok(data::rerender(&ws)?),
        Command::CheckData { list, package } => Ok(data::check(&ws, &list, &package)?),
        Command::CheckFragments { .. } | Command::Listings { .. } => unreachable!("handled above"),
    }
}

fn main() {
    let args: Args = support_kit::parse_args();
    match dispatch(args.command) {
        Ok(()) => {}
        Err(Failure::Usage(problem)) => {
            eprintln!("book-tools: {problem}");
            std::process::exit(2);
        }
        Err(Failure::Problem(problem)) => {
            eprintln!("book-tools: {problem}");
            std::process::exit(1);
        }
    }
}
