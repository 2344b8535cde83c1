//! The user's settings, as the options page stores them under `settings`: how often to poll,
//! the weekly and daily invitation caps, the daily withdrawal cap and the pacing of bulk jobs. Each has a default and bounds; the
//! options page refuses a value out of bounds (`check`), and the backend clamps whatever it
//! reads, so a hand-edited or older value can never lift a cap above LinkedIn's limits.

use crate::age::DAY_MS;
use crate::error::{Error, Field};
use crate::model::{Direction, Plan};
use crate::pacing::Pace;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// How often received invitations are checked, and the badge with them.
    pub poll_minutes: f64,
    /// How often sent invitations are checked: they change mostly through our own actions.
    pub sent_check_minutes: f64,
    /// How often every list is read in full, to catch what a check cannot see. It was once
    /// `reconcile_hours`, read daily: that key is left unread, and the new default applies.
    pub reconcile_days: f64,
    pub weekly_cap_free: f64,
    pub weekly_cap_premium: f64,
    /// Invitations in any 24 hours: by default the weekly cap spread over five working days.
    pub daily_cap_free: f64,
    pub daily_cap_premium: f64,
    /// Withdrawals in any 24 hours, by hand, in bulk or by the automatic rule.
    pub daily_withdrawals: f64,
    /// Between accepts, declines and withdrawals.
    pub action_delay_min_s: f64,
    pub action_delay_max_s: f64,
    /// Between invitations: Unipile advises 2 to 5 minutes.
    pub invite_delay_min_s: f64,
    pub invite_delay_max_s: f64,
    /// A notification when new received invitations arrive: off until the person turns it on
    /// (and allows notifications) in Options.
    pub notify_new: bool,
}

const DEFAULT: Settings = Settings {
    poll_minutes: 15.0,
    sent_check_minutes: 60.0,
    reconcile_days: 30.0,
    weekly_cap_free: 100.0,
    weekly_cap_premium: 200.0,
    daily_cap_free: 20.0,
    daily_cap_premium: 40.0,
    daily_withdrawals: 100.0,
    action_delay_min_s: 5.0,
    action_delay_max_s: 20.0,
    invite_delay_min_s: 120.0,
    invite_delay_max_s: 300.0,
    notify_new: false,
};

impl Default for Settings {
    fn default() -> Self {
        DEFAULT
    }
}

/// How the options page asks for a setting: in the unit it is stored in, or (invitation delays)
/// stored in seconds and asked in minutes.
#[derive(Clone, Copy)]
struct Unit {
    name: &'static str,
    /// The stored value for one shown unit.
    stored_per_shown: f64,
}

const MINUTES: Unit = Unit {
    name: "minutes",
    stored_per_shown: 1.0,
};
const DAYS: Unit = Unit {
    name: "days",
    stored_per_shown: 1.0,
};
const SECONDS: Unit = Unit {
    name: "seconds",
    stored_per_shown: 1.0,
};
const MINUTES_OF_SECONDS: Unit = Unit {
    name: "minutes",
    stored_per_shown: 60.0,
};
const INVITATIONS: Unit = Unit {
    name: "invitations",
    stored_per_shown: 1.0,
};
const WITHDRAWALS: Unit = Unit {
    name: "withdrawals",
    stored_per_shown: 1.0,
};

/// One number the options page sets: the stored key (also the input's name and the error's
/// field), its label, its allowed values in stored units, and how to read and write it.
struct Setting {
    key: &'static str,
    label: &'static str,
    min: f64,
    max: f64,
    whole: bool,
    get: fn(&Settings) -> f64,
    set: fn(&mut Settings, f64),
}

impl Setting {
    fn clamp(&self, settings: &Settings) -> f64 {
        let value = (self.get)(settings);
        match value.is_finite() {
            true => value.clamp(self.min, self.max),
            false => (self.get)(&DEFAULT),
        }
    }

