//! The services some examples talk to. A crate declares them in its manifest
//! (`[package.metadata.book] needs = ["rabbitmq", "celery"]`); `test` and
//! `measure` start or check exactly the ones the selected crates need, and
//! say in one line how to get a missing one.
use std::collections::{BTreeMap, BTreeSet};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::workspace::{Result, Workspace};

/// Python Celery, pinned: the version the interoperability tests were written against.
pub(crate) const CELERY_VERSION: &str = "5.7.0";

/// The services a crate may name, what each is, and how a reader gets it.
pub(crate) const SERVICES: [(&str, &str); 5] = [
    ("rabbitmq", "a RabbitMQ broker at AMQP_URL"),
    ("redis", "a Redis server at REDIS_URL"),
    ("python", "CPython 3.9 or newer as python3"),
    ("celery", "Python Celery, pinned, in target/celery-venv"),
    ("erlang", "Erlang/OTP's erl"),
];

pub(crate) fn amqp_url() -> String {
    std::env::var("AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// `scheme://user:pass@host:port/path` → `host:port` (with the scheme's default port).
pub(crate) fn host_port(url: &str, default_port: u16) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let rest = rest.split('/').next().unwrap_or(rest);
    if rest.contains(':') {
        rest.to_string()
    } else {
        format!("{rest}:{default_port}")
    }
}

fn answers(host_port: &str) -> bool {
    let Ok(addrs) = host_port.to_socket_addrs() else {
        return false;
    };
    addrs
        .into_iter()
        .any(|a| TcpStream::connect_timeout(&a, Duration::from_secs(1)).is_ok())
}

fn is_local(host_port: &str) -> bool {
    ["127.", "localhost:", "[::1]:"]
        .iter()
        .any(|p| host_port.starts_with(p))
}

/// The full path of `program` on PATH, if it is there.
pub(crate) fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn quiet(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub(crate) fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn wait_until(what: &str, seconds: u64, ready: impl Fn() -> bool) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !ready() {
        if Instant::now() > deadline {
            return Err(format!("{what} after {seconds} s"));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Ok(())
}

fn rabbitmq() -> Result<()> {
    let at = host_port(&amqp_url(), 5672);
    if answers(&at) {
        return Ok(());
    }
    if !is_local(&at) {
        return Err(format!(
            "no RabbitMQ answers at {at} (AMQP_URL); start it, or unset AMQP_URL to use a local one"
        ));
    }
    if which("rabbitmq-server").is_none() {
        return Err(format!(
            "no RabbitMQ at {at}: install one (Debian: sudo apt-get install rabbitmq-server; or docker run -d -p 5672:5672 rabbitmq:3) and run this again"
        ));
    }
    eprintln!("starting a local RabbitMQ (rabbitmq-server -detached)");
    quiet("rabbitmq-server", &["-detached"]);
    wait_until(
        &format!("started rabbitmq-server but nothing answers on {at} (see /var/log/rabbitmq)"),
        90,
        || answers(&at),
    )?;
    // The port opens a moment before the broker accepts logins.
    if which("rabbitmqctl").is_none() || !quiet("rabbitmqctl", &["await_startup"]) {
        std::thread::sleep(Duration::from_secs(3));
    }
    Ok(())
}

fn redis() -> Result<()> {
    let at = host_port(&redis_url(), 6379);
    if answers(&at) {
        return Ok(());
    }
    if !is_local(&at) || which("redis-server").is_none() {
        return Err(format!(
            "no Redis answers at {at} (REDIS_URL): install one (Debian: sudo apt-get install redis-server) and run this again"
        ));
    }
    let port = at.rsplit(':').next().unwrap_or("6379");
    eprintln!("starting a local Redis on port {port}");
    quiet(
        "redis-server",
        &[
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            port,
            "--save",
            "",
            "--appendonly",
            "no",
        ],
    );
    wait_until(
        &format!("started redis-server but nothing answers on {at}"),
        30,
        || answers(&at),
    )
}

fn python() -> Result<()> {
    let version = output_of(
        "python3",
        &[
            "-c",
            "import sys; print('%d.%d' % sys.version_info[:2])",
        ],
    )
    .ok_or("python3 not found: these examples need CPython 3.9 or newer (Debian: sudo apt-get install python3 python3-venv)")?;
    let minor: u32 = version
        .strip_prefix("3.")
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if minor < 9 {
        return Err(format!(
            "python3 is {version}; these examples need CPython 3.9 or newer"
        ));
    }
    Ok(())
}

pub(crate) fn celery_venv(root: &Path) -> PathBuf {
    std::env::var_os("CELERY_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target").join("celery-venv"))
}

fn celery(root: &Path) -> Result<()> {
    // redis-py, for Celery's Redis broker and result backend (queues-celery-redis);
    // kombu 5.7.0's `redis` extra accepts 6.4.0 up to (not including) 9.
    const REDIS_PY_VERSION: &str = "8.2.0";
    let venv = celery_venv(root);
    let interpreter = venv.join("bin").join("python");
    let check = format!(
        "import celery, redis, sys; sys.exit(celery.__version__ != '{CELERY_VERSION}' or redis.__version__ != '{REDIS_PY_VERSION}')"
    );
    if interpreter.is_file() && quiet(&interpreter.to_string_lossy(), &["-c", &check]) {
        return Ok(());
    }
    python()?;
    eprintln!(
        "installing Python Celery {CELERY_VERSION} and redis-py {REDIS_PY_VERSION} into {} (once)",
        venv.display()
    );
    let venv_text = venv.to_string_lossy().to_string();
    if !quiet("python3", &["-m", "venv", &venv_text]) {
        return Err("python3 -m venv failed (Debian: sudo apt-get install python3-venv)".into());
    }
    let pip = venv.join("bin").join("pip");
    let pins = [
        format!("celery[redis]=={CELERY_VERSION}"),
        format!("redis=={REDIS_PY_VERSION}"),
    ];
    if !quiet(
        &pip.to_string_lossy(),
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &pins[0],
            &pins[1],
        ],
    ) {
        return Err(format!(
            "could not install {} and {} from PyPI into {venv_text}",
            pins[0], pins[1]
        ));
    }
    Ok(())
}

fn erlang() -> Result<()> {
    if quiet("erl", &["-noshell", "-eval", "halt()."]) {
        Ok(())
    } else {
        Err("erl not found: install Erlang/OTP (Debian: sudo apt-get install erlang-base)".into())
    }
}

/// Starts or checks each named service, in a fixed order; the first that
/// cannot be had ends the run with its one line.
pub(crate) fn ensure(ws: &Workspace, names: &BTreeSet<String>) -> Result<()> {
    for (name, what) in SERVICES {
        if !names.contains(name) {
            continue;
        }
        eprintln!("service {name}: {what}");
        match name {
            "rabbitmq" => rabbitmq()?,
            "redis" => redis()?,
            "python" => python()?,
            "celery" => celery(&ws.root)?,
            "erlang" => erlang()?,
            _ => unreachable!("SERVICES lists only these"),
        }
    }
    Ok(())
}

/// The versions of the named services, for the stamp on measured data.
pub(crate) fn versions(root: &Path, names: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for name in names {
        let version = match name.as_str() {
            "rabbitmq" => output_of("rabbitmqctl", &["version"]).map(|v| format!("RabbitMQ {v}")),
            "redis" => output_of("redis-server", &["--version"]).and_then(|v| {
                v.split_whitespace()
                    .find_map(|w| w.strip_prefix("v="))
                    .map(|v| format!("Redis {v}"))
            }),
            "python" => {
                output_of("python3", &["--version"]).map(|v| v.replace("Python", "CPython"))
            }
            "celery" => {
                let python = celery_venv(root).join("bin").join("python");
                output_of(
                    &python.to_string_lossy(),
                    &["-c", "import celery; print(celery.__version__)"],
                )
                .map(|v| format!("Celery {v}"))
            }
            "erlang" => output_of(
                "erl",
                &[
                    "-noshell",
                    "-eval",
                    "io:format(\"~s\", [erlang:system_info(otp_release)]), halt().",
                ],
            )
            .map(|v| format!("Erlang/OTP {v}")),
            _ => None,
        };
        if let Some(v) = version {
            found.insert(name.clone(), v);
        }
    }
    // RabbitMQ runs on Erlang: its version matters to the broker's numbers.
    if names.contains("rabbitmq")
        && !found.contains_key("erlang")
        && let Some(v) = output_of(
            "erl",
            &[
                "-noshell",
                "-eval",
                "io:format(\"~s\", [erlang:system_info(otp_release)]), halt().",
            ],
        )
    {
        found.insert("erlang".into(), format!("Erlang/OTP {v}"));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_strips_scheme_credentials_and_path() {
        assert_eq!(
            host_port("amqp://guest:guest@127.0.0.1:5672/%2f", 5672),
            "127.0.0.1:5672"
        );
        assert_eq!(host_port("amqp://broker/vhost", 5672), "broker:5672");
        assert_eq!(host_port("redis://127.0.0.1:6380", 6379), "127.0.0.1:6380");
        assert_eq!(host_port("localhost", 6379), "localhost:6379");
    }

    #[test]
    fn only_loopback_counts_as_local() {
        assert!(is_local("127.0.0.1:5672"));
        assert!(is_local("localhost:5672"));
        assert!(!is_local("10.0.0.1:5672"));
        assert!(!is_local("broker:5672"));
    }

    #[test]
    fn a_closed_port_does_not_answer() {
        // Bind, learn the port, close: nothing listens there now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        assert!(!answers(&format!("127.0.0.1:{port}")));
        let open = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let at = open.local_addr().expect("addr");
        assert!(answers(&at.to_string()));
    }

    #[test]
    fn the_default_urls_are_the_local_services() {
        if std::env::var_os("AMQP_URL").is_none() {
            assert_eq!(host_port(&amqp_url(), 5672), "127.0.0.1:5672");
            assert!(amqp_url().ends_with("/%2f"), "the default vhost");
        }
        if std::env::var_os("REDIS_URL").is_none() {
            assert_eq!(host_port(&redis_url(), 6379), "127.0.0.1:6379");
        }
    }

    #[test]
    fn programs_are_found_on_the_path_and_their_output_read() {
        let sh = which("sh").expect("sh is on PATH");
        assert!(sh.is_absolute() && sh.ends_with("sh"), "{}", sh.display());
        assert_eq!(which("no-such-program-for-book-tools"), None);
        assert!(quiet("sh", &["-c", "exit 0"]));
        assert!(!quiet("sh", &["-c", "exit 3"]));
        assert_eq!(
            output_of("sh", &["-c", "echo ' 4.2 '"]),
            Some("4.2".to_string())
        );
        assert_eq!(output_of("sh", &["-c", "echo partial; exit 1"]), None);
    }

    #[test]
    fn waiting_ends_when_ready_or_at_the_deadline() {
        let calls = std::cell::Cell::new(0);
        // Ready on the second look, well inside the deadline.
        wait_until("never", 5, || {
            calls.set(calls.get() + 1);
            calls.get() > 1
        })
        .unwrap();
        assert_eq!(calls.get(), 2);
        let started = Instant::now();
        let err = wait_until("nothing answers", 1, || false).unwrap_err();
        assert_eq!(err, "nothing answers after 1 s");
        assert!(started.elapsed() >= Duration::from_secs(1), "it waited");
    }

    #[test]
    fn the_celery_venv_lives_in_the_target_folder() {
        if std::env::var_os("CELERY_VENV").is_none() {
            assert_eq!(
                celery_venv(Path::new("/w")),
                PathBuf::from("/w/target/celery-venv")
            );
        }
    }

    #[test]
    fn versions_name_the_services_found() {
        let names: BTreeSet<String> = ["python".to_string()].into();
        let found = versions(Path::new("/nonexistent"), &names);
        if which("python3").is_some() {
            let v = &found["python"];
            assert!(v.starts_with("CPython 3."), "{v}");
        }
        assert!(
            found.keys().all(|k| k == "python"),
            "only what was asked: {found:?}"
        );
    }
}
