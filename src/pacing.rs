//! How long a bulk job waits between two steps: a random delay drawn evenly from the range the
//! settings give, so the account's activity does not tick like a machine. The random source is
//! seeded and its state kept with the job, so a job's delays are reproducible in tests and
//! survive the service worker being stopped.

use serde::{Deserialize, Serialize};

/// A range of delays, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pace {
    pub min_ms: f64,
    pub max_ms: f64,
}

impl Pace {
    /// The range from `min_s` to `max_s` seconds; a reversed range is read in order.
    pub fn seconds(min_s: f64, max_s: f64) -> Pace {
        Pace {
            min_ms: min_s.min(max_s) * 1000.0,
            max_ms: max_s.max(min_s) * 1000.0,
        }
    }

    /// The next delay, drawn from `random`.
    pub fn delay_ms(&self, random: &mut Random) -> f64 {
        self.min_ms + (self.max_ms - self.min_ms) * random.next_fraction()
    }

    pub fn mean_ms(&self) -> f64 {
        (self.min_ms + self.max_ms) / 2.0
    }

    /// What a job of `count` steps at this pace takes, for its confirmation: "One every 5–20
    /// seconds, about 4 minutes in all. You can close the popup; it keeps going."
    pub fn describe(&self, count: u32) -> String {
        let keeps_going = "You can close the popup; it keeps going.";
        if count <= 1 {
            return format!("It runs at once. {keeps_going}");
        }
        let (min_s, max_s) = (self.min_ms / 1000.0, self.max_ms / 1000.0);
        let (unit, size) = match max_s {
            s if s < 120.0 => ("second", 1.0),
            s if s < 7200.0 => ("minute", 60.0),
            _ => ("hour", 3600.0),
        };
        let shown = |seconds: f64| (seconds / size * 10.0).round() / 10.0;
        let every = match shown(min_s) == shown(max_s) {
            true => counted(shown(min_s), unit),
            false => format!("{}–{} {unit}s", shown(min_s), shown(max_s)),
        };
        let total_s = f64::from(count - 1) * self.mean_ms() / 1000.0;
        format!(
            "One every {every}, about {} in all. {keeps_going}",
            duration_words(total_s)
        )
    }
}

/// "1 second", "2.5 hours".
fn counted(count: f64, unit: &str) -> String {
    let plural = if count == 1.0 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

/// A whole job's length, as roughly as a person says it.
fn duration_words(seconds: f64) -> String {
    match seconds {
        s if s < 90.0 => counted(s.round().max(1.0), "second"),
        s if s < 90.0 * 60.0 => counted((s / 60.0).round(), "minute"),
        s if s < 36.0 * 3600.0 => counted((s / 360.0).round() / 10.0, "hour"),
        s => counted((s / 86_400.0).round(), "day"),
    }
}

/// A seeded pseudo-random source (SplitMix64). Its whole state is one number below 2^53, so it
/// is stored exactly as a JSON number, which JavaScript reads as a double.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Random(u64);

const STATE_BITS: u32 = 53;

impl Random {
    pub fn seeded(seed: u64) -> Random {
        Random(seed & ((1 << STATE_BITS) - 1))
    }

    /// A fraction in `[0, 1)`; the state moves on.
    pub fn next_fraction(&mut self) -> f64 {
        let mut z = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let drawn = z >> (64 - STATE_BITS);
        self.0 = drawn;
        drawn as f64 / (1u64 << STATE_BITS) as f64
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_confirmation_says_the_pace_and_the_whole_length() {
        use super::Pace;
        assert_eq!(
            Pace::seconds(1.0, 1.0).describe(2),
            "One every 1 second, about 1 second in all. You can close the popup; it keeps going."
        );
        assert_eq!(
            Pace::seconds(5.0, 20.0).describe(23),
            "One every 5–20 seconds, about 5 minutes in all. You can close the popup; it keeps going."
        );
        assert_eq!(
            Pace::seconds(120.0, 300.0).describe(100),
            "One every 2–5 minutes, about 5.8 hours in all. You can close the popup; it keeps going."
        );
        assert_eq!(
            Pace::seconds(30.0, 360.0).describe(1),
            "It runs at once. You can close the popup; it keeps going."
        );
        assert!(Pace::seconds(7200.0, 7200.0)
            .describe(30)
            .starts_with("One every 2 hours, about 2 days"));
    }

    use super::*;

    #[test]
    fn delays_stay_within_the_range_and_spread_across_it() {
        let pace = Pace::seconds(5.0, 20.0);
        for seed in [0, 1, 42, u64::MAX] {
            let mut random = Random::seeded(seed);
            let delays: Vec<f64> = (0..2_000).map(|_| pace.delay_ms(&mut random)).collect();
            assert!(delays.iter().all(|d| (5_000.0..20_000.0).contains(d)));
            let shortest = delays.iter().cloned().fold(f64::INFINITY, f64::min);
            let longest = delays.iter().cloned().fold(0.0, f64::max);
            assert!(
                shortest < 5_500.0 && longest > 19_500.0,
                "{shortest} {longest}"
            );
            let mean = delays.iter().sum::<f64>() / delays.len() as f64;
            assert!((mean - pace.mean_ms()).abs() < 500.0, "{mean}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_delays_even_after_a_round_trip_through_storage() {
        let pace = Pace::seconds(120.0, 300.0);
        let mut first = Random::seeded(7);
        let mut second = Random::seeded(7);
        let a: Vec<f64> = (0..3).map(|_| pace.delay_ms(&mut first)).collect();
        let b: Vec<f64> = (0..3).map(|_| pace.delay_ms(&mut second)).collect();
        assert_eq!(a, b);
        let stored = serde_json::to_string(&first).unwrap();
        let as_javascript_reads_it: f64 = stored.parse().unwrap();
        let mut restored: Random =
            serde_json::from_str(&format!("{as_javascript_reads_it}")).unwrap();
        assert_eq!(restored, first);
        assert_eq!(pace.delay_ms(&mut restored), pace.delay_ms(&mut first));
        assert_ne!(
            Random::seeded(8).next_fraction(),
            Random::seeded(7).next_fraction()
        );
    }

    #[test]
    fn a_reversed_or_empty_range_still_gives_sane_delays() {
        let mut random = Random::seeded(3);
        assert_eq!(Pace::seconds(20.0, 5.0), Pace::seconds(5.0, 20.0));
        assert_eq!(Pace::seconds(1.0, 1.0).delay_ms(&mut random), 1_000.0);
    }
}
