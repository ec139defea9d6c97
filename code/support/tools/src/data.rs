//! Mechanism (c): criterion's estimates become committed data files, and the
//! data files become the markdown tables and SVG charts the chapters include.
//! The check re-renders everything in memory, so a table can be neither
//! edited by hand nor left behind by a benchmark that changed.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::chart::{BarChart, LineChart, Series, bar_chart, line_chart};
use crate::provenance::Provenance;
use crate::workspace::{ChartSpec, Example, Result, Workspace, files_under, read, verdict, write};

/// One benchmark's result, in nanoseconds per iteration. The book shows the
/// median: on a shared machine a few slow samples move the mean, not the median.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Point {
    pub(crate) id: String,
    pub(crate) function: String,
    pub(crate) parameter: Option<String>,
    pub(crate) median_ns: f64,
    pub(crate) mean_ns: f64,
    pub(crate) median_ci95_low_ns: f64,
    pub(crate) median_ci95_high_ns: f64,
}

/// Everything measured for one benchmark group on one machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct GroupData {
    pub(crate) group: String,
    pub(crate) package: String,
    pub(crate) provenance: Provenance,
    pub(crate) benchmarks: Vec<Point>,
}

fn slug(group: &str) -> String {
    group.replace('/', "-")
}

fn data_path(ws: &Workspace, chapter: &str, group: &str) -> PathBuf {
    ws.generated_dir(chapter)
        .join("data")
        .join(format!("{}.json", slug(group)))
}

/// The benchmark ids `cargo bench -- --list` printed, in definition order.
fn read_list(path: &Path) -> Result<Vec<String>> {
    let text = read(path)?;
    let ids: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_suffix(": benchmark"))
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return Err(format!(
            "{} lists no benchmarks; is it the output of `cargo bench -- --list`?",
            path.display()
        ));
    }
    Ok(ids)
}

fn owner<'a>(ws: &'a Workspace, id: &str) -> Option<&'a Example> {
    ws.examples
        .iter()
        .find(|e| id.starts_with(&format!("{}/", e.package)))
}

/// Reads `target/criterion/**/new/{benchmark,estimates}.json`.
fn criterion_points(ws: &Workspace) -> Result<BTreeMap<String, (String, Point)>> {
    let mut points = BTreeMap::new();
    for file in files_under(&ws.target.join("criterion"), &["benchmark.json"]) {
        let dir = file.parent().unwrap_or(Path::new("."));
        if dir.file_name().is_none_or(|n| n != "new") {
            continue;
        }
        let bench: Value =
            serde_json::from_str(&read(&file)?).map_err(|e| format!("{}: {e}", file.display()))?;
        let estimates: Value = serde_json::from_str(&read(&dir.join("estimates.json"))?)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let id = bench["full_id"].as_str().unwrap_or_default().to_string();
        let group = bench["group_id"].as_str().unwrap_or_default().to_string();
        let function = bench["function_id"].as_str().map(str::to_string);
        let parameter = bench["value_str"].as_str().map(str::to_string);
        let mean = &estimates["mean"];
        let median = &estimates["median"];
        let point = Point {
            id: id.clone(),
            function: function
                .unwrap_or_else(|| group.rsplit('/').next().unwrap_or("").to_string()),
            parameter,
            median_ns: median["point_estimate"].as_f64().unwrap_or(f64::NAN),
            mean_ns: mean["point_estimate"].as_f64().unwrap_or(f64::NAN),
            median_ci95_low_ns: median["confidence_interval"]["lower_bound"]
                .as_f64()
                .unwrap_or(f64::NAN),
            median_ci95_high_ns: median["confidence_interval"]["upper_bound"]
                .as_f64()
                .unwrap_or(f64::NAN),
        };
        points.insert(id, (group, point));
    }
    Ok(points)
}