    fn field(&self) -> Field {
        Field {
            key: self.key,
            label: self.label,
        }
    }
}

/// A line of the options page: one setting, or the two ends of a range of delays. Its key names
/// the line in an error about the range as a whole.
struct Row {
    key: &'static str,
    section: Section,
    label: &'static str,
    unit: Unit,
    settings: &'static [Setting],
    hint: fn() -> String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// "Staying up to date": how often lists are checked and read.
    Refresh,
    /// "Limits and pacing": the weekly caps and the delays of bulk work.
    Limits,
}

/// Chrome runs alarms at most every 30 s; more than a day apart, the badge is useless.
const POLL_MINUTES: Setting = Setting {
    key: "poll_minutes",
    label: "Refresh every (minutes)",
    min: 1.0,
    max: 24.0 * 60.0,
    whole: false,
    get: |s| s.poll_minutes,
    set: |s, v| s.poll_minutes = v,
};
const SENT_CHECK_MINUTES: Setting = Setting {
    key: "sent_check_minutes",
    label: "Check sent invitations every (minutes)",
    min: 1.0,
    max: 24.0 * 60.0,
    whole: false,
    get: |s| s.sent_check_minutes,
    set: |s, v| s.sent_check_minutes = v,
};
/// The full read is the safety net, not the schedule: a check already finds what arrived and
/// what left, so a month keeps headlines and pictures fresh enough while a day of 10,000 + 10,000
/// on LinkUp costs about what its checks cost. Daily would add 400 credits a day at that size.
const RECONCILE_DAYS: Setting = Setting {
    key: "reconcile_days",
    label: "Read every list in full every (days)",
    min: 1.0,
    max: 90.0,
    whole: false,
    get: |s| s.reconcile_days,
    set: |s, v| s.reconcile_days = v,
};
/// LinkedIn allows about 150 a week on a free account and 200 to 250 on Premium.
const FREE_CAP: Setting = Setting {
    key: "weekly_cap_free",
    label: "Weekly cap, free accounts",
    min: 1.0,
    max: 150.0,
    whole: true,
    get: |s| s.weekly_cap_free,
    set: |s, v| s.weekly_cap_free = v,
};
const PREMIUM_CAP: Setting = Setting {
    key: "weekly_cap_premium",
    label: "Weekly cap, Premium accounts",
    min: 1.0,
    max: 250.0,
    whole: true,
    get: |s| s.weekly_cap_premium,
    set: |s, v| s.weekly_cap_premium = v,
};
/// A day's share may be as large as the week's cap; below it, the week spreads over its days.
const DAILY_CAP_FREE: Setting = Setting {
    key: "daily_cap_free",
    label: "Daily cap, free accounts",
    min: 1.0,
    max: FREE_CAP.max,
    whole: true,
    get: |s| s.daily_cap_free,
    set: |s, v| s.daily_cap_free = v,
};
const DAILY_CAP_PREMIUM: Setting = Setting {
    key: "daily_cap_premium",
    label: "Daily cap, Premium accounts",
    min: 1.0,
    max: PREMIUM_CAP.max,
    whole: true,
    get: |s| s.daily_cap_premium,
    set: |s, v| s.daily_cap_premium = v,
};
/// Services that withdraw for their users stop at 100 a day.
const DAILY_WITHDRAWALS: Setting = Setting {
    key: "daily_withdrawals",
    label: "Withdrawals a day",
    min: 1.0,
    max: 100.0,
    whole: true,
    get: |s| s.daily_withdrawals,
    set: |s, v| s.daily_withdrawals = v,
};
const ACTION_DELAY: [Setting; 2] = [
    Setting {
        key: "action_delay_min_s",
        label: "Shortest delay between actions",
        min: 1.0,
        max: 3600.0,
        whole: false,
        get: |s| s.action_delay_min_s,
        set: |s, v| s.action_delay_min_s = v,
    },
    Setting {
        key: "action_delay_max_s",
        label: "Longest delay between actions",
        min: 1.0,
        max: 3600.0,
        whole: false,
        get: |s| s.action_delay_max_s,
        set: |s, v| s.action_delay_max_s = v,
    },
];
/// Unipile advises 2 to 5 minutes; 12 s is the shortest any provider is known to take.
const INVITE_DELAY: [Setting; 2] = [
    Setting {
        key: "invite_delay_min_s",
        label: "Shortest delay between invitations",
        min: 12.0,
        max: 86_400.0,
        whole: false,
        get: |s| s.invite_delay_min_s,
        set: |s, v| s.invite_delay_min_s = v,
    },
    Setting {
        key: "invite_delay_max_s",
        label: "Longest delay between invitations",
        min: 12.0,
        max: 86_400.0,
        whole: false,
        get: |s| s.invite_delay_max_s,
        set: |s, v| s.invite_delay_max_s = v,
    },
];

