//! The time the worker judges by: this machine's clock, checked against each provider's `Date`.
//! The machine's clock can be wrong and can jump; one provider answer can carry an odd `Date`.
//! So each provider origin's clock is read on its own, and a reading is taken only when it
//! agrees with the one before by the time elapsed here (or, first, with this machine's clock),
//! or when a second reading confirms it. Until then the clocks are disputed and nothing is sent
//! or withdrawn; while the machine's clock is off the provider's, the caps count by the
//! provider's, and the withdraw rule withdraws nothing.

use crate::error::{Error, ErrorKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Two clocks further apart than this disagree.
pub const CLOCK_TOLERANCE_MS: f64 = 3_600_000.0;
/// A reading older than this no longer says what the provider's clock is: it is asked again.
const READING_LASTS_MS: f64 = 3_600_000.0;

/// A provider's clock, as one answer's `Date` said it at a moment of this machine's clock.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub provider_ms: f64,
    pub local_ms: f64,
}

impl Reading {
    /// What this reading expects the provider's clock to say at `local_ms`.
    fn expects(&self, local_ms: f64) -> f64 {
        self.provider_ms + (local_ms - self.local_ms)
    }

    fn agrees(&self, later: &Reading) -> bool {
        (later.provider_ms - self.expects(later.local_ms)).abs() <= CLOCK_TOLERANCE_MS
    }

    fn agrees_with_machine(&self) -> bool {
        (self.provider_ms - self.local_ms).abs() <= CLOCK_TOLERANCE_MS
    }
}

/// What is known of one origin's clock: the reading taken, and one that disagreed with it and
/// waits for a second to say which is right.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct OriginClock {
    taken: Option<Reading>,
    disputed: Option<Reading>,
}

/// Every provider origin's clock: session storage's `clock` (a browser restart asks again).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Clocks(BTreeMap<String, OriginClock>);

/// The time to act by, and whether this machine's clock agrees with the provider's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trusted {
    pub now_ms: f64,
    pub machine_agrees: bool,
    /// This machine's clock at that moment: what the limits ledger measures elapsed time by.
    pub local_ms: f64,
}

impl Trusted {
    /// This machine's time, where no provider's clock is known to check it against.
    pub fn machine(local_ms: f64) -> Trusted {
        trusted(local_ms, local_ms)
    }
}

/// What the clocks of an origin say now.
#[derive(Debug, Clone, PartialEq)]
pub enum Told {
    Trusted(Trusted),
    /// No reading recent enough: the provider is to be asked.
    Ask,
    /// Two readings disagree and none has confirmed either.
    Disputed,
}

impl Clocks {
    /// Takes in a reading of `origin`'s clock.
    pub fn read(&mut self, origin: &str, reading: Reading) {
        if !(reading.provider_ms.is_finite() && reading.local_ms.is_finite()) {
            return;
        }
        let clock = self.0.entry(origin.to_owned()).or_default();
        let confirmed = match (clock.taken, clock.disputed) {
            (Some(taken), _) if taken.agrees(&reading) => true,
            (_, Some(disputed)) if disputed.agrees(&reading) => true,
            (None, None) => reading.agrees_with_machine(),
            _ => false,
        };
        match confirmed {
            true => {
                clock.taken = Some(reading);
                clock.disputed = None;
            }
            false => clock.disputed = Some(reading),
        }
    }

    /// What `origin`'s clock says at `local_ms` of this machine's.
    pub fn told(&self, origin: &str, local_ms: f64) -> Told {
        let Some(clock) = self.0.get(origin) else {
            return Told::Ask;
        };
        if clock.disputed.is_some() {
            return Told::Disputed;
        }
        match clock.taken {
            Some(taken) if (0.0..READING_LASTS_MS).contains(&(local_ms - taken.local_ms)) => {
                Told::Trusted(trusted(taken.expects(local_ms), local_ms))
            }
            _ => Told::Ask,
        }
    }
}

/// The machine's time while it agrees with the provider's, else the provider's.
pub fn trusted(provider_ms: f64, local_ms: f64) -> Trusted {
    let machine_agrees = (provider_ms - local_ms).abs() <= CLOCK_TOLERANCE_MS;
    Trusted {
        now_ms: if machine_agrees {
            local_ms
        } else {
            provider_ms
        },
        machine_agrees,
        local_ms,
    }
}