/// `scripts/measure`: fresh criterion results → data files → tables and charts.
pub(crate) fn render_from_criterion(
    ws: &Workspace,
    packages: &[String],
    list: &Path,
) -> Result<()> {
    let selected: Vec<&Example> = ws.select(packages)?;
    let listed = read_list(list)?;
    let measured = criterion_points(ws)?;
    let provenance = Provenance::here(&ws.root);
    let mut groups: BTreeMap<String, GroupData> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for id in &listed {
        let Some(ex) = owner(ws, id) else { continue };
        if !selected.iter().any(|s| s.package == ex.package) {
            continue;
        }
        let Some((group, point)) = measured.get(id) else {
            return Err(format!(
                "{id} is a benchmark but criterion has no estimate for it; did `cargo bench -p {}` run?",
                ex.package
            ));
        };
        if !order.contains(group) {
            order.push(group.clone());
        }
        groups
            .entry(group.clone())
            .or_insert_with(|| GroupData {
                group: group.clone(),
                package: ex.package.clone(),
                provenance: provenance.for_package(&ws.root, &ex.dir).with_services(
                    crate::services::versions(&ws.root, &ex.needs.iter().cloned().collect()),
                ),
                benchmarks: Vec::new(),
            })
            .benchmarks
            .push(point.clone());
    }
    for group in order {
        let data = &groups[&group];
        let ex = owner(ws, &group).ok_or("group without a package")?;
        let path = data_path(ws, &ex.chapter, &group);
        write(
            &path,
            &(serde_json::to_string_pretty(data).map_err(|e| e.to_string())? + "\n"),
        )?;
        write_rendered(ws, ex, data)?;
        println!(
            "render: {group} → {}",
            ws.relative(&path.with_extension("")).display()
        );
    }
    Ok(())
}

pub(crate) fn load_all(ws: &Workspace) -> Result<Vec<(PathBuf, GroupData)>> {
    let chapters: BTreeSet<&str> = ws.examples.iter().map(|e| e.chapter.as_str()).collect();
    let mut all = Vec::new();
    for chapter in chapters {
        for file in files_under(&ws.generated_dir(chapter).join("data"), &[".json"]) {
            let data: GroupData = serde_json::from_str(&read(&file)?)
                .map_err(|e| format!("{}: not a data file: {e}", file.display()))?;
            all.push((file, data));
        }
    }
    Ok(all)
}

fn rendered(ex: &Example, data: &GroupData) -> (String, String) {
    let spec = ex.charts.get(&data.group).cloned().unwrap_or_default();
    (table(data, &spec), chart(data, &spec))
}

/// Medians that span two orders of magnitude or more cannot share a linear time
/// axis: the small ones are drawn flat against zero.
fn scale_problem(ex: &Example, data: &GroupData) -> Option<String> {
    let spec = ex.charts.get(&data.group).cloned().unwrap_or_default();
    if spec.log_y || spec.baseline.is_some() {
        return None;
    }
    let medians = data.benchmarks.iter().map(|p| p.median_ns);
    let (low, high) = medians.fold((f64::INFINITY, 0.0f64), |(lo, hi), m| {
        (lo.min(m), hi.max(m))
    });
    (low > 0.0 && high / low >= 100.0).then(|| {
        format!(
            "its medians span {:.0}x, too much for a linear time axis: set log_y = true in \
             [package.metadata.book.charts.\"{}\"] of {}'s Cargo.toml",
            high / low,
            data.group,
            ex.package
        )
    })
}

fn write_rendered(ws: &Workspace, ex: &Example, data: &GroupData) -> Result<()> {
    let (md, svg) = rendered(ex, data);
    let base = ws.generated_dir(&ex.chapter).join(slug(&data.group));
    write(&base.with_extension("md"), &md)?;
    write(&base.with_extension("svg"), &svg)
}

/// Re-renders every table and chart from the committed data.
pub(crate) fn rerender(ws: &Workspace) -> Result<()> {
    for (file, data) in load_all(ws)? {
        let ex = owner(ws, &data.group)
            .ok_or_else(|| format!("{}: no package owns {}", file.display(), data.group))?;
        write_rendered(ws, ex, &data)?;
        println!("rerender: {}", data.group);
    }
    Ok(())
}