/// The caps: one that cannot be read counts as its lowest bound, never as its default.
const CAPS: [&Setting; 5] = [
    &FREE_CAP,
    &PREMIUM_CAP,
    &DAILY_CAP_FREE,
    &DAILY_CAP_PREMIUM,
    &DAILY_WITHDRAWALS,
];

/// Settings as stored (`None`: none stored), read field by field, so that one field of the
/// wrong type does not make the others unreadable. A field that cannot be read takes its
/// default, except a cap, which takes its lowest bound: nothing is sent or withdrawn past what
/// the person set. Gives back the settings and the keys of the fields that could not be read.
pub fn read_stored(stored: Option<&serde_json::Value>) -> (Settings, Vec<&'static str>) {
    let mut settings = DEFAULT;
    let mut unreadable = Vec::new();
    let fields = match stored {
        None | Some(serde_json::Value::Null) => return (settings, unreadable),
        Some(serde_json::Value::Object(fields)) => Some(fields),
        Some(_) => None,
    };
    let field = |key: &str| fields.map_or(Some(&serde_json::Value::Null), |f| f.get(key));
    for setting in ROWS.iter().flat_map(|row| row.settings) {
        match field(setting.key).map(|value| value.as_f64().filter(|v| v.is_finite())) {
            None => {}
            Some(Some(value)) => (setting.set)(&mut settings, value),
            Some(None) => {
                unreadable.push(setting.key);
                if CAPS.iter().any(|cap| cap.key == setting.key) {
                    (setting.set)(&mut settings, setting.min);
                }
            }
        }
    }
    match field(NOTIFY_NEW_KEY).map(serde_json::Value::as_bool) {
        None => {}
        Some(Some(on)) => settings.notify_new = on,
        Some(None) => unreadable.push(NOTIFY_NEW_KEY),
    }
    (settings, unreadable)
}

const NOTIFY_NEW_KEY: &str = "notify_new";

/// What the options page says of the fields `read_stored` could not read, shown like an error.
#[derive(Debug, PartialEq, Serialize)]
pub struct Unreadable {
    pub message: String,
    pub next_step: &'static str,
}

pub fn unreadable(keys: &[&str]) -> Option<Unreadable> {
    let labels: Vec<&str> = keys
        .iter()
        .map(|key| {
            ROWS.iter()
                .flat_map(|row| row.settings)
                .find(|setting| setting.key == *key)
                .map_or("Notify me of new invitations", |setting| setting.label)
        })
        .collect();
    let first = labels.first()?;
    let fields = match labels.len() {
        1 => format!("“{first}”"),
        2 => format!("“{first}” and 1 other setting"),
        n => format!("“{first}” and {} other settings", n - 1),
    };
    Some(Unreadable {
        message: format!("Invite Desk could not read the saved {fields}."),
        next_step: "Until these settings are saved again, a cap it could not read counts as its \
                    lowest value, and anything else as its default.",
    })
}

