//! The Mandelbrot set, rendered row by row: a picture whose rows cost very
//! different amounts of work. A pixel inside the set runs the full number of
//! iterations before the renderer gives up on it; a pixel far outside escapes
//! after one or two. Splitting the rows evenly among threads therefore does
//! not split the work evenly, and that is what this crate measures: a static
//! split into one band per thread, rayon's work stealing over rows and over
//! pixels, and how the size of a task changes the time.
#![forbid(unsafe_code)]

use std::thread;

use rayon::prelude::*;

/// The part of the complex plane the picture shows. It is not centred on the
/// real axis on purpose: the set's heavy body sits in the lower part of the
/// picture and its thin upper filaments in the upper part, so the top half of
/// the rows is much cheaper than the bottom half.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub width: usize,
    pub height: usize,
    pub max_iterations: u32,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl View {
    /// The book's picture at `width` × `height` pixels.
    pub fn book(width: usize, height: usize, max_iterations: u32) -> View {
        View {
            width,
            height,
            max_iterations,
            left: -2.2,
            right: 0.8,
            top: 1.35,
            bottom: -0.4,
        }
    }

    pub fn pixels(&self) -> usize {
        self.width * self.height
    }

    /// The point of the plane at the centre of pixel (`column`, `row`).
    pub fn point(&self, column: usize, row: usize) -> (f64, f64) {
        let x = self.left + (column as f64 + 0.5) * (self.right - self.left) / self.width as f64;
        let y = self.top - (row as f64 + 0.5) * (self.top - self.bottom) / self.height as f64;
        (x, y)
    }
}

// ANCHOR: escape
/// How many iterations of z ← z² + c it takes for |z| to pass 2, starting
/// from z = 0 with c = `x` + `y`i; `max` if it never does within `max`
/// (the point is then taken to be in the set). This is the whole cost of a
/// pixel: one iteration for most points far outside, `max` for every point
/// inside.
pub fn escape_time(x: f64, y: f64, max: u32) -> u32 {
    let (mut re, mut im) = (0.0f64, 0.0f64);
    for n in 0..max {
        let (re2, im2) = (re * re, im * im);
        if re2 + im2 > 4.0 {
            return n;
        }
        im = 2.0 * re * im + y;
        re = re2 - im2 + x;
    }
    max
}
// ANCHOR_END: escape

/// Renders pixels `first..first + out.len()` (numbered row by row) into
/// `out`, one escape time each.
pub fn render_span(view: &View, first: usize, out: &mut [u32]) {
    for (offset, pixel) in out.iter_mut().enumerate() {
        let index = first + offset;
        let (x, y) = view.point(index % view.width, index / view.width);
        *pixel = escape_time(x, y, view.max_iterations);
    }
}

// ANCHOR: sequential
/// One thread renders every row, top to bottom.
pub fn sequential(view: &View) -> Vec<u32> {
    let mut image = vec![0; view.pixels()];
    render_span(view, 0, &mut image);
    image
}
// ANCHOR_END: sequential

// ANCHOR: static_bands
/// The picture cut into `threads` bands of (nearly) equal numbers of rows,
/// one scoped thread per band: an even split of the rows, decided before any
/// work starts.
pub fn static_bands(view: &View, threads: usize) -> Vec<u32> {
    let mut image = vec![0; view.pixels()];
    let rows_per_band = view.height.div_ceil(threads.max(1));
    let band_len = rows_per_band * view.width;
    thread::scope(|scope| {
        for (band, pixels) in image.chunks_mut(band_len).enumerate() {
            scope.spawn(move || render_span(view, band * band_len, pixels));
        }
    });
    image
}
// ANCHOR_END: static_bands

// ANCHOR: rayon_rows
/// One item per row, on rayon's pool: `par_chunks_mut` makes each row an
/// item, rayon groups rows into tasks as it cuts, and idle threads steal the
/// rows that busy ones have not reached yet.
pub fn rayon_rows(view: &View) -> Vec<u32> {
    let mut image = vec![0; view.pixels()];
    image
        .par_chunks_mut(view.width)
        .enumerate()
        .for_each(|(row, pixels)| render_span(view, row * view.width, pixels));
    image
}
// ANCHOR_END: rayon_rows

// ANCHOR: rayon_pixels
/// One item per pixel, and rayon decides how many pixels make a task: it
/// splits the range in halves while threads are idle to steal them, and
/// stops splitting when nobody is.
pub fn rayon_pixels(view: &View) -> Vec<u32> {
    (0..view.pixels())
        .into_par_iter()
        .map(|index| {
            let (x, y) = view.point(index % view.width, index / view.width);
            escape_time(x, y, view.max_iterations)
        })
        .collect()
}
// ANCHOR_END: rayon_pixels

// ANCHOR: granularity
/// Exactly `pixels_per_task` pixels in every task (the last may have fewer):
/// `with_max_len(1)` forbids rayon from putting two chunks in one task, so
/// the chunk size alone sets the granularity.
pub fn fixed_tasks(view: &View, pixels_per_task: usize) -> Vec<u32> {
    let mut image = vec![0; view.pixels()];
    image
        .par_chunks_mut(pixels_per_task.max(1))
        .enumerate()
        .with_max_len(1)
        .for_each(|(task, pixels)| render_span(view, task * pixels_per_task.max(1), pixels));
    image
}
// ANCHOR_END: granularity

// ANCHOR: scope_bands
/// The static split again, but on rayon's pool with `rayon::scope`: one
/// spawned task per band. With as many bands as threads it is as uneven as
/// [`static_bands`]; with many more bands than threads, the threads that
/// finish early take the bands that are left.
pub fn scope_bands(view: &View, bands: usize) -> Vec<u32> {
    let mut image = vec![0; view.pixels()];
    let rows_per_band = view.height.div_ceil(bands.max(1));
    let band_len = rows_per_band * view.width;
    rayon::scope(|scope| {
        for (band, pixels) in image.chunks_mut(band_len).enumerate() {
            scope.spawn(move |_| render_span(view, band * band_len, pixels));
        }
    });
    image
}
// ANCHOR_END: scope_bands

/// How many iterations each of `bands` equal bands of rows costs: the work a
/// static split gives each thread.
pub fn work_per_band(image: &[u32], view: &View, bands: usize) -> Vec<u64> {
    let rows_per_band = view.height.div_ceil(bands.max(1));
    image
        .chunks(rows_per_band * view.width)
        .map(|band| band.iter().map(|&n| u64::from(n) + 1).sum())
        .collect()
}

/// A rayon pool of exactly `workers` threads, for `pool.install(|| ...)`.
pub fn pool(workers: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("the operating system refused to start the pool's threads")
}

/// Shades an escape time as a grey level: points in the set are black, the
/// rest brighter the sooner they escape, on a logarithmic scale so that the
/// filaments near the set stay visible.
pub fn shade(iterations: u32, max: u32) -> u8 {
    if iterations >= max {
        return 0;
    }
    let t = (1.0 + iterations as f64).ln() / (1.0 + max as f64).ln();
    (255.0 - 235.0 * t).round() as u8
}

/// Writes the picture as an 8-bit greyscale PNG.
pub fn write_png(
    image: &[u32],
    view: &View,
    out: impl std::io::Write,
) -> Result<(), png::EncodingError> {
    let mut encoder = png::Encoder::new(out, view.width as u32, view.height as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header()?;
    let grey: Vec<u8> = image
        .iter()
        .map(|&n| shade(n, view.max_iterations))
        .collect();
    writer.write_image_data(&grey)?;
    writer.finish()
}