/// Checks the data of the selected packages (all when `packages` is empty)
/// against `list`, the benchmarks those packages define.
pub(crate) fn check(ws: &Workspace, list: &Path, packages: &[String]) -> Result<()> {
    let selected: Vec<&str> = ws
        .select(packages)?
        .iter()
        .map(|e| e.package.as_str())
        .collect();
    let in_selection =
        |id: &str| owner(ws, id).is_some_and(|e| selected.contains(&e.package.as_str()));
    let listed: Vec<String> = read_list(list)?
        .into_iter()
        .filter(|id| owner(ws, id).is_none() || in_selection(id))
        .collect();
    let listed_set: BTreeSet<&String> = listed.iter().collect();
    let mut problems = Vec::new();
    let mut with_data: BTreeSet<String> = BTreeSet::new();
    let all: Vec<(PathBuf, GroupData)> = load_all(ws)?
        .into_iter()
        .filter(|(_, d)| owner(ws, &d.group).is_none() || in_selection(&d.group))
        .collect();
    for (file, data) in &all {
        let at = ws.relative(file).display().to_string();
        let Some(ex) = owner(ws, &data.group) else {
            problems.push(format!(
                "{at}: data for group {} whose package no longer exists",
                data.group
            ));
            continue;
        };
        if file != &data_path(ws, &ex.chapter, &data.group) {
            problems.push(format!(
                "{at}: data for {} belongs in {}",
                data.group,
                ws.relative(&data_path(ws, &ex.chapter, &data.group))
                    .display()
            ));
        }
        for point in &data.benchmarks {
            if listed_set.contains(&point.id) {
                with_data.insert(point.id.clone());
            } else {
                problems.push(format!(
                    "{at}: data for benchmark {} that no longer exists; run scripts/measure -p {}",
                    point.id, ex.package
                ));
            }
        }
        if let Some(problem) = scale_problem(ex, data) {
            problems.push(format!("{at}: {problem}"));
        }
        let (md, svg) = rendered(ex, data);
        let base = ws.generated_dir(&ex.chapter).join(slug(&data.group));
        for (path, expected) in [
            (base.with_extension("md"), md),
            (base.with_extension("svg"), svg),
        ] {
            match std::fs::read_to_string(&path) {
                Ok(actual) if actual == expected => {}
                Ok(_) => problems.push(format!("{}: differs from what its data renders to; run book-tools rerender (never edit it by hand)", ws.relative(&path).display())),
                Err(_) => problems.push(format!("{}: missing; run book-tools rerender", ws.relative(&path).display())),
            }
        }
    }
    for id in &listed {
        if owner(ws, id).is_none() {
            problems.push(format!(
                "benchmark {id}: its group must start with the package name and a '/'"
            ));
        } else if !with_data.contains(id) {
            let package = owner(ws, id).map_or("", |e| e.package.as_str());
            problems.push(format!(
                "benchmark {id} has no measured data; run scripts/measure -p {package}"
            ));
        }
    }
    for ex in ws
        .examples
        .iter()
        .filter(|e| selected.contains(&e.package.as_str()))
    {
        for group in ex.charts.keys() {
            if !all.iter().any(|(_, d)| &d.group == group) {
                problems.push(format!(
                    "{}: chart settings for {group}, a group with no data",
                    ex.package
                ));
            }
        }
    }
    let every = load_all(ws)?;
    let dirs: BTreeSet<&str> = ws
        .examples
        .iter()
        .filter(|e| selected.contains(&e.package.as_str()))
        .map(|e| e.chapter.as_str())
        .collect();
    for chapter in dirs {
        for file in files_under(&ws.generated_dir(chapter), &[".md", ".svg"]) {
            let stem = file
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if !every.iter().any(|(_, d)| slug(&d.group) == stem) {
                problems.push(format!(
                    "{}: a table or chart without data; delete it",
                    ws.relative(&file).display()
                ));
            }
        }
    }
    verdict("measured data", listed.len() + all.len(), &problems)
}

fn time_text(ns: f64) -> String {
    support_kit::human_nanos(ns)
}

/// Rows (parameters) and columns (functions) in the order the benchmarks were defined.
fn layout(data: &GroupData) -> (Vec<Option<String>>, Vec<String>) {
    let mut rows: Vec<Option<String>> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for p in &data.benchmarks {
        if !rows.contains(&p.parameter) {
            rows.push(p.parameter.clone());
        }
        if !columns.contains(&p.function) {
            columns.push(p.function.clone());
        }
    }
    if rows
        .iter()
        .all(|r| r.as_deref().and_then(|v| v.parse::<f64>().ok()).is_some())
    {
        rows.sort_by(|a, b| number(a).total_cmp(&number(b)));
    }
    (rows, columns)
}

