//! The plan the simulation writes when a started project's planning finishes (the
//! real server asks a language model): 4 to 8 tasks over 2 to 4 execution levels,
//! named after the description's sentences, one of them for a person.

use crate::model::{Priority, Project, Task, TaskType};
use crate::rng::Rng;
use crate::seed::{self, TaskOutline};
use crate::timestamp::Timestamp;

/// What the tasks of one execution level are about.
struct Stage {
    name: &'static str,
    task_type: TaskType,
    priority: Priority,
}

const RESEARCH: Stage = stage("Research", TaskType::Agent, Priority::High);
const DESIGN: Stage = stage("Design", TaskType::Agent, Priority::High);
const BUILD: Stage = stage("Build", TaskType::Agent, Priority::Urgent);
const VERIFY: Stage = stage("Verify", TaskType::Review, Priority::Medium);

const fn stage(name: &'static str, task_type: TaskType, priority: Priority) -> Stage {
    Stage {
        name,
        task_type,
        priority,
    }
}

/// The stages of a plan `depth` levels deep (2 to 4), one per level.
fn stages(depth: usize) -> &'static [Stage] {
    match depth {
        2 => &[RESEARCH, BUILD],
        3 => &[RESEARCH, BUILD, VERIFY],
        _ => &[RESEARCH, DESIGN, BUILD, VERIFY],
    }
}

/// Longest piece of a sentence a title takes.
const TITLE_PART: usize = 50;

/// The tasks of `project`'s plan, all in the inbox. Each task of a level waits for
/// one task of the level before, so `model::execution_levels` finds the levels the
/// plan was drawn with.
pub fn plan(project: &Project, rng: &mut Rng, now: Timestamp) -> Vec<Task> {
    let depth = rng.between(2, 4);
    let count = rng.between(4, 8);
    // One task per level, the others on levels the PRNG picks; sorted, so each
    // level's tasks are next to each other.
    let mut levels: Vec<usize> = (0..depth)
        .chain((depth..count).map(|_| rng.below(depth)))
        .collect();
    levels.sort_unstable();
    let first_of = |level| levels.iter().position(|&l| l == level).unwrap_or(0);
    let size_of = |level| levels.iter().filter(|&&l| l == level).count();
    // A person's task, past the first level (research is the agents' job).
    let human = rng.between(first_of(1), count - 1);

    let mut parts = seed::deliverables(&project.description);
    if parts.is_empty() {
        parts.push(project.title.as_str());
    }
    let waits_for: Vec<Vec<usize>> = levels
        .iter()
        .map(|&level| match level {
            0 => Vec::new(),
            _ => vec![first_of(level - 1) + rng.below(size_of(level - 1))],
        })
        .collect();
    let mut tasks: Vec<Task> = levels
        .iter()
        .enumerate()
        .map(|(i, &level)| {
            let stage = &stages(depth)[level];
            let place = i - first_of(level);
            let part: String = parts[place % parts.len()]
                .chars()
                .take(TITLE_PART)
                .collect();
            let title = match size_of(level) {
                1 => format!("{}: {part}", stage.name),
                _ => format!("{} {}: {part}", stage.name, place + 1),
            };
            let outline = TaskOutline {
                title: &title,
                task_type: if i == human {
                    TaskType::Human
                } else {
                    stage.task_type
                },
                priority: stage.priority,
                estimated_minutes: 15 * rng.between(1, 8) as u32,
            };
            seed::inbox_task(&project.id, &project.description, &outline, now)
        })
        .collect();
    seed::link(&mut tasks, &waits_for);
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{execution_levels, TaskStatus};

    fn started(description: &str) -> Project {
        seed::started_project(description, "auto", Timestamp::now())
    }

    #[test]
    fn plans_four_to_eight_inbox_tasks_over_two_to_four_levels() {
        let project = started("Build a recipe API. Add search; ship the docs");
        let (mut depths, mut counts) = (Vec::new(), Vec::new());
        for seed in 0..100 {
            let tasks = plan(&project, &mut Rng::new(seed), Timestamp::now());
            let levels = execution_levels(&tasks);
            assert!((4..=8).contains(&tasks.len()), "{}", tasks.len());
            assert!((2..=4).contains(&levels.len()), "{}", levels.len());
            assert_eq!(levels.iter().map(Vec::len).sum::<usize>(), tasks.len());
            depths.push(levels.len());
            counts.push(tasks.len());
            let humans: Vec<&Task> = tasks
                .iter()
                .filter(|t| t.task_type == TaskType::Human)
                .collect();
            assert_eq!(humans.len(), 1);
            assert!(!levels[0].contains(&humans[0].id));
            for task in &tasks {
                assert_eq!(task.status, TaskStatus::Inbox);
                assert_eq!(task.project_id, project.id);
                for dep in &task.blocked_by {
                    let waited_for = tasks.iter().find(|t| &t.id == dep).unwrap();
                    assert!(waited_for.blocks.contains(&task.id));
                }
            }
        }
        for n in 2..=4 {
            assert!(depths.contains(&n), "some plan is {n} levels deep");
        }
        for n in 4..=8 {
            assert!(counts.contains(&n), "some plan has {n} tasks");
        }
    }

    #[test]
    fn titles_come_from_the_description() {
        let project = started("Build a recipe API. Add search; ship the docs");
        let tasks = plan(&project, &mut Rng::new(1), Timestamp::now());
        let levels = execution_levels(&tasks);
        let first = tasks.iter().find(|t| t.id == levels[0][0]).unwrap();
        assert!(first.title.starts_with("Research"), "{}", first.title);
        assert!(
            first.title.ends_with(": Build a recipe API"),
            "{}",
            first.title
        );
        for task in &tasks {
            let (_, part) = task.title.split_once(": ").unwrap();
            assert!(["Build a recipe API", "Add search", "ship the docs"].contains(&part));
        }
        let dots = started("..........");
        let tasks = plan(&dots, &mut Rng::new(1), Timestamp::now());
        assert!(
            tasks[0].title.ends_with(": .........."),
            "{}",
            tasks[0].title
        );
    }
}
