//! Small, dependency-free SVG charts: lines for numeric parameters, bars for
//! everything else. Deterministic output, so a check can re-render and compare.
use std::fmt::Write;

use crate::workspace::escape;

const WIDTH: f64 = 680.0;
const PALETTE: [&str; 6] = [
    "#1b6ac9", "#d1495b", "#2e8b57", "#8a4fbf", "#e08a00", "#6b4f3a",
];
const FONT: &str =
    "font-family=\"system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif\"";

/// One line on a line chart.
#[derive(Debug)]
pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) points: Vec<(f64, f64)>,
    pub(crate) dashed: bool,
    /// A dashed series drawn in the colour of the measured series with this
    /// index (a prediction for it); `None` draws a dashed series in grey.
    pub(crate) colour_of: Option<usize>,
}

#[derive(Debug)]
pub(crate) struct LineChart {
    pub(crate) title: String,
    pub(crate) x_label: String,
    pub(crate) y_label: String,
    pub(crate) series: Vec<Series>,
    pub(crate) log_x: bool,
    pub(crate) log_y: bool,
    pub(crate) footer: String,
}

#[derive(Debug)]
pub(crate) struct BarChart {
    pub(crate) title: String,
    pub(crate) x_label: String,
    /// Label, value, text shown at the end of the bar.
    pub(crate) bars: Vec<(String, f64, String)>,
    /// Bar lengths on a log scale, with ticks labelled by `tick_label`
    /// (for values that span orders of magnitude).
    pub(crate) log: Option<fn(f64) -> String>,
    pub(crate) footer: String,
}

/// A number short enough for a tick label.
fn tick_text(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    let magnitude = value.abs();
    if magnitude >= 1e6 && (value / 1e6).fract() == 0.0 {
        return format!("{}M", group_thousands(&format!("{:.0}", value / 1e6)));
    }
    if !(1e-3..1e9).contains(&magnitude) {
        return format!("{value:.0e}");
    }
    let text = if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if magnitude >= 10_000.0 {
        group_thousands(&text)
    } else {
        text
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An axis mapping data to pixels, with its ticks.
#[derive(Debug)]
struct Axis {
    low: f64,
    high: f64,
    log: bool,
    ticks: Vec<f64>,
}

impl Axis {
    fn new(values: &[f64], log: bool, from_zero: bool) -> Axis {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if log && min > 0.0 {
            // A little room beyond the data at both ends, in log space.
            let pad = (max / min).powf(0.04).max(1.1);
            let (low, high) = (min / pad, max * pad);
            let mut ticks = Vec::new();
            let mut decade = 10f64.powf(low.log10().floor());
            while decade <= high {
                for m in [1.0, 2.0, 5.0] {
                    let t = decade * m;
                    if t >= low && t <= high {
                        ticks.push(t);
                    }
                }
                decade *= 10.0;
            }
            if ticks.len() > 10 {
                ticks.retain(|t| (t.log10() - t.log10().round()).abs() < 1e-9);
            }
            return Axis {
                low,
                high,
                log: true,
                ticks,
            };
        }
        let low = if from_zero { 0.0f64.min(min) } else { min };
        let high = if max > low {
            max + (max - low) * 0.04
        } else {
            low + 1.0
        };
        let raw_step = (high - low) / 5.0;
        let power = 10f64.powf(raw_step.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * power)
            .find(|s| *s >= raw_step)
            .unwrap_or(power * 10.0);
        let low = (low / step).floor() * step;
        let high = (high / step).ceil() * step;
        let ticks = (0..=((high - low) / step).round() as usize)
            .map(|i| low + step * i as f64)
            .collect();
        Axis {
            low,
            high,
            log: false,
            ticks,
        }
    }

    /// 0.0 at the low end, 1.0 at the high end.
    fn fraction(&self, value: f64) -> f64 {
        if self.log {
            (value.log10() - self.low.log10()) / (self.high.log10() - self.low.log10())
        } else {
            (value - self.low) / (self.high - self.low)
        }
    }
}

/// Splits text into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

const TITLE_CHARS: usize = 68;
const FOOTER_CHARS: usize = 120;

/// Height taken by the wrapped title, so the plot can start below it.
fn title_height(title: &str) -> f64 {
    12.0 + 22.0 * wrap(title, TITLE_CHARS).len() as f64
}

fn footer_height(text: &str) -> f64 {
    8.0 + 14.0 * wrap(text, FOOTER_CHARS).len() as f64
}

fn header(svg: &mut String, height: f64, title: &str) {
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    let _ = writeln!(
        svg,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    for (i, line) in wrap(title, TITLE_CHARS).iter().enumerate() {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"600\" fill=\"#222\" {FONT}>{}</text>",
            WIDTH / 2.0,
            24.0 + 22.0 * i as f64,
            escape(line)
        );
    }
}

fn footer(svg: &mut String, height: f64, text: &str) {
    let lines = wrap(text, FOOTER_CHARS);
    for (i, line) in lines.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#666\" {FONT}>{}</text>",
            WIDTH / 2.0,
            height - 8.0 - 14.0 * (lines.len() - 1 - i) as f64,
            escape(line)
        );
    }
    svg.push_str("</svg>\n");
}

