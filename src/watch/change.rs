//! What a watcher of a plan sees change: the project's status, each task's status, the
//! progress. Not timestamps, which move on every write. Pure, tested natively.

use crate::model::{Plan, Progress, ProjectStatus, TaskStatus};

#[derive(Debug, PartialEq)]
pub struct PlanSnapshot {
    status: ProjectStatus,
    tasks: Vec<(String, TaskStatus)>,
    progress: Progress,
}

impl PlanSnapshot {
    pub fn of(plan: &Plan) -> Self {
        Self {
            status: plan.project.status.clone(),
            tasks: plan
                .tasks
                .iter()
                .map(|task| (task.id.clone(), task.status.clone()))
                .collect(),
            progress: plan.progress,
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::decode::tests::from_text;
    use crate::model::tests::full_project;
    use crate::poll::Polled;

    fn plan(status: &str, tasks: &[(&str, &str, &str)], completed: u32) -> Plan {
        let tasks: Vec<String> = tasks
            .iter()
            .map(|(id, task_status, updated)| {
                format!(
                    r#"{{"id":"{id}","title":"t","status":"{task_status}","updated_at":"{updated}"}}"#
                )
            })
            .collect();
        let body = format!(
            r#"{{"project":{},"tasks":[{}],"progress":{{"total":2,"completed":{completed},"skipped":0,"in_progress":0,"blocked":0,"human_pending":0,"percent":0.0}},"execution_levels":[]}}"#,
            full_project(status),
            tasks.join(",")
        );
        from_text::<Plan>(&body).expect("a plan")
    }

    #[test]
    fn a_change_is_in_a_status_or_the_progress_not_in_timestamps() {
        let before = PlanSnapshot::of(&plan("executing", &[("a", "in_progress", "1")], 0));
        let touched = PlanSnapshot::of(&plan("executing", &[("a", "in_progress", "2")], 0));
        assert_eq!(before, touched);
        for changed in [
            plan("paused", &[("a", "in_progress", "1")], 0),
            plan("executing", &[("a", "done", "1")], 0),
            plan("executing", &[("a", "in_progress", "1")], 1),
            plan(
                "executing",
                &[("a", "in_progress", "1"), ("b", "inbox", "1")],
                0,
            ),
            plan("executing", &[("b", "in_progress", "1")], 0),
        ] {
            assert_ne!(before, PlanSnapshot::of(&changed));
        }
    }

    #[test]
    fn completed_failed_and_cancelled_plans_are_the_last_a_watch_yields() {
        for (status, last) in [
            ("completed", true),
            ("failed", true),
            ("cancelled", true),
            ("executing", false),
            ("paused", false),
            ("archived_v2", false),
        ] {
            assert_eq!(plan(status, &[], 0).is_final(), last, "{status}");
        }
    }
}
