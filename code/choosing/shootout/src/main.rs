#![forbid(unsafe_code)]

use clap::Parser;

/// TODO: what this example shows, in one line (clap prints it for --help).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// How far to count.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    n: u64,
}

fn main() {
    let args: Args = support_kit::parse_args();
    println!(
        "sum of 1..={} = {}",
        args.n,
        choosing_shootout::sum_to(args.n)
    );
}
