//! The user's settings, as the options page stores them under `settings`: how often to poll,
//! the weekly invitation caps and the pacing of bulk jobs. Each has a default and bounds; the
//! options page refuses a value out of bounds (`check`), and the backend clamps whatever it
//! reads, so a hand-edited or older value can never lift a cap above LinkedIn's limits.

use crate::error::Error;
use crate::model::{Direction, Plan};
use crate::pacing::Pace;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// How often received invitations are checked, and the badge with them.
    pub poll_minutes: f64,
    /// How often sent invitations are checked: they change mostly through our own actions.
    pub sent_check_minutes: f64,
    /// How often every list is read in full, to catch what a check cannot see.
    pub reconcile_hours: f64,
    pub weekly_cap_free: f64,
    pub weekly_cap_premium: f64,
    /// Between accepts, declines and withdrawals.
    pub action_delay_min_s: f64,
    pub action_delay_max_s: f64,
    /// Between invitations: Unipile advises 2 to 5 minutes.
    pub invite_delay_min_s: f64,
    pub invite_delay_max_s: f64,
}

const DEFAULT: Settings = Settings {
    poll_minutes: 15.0,
    sent_check_minutes: 60.0,
    reconcile_hours: 24.0,
    weekly_cap_free: 100.0,
    weekly_cap_premium: 200.0,
    action_delay_min_s: 5.0,
    action_delay_max_s: 20.0,
    invite_delay_min_s: 120.0,
    invite_delay_max_s: 300.0,
};

impl Default for Settings {
    fn default() -> Self {
        DEFAULT
    }
}

/// A setting's allowed values, the name the options page shows it under, and the unit the
/// page asks for it in (the stored value times `unit_s` is seconds; caps have no unit).
struct Bounds {
    field: &'static str,
    min: f64,
    max: f64,
    unit: Option<(&'static str, f64)>,
}

/// Chrome runs alarms at most every 30 s; more than a day apart, the badge is useless.
const POLL_MINUTES: Bounds = Bounds {
    field: "Refresh every (minutes)",
    min: 1.0,
    max: 24.0 * 60.0,
    unit: Some(("minutes", 1.0)),
};
const SENT_CHECK_MINUTES: Bounds = Bounds {
    field: "Check sent invitations every (minutes)",
    min: 1.0,
    max: 24.0 * 60.0,
    unit: Some(("minutes", 1.0)),
};
/// At least hourly would cost as much as never checking cheaply; a week keeps pictures and
/// headlines fresh enough.
const RECONCILE_HOURS: Bounds = Bounds {
    field: "Read every list in full every (hours)",
    min: 1.0,
    max: 7.0 * 24.0,
    unit: Some(("hours", 3600.0)),
};
/// LinkedIn allows about 150 a week on a free account and 200 to 250 on Premium.
const FREE_CAP: Bounds = Bounds {
    field: "Weekly cap, free accounts",
    min: 1.0,
    max: 150.0,
    unit: None,
};
const PREMIUM_CAP: Bounds = Bounds {
    field: "Weekly cap, Premium accounts",
    min: 1.0,
    max: 250.0,
    unit: None,
};
const ACTION_DELAY: Bounds = Bounds {
    field: "Delay between actions",
    min: 1.0,
    max: 3600.0,
    unit: Some(("seconds", 1.0)),
};
const INVITE_DELAY: Bounds = Bounds {
    field: "Delay between invitations",
    min: 12.0,
    max: 86_400.0,
    unit: Some(("minutes", 60.0)),
};

impl Bounds {
    fn clamp(&self, value: f64, default: f64) -> f64 {
        match value.is_finite() {
            true => value.clamp(self.min, self.max),
            false => default,
        }
    }

    fn check(&self, value: f64, whole: bool) -> Result<(), Error> {
        let inside = value.is_finite() && (self.min..=self.max).contains(&value);
        if inside && (!whole || value.fract() == 0.0) {
            return Ok(());
        }
        let what = if whole { "a whole number" } else { "a number" };
        let (what, scale) = match self.unit {
            Some((name, seconds)) => (format!("{what} of {name}"), seconds),
            None => (what.to_owned(), 1.0),
        };
        let (min, max) = (self.min / scale, self.max / scale);
        Err(Error::invalid_input(
            self.field,
            &format!("enter {what} from {min} to {max}"),
        ))
    }

    /// A range of two values, each checked, the first not above the second.
    fn check_range(&self, min: f64, max: f64) -> Result<(), Error> {
        self.check(min, false)?;
        self.check(max, false)?;
        match min <= max {
            true => Ok(()),
            false => Err(Error::invalid_input(
                self.field,
                "the shortest delay is longer than the longest",
            )),
        }
    }
}

impl Settings {
    pub fn poll_minutes(&self) -> f64 {
        POLL_MINUTES.clamp(self.poll_minutes, DEFAULT.poll_minutes)
    }