fn number(parameter: &Option<String>) -> f64 {
    parameter
        .as_deref()
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn find<'a>(data: &'a GroupData, function: &str, parameter: &Option<String>) -> Option<&'a Point> {
    data.benchmarks
        .iter()
        .find(|p| p.function == function && &p.parameter == parameter)
}

/// The baseline time to compare a row against: the baseline at the same
/// parameter, or its only measurement.
fn baseline_for(data: &GroupData, baseline: &str, parameter: &Option<String>) -> Option<f64> {
    let own: Vec<&Point> = data
        .benchmarks
        .iter()
        .filter(|p| p.function == baseline)
        .collect();
    own.iter()
        .find(|p| &p.parameter == parameter)
        .or(if own.len() == 1 { own.first() } else { None })
        .map(|p| p.median_ns)
}

fn title(data: &GroupData, spec: &ChartSpec) -> String {
    spec.title.clone().unwrap_or_else(|| data.group.clone())
}

pub(crate) fn table(data: &GroupData, spec: &ChartSpec) -> String {
    let (rows, columns) = layout(data);
    let baseline = spec
        .baseline
        .as_deref()
        .filter(|b| columns.iter().any(|c| c == b));
    let speedups: Vec<&String> = columns
        .iter()
        .filter(|c| Some(c.as_str()) != baseline)
        .collect();
    let mut md = format!(
        "<!-- Generated by book-tools from {}.json; do not edit. Regenerate: scripts/measure -p {} -->\n\n",
        slug(&data.group),
        data.package
    );
    if rows == [None] {
        // No parameters: one row per benchmark reads better than one wide row.
        let first = spec.x_label.clone().unwrap_or_else(|| "benchmark".into());
        let with_speedup = baseline.is_some();
        md.push_str(&format!(
            "| {first} | median time |{}\n",
            if with_speedup { " speed-up |" } else { "" }
        ));
        md.push_str(if with_speedup {
            "|:--|--:|--:|\n"
        } else {
            "|:--|--:|\n"
        });
        for column in &columns {
            let Some(p) = find(data, column, &None) else {
                continue;
            };
            let mut line = format!("| {column} | {} |", time_text(p.median_ns));
            if let Some(base) = baseline.and_then(|b| baseline_for(data, b, &None)) {
                line.push_str(&format!(
                    " {}× |",
                    support_kit::three_digits(base / p.median_ns)
                ));
            }
            md.push_str(&line);
            md.push('\n');
        }
        md.push_str(&caption(data, spec));
        return md;
    }
    let mut header = vec![spec.x_label.clone().unwrap_or_else(|| "parameter".into())];
    if columns.len() == 1 {
        // One series: its name would only repeat the first column's meaning.
        header.push("median time".into());
    } else {
        header.extend(columns.iter().cloned());
    }
    if let Some(b) = baseline {
        header.extend(speedups.iter().map(|c| format!("{c} speed-up vs {b}")));
    }
    md.push_str(&format!("| {} |\n", header.join(" | ")));
    md.push_str(&format!(
        "|{}\n",
        ":--|".to_string() + &"--:|".repeat(header.len() - 1)
    ));
    for row in &rows {
        let mut cells = vec![row.clone().unwrap_or_else(|| "—".into())];
        for column in &columns {
            cells.push(find(data, column, row).map_or("—".into(), |p| time_text(p.median_ns)));
        }
        if let Some(b) = baseline {
            for column in &speedups {
                let ratio = baseline_for(data, b, row)
                    .zip(find(data, column, row))
                    .map(|(base, p)| base / p.median_ns);
                cells.push(ratio.map_or("—".into(), |r| {
                    format!("{}×", support_kit::three_digits(r))
                }));
            }
        }
        md.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    md.push_str(&caption(data, spec));
    md
}

fn caption(data: &GroupData, spec: &ChartSpec) -> String {
    format!(
        "\n*{}. Median time per run (criterion; mean and 95% interval in [the data]({})). Measured on {}.*\n",
        title(data, spec),
        format_args!("generated/data/{}.json", slug(&data.group)),
        data.provenance.line()
    )
}

pub(crate) fn chart(data: &GroupData, spec: &ChartSpec) -> String {
    let (rows, columns) = layout(data);
    let numeric = rows.iter().all(|r| !number(r).is_nan());
    let footer = format!("Measured on {}", data.provenance.line());
    let x_label = spec.x_label.clone().unwrap_or_else(|| "parameter".into());
    if !numeric {
        let mut bars = Vec::new();
        for column in &columns {
            for row in &rows {
                if let Some(p) = find(data, column, row) {
                    let label = match row {
                        Some(r) => format!("{column} · {r}"),
                        None => column.clone(),
                    };
                    bars.push((label, p.median_ns, time_text(p.median_ns)));
                }
            }
        }
        return bar_chart(&BarChart {
            title: title(data, spec),
            x_label: if spec.log_y {
                "median time per run, log scale (shorter is faster)".into()
            } else {
                "median time per run (shorter is faster)".into()
            },
            bars,
            log: spec.log_y.then_some(time_text as fn(f64) -> String),
            footer,
        });
    }
    let baseline = spec
        .baseline
        .as_deref()
        .filter(|b| columns.iter().any(|c| c == b));
    let mut series = Vec::new();
    if let Some(b) = baseline {
        for column in columns.iter().filter(|c| c.as_str() != b) {
            let points = rows
                .iter()
                .filter_map(|row| {
                    let p = find(data, column, row)?;
                    Some((number(row), baseline_for(data, b, row)? / p.median_ns))
                })
                .collect();
            series.push(Series {
                name: column.clone(),
                points,
                dashed: false,
                colour_of: None,
            });
        }
        for (i, column) in columns.iter().filter(|c| c.as_str() != b).enumerate() {
            if let Some(points) = spec.predicted.get(column) {
                series.push(Series {
                    name: format!("{column}, predicted"),
                    points: points.iter().map(|p| (p[0], p[1])).collect(),
                    dashed: true,
                    colour_of: Some(i),
                });
            }
        }
        let cores = data.provenance.cores as f64;
        let ideal = rows
            .iter()
            .map(|r| (number(r), number(r).min(cores)))
            .collect();
        series.push(Series {
            name: format!(
                "ideal on {} cores: min(x, {})",
                data.provenance.cores, data.provenance.cores
            ),
            points: ideal,
            dashed: true,
            colour_of: None,
        });
        return line_chart(&LineChart {
            title: title(data, spec),
            x_label,
            y_label: format!("speed-up vs {b} (×)"),
            series,
            log_x: spec.log_x,
            log_y: spec.log_y,
            footer,
        });
    }
    let max = data
        .benchmarks
        .iter()
        .map(|p| p.median_ns)
        .fold(0.0, f64::max);
    let (scale, unit) = [(1e9, "s"), (1e6, "ms"), (1e3, "µs"), (1.0, "ns")]
        .into_iter()
        .find(|(s, _)| max >= *s)
        .unwrap_or((1.0, "ns"));
    for column in &columns {
        let points = rows
            .iter()
            .filter_map(|row| find(data, column, row).map(|p| (number(row), p.median_ns / scale)))
            .collect();
        series.push(Series {
            name: column.clone(),
            points,
            dashed: false,
            colour_of: None,
        });
    }
    line_chart(&LineChart {
        title: title(data, spec),
        x_label,
        y_label: format!("median time per run ({unit})"),
        series,
        log_x: spec.log_x,
        log_y: spec.log_y,
        footer,
    })
}

#[cfg(test)]
mod render_and_check_tests {
    use super::*;

    fn provenance(cores: usize) -> Provenance {
        Provenance {
            cpu: "Test CPU".into(),
            cores,
            os: "Linux".into(),
            rustc: "rustc 1.95.0".into(),
            commit: "abc1234".into(),
            date: "2026-01-01".into(),
            virtualization: None,
            services: BTreeMap::new(),
        }
    }

    fn point(group: &str, function: &str, parameter: Option<&str>, median: f64) -> Point {
        let id = match parameter {
            Some(p) => format!("{group}/{function}/{p}"),
            None => format!("{group}/{function}"),
        };
        Point {
            id,
            function: function.into(),
            parameter: parameter.map(str::to_string),
            median_ns: median,
            mean_ns: median,
            // Whole numbers: they survive the JSON round trip exactly.
            median_ci95_low_ns: median - 1.0,
            median_ci95_high_ns: median + 1.0,
        }
    }

    fn group(name: &str, cores: usize, points: Vec<Point>) -> GroupData {
        GroupData {
            group: name.into(),
            package: "pkg".into(),
            provenance: provenance(cores),
            benchmarks: points,
        }
    }

    /// A baseline measured once (at 1) and a series defined in the order 10, 2, 1.
    fn scaling() -> GroupData {
        group(
            "pkg/scaling",
            1,
            vec![
                point("pkg/scaling", "base", Some("1"), 100.0),
                point("pkg/scaling", "threads", Some("10"), 20.0),
                point("pkg/scaling", "threads", Some("2"), 50.0),
                point("pkg/scaling", "threads", Some("1"), 100.0),
            ],
        )
    }

    fn spec(baseline: Option<&str>) -> ChartSpec {
        ChartSpec {
            title: Some("Scaling".into()),
            baseline: baseline.map(str::to_string),
            ..ChartSpec::default()
        }
    }

    /// The table's lines between the generated-by comment and the caption.
    fn body(md: &str) -> Vec<&str> {
        md.lines().filter(|l| l.starts_with('|')).collect()
    }

    #[test]
    fn a_table_sorts_numeric_rows_and_divides_the_baseline_by_each_time() {
        let md = table(&scaling(), &spec(Some("base")));
        assert_eq!(
            body(&md),
            [
                "| parameter | base | threads | threads speed-up vs base |",
                "|:--|--:|--:|--:|",
                "| 1 | 100 ns | 100 ns | 1.00× |",
                "| 2 | — | 50.0 ns | 2.00× |",
                "| 10 | — | 20.0 ns | 5.00× |",
            ]
        );
        assert!(md.starts_with("<!-- Generated by book-tools from pkg-scaling.json"));
        assert!(md.contains("*Scaling. Median time per run"), "{md}");
        assert!(
            md.contains("[the data](generated/data/pkg-scaling.json)"),
            "{md}"
        );
        assert!(md.contains("Measured on Test CPU · 1 core"), "{md}");
    }

    #[test]
    fn a_baseline_at_the_same_parameter_wins_over_another_one() {
        let data = group(
            "pkg/g",
            1,
            vec![
                point("pkg/g", "base", Some("1"), 100.0),
                point("pkg/g", "base", Some("2"), 400.0),
                point("pkg/g", "fast", Some("1"), 50.0),
                point("pkg/g", "fast", Some("2"), 100.0),
                point("pkg/g", "fast", Some("3"), 100.0),
            ],
        );
        let md = table(&data, &spec(Some("base")));
        assert_eq!(
            body(&md)[2..],
            [
                "| 1 | 100 ns | 50.0 ns | 2.00× |",
                "| 2 | 400 ns | 100 ns | 4.00× |",
                // Two baselines, neither at 3: no speed-up.
                "| 3 | — | 100 ns | — |",
            ]
        );
    }

    #[test]
    fn without_parameters_each_benchmark_is_a_row() {
        let data = group(
            "pkg/ops",
            1,
            vec![
                point("pkg/ops", "mutex", None, 200.0),
                point("pkg/ops", "atomic", None, 50.0),
            ],
        );
        let md = table(&data, &spec(Some("mutex")));
        assert_eq!(
            body(&md),
            [
                "| benchmark | median time | speed-up |",
                "|:--|--:|--:|",
                "| mutex | 200 ns | 1.00× |",
                "| atomic | 50.0 ns | 4.00× |",
            ]
        );
        // A baseline that was not measured is ignored, not shown as a column.
        let md = table(&data, &spec(Some("missing")));
        assert_eq!(
            body(&md),
            [
                "| benchmark | median time |",
                "|:--|--:|",
                "| mutex | 200 ns |",
                "| atomic | 50.0 ns |",
            ]
        );
    }

    #[test]
    fn one_series_is_headed_median_time_and_text_rows_keep_their_order() {
        let data = group(
            "pkg/sizes",
            1,
            vec![
                point("pkg/sizes", "copy", Some("large"), 3e6),
                point("pkg/sizes", "copy", Some("small"), 2e3),
            ],
        );
        assert_eq!(
            body(&table(&data, &spec(None))),
            [
                "| parameter | median time |",
                "|:--|--:|",
                "| large | 3.00 ms |",
                "| small | 2.00 µs |",
            ]
        );
    }

    /// The labels of the y axis's ticks (right-aligned text left of the plot).
    fn y_ticks(svg: &str) -> Vec<f64> {
        svg.lines()
            .filter(|l| l.contains("text-anchor=\"end\""))
            .filter_map(|l| {
                let start = l.find('>')? + 1;
                let end = l[start..].find('<')? + start;
                l[start..end].replace(',', "").parse().ok()
            })
            .collect()
    }

    #[test]
    fn a_speed_up_chart_plots_baseline_over_time_and_the_predictions() {
        let mut spec = spec(Some("base"));
        spec.predicted
            .insert("threads".into(), vec![[1.0, 1.0], [10.0, 3.0]]);
        let svg = chart(&scaling(), &spec);
        assert!(
            svg.contains("speed-up vs base (×)"),
            "a line chart of speed-ups"
        );
        assert!(
            svg.contains("threads, predicted"),
            "the prediction is drawn"
        );
        assert!(svg.contains("ideal on 1 cores: min(x, 1)"));
        // Speed-ups 1, 2 and 5 (the ideal on one core is 1): the axis ends at 6.
        let ticks = y_ticks(&svg);
        assert_eq!(ticks.iter().copied().fold(0.0, f64::max), 6.0, "{ticks:?}");
    }

    #[test]
    fn a_time_chart_picks_the_unit_of_its_largest_time() {
        let data = group(
            "pkg/t",
            1,
            vec![
                point("pkg/t", "work", Some("1"), 1e6),
                point("pkg/t", "work", Some("2"), 2e6),
                point("pkg/t", "work", Some("3"), 3e6),
            ],
        );
        // No baseline, or one that was not measured: times, not speed-ups.
        for spec in [spec(None), spec(Some("missing"))] {
            let svg = chart(&data, &spec);
            assert!(svg.contains("median time per run (ms)"), "{svg}");
            assert_eq!(y_ticks(&svg), [0.0, 1.0, 2.0, 3.0, 4.0]);
        }
    }

    #[test]
    fn text_parameters_make_a_bar_chart() {
        let data = group(
            "pkg/sizes",
            1,
            vec![point("pkg/sizes", "copy", Some("large"), 3e6)],
        );
        let svg = chart(&data, &spec(None));
        assert!(svg.contains("median time per run (shorter is faster)"));
        assert!(svg.contains("copy · large"));
        let numeric = chart(&scaling(), &spec(None));
        assert!(
            !numeric.contains("shorter is faster"),
            "numbers make a line chart"
        );
    }

    /// A throw-away workspace with one example, `pkg` in chapter `ch`.
    struct Scratch {
        ws: Workspace,
    }

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let root =
                std::env::temp_dir().join(format!("book-tools-data-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            std::fs::create_dir_all(&root).unwrap();
            let example = Example {
                package: "pkg".into(),
                chapter: "ch".into(),
                binary: None,
                outputs: Vec::new(),
                charts: BTreeMap::new(),
                needs: Vec::new(),
                dir: root.join("code/ch/pkg"),
            };
            Scratch {
                ws: Workspace {
                    target: root.join("target"),
                    root,
                    examples: vec![example],
                    support: Vec::new(),
                },
            }
        }

        fn list(&self, ids: &[&str]) -> PathBuf {
            let text: String = ids.iter().map(|id| format!("{id}: benchmark\n")).collect();
            let path = self.ws.root.join("list.txt");
            write(&path, &format!("header\n{text}")).unwrap();
            path
        }

        /// What criterion leaves behind for one benchmark.
        fn criterion(&self, point: &Point, group: &str) {
            let dir = self
                .ws
                .target
                .join("criterion")
                .join(slug(&point.id))
                .join("new");
            let bench = serde_json::json!({
                "full_id": point.id,
                "group_id": group,
                "function_id": point.function,
                "value_str": point.parameter,
            });
            let estimate = |v: f64| {
                serde_json::json!({
                    "point_estimate": v,
                    "confidence_interval": {
                        "lower_bound": point.median_ci95_low_ns,
                        "upper_bound": point.median_ci95_high_ns,
                    },
                })
            };
            let estimates = serde_json::json!({
                "mean": estimate(point.mean_ns),
                "median": estimate(point.median_ns),
            });
            write(&dir.join("benchmark.json"), &bench.to_string()).unwrap();
            write(&dir.join("estimates.json"), &estimates.to_string()).unwrap();
            // An older run beside it, which must not be read.
            let old = dir.parent().unwrap().join("base");
            write(&old.join("benchmark.json"), &bench.to_string()).unwrap();
            write(&old.join("estimates.json"), "{}").unwrap();
        }

        fn generated(&self, file: &str) -> PathBuf {
            self.ws.generated_dir("ch").join(file)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.ws.root);
        }
    }

    const IDS: [&str; 4] = [
        "pkg/scaling/base/1",
        "pkg/scaling/threads/10",
        "pkg/scaling/threads/2",
        "pkg/scaling/threads/1",
    ];

    /// Criterion results for `scaling()`, rendered the way `scripts/measure` does.
    fn measured(name: &str) -> (Scratch, PathBuf) {
        let s = Scratch::new(name);
        for p in &scaling().benchmarks {
            s.criterion(p, "pkg/scaling");
        }
        let list = s.list(&IDS);
        render_from_criterion(&s.ws, &["pkg".to_string()], &list).unwrap();
        (s, list)
    }

    #[test]
    fn criterion_results_become_data_tables_and_charts_that_check() {
        let (s, list) = measured("render");
        let data: GroupData =
            serde_json::from_str(&read(&s.generated("data/pkg-scaling.json")).unwrap()).unwrap();
        assert_eq!(
            data.benchmarks,
            scaling().benchmarks,
            "every estimate, in list order"
        );
        assert_eq!(data.package, "pkg");
        let md = read(&s.generated("pkg-scaling.md")).unwrap();
        assert!(md.contains("| 10 | — | 20.0 ns |"), "{md}");
        assert!(
            read(&s.generated("pkg-scaling.svg"))
                .unwrap()
                .starts_with("<svg")
        );
        check(&s.ws, &list, &[]).unwrap();
        // A missing table comes back from the data alone.
        std::fs::remove_file(s.generated("pkg-scaling.md")).unwrap();
        assert!(
            check(&s.ws, &list, &[]).is_err(),
            "a missing table is a problem"
        );
        rerender(&s.ws).unwrap();
        assert_eq!(read(&s.generated("pkg-scaling.md")).unwrap(), md);
        check(&s.ws, &list, &["pkg".to_string()]).unwrap();
    }

    #[test]
    fn a_listed_benchmark_without_an_estimate_stops_the_render() {
        let s = Scratch::new("no-estimate");
        let list = s.list(&IDS);
        let err = render_from_criterion(&s.ws, &[], &list).unwrap_err();
        assert!(err.contains("no estimate"), "{err}");
        let empty = s.list(&[]);
        assert!(
            render_from_criterion(&s.ws, &[], &empty).is_err(),
            "an empty list"
        );
    }

    #[test]
    fn a_hand_edited_table_fails_the_check() {
        let (s, list) = measured("edited");
        let md = s.generated("pkg-scaling.md");
        let text = read(&md).unwrap().replace("20.0 ns", "15.0 ns");
        write(&md, &text).unwrap();
        assert!(check(&s.ws, &list, &[]).is_err());
    }

    #[test]
    fn a_benchmark_without_data_fails_the_check() {
        let (s, _) = measured("unmeasured");
        let mut ids = IDS.to_vec();
        ids.push("pkg/scaling/threads/4");
        assert!(check(&s.ws, &s.list(&ids), &[]).is_err());
        // ... and so does one whose group does not start with a package.
        let mut ids = IDS.to_vec();
        ids.push("nobody/g/f");
        assert!(check(&s.ws, &s.list(&ids), &[]).is_err());
    }

    #[test]
    fn data_for_a_removed_benchmark_fails_the_check() {
        let (s, _) = measured("removed");
        assert!(check(&s.ws, &s.list(&IDS[..3]), &[]).is_err());
    }

    #[test]
    fn a_table_without_data_fails_the_check() {
        let (s, list) = measured("orphan");
        write(&s.generated("pkg-gone.md"), "old").unwrap();
        assert!(check(&s.ws, &list, &[]).is_err());
    }

    #[test]
    fn chart_settings_for_a_group_without_data_fail_the_check() {
        let (mut s, list) = measured("settings");
        s.ws.examples[0]
            .charts
            .insert("pkg/renamed".into(), ChartSpec::default());
        assert!(check(&s.ws, &list, &[]).is_err());
    }
}
