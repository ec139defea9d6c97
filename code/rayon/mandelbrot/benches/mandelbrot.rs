use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use rayon_mandelbrot::{
    View, fixed_tasks, pool, rayon_pixels, rayon_rows, scope_bands, sequential, static_bands,
};

/// The CLI's default picture.
fn view() -> View {
    View::book(720, 420, 600)
}

/// One thread per core for every parallel version; the names say how the
/// rows are shared out.
fn strategy(c: &mut Criterion) {
    let view = view();
    let workers = support_kit::cores();
    let pool = pool(workers);
    let mut group = c.benchmark_group("rayon-mandelbrot/strategy");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(2_000));
    group.bench_function("sequential", |b| b.iter(|| sequential(&view)));
    group.bench_function("static-bands", |b| b.iter(|| static_bands(&view, workers)));
    group.bench_function("scope-one-band-per-thread", |b| {
        b.iter(|| pool.install(|| scope_bands(&view, workers)))
    });
    group.bench_function("scope-16-bands-per-thread", |b| {
        b.iter(|| pool.install(|| scope_bands(&view, 16 * workers)))
    });
    group.bench_function("rayon-rows", |b| {
        b.iter(|| pool.install(|| rayon_rows(&view)))
    });
    group.bench_function("rayon-pixels", |b| {
        b.iter(|| pool.install(|| rayon_pixels(&view)))
    });
    group.finish();
}

/// The same picture cut into tasks of a fixed number of pixels, from one
/// pixel per task to half the picture per task.
fn granularity(c: &mut Criterion) {
    let view = view();
    let pool = pool(support_kit::cores());
    let mut group = c.benchmark_group("rayon-mandelbrot/granularity");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(2_000));
    group.bench_function(BenchmarkId::new("sequential", view.pixels()), |b| {
        b.iter(|| sequential(&view))
    });
    for size in [1, 16, 256, 4_096, 65_536, view.pixels().div_ceil(2)] {
        group.bench_with_input(BenchmarkId::new("fixed-tasks", size), &size, |b, &size| {
            b.iter(|| pool.install(|| fixed_tasks(&view, size)))
        });
    }
    group.finish();
}

criterion_group!(benches, strategy, granularity);
criterion_main!(benches);
