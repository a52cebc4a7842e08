//! Silences (`silence/silence.go`, and the checks of `POST /api/v2/silences`): a
//! silence mutes the alerts all its matchers match while it is active, from its
//! start to its end inclusive; before it is pending, after it has expired.
//! Expired silences are kept for the 120 h data retention, then collected.

use super::alert::tick_at_or_after;
use super::matchers::{MatchOp, Matcher, matches_labels, parse_matchers};
use crate::names::is_legacy_label_name;
use crate::rng::SplitMix64;

/// `--data.retention`'s default: how long silences (after their end) and
/// notification log entries are kept.
pub(crate) const RETENTION_MS: i64 = 120 * 3_600_000;
/// `--data.maintenance-interval`'s default: garbage collection of silences and
/// of the notification log, at whole multiples of it (Unix time).
pub(crate) const MAINTENANCE_INTERVAL_MS: i64 = 15 * 60_000;
/// The simulation's cap on silences kept (Alertmanager 0.25 has none).
pub const MAX_SILENCES: usize = 10_000;

/// A silence as a user asks for it (`amtool silence add`).
#[derive(Clone, Debug, Default)]
pub struct SilenceSpec {
    /// Matchers in Alertmanager's syntax: `alertname="X", severity=~"warn.*"`.
    pub matchers: String,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub created_by: String,
    pub comment: String,
}

#[derive(Clone, Debug)]
pub struct Silence {
    /// A UUID, as Alertmanager gives; drawn from a seeded generator, so the same
    /// run gives the same ids.
    pub id: String,
    pub matchers: Vec<Matcher>,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub updated_at_ms: i64,
    pub created_by: String,
    pub comment: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SilenceState {
    Pending,
    Active,
    Expired,
}

impl SilenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            SilenceState::Pending => "pending",
            SilenceState::Active => "active",
            SilenceState::Expired => "expired",
        }
    }
}

impl Silence {
    /// `getState`: pending before the start, expired after the end, else active.
    pub fn state(&self, at_ms: i64) -> SilenceState {
        if at_ms < self.starts_at_ms {
            SilenceState::Pending
        } else if at_ms > self.ends_at_ms {
            SilenceState::Expired
        } else {
            SilenceState::Active
        }
    }

    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        matches_labels(&self.matchers, labels)
    }

    /// Whether it mutes `labels` at `at_ms`.
    pub fn mutes(&self, labels: &[(String, String)], at_ms: i64) -> bool {
        self.state(at_ms) == SilenceState::Active && self.matches(labels)
    }
}

/// The silences, in the order they were created.
#[derive(Clone, Debug, Default)]
pub(crate) struct Silences {
    pub list: Vec<Silence>,
    created: u64,
}

impl Silences {
    /// Creates a silence at `now` (`postSilencesHandler`, then `Silences.Set`).
    pub(crate) fn add(&mut self, now: i64, spec: SilenceSpec) -> Result<String, String> {
        let matchers = parse_matchers(&spec.matchers)?;
        if spec.starts_at_ms >= spec.ends_at_ms {
            return Err("Failed to create silence: start time must be before end time".into());
        }
        if spec.ends_at_ms < now {
            return Err("Failed to create silence: end time can't be in the past".into());
        }
        validate(&matchers).map_err(|e| format!("silence invalid: {e}"))?;
        if self.list.len() >= MAX_SILENCES {
            return Err(format!(
                "too many silences: the simulation keeps at most {MAX_SILENCES}"
            ));
        }
        self.created += 1;
        let id = uuid(self.created);
        self.list.push(Silence {
            id: id.clone(),
            matchers,
            // A start in the past becomes now.
            starts_at_ms: spec.starts_at_ms.max(now),
            ends_at_ms: spec.ends_at_ms,
            updated_at_ms: now,
            created_by: spec.created_by,
            comment: spec.comment,
        });
        Ok(id)
    }

    /// Expires a silence at `now` (`Silences.Expire`): an active one ends now, a
    /// pending one starts and ends now; an expired one is left as it is.
    pub(crate) fn expire(&mut self, now: i64, id: &str) -> Result<(), String> {
        let silence = self
            .list
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or("silence not found")?;
        match silence.state(now) {
            SilenceState::Expired => return Ok(()),
            SilenceState::Active => silence.ends_at_ms = now,
            SilenceState::Pending => (silence.starts_at_ms, silence.ends_at_ms) = (now, now),
        }
        silence.updated_at_ms = now;
        Ok(())
    }