/// The time an answer dated `provider_ms` is stamped with: the machine's while the two agree,
/// else the later of them, so that an age estimated from it errs young and a send stays counted
/// longer.
pub fn stamp(provider_ms: Option<f64>, local_ms: f64) -> f64 {
    match provider_ms.map(|provider_ms| trusted(provider_ms, local_ms)) {
        Some(Trusted {
            machine_agrees: false,
            now_ms,
            ..
        }) => now_ms.max(local_ms),
        _ => local_ms,
    }
}

/// The refusal while an origin's readings disagree.
pub fn disputed() -> Error {
    Error::new(ErrorKind::ClocksDisagree)
        .with_detail("the provider's answers disagree with each other about the time")
}

/// The withdraw rule's refusal while this machine's clock is off the provider's.
pub fn machine_off() -> Error {
    Error::new(ErrorKind::ClocksDisagree).with_detail(
        "this computer's clock is more than an hour off the provider's, so no invitation's age \
         can be trusted",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: f64 = 3_600_000.0;
    const DAY: f64 = 24.0 * HOUR;
    const T: f64 = 1_800_000_000_000.0;

    fn reading(provider_ms: f64, local_ms: f64) -> Reading {
        Reading {
            provider_ms,
            local_ms,
        }
    }

    fn now(clocks: &Clocks, local_ms: f64) -> Option<f64> {
        match clocks.told("https://p", local_ms) {
            Told::Trusted(trusted) => Some(trusted.now_ms),
            _ => None,
        }
    }

    #[test]
    fn one_odd_date_is_not_taken_and_the_next_good_one_settles_it() {
        let mut clocks = Clocks::default();
        clocks.read("https://p", reading(T, T));
        assert_eq!(now(&clocks, T + 60_000.0), Some(T + 60_000.0));
        // One answer dated 30 days ahead.
        clocks.read("https://p", reading(T + 30.0 * DAY, T + 120_000.0));
        assert_eq!(clocks.told("https://p", T + 130_000.0), Told::Disputed);
        clocks.read("https://p", reading(T + 180_000.0, T + 180_000.0));
        assert_eq!(now(&clocks, T + 200_000.0), Some(T + 200_000.0));
    }

    #[test]
    fn a_machine_clock_that_jumps_is_confirmed_by_a_second_reading_and_counts_by_the_providers() {
        let mut clocks = Clocks::default();
        clocks.read("https://p", reading(T, T));
        // The machine's clock jumps 8 days ahead; the provider's says two minutes went by.
        let jumped = T + 8.0 * DAY;
        clocks.read("https://p", reading(T + 120_000.0, jumped + 120_000.0));
        assert_eq!(clocks.told("https://p", jumped + 130_000.0), Told::Disputed);
        clocks.read("https://p", reading(T + 180_000.0, jumped + 180_000.0));
        let Told::Trusted(trusted) = clocks.told("https://p", jumped + 240_000.0) else {
            panic!("confirmed");
        };
        assert_eq!(trusted.now_ms, T + 240_000.0, "the provider's time");
        assert!(!trusted.machine_agrees);
    }

    #[test]
    fn a_first_reading_far_from_this_machine_waits_for_a_second() {
        let mut clocks = Clocks::default();
        clocks.read("https://p", reading(T + 30.0 * DAY, T));
        assert_eq!(clocks.told("https://p", T), Told::Disputed);
        clocks.read(
            "https://p",
            reading(T + 30.0 * DAY + 60_000.0, T + 60_000.0),
        );
        assert_eq!(now(&clocks, T + 60_000.0), Some(T + 30.0 * DAY + 60_000.0));
    }

    #[test]
    fn each_origin_keeps_its_own_clock_and_an_old_reading_is_asked_again() {
        let mut clocks = Clocks::default();
        clocks.read("https://p", reading(T, T));
        assert_eq!(clocks.told("https://q", T), Told::Ask);
        clocks.read("https://q", reading(T + 30.0 * DAY, T));
        assert_eq!(
            now(&clocks, T),
            Some(T),
            "the other origin's odd clock is its own"
        );
        assert_eq!(clocks.told("https://p", T + HOUR), Told::Ask);
        assert_eq!(
            clocks.told("https://p", T - 1.0),
            Told::Ask,
            "a clock that went back"
        );
    }

    #[test]
    fn answers_are_stamped_by_the_later_clock_when_they_disagree() {
        assert_eq!(stamp(None, T), T);
        assert_eq!(stamp(Some(T + 10.0 * 60_000.0), T), T);
        assert_eq!(stamp(Some(T + 30.0 * DAY), T), T + 30.0 * DAY);
        assert_eq!(stamp(Some(T - 30.0 * DAY), T), T);
        assert_eq!(stamp(Some(f64::NAN), T), T);
    }
}