/// The options page's settings, in the order shown.
const ROWS: [Row; 10] = [
    Row {
        key: POLL_MINUTES.key,
        section: Section::Refresh,
        label: POLL_MINUTES.label,
        unit: MINUTES,
        settings: &[POLL_MINUTES],
        hint: || "How often received invitations, and the toolbar badge, are checked.".into(),
    },
    Row {
        key: SENT_CHECK_MINUTES.key,
        section: Section::Refresh,
        label: SENT_CHECK_MINUTES.label,
        unit: MINUTES,
        settings: &[SENT_CHECK_MINUTES],
        hint: || {
            "Sent invitations change mostly through what you do here, which Invite Desk \
             already knows."
                .into()
        },
    },
    Row {
        key: RECONCILE_DAYS.key,
        section: Section::Refresh,
        label: RECONCILE_DAYS.label,
        unit: DAYS,
        settings: &[RECONCILE_DAYS],
        hint: || {
            format!(
                "Catches what a check cannot see, such as a new headline or picture. It costs \
                 1 credit per {} invitations on LinkUp. Lists are also read in full after an \
                 update of Invite Desk, on Refresh, and at least daily on Unipile's older API, \
                 which gives no count to check against.",
                crate::providers::linkup::RESULTS_PER_CREDIT
            )
        },
    },
    Row {
        key: FREE_CAP.key,
        section: Section::Limits,
        label: FREE_CAP.label,
        unit: INVITATIONS,
        settings: &[FREE_CAP],
        hint: || cap_hint(&FREE_CAP),
    },
    Row {
        key: PREMIUM_CAP.key,
        section: Section::Limits,
        label: PREMIUM_CAP.label,
        unit: INVITATIONS,
        settings: &[PREMIUM_CAP],
        hint: || cap_hint(&PREMIUM_CAP),
    },
    Row {
        key: DAILY_CAP_FREE.key,
        section: Section::Limits,
        label: DAILY_CAP_FREE.label,
        unit: INVITATIONS,
        settings: &[DAILY_CAP_FREE],
        hint: || daily_cap_hint(&DAILY_CAP_FREE),
    },
    Row {
        key: DAILY_CAP_PREMIUM.key,
        section: Section::Limits,
        label: DAILY_CAP_PREMIUM.label,
        unit: INVITATIONS,
        settings: &[DAILY_CAP_PREMIUM],
        hint: || daily_cap_hint(&DAILY_CAP_PREMIUM),
    },
    Row {
        key: DAILY_WITHDRAWALS.key,
        section: Section::Limits,
        label: DAILY_WITHDRAWALS.label,
        unit: WITHDRAWALS,
        settings: &[DAILY_WITHDRAWALS],
        hint: || {
            format!(
                "Withdrawals in any 24 hours, by hand or in bulk, from {} to {}.",
                DAILY_WITHDRAWALS.min, DAILY_WITHDRAWALS.max
            )
        },
    },
    Row {
        key: "action_delay",
        section: Section::Limits,
        label: "Delay between actions (accept, decline, withdraw)",
        unit: SECONDS,
        settings: &ACTION_DELAY,
        hint: || {
            format!(
                "Each wait is drawn at random in this range, from {} second up to {} (an hour).",
                ACTION_DELAY[0].min, ACTION_DELAY[0].max
            )
        },
    },
    Row {
        key: "invite_delay",
        section: Section::Limits,
        label: "Delay between invitations",
        unit: MINUTES_OF_SECONDS,
        settings: &INVITE_DELAY,
        hint: || {
            let [shortest, _] = &INVITE_DELAY;
            format!(
                "From {} minutes ({} seconds) up to {} (a day); fractions such as 0.5 work. \
                 Unipile advises 2 to 5 minutes.",
                shown(shortest.min, MINUTES_OF_SECONDS),
                shortest.min,
                shown(shortest.max, MINUTES_OF_SECONDS)
            )
        },
    },
];