    /// The ids of the active silences muting `labels` at `now`, sorted.
    pub(crate) fn silenced_by(&self, labels: &[(String, String)], now: i64) -> Vec<String> {
        let mut ids: Vec<String> = self
            .list
            .iter()
            .filter(|s| s.mutes(labels, now))
            .map(|s| s.id.clone())
            .collect();
        crate::sort::sort(&mut ids[..]);
        ids
    }

    /// Drops the silences a maintenance up to `now` collected: those whose end
    /// is more than the retention ago at a maintenance.
    pub(crate) fn collect_garbage(&mut self, now: i64) {
        self.list.retain(|s| {
            let expires = s.ends_at_ms.saturating_add(RETENTION_MS);
            let first_chance = expires.max(s.updated_at_ms.saturating_add(1));
            tick_at_or_after(0, MAINTENANCE_INTERVAL_MS, first_chance) > now
        });
    }
}

/// `validateSilence`'s matcher checks (its other checks cannot fail here).
fn validate(matchers: &[Matcher]) -> Result<(), String> {
    if matchers.is_empty() {
        return Err("at least one matcher required".into());
    }
    for (i, m) in matchers.iter().enumerate() {
        if !is_legacy_label_name(&m.name) {
            return Err(format!(
                "invalid label matcher {i}: invalid label name {:?}",
                m.name
            ));
        }
    }
    // A silence must not match every alert: `=` and `=~` that match the empty
    // string do, and `!=`/`!~` count as not matching it (as Alertmanager counts).
    let matches_empty =
        |m: &Matcher| matches!(m.op, MatchOp::Equal | MatchOp::Regex) && m.matches("");
    if matchers.iter().all(matches_empty) {
        return Err("at least one matcher must not match the empty string".into());
    }
    Ok(())
}

/// A version-4 UUID from the `n`th draw of a generator seeded with `n`.
fn uuid(n: u64) -> String {
    let mut rng = SplitMix64::new(n);
    let (hi, lo) = (rng.next_u64(), rng.next_u64());
    let hi = (hi & !0xf000) | 0x4000;
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(matchers: &str, start: i64, end: i64) -> SilenceSpec {
        SilenceSpec {
            matchers: matchers.into(),
            starts_at_ms: start,
            ends_at_ms: end,
            created_by: "me".into(),
            comment: "c".into(),
        }
    }

    #[test]
    fn silences_are_checked_as_alertmanager_checks_them() {
        let mut s = Silences::default();
        let err = |s: &mut Silences, m: &str, a, b| s.add(100, spec(m, a, b)).unwrap_err();
        assert_eq!(
            err(&mut s, "a=\"1\"", 200, 200),
            "Failed to create silence: start time must be before end time"
        );
        assert_eq!(
            err(&mut s, "a=\"1\"", 0, 50),
            "Failed to create silence: end time can't be in the past"
        );
        assert_eq!(
            err(&mut s, "", 0, 500),
            "silence invalid: at least one matcher required"
        );
        assert_eq!(
            err(&mut s, "a=~\".*\", b=\"\"", 0, 500),
            "silence invalid: at least one matcher must not match the empty string"
        );
        assert_eq!(
            err(&mut s, "a=\"1\", 9b=\"2\"", 0, 500),
            "silence invalid: invalid label matcher 1: invalid label name \"9b\""
        );
        let id = s.add(100, spec("a=\"1\"", 0, 500)).unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        // A start in the past becomes now; the end is inclusive.
        let sil = &s.list[0];
        assert_eq!(sil.starts_at_ms, 100);
        assert_eq!(sil.state(99), SilenceState::Pending);
        assert_eq!(sil.state(500), SilenceState::Active);
        assert_eq!(sil.state(501), SilenceState::Expired);
        let other = s.add(100, spec("a=\"1\"", 300, 500)).unwrap();
        assert_ne!(other, id);
        assert_eq!(
            s.silenced_by(&[("a".into(), "1".into())], 200),
            vec![id.clone()]
        );
        s.expire(200, &other).unwrap();
        assert_eq!((s.list[1].starts_at_ms, s.list[1].ends_at_ms), (200, 200));
        assert_eq!(s.expire(200, "nope").unwrap_err(), "silence not found");
        s.collect_garbage(500 + RETENTION_MS + MAINTENANCE_INTERVAL_MS);
        assert!(s.list.is_empty());
    }

    #[test]
    fn negative_matchers_count_as_not_matching_everything() {
        // As `matchesEmpty`: `!=` is never taken to match the empty string, so
        // this silence is accepted although it matches alerts without `b`.
        let mut s = Silences::default();
        assert!(s.add(0, spec("a=~\".*\", b!=\"x\"", 0, 10)).is_ok());
        assert!(s.list[0].mutes(&[("c".into(), "1".into())], 5));
    }
}