/// Legend entries laid out in rows below the plot: each entry's x and row.
fn legend_layout(names: &[&str], left: f64, right: f64) -> Vec<(f64, f64)> {
    let mut positions = Vec::new();
    let (mut x, mut row) = (left, 0.0);
    for name in names {
        let width = 40.0 + 7.0 * name.chars().count() as f64 + 18.0;
        if x + width > right && x > left {
            x = left;
            row += 1.0;
        }
        positions.push((x, row));
        x += width;
    }
    positions
}

pub(crate) fn line_chart(chart: &LineChart) -> String {
    let (left, right) = (78.0, WIDTH - 24.0);
    let top = title_height(&chart.title) + 10.0;
    let bottom = top + 290.0;
    let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
    let legend = legend_layout(&names, left, right);
    let legend_rows = legend.iter().map(|p| p.1).fold(0.0, f64::max) + 1.0;
    let height = bottom + 50.0 + 20.0 * legend_rows + footer_height(&chart.footer);
    let xs: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    let ys: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .collect();
    let x_axis = Axis::new(&xs, chart.log_x, false);
    let y_axis = Axis::new(&ys, chart.log_y, true);
    let px = |x: f64| left + x_axis.fraction(x) * (right - left);
    let py = |y: f64| bottom - y_axis.fraction(y) * (bottom - top);
    let mut svg = String::new();
    header(&mut svg, height, &chart.title);
    for &t in &y_axis.ticks {
        let y = py(t);
        let _ = writeln!(
            svg,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\" stroke=\"#e4e4e4\"/>"
        );
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"#444\" {FONT}>{}</text>",
            left - 6.0,
            y + 4.0,
            tick_text(t)
        );
    }
    // The measured x values make the best ticks, unless there are too many of them.
    let mut x_ticks: Vec<f64> = xs.clone();
    x_ticks.sort_by(f64::total_cmp);
    x_ticks.dedup();
    if x_ticks.len() > 10 {
        x_ticks = x_axis.ticks.clone();
    }
    x_ticks.sort_by(f64::total_cmp);
    x_ticks.dedup();
    for &t in &x_ticks {
        let x = px(t);
        let _ = writeln!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{bottom}\" stroke=\"#f0f0f0\"/>"
        );
        let _ = writeln!(
            svg,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#444\" {FONT}>{}</text>",
            bottom + 18.0,
            tick_text(t)
        );
    }
    let _ = writeln!(
        svg,
        "<rect x=\"{left}\" y=\"{top}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>",
        right - left,
        bottom - top
    );
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\" {FONT}>{}</text>",
        (left + right) / 2.0,
        bottom + 40.0,
        escape(&chart.x_label)
    );
    let _ = writeln!(
        svg,
        "<text x=\"18\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\" transform=\"rotate(-90 18 {:.1})\" {FONT}>{}</text>",
        (top + bottom) / 2.0,
        (top + bottom) / 2.0,
        escape(&chart.y_label)
    );
    let mut colour = 0;
    for (index, series) in chart.series.iter().enumerate() {
        let stroke = match (series.dashed, series.colour_of) {
            (true, Some(i)) => PALETTE[i % PALETTE.len()],
            (true, None) => "#888888",
            (false, _) => PALETTE[colour % PALETTE.len()],
        };
        if !series.dashed {
            colour += 1;
        }
        let mut points = series.points.clone();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let path: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let dash = if series.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"2\"{dash}/>",
            path.join(" ")
        );
        if !series.dashed {
            for &(x, y) in &points {
                let _ = writeln!(
                    svg,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{stroke}\"/>",
                    px(x),
                    py(y)
                );
            }
        }
        let (lx, row) = legend[index];
        let ly = bottom + 66.0 + 20.0 * row;
        let _ = writeln!(
            svg,
            "<line x1=\"{lx:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{stroke}\" stroke-width=\"2\"{dash}/>",
            ly - 4.0,
            lx + 28.0,
            ly - 4.0
        );
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{ly:.1}\" font-size=\"12\" fill=\"#222\" {FONT}>{}</text>",
            lx + 34.0,
            escape(&series.name)
        );
    }
    footer(&mut svg, height, &chart.footer);
    svg
}

