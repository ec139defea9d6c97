//! Every thread and task started is parked, then released and joined.

use maxims_thread_limit::{
    DEFAULT_STACK, address_space_bytes, limits, memory_maps, parse_limit, parse_status_kib,
    resident_bytes, spawn_parked_tasks, spawn_parked_threads,
};

#[test]
fn every_parked_thread_is_released_and_joined() {
    for (n, stack) in [
        (0, DEFAULT_STACK),
        (1, DEFAULT_STACK),
        (50, 64 << 10),
        (200, 32 << 10),
    ] {
        let mut parked = spawn_parked_threads(n, stack).expect("the OS starts a few threads");
        assert_eq!(parked.len(), n);
        assert_eq!(parked.release(), n);
        assert!(parked.is_empty());
        // A second release finds nobody left.
        assert_eq!(parked.release(), 0);
    }
}

#[test]
fn dropping_parked_threads_releases_them() {
    for _ in 0..20 {
        drop(spawn_parked_threads(20, 64 << 10).unwrap());
    }
}

#[test]
fn every_parked_task_is_released_and_joined() {
    for workers in [1, 2, 4] {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .build()
            .unwrap();
        for n in [0, 1, 10, 5_000] {
            let finished = runtime.block_on(async {
                let parked = spawn_parked_tasks(n).await;
                assert_eq!(parked.len(), n);
                parked.release().await
            });
            assert_eq!(finished, n, "{workers} workers");
        }
        // Dropped without release: the tasks still finish, and the runtime
        // shuts down without waiting forever.
        runtime.block_on(async { drop(spawn_parked_tasks(100).await) });
    }
}

#[test]
fn status_lines_parse_to_bytes() {
    let status = "Name:\tx\nVmSize:\t  123456 kB\nVmRSS:\t    2048 kB\nThreads:\t1\n";
    assert_eq!(parse_status_kib(status, "VmRSS"), Some(2048 * 1024));
    assert_eq!(parse_status_kib(status, "VmSize"), Some(123_456 * 1024));
    assert_eq!(parse_status_kib(status, "VmSwap"), None);
    assert_eq!(parse_status_kib(status, "Threads"), None);
    let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                  Max processes             96365                96365                processes\n\
                  Max open files            unlimited            unlimited            files\n";
    assert_eq!(parse_limit(limits, "Max processes"), Some(96_365));
    assert_eq!(parse_limit(limits, "Max open files"), None);
}

#[test]
#[cfg(target_os = "linux")]
fn linux_reports_memory_and_limits() {
    let resident = resident_bytes().expect("Linux has /proc/self/status");
    let reserved = address_space_bytes().unwrap();
    assert!(resident > 0 && reserved >= resident);
    assert!(memory_maps().unwrap() > 0);
    let limits = limits();
    assert!(limits.max_map_count.unwrap() > 0);
    assert!(limits.pid_max.unwrap() > 0);
}