    /// How long after a check of `direction` the next one is due, in milliseconds.
    pub fn check_interval_ms(&self, direction: Direction) -> f64 {
        let minutes = match direction {
            Direction::Received => self.poll_minutes(),
            Direction::Sent => {
                SENT_CHECK_MINUTES.clamp(self.sent_check_minutes, DEFAULT.sent_check_minutes)
            }
        };
        minutes * 60_000.0
    }

    /// How long after a full read of a list the next one is due, in milliseconds.
    pub fn reconcile_interval_ms(&self) -> f64 {
        RECONCILE_HOURS.clamp(self.reconcile_hours, DEFAULT.reconcile_hours) * 3_600_000.0
    }

    /// Invitations an account on `plan` may send in any 7 days.
    pub fn weekly_cap(&self, plan: Plan) -> u32 {
        let capped = match plan {
            Plan::Free => FREE_CAP.clamp(self.weekly_cap_free, DEFAULT.weekly_cap_free),
            Plan::Premium => PREMIUM_CAP.clamp(self.weekly_cap_premium, DEFAULT.weekly_cap_premium),
        };
        capped as u32
    }

    /// The delays between accepts, declines and withdrawals.
    pub fn action_pace(&self) -> Pace {
        Pace::seconds(
            ACTION_DELAY.clamp(self.action_delay_min_s, DEFAULT.action_delay_min_s),
            ACTION_DELAY.clamp(self.action_delay_max_s, DEFAULT.action_delay_max_s),
        )
    }

    /// The delays between invitations.
    pub fn invite_pace(&self) -> Pace {
        Pace::seconds(
            INVITE_DELAY.clamp(self.invite_delay_min_s, DEFAULT.invite_delay_min_s),
            INVITE_DELAY.clamp(self.invite_delay_max_s, DEFAULT.invite_delay_max_s),
        )
    }

    /// The first value the options page must correct, named by its field.
    pub fn check(&self) -> Result<(), Error> {
        POLL_MINUTES.check(self.poll_minutes, false)?;
        SENT_CHECK_MINUTES.check(self.sent_check_minutes, false)?;
        RECONCILE_HOURS.check(self.reconcile_hours, false)?;
        FREE_CAP.check(self.weekly_cap_free, true)?;
        PREMIUM_CAP.check(self.weekly_cap_premium, true)?;
        ACTION_DELAY.check_range(self.action_delay_min_s, self.action_delay_max_s)?;
        INVITE_DELAY.check_range(self.invite_delay_min_s, self.invite_delay_max_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Settings {
        serde_json::from_str(json).unwrap()
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
        assert_eq!(settings.reconcile_interval_ms(), 24.0 * 3_600_000.0);
        assert_eq!(settings.weekly_cap(Plan::Free), 100);
        assert_eq!(settings.weekly_cap(Plan::Premium), 200);
        assert_eq!(settings.action_pace(), Pace::seconds(5.0, 20.0));
        assert_eq!(settings.invite_pace(), Pace::seconds(120.0, 300.0));
        assert!(settings.check().is_ok());
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
    fn the_options_page_is_told_which_value_to_correct() {
        let field = |settings: Settings| settings.check().unwrap_err().field.unwrap();
        let defaults = Settings::default;
        assert_eq!(
            field(Settings {
                weekly_cap_free: 151.0,
                ..defaults()
            }),
            "Weekly cap, free accounts"
        );
        assert_eq!(
            field(Settings {
                weekly_cap_premium: 120.5,
                ..defaults()
            }),
            "Weekly cap, Premium accounts"
        );
        assert_eq!(
            field(Settings {
                action_delay_min_s: 30.0,
                ..defaults()
            }),
            "Delay between actions"
        );
        assert_eq!(
            field(Settings {
                invite_delay_min_s: 5.0,
                ..defaults()
            }),
            "Delay between invitations"
        );
        // Bounds are told in the unit the page asks for: minutes for invitations.
        let too_short = Settings {
            invite_delay_min_s: 6.0,
            ..defaults()
        };
        let detail = too_short.check().unwrap_err().detail.unwrap();
        assert_eq!(detail, "enter a number of minutes from 0.2 to 1440");
        assert_eq!(
            field(Settings {
                poll_minutes: 0.5,
                ..defaults()
            }),
            "Refresh every (minutes)"
        );
        let allowed = Settings {
            weekly_cap_free: 150.0,
            weekly_cap_premium: 250.0,
            action_delay_min_s: 1.0,
            action_delay_max_s: 1.0,
            invite_delay_min_s: 30.0,
            invite_delay_max_s: 90.5,
            ..defaults()
        };
        assert!(allowed.check().is_ok());
    }
}