fn cap_hint(cap: &Setting) -> String {
    format!(
        "Invitations in any 7 days, from {} to {}.",
        cap.min, cap.max
    )
}

fn daily_cap_hint(cap: &Setting) -> String {
    format!(
        "Invitations in any 24 hours, from {} to {}; never more than the weekly cap. The \
         default spreads the default weekly cap over five working days.",
        cap.min, cap.max
    )
}

/// A stored value in the unit the page shows, without binary noise (0.2, not 0.20000000000000001).
fn shown(stored: f64, unit: Unit) -> f64 {
    let value = stored / unit.stored_per_shown;
    (value * 1e6).round() / 1e6
}

/// What the options page shows above each section of settings.
pub fn section_lead(section: Section) -> String {
    match section {
        Section::Refresh => "Invite Desk checks each account for what changed, never rereading \
                             a whole list unless it has to. Every check is one page: 1 LinkUp \
                             credit, or 1 request to LinkedIn through Unipile."
            .into(),
        Section::Limits => format!(
            "LinkedIn allows about 100 to {} invitations a week on a free account ({} of them \
             with a note a month) and 200 to {} on Premium. Invite Desk refuses to send beyond \
             these caps, in any 7 days and in any 24 hours, holds withdrawals to a daily cap, and \
             spaces out bulk work by a random delay within these ranges.",
            FREE_CAP.max,
            crate::limits::FREE_NOTES_PER_MONTH,
            PREMIUM_CAP.max
        ),
    }
}

/// One line of settings as the options page builds it.
#[derive(Debug, Serialize)]
pub struct FormRow {
    pub key: &'static str,
    pub section: Section,
    pub label: &'static str,
    pub unit: &'static str,
    pub hint: String,
    /// One input, or the two ends of a range.
    pub inputs: Vec<FormInput>,
}

/// One input, its bounds and value in the unit shown.
#[derive(Debug, Serialize)]
pub struct FormInput {
    pub key: &'static str,
    pub label: &'static str,
    pub min: f64,
    pub max: f64,
    /// Whole numbers only.
    pub whole: bool,
    pub value: f64,
}

