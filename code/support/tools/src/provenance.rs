//! Where and when a number was measured: the stamp every table, chart and
//! captured output carries.
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Provenance {
    pub(crate) cpu: String,
    pub(crate) cores: usize,
    pub(crate) os: String,
    pub(crate) rustc: String,
    pub(crate) commit: String,
    pub(crate) date: String,
    /// The hypervisor (and container) the run was in, if any: a virtual
    /// machine's vCPUs and wake-ups cost more than bare metal's cores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) virtualization: Option<String>,
    /// Versions of the services a benchmark talked to (RabbitMQ, Erlang, CPython, Celery).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) services: BTreeMap<String, String>,
}

impl Provenance {
    pub(crate) fn here(root: &Path) -> Provenance {
        Provenance {
            cpu: cpu_model(),
            cores: support_kit::cores(),
            os: os_name(),
            rustc: run("rustc", &["--version"], root)
                .unwrap_or_else(|| "rustc (unknown version)".into()),
            commit: commit(root),
            date: today(),
            virtualization: virtualization(),
            services: BTreeMap::new(),
        }
    }

    /// The same stamp for one package: `-dirty` only when the code that
    /// package is built from differs from the commit (its folder, the path
    /// dependencies its manifest names, the support crates and the lock file),
    /// so work in progress elsewhere in the tree does not mark it.
    pub(crate) fn for_package(&self, root: &Path, dir: &Path) -> Provenance {
        let mut paths: Vec<String> = vec![
            dir.to_string_lossy().to_string(),
            "code/support".into(),
            "Cargo.toml".into(),
            "Cargo.lock".into(),
        ];
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        for line in manifest.lines() {
            if let Some(at) = line.find("path = \"") {
                let rest = &line[at + 8..];
                if let Some(end) = rest.find('"') {
                    paths.push(dir.join(&rest[..end]).to_string_lossy().to_string());
                }
            }
        }
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        Provenance {
            commit: commit_of(root, &refs),
            ..self.clone()
        }
    }

    /// The same stamp with the versions of the services a package uses.
    pub(crate) fn with_services(&self, services: BTreeMap<String, String>) -> Provenance {
        Provenance {
            services,
            ..self.clone()
        }
    }

    /// One line for the foot of a table or an output.
    pub(crate) fn line(&self) -> String {
        let unit = if self.virtualization.is_some() {
            "vCPU"
        } else {
            "core"
        };
        let mut line = format!(
            "{} · {} {unit}{}",
            self.cpu,
            self.cores,
            if self.cores == 1 { "" } else { "s" },
        );
        if let Some(vm) = &self.virtualization {
            line.push_str(&format!(" · {vm}"));
        }
        line.push_str(&format!(" · {} · {}", self.os, self.rustc));
        if !self.services.is_empty() {
            let versions: Vec<&str> = self.services.values().map(String::as_str).collect();
            line.push_str(&format!(" · {}", versions.join(", ")));
        }
        line.push_str(&format!(" · commit {} · {}", self.commit, self.date));
        line
    }
}

fn run(program: &str, args: &[&str], dir: &Path) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn cpu_model() -> String {
    if let Ok(info) = std::fs::read_to_string("/proc/cpuinfo") {
        for line in info.lines() {
            if let Some((key, value)) = line.split_once(':')
                && key.trim() == "model name"
            {
                return value.split_whitespace().collect::<Vec<_>>().join(" ");
            }
        }
    }
    run(
        "sysctl",
        &["-n", "machdep.cpu.brand_string"],
        Path::new("."),
    )
    .unwrap_or_else(|| format!("unknown {} CPU", std::env::consts::ARCH))
}

/// "KVM virtual machine", "… in a container", or None on bare metal: read
/// from lscpu's hypervisor line, the CPU's `hypervisor` flag and the
/// container markers.
fn virtualization() -> Option<String> {
    let hypervisor = run("lscpu", &[], Path::new("."))
        .and_then(|text| {
            text.lines().find_map(|l| {
                l.strip_prefix("Hypervisor vendor:")
                    .map(|v| format!("{} virtual machine", v.trim()))
            })
        })
        .or_else(|| {
            std::fs::read_to_string("/proc/cpuinfo")
                .ok()?
                .lines()
                .any(|l| l.starts_with("flags") && l.split_whitespace().any(|f| f == "hypervisor"))
                .then(|| "virtual machine".to_string())
        });
    let container = Path::new("/.dockerenv").exists()
        || std::fs::read_to_string("/proc/1/cgroup")
            .is_ok_and(|c| c.contains("docker") || c.contains("containerd"));
    match (hypervisor, container) {
        (Some(vm), true) => Some(format!("{vm}, in a container")),
        (Some(vm), false) => Some(vm),
        (None, true) => Some("container".into()),
        (None, false) => None,
    }
}

fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        });
    let kernel = run("uname", &["-sr"], Path::new("."));
    match (pretty, kernel) {
        (Some(p), Some(k)) => format!("{p} ({k})"),
        (Some(p), None) => p,
        (None, Some(k)) => k,
        (None, None) => std::env::consts::OS.to_string(),
    }
}

/// The commit the measured code came from; `-dirty` when the code or its
/// dependencies differ from that commit (generated files don't count).
fn commit(root: &Path) -> String {
    commit_of(root, &["code", "Cargo.toml", "Cargo.lock"])
}

/// The commit, `-dirty` only when these paths differ from it.
fn commit_of(root: &Path, paths: &[&str]) -> String {
    let Some(hash) = run("git", &["rev-parse", "--short=10", "HEAD"], root) else {
        return "unknown".into();
    };
    let mut args = vec!["status", "--porcelain", "--"];
    args.extend_from_slice(paths);
    let changes = run("git", &args, root);
    match changes {
        Some(c) if !c.is_empty() => format!("{hash}-dirty"),
        _ => hash,
    }
}

/// Today's UTC date as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Converts days since 1970-01-01 into a Gregorian date, by Howard Hinnant's
/// era-based `civil_from_days` ("chrono-Compatible Low-Level Date Algorithms").
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn dates_known_by_heart() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_781), (2026, 11, 24));
    }
}
