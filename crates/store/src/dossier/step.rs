//! The steps a dossier goes through between departments, and the actions
//! that move it: [`forward`] (to the next step of the procedure's template,
//! or a named step, department or officer) and [`send_back`] (to an earlier
//! step, with a required comment).
//!
//! Each step is a row of `dossier_steps`; a step sent back to runs again as a
//! new row, so the rows are the dossier's route. A template step gets its due
//! date from its budget (in the procedure's time unit) counted from the hand-
//! over over the working calendar ([`Deadlines::due`](domain::dossier::Deadlines::due)),
//! never later than the dossier's own due date. A step outside the template
//! (a named department) runs to the dossier's due date.

use domain::dossier::{Action, TimeLimit};
use serde::Serialize;
use serde_json::json;

use super::plan::{Event, NewStep, Plan, apply};
use super::workflow::{context, decide, optional, required};
use super::{Dossier, deadlines, load};
use crate::audit::Actor;
use crate::procedure::StepTemplate;
use crate::{Db, Error, Result, on_pool};

/// One step of a dossier's route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Step {
    /// Its sequence number in the dossier, from 1.
    pub seq: i32,
    /// The template step it runs (1-based), if it follows the template.
    pub template_step: Option<i32>,
    /// The department.
    pub department: String,
    /// The officer, if named.
    pub assignee_id: Option<i64>,
    /// The officer's display name.
    pub assignee_name: Option<String>,
    /// Its budget in working minutes, if any.
    pub budget_minutes: Option<i64>,
    /// Started (UTC ms).
    pub started_at: i64,
    /// Due (UTC ms).
    pub due_at: Option<i64>,
    /// Finished (UTC ms), while open none.
    pub finished_at: Option<i64>,
    /// How it ended (`forwarded`, `sent_back`, `completed`, …).
    pub outcome: Option<String>,
}

/// Where a dossier goes: a template step, a department, an officer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepTarget {
    /// The template step (1-based).
    pub to_step: Option<u32>,
    /// A department, when not (or not only) a template step.
    pub department: Option<String>,
    /// The officer (user id) who takes it.
    pub assignee: Option<i64>,
}

/// A dossier's steps, in order.
pub async fn steps(db: &Db, dossier_id: i64) -> Result<Vec<Step>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Step>(
        "SELECT s.seq, s.template_step, s.department, s.assignee_id, u.display_name AS assignee_name, s.budget_minutes,
                s.started_at, s.due_at, s.finished_at, s.outcome
         FROM dossier_steps s LEFT JOIN users u ON u.id = s.assignee_id
         WHERE s.dossier_id = $1 ORDER BY s.seq")
        .bind(dossier_id)
        .fetch_all(p)
        .await?))
}

/// The due date of the dossier's open step, if any.
pub(crate) async fn open_step_due(db: &Db, dossier_id: i64) -> Result<Option<i64>> {
    let due: Option<Option<i64>> = on_pool!(db.reader(), p => sqlx::query_scalar(
        "SELECT due_at FROM dossier_steps WHERE dossier_id = $1 AND finished_at IS NULL")
        .bind(dossier_id)
        .fetch_optional(p)
        .await?);
    Ok(due.flatten())
}

/// The step to open for `target` after `route`, or why it cannot be chosen.
/// `default_step` is the template step taken when the target names none.
fn plan_step(
    d: &Dossier,
    template: &[StepTemplate],
    route: &[Step],
    target: &StepTarget,
    default_step: Option<u32>,
    at: i64,
) -> Result<NewStep> {
    let department = target.department.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let by_name = department.and_then(|n| template.iter().position(|s| s.department == n)).map(|i| i as u32 + 1);
    let chosen = match target.to_step {
        Some(n) if n == 0 || n as usize > template.len() => {
            return Err(Error::Invalid(format!(
                "bước {n} không có trong quy trình của thủ tục ({} bước) (no such step in the procedure's template)",
                template.len()
            )));
        }
        Some(n) => Some(n),
        None if department.is_some() => by_name,
        None => default_step.filter(|&n| n >= 1 && n as usize <= template.len()),
    };
    let department = match (chosen, department) {
        (Some(n), _) => template[n as usize - 1].department.clone(),
        (None, Some(name)) => name.to_string(),
        (None, None) if target.assignee.is_some() => match route.last() {
            Some(s) => s.department.clone(),
            None => "Xử lý hồ sơ".to_string(),
        },
        (None, None) => {
            return Err(Error::Invalid(
                "cần chỉ rõ bước, bộ phận hoặc cán bộ nhận hồ sơ (name the step, department or officer to hand the \
                 dossier to)"
                    .into(),
            ));
        }
    };
    let dl = deadlines();
    let unit = d.limit().unit();
    let (budget_minutes, due) = match chosen.map(|n| template[n as usize - 1].budget) {
        Some(budget) if budget > 0 => {
            let limit = TimeLimit::new(budget, unit);
            (dl.limit_minutes(limit), dl.due(at, limit))
        }
        _ => (None, d.due_at),
    };
    let due = match (due, d.due_at) {
        (Some(s), Some(total)) => Some(s.min(total)),
        (s, _) => s,
    };
    let seq = route.iter().map(|s| s.seq).max().unwrap_or(0) + 1;
    Ok(NewStep {
        seq,
        template_step: chosen.map(|n| n as i32),
        department,
        assignee_id: target.assignee,
        budget_minutes,
        due_at: due,
    })
}