impl Settings {
    /// The options page's settings form, filled in with these settings.
    pub fn form(&self) -> Vec<FormRow> {
        ROWS.iter()
            .map(|row| FormRow {
                key: row.key,
                section: row.section,
                label: row.label,
                unit: row.unit.name,
                hint: (row.hint)(),
                inputs: row
                    .settings
                    .iter()
                    .map(|setting| FormInput {
                        key: setting.key,
                        label: setting.label,
                        min: shown(setting.min, row.unit),
                        max: shown(setting.max, row.unit),
                        whole: setting.whole,
                        value: shown(setting.clamp(self), row.unit),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The values typed on the options page (text by input key, in the units shown), checked
    /// with these settings for the rest, as the stored values of the keys typed. The error names
    /// the first input to correct.
    pub fn typed_values(
        &self,
        typed: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<&'static str, f64>, Error> {
        let mut settings = self.clone();
        let mut values = BTreeMap::new();
        for row in &ROWS {
            for setting in row.settings {
                let Some(text) = typed.get(setting.key) else {
                    continue;
                };
                let value = text
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .map(|v| v * row.unit.stored_per_shown);
                let value = check(setting, row.unit, value)?;
                (setting.set)(&mut settings, value);
                values.insert(setting.key, value);
            }
            check_order(row, &settings)?;
        }
        Ok(values)
    }
}

/// A range's shortest delay is not above its longest; when it is, the range as a whole is wrong.
fn check_order(row: &Row, settings: &Settings) -> Result<(), Error> {
    match row.settings {
        [shortest, longest] if (shortest.get)(settings) > (longest.get)(settings) => {
            Err(Error::invalid_input(
                Field {
                    key: row.key,
                    label: row.label,
                },
                "the shortest delay is longer than the longest",
            ))
        }
        _ => Ok(()),
    }
}

/// `value` (stored units) when it is allowed; else what to enter, in the units shown.
fn check(setting: &Setting, unit: Unit, value: Option<f64>) -> Result<f64, Error> {
    if let Some(value) = value.filter(|v| v.is_finite()) {
        if (setting.min..=setting.max).contains(&value) && (!setting.whole || value.fract() == 0.0)
        {
            return Ok(value);
        }
    }
    let what = if setting.whole {
        "a whole number"
    } else {
        "a number"
    };
    Err(Error::invalid_input(
        setting.field(),
        &format!(
            "enter {what} of {} from {} to {}",
            unit.name,
            shown(setting.min, unit),
            shown(setting.max, unit)
        ),
    ))
}

impl Settings {
    pub fn poll_minutes(&self) -> f64 {
        POLL_MINUTES.clamp(self)
    }

    /// How long after a check of `direction` the next one is due, in milliseconds.
    pub fn check_interval_ms(&self, direction: Direction) -> f64 {
        let minutes = match direction {
            Direction::Received => self.poll_minutes(),
            Direction::Sent => SENT_CHECK_MINUTES.clamp(self),
        };
        minutes * 60_000.0
    }

    /// How long after a full read of a list the next one is due, in milliseconds. Where the
    /// provider gives no count (`reports_total`), a check cannot see what left below its first
    /// page, and only a full read finds it: at least daily.
    pub fn reconcile_interval_ms(&self, reports_total: bool) -> f64 {
        let chosen = RECONCILE_DAYS.clamp(self) * DAY_MS;
        match reports_total {
            true => chosen,
            false => chosen.min(DAY_MS),
        }
    }

    /// Invitations an account on `plan` may send in any 7 days.
    pub fn weekly_cap(&self, plan: Plan) -> u32 {
        let capped = match plan {
            Plan::Free => FREE_CAP.clamp(self),
            Plan::Premium => PREMIUM_CAP.clamp(self),
        };
        capped as u32
    }

    /// Invitations an account on `plan` may send in any 24 hours: never more than in a week.
    pub fn daily_cap(&self, plan: Plan) -> u32 {
        let capped = match plan {
            Plan::Free => DAILY_CAP_FREE.clamp(self),
            Plan::Premium => DAILY_CAP_PREMIUM.clamp(self),
        };
        (capped as u32).min(self.weekly_cap(plan))
    }

    /// What an invitation from an account on `plan` is checked against.
    pub fn caps(&self, plan: Plan) -> crate::limits::Caps {
        crate::limits::Caps {
            plan,
            weekly: self.weekly_cap(plan),
            daily: self.daily_cap(plan),
            gap_ms: self.invite_pace().min_ms,
        }
    }

    /// Withdrawals an account may make in any 24 hours.
    pub fn daily_withdrawals(&self) -> u32 {
        DAILY_WITHDRAWALS.clamp(self) as u32
    }

    /// The delays between accepts, declines and withdrawals.
    pub fn action_pace(&self) -> Pace {
        let [shortest, longest] = &ACTION_DELAY;
        Pace::seconds(shortest.clamp(self), longest.clamp(self))
    }

    /// The delays between invitations.
    pub fn invite_pace(&self) -> Pace {
        let [shortest, longest] = &INVITE_DELAY;
        Pace::seconds(shortest.clamp(self), longest.clamp(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Settings {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn one_field_of_the_wrong_type_leaves_the_others_and_a_cap_never_widens() {
        let stored = serde_json::json!({"notify_new": null, "daily_cap_free": 2,
            "weekly_cap_free": "lots", "invite_delay_min_s": 600, "invite_delay_max_s": 900,
            "poll_minutes": [1]});
        let (settings, unreadable) = read_stored(Some(&stored));
        assert_eq!(
            settings.daily_cap(Plan::Free),
            1,
            "the weekly cap read as 1 bounds the day"
        );
        assert_eq!(settings.weekly_cap(Plan::Free), 1);
        assert_eq!(settings.invite_pace().min_ms, 600_000.0, "kept");
        assert_eq!(settings.poll_minutes(), 15.0, "the default");
        assert!(!settings.notify_new);
        assert_eq!(
            unreadable,
            ["poll_minutes", "weekly_cap_free", "notify_new"]
        );
        let said = super::unreadable(&unreadable).unwrap().message;
        assert!(
            said.contains("“Refresh every (minutes)” and 2 other settings"),
            "{said}"
        );

        let (settings, unreadable) = read_stored(Some(&serde_json::json!("garbage")));
        assert_eq!(settings.weekly_cap(Plan::Premium), 1);
        assert_eq!(settings.daily_withdrawals(), 1);
        assert_eq!(unreadable.len(), 13);
        assert_eq!(read_stored(None), (DEFAULT, vec![]));
        assert_eq!(super::unreadable(&[]), None);
    }

    #[test]
    fn missing_settings_take_the_defaults() {
        let settings = read("{}");
        assert_eq!(settings, Settings::default());
        assert_eq!(settings.poll_minutes(), 15.0);
        assert_eq!(
            settings.check_interval_ms(Direction::Received),
            15.0 * 60_000.0
        );
        assert_eq!(settings.check_interval_ms(Direction::Sent), 60.0 * 60_000.0);
        assert_eq!(settings.reconcile_interval_ms(true), 30.0 * DAY_MS);
        assert_eq!(
            settings.reconcile_interval_ms(false),
            DAY_MS,
            "without a count, what left below the first page shows only in a full read"
        );
        assert_eq!(
            read(r#"{"reconcile_hours": 1}"#),
            Settings::default(),
            "the hourly setting of an earlier version is not read"
        );
        assert_eq!(settings.weekly_cap(Plan::Free), 100);
        assert_eq!(settings.weekly_cap(Plan::Premium), 200);
        assert_eq!(
            (
                settings.daily_cap(Plan::Free),
                settings.daily_cap(Plan::Premium)
            ),
            (20, 40),
            "the weekly caps over five working days"
        );
        assert_eq!(settings.daily_withdrawals(), 100);
        assert_eq!(settings.action_pace(), Pace::seconds(5.0, 20.0));
        assert_eq!(settings.invite_pace(), Pace::seconds(120.0, 300.0));
    }

    #[test]
    fn stored_values_are_clamped_so_no_cap_exceeds_linkedins_limits() {
        let settings = read(
            r#"{"poll_minutes": 0, "weekly_cap_free": 1000, "weekly_cap_premium": 0,
                "action_delay_min_s": 0, "action_delay_max_s": 1e9,
                "invite_delay_min_s": 1, "invite_delay_max_s": 1}"#,
        );
        assert_eq!(settings.poll_minutes(), 1.0);
        assert_eq!(settings.weekly_cap(Plan::Free), 150);
        assert_eq!(settings.weekly_cap(Plan::Premium), 1);
        assert_eq!(settings.action_pace(), Pace::seconds(1.0, 3600.0));
        assert_eq!(settings.invite_pace(), Pace::seconds(12.0, 12.0));
        let nan = Settings {
            poll_minutes: f64::NAN,
            weekly_cap_premium: f64::INFINITY,
            ..Settings::default()
        };
        assert_eq!(nan.poll_minutes(), 15.0);
        assert_eq!(nan.weekly_cap(Plan::Premium), 200);
    }

    #[test]
    fn a_day_never_allows_more_than_the_week() {
        let settings = read(
            r#"{"weekly_cap_free": 10, "daily_cap_free": 150, "daily_cap_premium": 0,
                "daily_withdrawals": 1000}"#,
        );
        assert_eq!(settings.daily_cap(Plan::Free), 10);
        assert_eq!(settings.daily_cap(Plan::Premium), 1);
        assert_eq!(settings.daily_withdrawals(), 100);
        let refused = Settings::default()
            .typed_values(&typed(&[("daily_withdrawals", "101")]))
            .unwrap_err();
        assert_eq!(refused.field.as_deref(), Some("daily_withdrawals"));
    }

    fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn the_options_page_is_told_which_input_to_correct_in_the_unit_it_shows() {
        let refused = |pairs: &[(&str, &str)]| {
            let error = Settings::default().typed_values(&typed(pairs)).unwrap_err();
            (error.field.unwrap(), error.detail.unwrap())
        };
        assert_eq!(
            refused(&[("weekly_cap_free", "151")]),
            (
                "weekly_cap_free".into(),
                "enter a whole number of invitations from 1 to 150".into()
            )
        );
        assert_eq!(
            refused(&[("weekly_cap_premium", "120.5")]).0,
            "weekly_cap_premium"
        );
        assert_eq!(
            refused(&[("action_delay_min_s", "30"), ("action_delay_max_s", "10")]),
            (
                "action_delay".into(),
                "the shortest delay is longer than the longest".into()
            )
        );
        // Invitation delays are stored in seconds and typed in minutes.
        assert_eq!(
            refused(&[("invite_delay_max_s", "0.1")]),
            (
                "invite_delay_max_s".into(),
                "enter a number of minutes from 0.2 to 1440".into()
            )
        );
        assert_eq!(
            refused(&[("reconcile_days", "0")]).1,
            "enter a number of days from 1 to 90"
        );
        for blank in ["", " ", "ten", "NaN", "inf"] {
            assert_eq!(
                refused(&[("poll_minutes", blank)]).0,
                "poll_minutes",
                "{blank:?}"
            );
        }
    }

    #[test]
    fn typed_values_are_stored_in_their_own_units() {
        let before = Settings {
            weekly_cap_free: 80.0,
            ..Settings::default()
        };
        let values = before
            .typed_values(&typed(&[
                ("invite_delay_min_s", " 0.5 "),
                ("invite_delay_max_s", "2"),
                ("poll_minutes", "30"),
            ]))
            .unwrap();
        assert_eq!(
            values.into_iter().collect::<Vec<_>>(),
            [
                ("invite_delay_max_s", 120.0),
                ("invite_delay_min_s", 30.0),
                ("poll_minutes", 30.0)
            ]
        );
        // A range is checked with the stored end that was not typed.
        let refused = before.typed_values(&typed(&[("action_delay_min_s", "25")]));
        assert_eq!(refused.unwrap_err().field.as_deref(), Some("action_delay"));
    }

    #[test]
    fn the_form_shows_each_value_and_bound_in_its_unit() {
        let form = Settings::default().form();
        let input = |key: &str| {
            form.iter()
                .flat_map(|row| &row.inputs)
                .find(|input| input.key == key)
                .unwrap()
        };
        let invite = input("invite_delay_min_s");
        assert_eq!((invite.min, invite.max, invite.value), (0.2, 1440.0, 2.0));
        let cap = input("weekly_cap_premium");
        assert_eq!(
            (cap.min, cap.max, cap.value, cap.whole),
            (1.0, 250.0, 200.0, true)
        );
        let invitations = form
            .iter()
            .find(|row| row.inputs.len() == 2 && row.unit == "minutes");
        assert!(invitations
            .unwrap()
            .hint
            .starts_with("From 0.2 minutes (12 seconds) up to 1440"));
        assert!(section_lead(Section::Limits).contains("(5 of them with a note a month)"));
        // A stored value out of bounds is shown as what is used.
        let hand_edited = Settings {
            weekly_cap_free: 1000.0,
            ..Settings::default()
        };
        let free = hand_edited.form()[3].inputs[0].value;
        assert_eq!(free, 150.0);
    }
}
