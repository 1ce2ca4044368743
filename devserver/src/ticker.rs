//! `--simulate`: a background task that gives every project one simulation step
//! per tick, until the server stops.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::{interval_at, Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use crate::store::Store;

/// Ticks every `every`, the first a whole interval after the start (so the seeded
/// projects are seen as seeded first), until `shutdown` is cancelled.
pub async fn run(store: Arc<Store>, every: Duration, shutdown: CancellationToken) {
    let mut ticks = interval_at(Instant::now() + every, every);
    // After a stall (a suspended laptop), one step, not a burst of them.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => store.tick(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProjectStatus;
    use crate::store::Spec;

    #[tokio::test]
    async fn ticks_projects_forward_until_shut_down() {
        let store = Arc::new(Store::new(1));
        let id = store.create(ProjectStatus::Approved, Spec::default());
        let shutdown = CancellationToken::new();
        let ticker = tokio::spawn(run(
            store.clone(),
            Duration::from_millis(10),
            shutdown.clone(),
        ));
        // Waits for a condition, with a deadline: not a fixed sleep.
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = || store.summary(&id).unwrap().status;
        while status() == ProjectStatus::Approved {
            assert!(Instant::now() < deadline, "no tick came");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(status(), ProjectStatus::Executing);
        shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(10), ticker)
            .await
            .expect("the ticker stops with the server")
            .unwrap();
    }
}
