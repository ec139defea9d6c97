//! Helpers shared by the book's examples. Kept small on purpose: a reader should
//! be able to read an example without reading this crate.
#![forbid(unsafe_code)]

use std::io::IsTerminal;
use std::process::Output;
use std::time::{Duration, Instant};

use clap::error::ErrorKind;
use indicatif::{ProgressBar, ProgressStyle};

pub mod python;
#[cfg(feature = "testing")]
pub mod testing;

/// Exit code for bad input, the same one clap and most Unix tools use.
pub const USAGE_EXIT_CODE: i32 = 2;

/// Parses the command line. `--help` and `--version` print as usual; any other
/// error becomes one line on stderr and exit code 2, never a panic or a page
/// of usage text.
pub fn parse_args<T: clap::Parser>() -> T {
    match T::try_parse() {
        Ok(args) => args,
        Err(err) => match err.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => err.exit(),
            _ => {
                let rendered = err.render().to_string();
                let first = rendered
                    .lines()
                    .find(|line| !line.trim().is_empty())
                    .unwrap_or("error: invalid arguments");
                usage_error(first.trim_start_matches("error: "))
            }
        },
    }
}

/// Reports bad input found after parsing (a combination clap cannot check)
/// as one line and exits with code 2.
pub fn usage_error(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(USAGE_EXIT_CODE)
}

/// A progress bar on a terminal, nothing at all when stderr is captured, so
/// that the book's captured outputs never contain progress noise.
pub fn progress(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// Formats a duration with three significant digits and a unit a reader
/// expects: `812 ns`, `4.20 µs`, `13.1 ms`, `2.05 s`.
pub fn human_duration(duration: Duration) -> String {
    human_nanos(duration.as_secs_f64() * 1e9)
}

/// Like [`human_duration`], for a number of nanoseconds that may be fractional.
pub fn human_nanos(nanos: f64) -> String {
    let (value, unit) = if nanos < 1e3 {
        (nanos, "ns")
    } else if nanos < 1e6 {
        (nanos / 1e3, "µs")
    } else if nanos < 1e9 {
        (nanos / 1e6, "ms")
    } else {
        (nanos / 1e9, "s")
    };
    format!("{} {unit}", three_digits(value))
}

/// Three significant digits, without a trailing dot: 1.23, 12.3, 123.
pub fn three_digits(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A count with thousands separators, as the examples print them: 1234567 -> "1,234,567".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// How many threads can run at once on this machine (1 if the OS will not say).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How long `run` takes at its fastest: runs it `runs` times (once if
/// `runs` is 0), timing each call, and returns the shortest time with the
/// last call's value. The fastest run is the one least disturbed by the rest
/// of the machine, which is why the examples' CLIs print it.
pub fn fastest_of<T>(runs: u64, mut run: impl FnMut() -> T) -> (Duration, T) {
    let mut last = None;
    let fastest = fastest_reported(runs, || {
        let start = Instant::now();
        let value = run();
        let took = start.elapsed();
        last = Some(value);
        took
    });
    (fastest, last.expect("at least one run"))
}

/// [`fastest_of`] for runs that time themselves (to leave their set-up out,
/// say): calls `run` `runs` times (once if `runs` is 0) and returns the
/// shortest time it reported.
pub fn fastest_reported(runs: u64, mut run: impl FnMut() -> Duration) -> Duration {
    (0..runs.max(1))
        .map(|_| run())
        .min()
        .expect("at least one run")
}

/// For the examples' tests: runs `binary` once per argument list and asserts
/// the book's promise for bad input: exit code 2 and exactly one line on
/// stderr, starting `error: ` (no usage dump, no panic trace).
pub fn assert_rejected(binary: &str, bad_inputs: &[&[&str]]) {
    for args in bad_inputs {
        let out = output_of(binary, args);
        assert_one_error_line(&out, USAGE_EXIT_CODE, &format!("{args:?}"));
    }
}

/// For the examples' tests: runs `binary` with `args`, asserts that it
/// succeeded (showing its stderr if not), and returns what it printed.
pub fn stdout_of(binary: &str, args: &[&str]) -> String {
    let out = output_of(binary, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the examples print UTF-8")
}

fn output_of(binary: &str, args: &[&str]) -> Output {
    std::process::Command::new(binary)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("could not run {binary}: {e}"))
}

/// Exit code `code` and exactly one line on stderr, starting `error: `;
/// returns that line. `what` names the run in a failure's message.
fn assert_one_error_line(out: &Output, code: i32, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{what}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
    assert!(stderr.starts_with("error: "), "{what}: {stderr}");
    stderr.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(human_nanos(812.0), "812 ns");
        assert_eq!(human_nanos(4_200.0), "4.20 µs");
        assert_eq!(human_duration(Duration::from_micros(13_100)), "13.1 ms");
        assert_eq!(human_duration(Duration::from_millis(2_050)), "2.05 s");
    }

    #[test]
    fn fastest_reported_is_the_minimum_of_the_times_it_saw() {
        let times = [5, 2, 9, 2, 7].map(Duration::from_millis);
        let mut calls = 0;
        let fastest = fastest_reported(times.len() as u64, || {
            calls += 1;
            times[calls - 1]
        });
        assert_eq!(calls, times.len());
        assert_eq!(fastest, Duration::from_millis(2));
        // Zero runs would leave nothing to report: it runs once.
        let mut calls = 0;
        assert_eq!(
            fastest_reported(0, || {
                calls += 1;
                Duration::from_millis(3)
            }),
            Duration::from_millis(3)
        );
        assert_eq!(calls, 1);
    }

    #[test]
    fn fastest_of_times_every_run_and_keeps_the_last_value() {
        let mut calls = 0;
        let outer = Instant::now();
        let (fastest, value) = fastest_of(4, || {
            calls += 1;
            std::thread::sleep(Duration::from_millis(2));
            calls
        });
        let total = outer.elapsed();
        assert_eq!((calls, value), (4, 4));
        // Every run slept at least 2 ms, and four disjoint runs fit in the
        // outer time, so the shortest is at most a quarter of it.
        assert!(fastest >= Duration::from_millis(2), "{fastest:?}");
        assert!(fastest * 4 <= total, "{fastest:?} of {total:?}");
    }

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(20_000_000), "20,000,000");
    }
}
