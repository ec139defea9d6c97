//! Every way of cutting the picture into tasks paints the same picture, for
//! every size, pool and granularity: no pixel lost, none painted twice wrong.

use rayon_mandelbrot::{
    View, escape_time, fixed_tasks, pool, rayon_pixels, rayon_rows, scope_bands, sequential, shade,
    static_bands, work_per_band, write_png,
};

fn views() -> Vec<View> {
    vec![
        View::book(64, 40, 200),
        View::book(37, 23, 50), // sizes that divide into nothing evenly
        View::book(8, 8, 1),
        View::book(120, 9, 300),
    ]
}

#[test]
fn escape_times_of_known_points() {
    // 0 and -1 stay bounded for ever: in the set.
    assert_eq!(escape_time(0.0, 0.0, 500), 500);
    assert_eq!(escape_time(-1.0, 0.0, 500), 500);
    // 2 + 0i: z goes 0, 2, 6; |6| > 2 is seen at the third look.
    assert_eq!(escape_time(2.0, 0.0, 500), 2);
    // Far outside: |c|² > 4 is seen after one step.
    assert_eq!(escape_time(3.0, 3.0, 500), 1);
    assert_eq!(escape_time(0.3, 0.0, 1), 1);
}

#[test]
fn every_strategy_paints_the_sequential_picture() {
    for view in views() {
        let expected = sequential(&view);
        assert_eq!(expected.len(), view.pixels());
        for workers in [1, 2, 3, 8] {
            assert_eq!(static_bands(&view, workers), expected, "static, {workers}");
            let pool = pool(workers);
            assert_eq!(pool.install(|| rayon_rows(&view)), expected);
            assert_eq!(pool.install(|| rayon_pixels(&view)), expected);
            for bands in [1, 2, 5, 100] {
                assert_eq!(pool.install(|| scope_bands(&view, bands)), expected);
            }
            for size in [
                1,
                3,
                7,
                view.width,
                view.pixels() / 2 + 1,
                view.pixels(),
                10 * view.pixels(),
            ] {
                assert_eq!(
                    pool.install(|| fixed_tasks(&view, size)),
                    expected,
                    "{size} pixels per task, {workers} workers"
                );
            }
        }
    }
}

#[test]
fn the_bands_of_a_static_split_hold_all_the_work_and_the_bottom_holds_most() {
    let view = View::book(120, 80, 300);
    let image = sequential(&view);
    let total: u64 = image.iter().map(|&n| u64::from(n) + 1).sum();
    for bands in [1, 2, 3, 7, 80] {
        let work = work_per_band(&image, &view, bands);
        assert_eq!(work.iter().sum::<u64>(), total, "{bands} bands");
    }
    // The property the chapter's static split trips over: the picture's
    // lower half holds far more iterations than its upper half.
    let halves = work_per_band(&image, &view, 2);
    assert!(halves[1] > 3 * halves[0], "{halves:?}");
}

#[test]
fn the_png_decodes_to_the_shaded_picture() {
    let view = View::book(40, 24, 100);
    let image = sequential(&view);
    let mut bytes = Vec::new();
    write_png(&image, &view, &mut bytes).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut grey = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut grey).unwrap();
    assert_eq!((info.width, info.height), (40, 24));
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let expected: Vec<u8> = image.iter().map(|&n| shade(n, 100)).collect();
    assert_eq!(&grey[..info.buffer_size()], &expected[..]);
    // Points in the set are black, and some points are not.
    assert_eq!(shade(100, 100), 0);
    assert!(grey.contains(&0) && grey.iter().any(|&g| g > 200));
}
