use std::time::Duration;

use actors_bank::{Account, crossing_payments, orders, run_bank, run_locked_bank, transfer};
use support_kit::testing::within_async;

const LIMIT: Duration = Duration::from_secs(120);

/// The property: for any seed, accounts and concurrency, every transfer is
/// either done or refused, no balance goes below zero (they are unsigned, and
/// a refused withdrawal changes nothing), and the total is what it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn money_is_conserved_under_thousands_of_concurrent_transfers() {
    for seed in 1..=8u64 {
        let accounts = [2usize, 3, 10, 50][seed as usize % 4];
        let tasks = [1usize, 16, 64, 200][(seed as usize / 2) % 4];
        let orders = orders(seed, 5_000, accounts, 300);
        for locked in [false, true] {
            let books = within_async(LIMIT, async {
                if locked {
                    run_locked_bank(accounts, 100, &orders, tasks).await
                } else {
                    run_bank(accounts, 100, &orders, tasks).await
                }
            })
            .await;
            let label = format!("seed {seed}, {accounts} accounts, {tasks} tasks, locked {locked}");
            assert_eq!(books.total(), 100 * accounts as u64, "{label}");
            assert_eq!(books.done + books.refused, 5_000, "{label}");
            assert_eq!(books.balances.len(), accounts, "{label}");
            // Which transfers are refused depends on the interleaving, so how
            // many is not asserted; only that each is counted once, above.
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_withdrawal_changes_nothing() {
    let (a, closing) = Account::open(50);
    assert!(a.withdraw(51).await.is_err());
    assert_eq!(a.balance().await, 50);
    assert!(a.withdraw(50).await.is_ok());
    assert_eq!(a.balance().await, 0);
    drop(a);
    assert_eq!(closing.await.unwrap(), 0);
}

// Paused time: the runtime jumps the clock forward whenever every task is
// waiting, so an hour's timeout fires at once if, and only if, nothing can
// move. No real time passes and no timing is asserted.
#[tokio::test(start_paused = true)]
async fn two_accounts_asking_each_other_deadlock() {
    let ((a, _), (b, _)) = (Account::open(100), Account::open(100));
    let (first, second) = crossing_payments(&a, &b);
    let both = async { (first.await, second.await) };
    assert!(
        tokio::time::timeout(Duration::from_secs(3_600), both)
            .await
            .is_err(),
        "the crossing payments should wait for each other for ever"
    );
}

#[tokio::test(start_paused = true)]
async fn a_coordinator_never_deadlocks_and_conserves_money() {
    let ((a, a_closing), (b, b_closing)) = (Account::open(100), Account::open(100));
    let both = async { tokio::join!(transfer(&a, &b, 10), transfer(&b, &a, 30)) };
    let (ab, ba) = tokio::time::timeout(Duration::from_secs(3_600), both)
        .await
        .expect("the coordinated transfers finish");
    assert_eq!((ab, ba), (Ok(()), Ok(())));
    drop((a, b));
    assert_eq!(
        (a_closing.await.unwrap(), b_closing.await.unwrap()),
        (120, 80)
    );
}

#[tokio::test(start_paused = true)]
async fn a_single_direct_payment_works_it_is_only_the_cycle_that_hangs() {
    let ((a, a_closing), (b, b_closing)) = (Account::open(100), Account::open(100));
    assert_eq!(a.pay_directly(&b, 40).await, Ok(()));
    assert!(a.pay_directly(&b, 400).await.is_err());
    drop((a, b));
    assert_eq!(
        (a_closing.await.unwrap(), b_closing.await.unwrap()),
        (60, 140)
    );
}
