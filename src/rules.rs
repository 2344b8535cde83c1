//! The automatic withdraw rule: its defaults and bounds, what the options page shows of it, and
//! which of an account's sent invitations it withdraws. Botdog withdraws after 30 days by
//! default (99 % of acceptances come within 30 days) and Salesflow at most 100 a day; 40 a day
//! clears a heavy account's backlog in weeks without a burst LinkedIn would notice.

use crate::age::DAY_MS;
use crate::error::{Error, Field};
use crate::model::{AutoWithdraw, Invitation};
use serde::Serialize;

pub const ENABLED_FIELD: Field = Field {
    key: "auto_withdraw_enabled",
    label: "Withdraw automatically",
};
pub const OLDER_THAN_FIELD: Field = Field {
    key: "auto_withdraw_older_than_days",
    label: "Older than (days)",
};
pub const PER_DAY_FIELD: Field = Field {
    key: "auto_withdraw_per_day",
    label: "At most a day",
};

/// A number of the rule: its field, default and bounds, whole numbers only.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bound {
    pub key: &'static str,
    pub label: &'static str,
    pub default: f64,
    pub min: f64,
    pub max: f64,
}

/// A week is the shortest wait any service uses; LinkedIn drops invitations after about six
/// months, so a longer wait never withdraws anything.
pub const OLDER_THAN: Bound = Bound {
    key: OLDER_THAN_FIELD.key,
    label: OLDER_THAN_FIELD.label,
    default: 30.0,
    min: 7.0,
    max: 180.0,
};
pub const PER_DAY: Bound = Bound {
    key: PER_DAY_FIELD.key,
    label: PER_DAY_FIELD.label,
    default: 40.0,
    min: 1.0,
    max: 100.0,
};

impl Default for AutoWithdraw {
    fn default() -> Self {
        AutoWithdraw {
            enabled: false,
            older_than_days: OLDER_THAN.default,
            per_day: PER_DAY.default,
        }
    }
}

impl Bound {
    /// A stored value within bounds: a hand-edited one can never widen the rule.
    fn clamp(&self, value: f64) -> f64 {
        match value.is_finite() {
            true => value.round().clamp(self.min, self.max),
            false => self.default,
        }
    }

    fn check(&self, field: Field, value: f64) -> Result<(), Error> {
        match value.is_finite() && value.fract() == 0.0 && (self.min..=self.max).contains(&value) {
            true => Ok(()),
            false => Err(Error::invalid_input(
                field,
                &format!("enter a whole number from {} to {}", self.min, self.max),
            )),
        }
    }
}

impl AutoWithdraw {
    pub fn older_than_days(&self) -> u32 {
        OLDER_THAN.clamp(self.older_than_days) as u32
    }

    pub fn per_day(&self) -> u32 {
        PER_DAY.clamp(self.per_day) as u32
    }

    /// The options page's check of a rule being turned on; an unused rule is not checked.
    pub fn check(&self) -> Result<(), Error> {
        if !self.enabled {
            return Ok(());
        }
        OLDER_THAN.check(OLDER_THAN_FIELD, self.older_than_days)?;
        PER_DAY.check(PER_DAY_FIELD, self.per_day)
    }

    /// The sent invitations the rule withdraws at `now_ms`: those sent more than its days ago,
    /// oldest first. An invitation without a date is never taken for an old one.
    pub fn due<'a>(&self, sent: &'a [Invitation], now_ms: f64) -> Vec<&'a Invitation> {
        if !self.enabled {
            return Vec::new();
        }
        let before_ms = now_ms - f64::from(self.older_than_days()) * DAY_MS;
        let mut due: Vec<(f64, &Invitation)> = sent
            .iter()
            .filter_map(|invitation| Some((invitation.sent_at_ms?, invitation)))
            .filter(|(sent_at_ms, _)| *sent_at_ms < before_ms)
            .collect();
        due.sort_by(|a, b| a.0.total_cmp(&b.0));
        due.into_iter().map(|(_, invitation)| invitation).collect()
    }

    /// How the jobs panel and the options page name the rule.
    pub fn describe(&self) -> String {
        format!(
            "Sent invitations older than {} days are withdrawn, at most {} a day.",
            self.older_than_days(),
            self.per_day()
        )
    }
}

/// What the options page needs to ask for a rule: its fields' defaults and bounds, and a hint.
#[derive(Debug, Serialize)]
pub struct RuleForm {
    pub enabled: &'static str,
    pub older_than: Bound,
    pub per_day: Bound,
    pub hint: String,
}

pub fn form() -> RuleForm {
    RuleForm {
        enabled: ENABLED_FIELD.label,
        older_than: OLDER_THAN,
        per_day: PER_DAY,
        hint: format!(
            "Most people who accept do so within a week, and almost all within 30 days. Each \
             withdrawal counts against the day's withdrawals, and LinkedIn will not let you \
             invite that person again for 3 weeks. From {} to {} days; at most {} a day.",
            OLDER_THAN.min, OLDER_THAN.max, PER_DAY.max
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_800_000_000_000.0;

    fn sent(id: &str, days_ago: Option<f64>) -> Invitation {
        Invitation {
            id: id.into(),
            account: "a".into(),
            direction: crate::model::Direction::Sent,
            person: Default::default(),
            note: None,
            sent_at_ms: days_ago.map(|days| NOW - days * DAY_MS),
            sent_at_exact: true,
            handles: Default::default(),
        }
    }

    fn rule(older_than_days: f64, per_day: f64) -> AutoWithdraw {
        AutoWithdraw {
            enabled: true,
            older_than_days,
            per_day,
        }
    }

    #[test]
    fn the_rule_takes_exactly_the_invitations_past_its_days_oldest_first() {
        let list = [
            sent("new", Some(3.0)),
            sent("oldest", Some(90.0)),
            sent("exactly", Some(30.0)),
            sent("old", Some(31.0)),
            sent("undated", None),
        ];
        let ids = |rule: AutoWithdraw| -> Vec<String> {
            rule.due(&list, NOW + 1.0)
                .iter()
                .map(|i| i.id.clone())
                .collect()
        };
        assert_eq!(ids(rule(30.0, 40.0)), ["oldest", "old", "exactly"]);
        assert_eq!(ids(rule(60.0, 40.0)), ["oldest"]);
        assert!(ids(AutoWithdraw::default()).is_empty(), "off by default");
    }

    #[test]
    fn a_stored_rule_is_held_within_its_bounds() {
        let wide = rule(1.0, 1000.0);
        assert_eq!((wide.older_than_days(), wide.per_day()), (7, 100));
        let broken = rule(f64::NAN, f64::INFINITY);
        assert_eq!((broken.older_than_days(), broken.per_day()), (30, 40));
        assert_eq!(
            rule(6.0, 40.0).check().unwrap_err().field.as_deref(),
            Some("auto_withdraw_older_than_days")
        );
        assert_eq!(
            rule(30.0, 2.5).check().unwrap_err().field.as_deref(),
            Some("auto_withdraw_per_day")
        );
        assert_eq!(rule(30.0, 40.0).check(), Ok(()));
        let off = AutoWithdraw {
            enabled: false,
            ..rule(0.0, 0.0)
        };
        assert_eq!(off.check(), Ok(()), "an unused rule is not checked");
    }
}