pub(crate) fn bar_chart(chart: &BarChart) -> String {
    let row = 26.0;
    let top = title_height(&chart.title) + 6.0;
    let label_width = 230.0;
    let (left, right) = (label_width + 16.0, WIDTH - 110.0);
    let bottom = top + row * chart.bars.len() as f64;
    let height = bottom + 44.0 + footer_height(&chart.footer);
    let max = chart
        .bars
        .iter()
        .map(|b| b.1)
        .fold(0.0f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let values: Vec<f64> = chart
        .bars
        .iter()
        .map(|b| b.1)
        .filter(|v| *v > 0.0)
        .collect();
    // On a log scale the axis starts a decade below the smallest bar, so every bar shows.
    let smallest = values.iter().copied().fold(f64::INFINITY, f64::min);
    let with_floor: Vec<f64> = values.iter().copied().chain([smallest / 10.0]).collect();
    let log_axis = chart
        .log
        .filter(|_| !values.is_empty())
        .map(|label| (Axis::new(&with_floor, true, false), label));
    let mut svg = String::new();
    header(&mut svg, height, &chart.title);
    if let Some((axis, label)) = &log_axis {
        for tick in &axis.ticks {
            let x = left + axis.fraction(*tick) * (right - left);
            let _ = writeln!(
                svg,
                "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{bottom}\" stroke=\"#ddd\"/>"
            );
            let _ = writeln!(
                svg,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\" {FONT}>{}</text>",
                bottom + 14.0,
                escape(&label(*tick))
            );
        }
    }
    for (i, (label, value, text)) in chart.bars.iter().enumerate() {
        let y = top + row * i as f64;
        let width = match &log_axis {
            Some((axis, _)) if *value > 0.0 => axis.fraction(*value).max(0.0) * (right - left),
            _ => (value / max) * (right - left),
        };
        let _ = writeln!(
            svg,
            "<text x=\"{label_width:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"#222\" {FONT}>{}</text>",
            y + row / 2.0 + 4.0,
            escape(label)
        );
        let _ = writeln!(
            svg,
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
            y + 4.0,
            row - 8.0,
            PALETTE[0]
        );
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#222\" {FONT}>{}</text>",
            left + width + 6.0,
            y + row / 2.0 + 4.0,
            escape(text)
        );
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{bottom}\" stroke=\"#888\"/>"
    );
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\" {FONT}>{}</text>",
        (left + right) / 2.0,
        bottom + 30.0,
        escape(&chart.x_label)
    );
    footer(&mut svg, height, &chart.footer);
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_bars_spread_orders_of_magnitude_and_label_their_ticks() {
        let bars = |log| BarChart {
            title: "t".into(),
            x_label: "x".into(),
            bars: vec![
                ("small".into(), 10.0, "10".into()),
                ("big".into(), 1e6, "1e6".into()),
            ],
            log,
            footer: String::new(),
        };
        let width_of_first = |svg: &str| -> f64 {
            let at = svg.find("<rect x=").unwrap();
            let w = &svg[at..];
            let start = w.find("width=\"").unwrap() + 7;
            w[start..start + w[start..].find('"').unwrap()]
                .parse()
                .unwrap()
        };
        let linear = bar_chart(&bars(None));
        let log = bar_chart(&bars(Some(|v| format!("{v}"))));
        // Linearly the small bar is invisible; on a log scale it is a fifth or more of the big one.
        assert!(width_of_first(&linear) < 1.0);
        assert!(width_of_first(&log) > 20.0);
        assert!(log.contains(">1000<"), "ticks are labelled");
    }

    #[test]
    fn ticks_read_like_numbers() {
        assert_eq!(tick_text(0.0), "0");
        assert_eq!(tick_text(2.5), "2.5");
        assert_eq!(tick_text(10_000.0), "10,000");
        assert_eq!(tick_text(150.0), "150");
        assert_eq!(tick_text(2_000_000.0), "2M");
    }

    #[test]
    fn linear_axes_start_at_zero_and_cover_the_data() {
        let axis = Axis::new(&[0.7, 1.9, 3.2], false, true);
        assert_eq!(axis.low, 0.0);
        assert!(axis.high >= 3.2);
        let log = Axis::new(&[1.0, 10_000.0], true, true);
        assert_eq!(log.ticks, [1.0, 10.0, 100.0, 1_000.0, 10_000.0]);
        let narrow = Axis::new(&[12.0, 30.0], true, true);
        assert_eq!(narrow.ticks, [20.0]);
    }
}
