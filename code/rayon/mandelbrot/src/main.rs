#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use rayon_mandelbrot::{
    View, fixed_tasks, pool, rayon_pixels, rayon_rows, scope_bands, sequential, static_bands,
    work_per_band, write_png,
};
use support_kit::{grouped, human_duration, three_digits};

/// The Mandelbrot set with uneven rows: a static split of the rows among
/// threads, against rayon's work stealing over rows and pixels, and the same
/// picture cut into tasks of every size.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Width of the picture in pixels.
    #[arg(long, default_value_t = 720, value_parser = clap::value_parser!(u64).range(8..=8_192))]
    width: u64,
    /// Height of the picture in pixels.
    #[arg(long, default_value_t = 420, value_parser = clap::value_parser!(u64).range(8..=8_192))]
    height: u64,
    /// Iterations before a pixel is taken to be in the set.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    iterations: u32,
    /// Threads for the static split and rayon's pool [default: the number of cores].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    workers: Option<u64>,
    /// Runs of every render; the tables show the fastest.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=100))]
    repeat: u64,
    /// Also write the picture to this file, as a greyscale PNG.
    #[arg(long)]
    image: Option<PathBuf>,
}

/// One way to render the picture, boxed so that the table can list them.
type Render<'a> = Box<dyn Fn() -> Vec<u32> + Sync + 'a>;

/// Pixels per task in the granularity table, besides a row and half the picture.
const TASK_SIZES: [usize; 3] = [1, 16, 256];

fn main() {
    let args: Args = support_kit::parse_args();
    let cores = support_kit::cores();
    let workers = args.workers.map_or(cores, |w| w as usize);
    let view = View::book(args.width as usize, args.height as usize, args.iterations);
    let pool = pool(workers);

    let mut sizes: Vec<usize> = TASK_SIZES.to_vec();
    sizes.extend([view.width, 16 * view.width, view.pixels().div_ceil(2)]);
    sizes.retain(|&s| s <= view.pixels());
    sizes.sort_unstable();
    sizes.dedup();

    let many_bands = 16 * workers;
    let strategies: Vec<(String, Render)> = vec![
        ("sequential".into(), Box::new(|| sequential(&view))),
        (
            format!("static-bands ({workers})"),
            Box::new(|| static_bands(&view, workers)),
        ),
        (
            format!("scope-bands ({workers})"),
            Box::new(|| pool.install(|| scope_bands(&view, workers))),
        ),
        (
            format!("scope-bands ({many_bands})"),
            Box::new(|| pool.install(|| scope_bands(&view, many_bands))),
        ),
        (
            "rayon-rows".into(),
            Box::new(|| pool.install(|| rayon_rows(&view))),
        ),
        (
            "rayon-pixels".into(),
            Box::new(|| pool.install(|| rayon_pixels(&view))),
        ),
    ];

    let bar = support_kit::progress(
        (strategies.len() + sizes.len()) as u64 * args.repeat,
        "rendering",
    );
    let time = |render: &dyn Fn() -> Vec<u32>| -> (Duration, Vec<u32>) {
        support_kit::fastest_of(args.repeat, || {
            let image = render();
            bar.inc(1);
            image
        })
    };
    let reference = sequential(&view);
    let mut same = true;
    let mut rows = Vec::new();
    for (name, render) in &strategies {
        let (took, image) = time(render.as_ref());
        same &= image == reference;
        rows.push((name.clone(), took));
    }
    let mut granularity = Vec::new();
    for &size in &sizes {
        let (took, image) = time(&|| pool.install(|| fixed_tasks(&view, size)));
        same &= image == reference;
        granularity.push((size, took));
    }
    bar.finish_and_clear();

    println!(
        "mandelbrot: {} × {} pixels, up to {} iterations a pixel, {workers} workers, {cores} cores, fastest of {} runs",
        view.width,
        view.height,
        grouped(u64::from(view.max_iterations)),
        args.repeat
    );
    println!(
        "every render gives the same picture: {}",
        if same { "yes" } else { "NO" }
    );
    println!();
    let bands = work_per_band(&reference, &view, workers);
    let total: u64 = bands.iter().sum();
    let rows_per_band = view.height.div_ceil(workers);
    println!("work in each band of a static split into {workers}:");
    for (band, work) in bands.iter().enumerate() {
        let first = band * rows_per_band;
        let last = (first + rows_per_band).min(view.height) - 1;
        println!(
            "  rows {first:>5} to {last:>5}: {:>14} iterations, {:>5}% of the work",
            grouped(*work),
            three_digits(100.0 * *work as f64 / total as f64)
        );
    }
    println!();
    println!("{:<22} {:>10} {:>9}", "strategy", "time", "speed-up");
    let baseline = rows[0].1.as_secs_f64();
    for (name, took) in &rows {
        println!(
            "{:<22} {:>10} {:>8}×",
            name,
            human_duration(*took),
            three_digits(baseline / took.as_secs_f64())
        );
    }
    println!();
    println!(
        "{:<22} {:>10} {:>10} {:>9}",
        "pixels per task", "tasks", "time", "speed-up"
    );
    for (size, took) in granularity {
        println!(
            "{:<22} {:>10} {:>10} {:>8}×",
            grouped(size as u64),
            grouped(view.pixels().div_ceil(size) as u64),
            human_duration(took),
            three_digits(baseline / took.as_secs_f64())
        );
    }

    if let Some(path) = args.image {
        let written = std::fs::File::create(&path)
            .map_err(|e| e.to_string())
            .and_then(|file| {
                write_png(&reference, &view, std::io::BufWriter::new(file))
                    .map_err(|e| e.to_string())
            });
        match written {
            Ok(()) => println!("\nwrote the picture to {}", path.display()),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                std::process::exit(1);
            }
        }
    }
}
