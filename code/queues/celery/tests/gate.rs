//! The gate's check, without a broker: it lets through every call of every
//! task, by position (as Python sends them) and by name (as celery-rs sends
//! them), and refuses, with one line that says why, what the worker would drop.
use lapin::BasicProperties;
use lapin::types::{AMQPValue, FieldTable};
use queues_celery::Job;
use queues_celery::gate::{check, known_tasks};
use queues_celery::wire::{celery_properties, string_headers};
use serde_json::{Map, Value, json};

const ID: &str = "7d2a7a8e-1b4c-4e4f-9a55-0c1f2f3e4d5a";
const EMBED: &str = r#"{"callbacks": null, "errbacks": null, "chain": null, "chord": null}"#;

fn properties(task: &str) -> BasicProperties {
    celery_properties(string_headers(&[("task", task), ("id", ID)]), ID)
}

fn body(args: Value, kwargs: Value) -> Vec<u8> {
    format!("[{args}, {kwargs}, {EMBED}]").into_bytes()
}

#[test]
fn every_task_the_worker_registers_is_known() {
    let jobs = [
        Job::Add(1, 2),
        Job::WordCount("a".into()),
        Job::CountPrimes(3),
        Job::Nap(4),
    ];
    let mut names: Vec<&str> = jobs.iter().map(Job::name).collect();
    let mut known = known_tasks();
    names.sort_unstable();
    known.sort_unstable();
    assert_eq!(names, known);
}

#[test]
fn every_call_passes_by_position_and_by_name() {
    let jobs = [
        Job::Add(2, 3),
        Job::Add(i64::MIN, i64::MAX),
        Job::WordCount(String::new()),
        Job::WordCount("some words here".into()),
        Job::CountPrimes(0),
        Job::CountPrimes(u64::MAX),
        Job::Nap(0),
    ];
    let names = |job: &Job| match job {
        Job::Add(..) => vec!["x", "y"],
        Job::WordCount(_) => vec!["text"],
        Job::CountPrimes(_) => vec!["limit"],
        Job::Nap(_) => vec!["ms"],
    };
    for job in &jobs {
        let args = job.args();
        let by_position = body(args.clone(), json!({}));
        assert_eq!(
            check(&properties(job.name()), &by_position),
            Ok(job.name()),
            "{}",
            job.describe()
        );
        let kwargs: Map<String, Value> = names(job)
            .into_iter()
            .map(String::from)
            .zip(args.as_array().unwrap().iter().cloned())
            .collect();
        let by_name = body(json!([]), Value::Object(kwargs));
        assert_eq!(
            check(&properties(job.name()), &by_name),
            Ok(job.name()),
            "{}",
            job.describe()
        );
    }
    // Part by position, the rest by name.
    let mixed = body(json!([2]), json!({"y": 3}));
    assert_eq!(check(&properties("add"), &mixed), Ok("add"));
}

#[test]
fn what_the_worker_would_drop_is_refused_with_one_line() {
    let good = body(json!([2, 3]), json!({}));
    let mut number_task = FieldTable::default();
    number_task.insert("task".into(), AMQPValue::LongLongInt(7));
    number_task.insert("id".into(), AMQPValue::LongString(ID.into()));
    let cases: Vec<(BasicProperties, Vec<u8>, &str)> = vec![
        (
            properties("add").with_content_type("application/x-yaml".into()),
            good.clone(),
            r#"content_type is "application/x-yaml", not application/json"#,
        ),
        (
            BasicProperties::default()
                .with_content_type("application/json".into())
                .with_correlation_id(ID.into())
                .with_headers(string_headers(&[("task", "add"), ("id", ID)])),
            good.clone(),
            "no content_encoding property",
        ),
        (
            BasicProperties::default()
                .with_content_type("application/json".into())
                .with_content_encoding("utf-8".into())
                .with_headers(string_headers(&[("task", "add"), ("id", ID)])),
            good.clone(),
            "no correlation_id property",
        ),
        (
            properties("add").with_headers(number_task),
            good.clone(),
            "the task header is not a string",
        ),
        (
            celery_properties(string_headers(&[("task", "add")]), ID),
            good.clone(),
            "no id header",
        ),
        (
            celery_properties(string_headers(&[("task", "add"), ("id", "../escape")]), ID),
            good.clone(),
            r#"the id header "../escape" cannot name a result"#,
        ),
        (
            properties("add"),
            br#"{"x": 2, "y": 3}"#.to_vec(),
            "the body is not [args, kwargs, embed]",
        ),
        (
            properties("add"),
            body(json!([2, 3, 4]), json!({})),
            "add(x, y): 3 positional arguments",
        ),
        (
            properties("add"),
            body(json!([2, 3]), json!({"z": 1})),
            r#"add(x, y): no argument named "z""#,
        ),
        (
            properties("add"),
            body(json!([2, 3]), json!({"x": 1})),
            "add(x, y): x given twice",
        ),
        (
            properties("add"),
            body(json!([]), json!({"x": 1})),
            "add(x, y): missing argument y",
        ),
        (
            properties("add"),
            body(json!([2, 1e3]), json!({})),
            "add(x, y): invalid type: floating point `1000.0`, expected i64",
        ),
        (
            properties("word_count"),
            body(json!([42]), json!({})),
            "word_count(text): invalid type: integer `42`, expected a string",
        ),
        (
            properties("count_primes"),
            body(json!([-5]), json!({})),
            "count_primes(limit): invalid value: integer `-5`, expected u64",
        ),
        (
            properties("count_primes"),
            br#"[[5], {}, {"chain": 3}]"#.to_vec(),
            "count_primes(limit): invalid type: integer `3`, expected a sequence",
        ),
    ];
    for (properties, body, reason) in &cases {
        let verdict = check(properties, body);
        assert_eq!(verdict, Err(reason.to_string()));
        assert!(!reason.contains('\n'));
    }
}