/// Checks that the officer exists and may log in.
async fn check_assignee(db: &Db, assignee: Option<i64>) -> Result<()> {
    if let Some(id) = assignee {
        let user = crate::user::get(db, id).await?;
        if !user.active {
            return Err(Error::Invalid(format!(
                "tài khoản {} đã bị khóa, không thể giao hồ sơ (the officer's account is disabled)",
                user.username
            )));
        }
    }
    Ok(())
}

/// Hands the dossier on (status 4): closes the open step and opens the
/// target's (by default the next template step).
pub async fn forward(
    db: &Db,
    actor: &Actor,
    code: &str,
    target: &StepTarget,
    note: Option<&str>,
    at: i64,
) -> Result<Dossier> {
    let note = optional(note)?;
    let d = load(db, code).await?;
    let to = decide(&d, Action::Forward, &context(db, &d, false).await?)?;
    check_assignee(db, target.assignee).await?;
    let procedure = crate::procedure::get(db, d.procedure_id).await?;
    let route = steps(db, d.id).await?;
    let open = route.iter().find(|s| s.finished_at.is_none());
    let next_step = match open.and_then(|s| s.template_step) {
        Some(n) => u32::try_from(n).ok().map(|n| n + 1),
        None if open.is_none() && route.is_empty() => Some(1),
        None => route.iter().rev().find_map(|s| s.template_step).and_then(|n| u32::try_from(n).ok()).map(|n| n + 1),
    };
    let step = plan_step(&d, &procedure.steps, &route, target, next_step, at)?;
    let details = json!({"step": step.seq, "template_step": step.template_step, "department": step.department,
                         "assignee_id": step.assignee_id, "step_due_at": step.due_at});
    let mut plan =
        Plan::new(&d, at, Event { action: Action::Forward.as_str(), note, form: None, details: Some(details) });
    plan.after.status = i32::from(to.code());
    plan.after.current_step = Some(step.seq);
    plan.after.assignee_id = step.assignee_id;
    plan.close_step = open.map(|_| "forwarded");
    plan.open_step = Some(step);
    Ok(apply(db, actor, &d, plan).await?.0)
}

/// Sends the dossier back to an earlier step (status 4), with a required
/// comment; a finished dossier reopens (its verdict is cleared).
pub async fn send_back(
    db: &Db,
    actor: &Actor,
    code: &str,
    target: &StepTarget,
    note: &str,
    at: i64,
) -> Result<Dossier> {
    let note = required(note, "lý do trả lại", "the comment")?;
    let d = load(db, code).await?;
    let to = decide(&d, Action::SendBack, &context(db, &d, false).await?)?;
    check_assignee(db, target.assignee).await?;
    let procedure = crate::procedure::get(db, d.procedure_id).await?;
    let route = steps(db, d.id).await?;
    let open = route.iter().find(|s| s.finished_at.is_none());
    // The step the dossier is at (or finished in), and the one before it.
    let here = open.or(route.last());
    let here_template = here.and_then(|s| s.template_step).and_then(|n| u32::try_from(n).ok());
    if let (Some(n), Some(cur)) = (target.to_step, here_template)
        && open.is_some()
        && n >= cur
    {
        return Err(Error::Invalid(format!(
            "chỉ trả lại được bước trước bước hiện tại ({cur}) (send back only to a step before the current one)"
        )));
    }
    let earlier = match open {
        Some(o) => route.iter().rev().find(|s| s.seq < o.seq),
        None => route.last(),
    };
    let mut target = target.clone();
    if target.to_step.is_none() && target.department.is_none() {
        match earlier {
            Some(s) => {
                target.to_step = s.template_step.and_then(|n| u32::try_from(n).ok());
                if target.to_step.is_none() {
                    target.department = Some(s.department.clone());
                }
                if target.assignee.is_none() {
                    target.assignee = s.assignee_id;
                }
            }
            None => {
                return Err(Error::Invalid(
                    "hồ sơ chưa qua bước nào trước đó để trả lại (there is no earlier step to send back to)".into(),
                ));
            }
        }
    }
    let step = plan_step(&d, &procedure.steps, &route, &target, None, at)?;
    let details = json!({"step": step.seq, "template_step": step.template_step, "department": step.department,
                         "assignee_id": step.assignee_id, "step_due_at": step.due_at});
    let mut plan =
        Plan::new(&d, at, Event { action: Action::SendBack.as_str(), note, form: None, details: Some(details) });
    plan.after.status = i32::from(to.code());
    plan.after.current_step = Some(step.seq);
    plan.after.assignee_id = step.assignee_id;
    plan.after.finished_at = None;
    plan.after.timeliness = None;
    plan.close_step = open.map(|_| "sent_back");
    plan.open_step = Some(step);
    Ok(apply(db, actor, &d, plan).await?.0)
}
