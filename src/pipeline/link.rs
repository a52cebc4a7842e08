//! The page's shareable run: the run itself plus the moment it shows and the clock's
//! speed, as address keys (`run`, `t0`, `tl`, `now`, `speed`). The same text goes to
//! storage, so a fresh visit resumes the same run. Browser-free: the page only reads
//! and writes the address.

use super::run::Run;
use super::timeline::TimelineError;

/// The longest address the page hands out without a warning: many servers refuse
/// longer request lines (nginx's and Apache's defaults are about 8 KB), and so do
/// some chat and mail programs.
pub const MAX_LINK_CHARS: usize = 8000;
/// The longest run a link may replay (from its start to the moment it shows).
pub const MAX_REPLAY_MS: i64 = 7 * 86_400_000;

/// A run at a moment, as a link carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub run: Run,
    /// The virtual time it shows (the replay runs up to it).
    pub now_ms: i64,
    /// The clock's speed (0: paused).
    pub speed: u32,
}

/// Why a link cannot be opened as it is.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    /// Its timeline does not read.
    Timeline(TimelineError),
    /// `t0`/`now` are missing, broken or out of order.
    Times,
    /// It would replay more than `MAX_REPLAY_MS`.
    TooLong { span_ms: i64 },
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Timeline(e) => write!(f, "the link's timeline does not read: {e}"),
            LinkError::Times => write!(f, "the link's start and end times (t0, now) are broken"),
            LinkError::TooLong { span_ms } => write!(
                f,
                "the link's run is {} long; the page replays at most {}",
                crate::time::format_duration(*span_ms),
                crate::time::format_duration(MAX_REPLAY_MS)
            ),
        }
    }
}

impl Link {
    /// The address keys and their values (not yet percent-encoded). `tl` is written
    /// only with events; its characters (`0-9a-z_.:,`) need no encoding.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = self.run.link_pairs();
        pairs.push(("now".into(), self.now_ms.to_string()));
        pairs.push(("speed".into(), self.speed.to_string()));
        pairs
    }

    /// Reads a link from its keys (`get` gives a key's decoded value). `None`: no
    /// run in it (no `run` key). Old links with `speed` inside `run` still open.
    pub fn read(get: impl Fn(&str) -> Option<String>) -> Option<Result<Link, LinkError>> {
        let settings = get("run")?;
        Some(Link::read_run(&settings, &get))
    }

    fn read_run(settings: &str, get: &impl Fn(&str) -> Option<String>) -> Result<Link, LinkError> {
        let number = |key: &str| get(key).and_then(|v| v.parse::<i64>().ok());
        let (Some(start), Some(now)) = (number("t0"), number("now")) else {
            return Err(LinkError::Times);
        };
        if now < start {
            return Err(LinkError::Times);
        }
        let span_ms = now.saturating_sub(start);
        if span_ms > MAX_REPLAY_MS {
            return Err(LinkError::TooLong { span_ms });
        }
        let run = Run::from_link_keys(settings, start, get).map_err(LinkError::Timeline)?;
        let old_speed = settings
            .split(';')
            .find_map(|kv| kv.strip_prefix("speed="))
            .map(str::to_string);
        let speed = get("speed")
            .or(old_speed)
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        Ok(Link {
            run,
            now_ms: now,
            speed,
        })
    }

    /// The storage form: the same pairs as one `key=value&…` line.
    pub fn to_storage(&self) -> String {
        self.pairs()
            .iter()
            .map(|(k, v)| {
                let escaped = v.replace('%', "%25").replace('&', "%26");
                format!("{k}={escaped}")
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads `to_storage`'s text.
    pub fn from_storage(text: &str) -> Option<Result<Link, LinkError>> {
        let get = |key: &str| {
            text.split('&')
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                .map(|v| v.replace("%26", "&").replace("%25", "%"))
        };
        Link::read(get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Timeline;

    fn link() -> Link {
        let mut run = Run::new("api", 3, 1_714_521_600_000, 2);
        run.timeline = Timeline::parse("10m outage 5m\n12m traffic 40", run.start_ms).unwrap();
        Link {
            now_ms: run.start_ms + 3_600_000,
            run,
            speed: 0,
        }
    }

    #[test]
    fn storage_and_keys_round_trip() {
        let l = link();
        assert_eq!(Link::from_storage(&l.to_storage()), Some(Ok(l.clone())));
        let pairs = l.pairs();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(Link::read(get), Some(Ok(l)));
        assert_eq!(Link::read(|_| None), None);
    }

    #[test]
    fn broken_links_say_why() {
        let l = link();
        let with = |key: &'static str, value: &'static str| {
            let pairs = l.pairs();
            move |k: &str| {
                if k == key {
                    return Some(value.to_string());
                }
                pairs
                    .iter()
                    .find(|(kk, _)| *kk == k)
                    .map(|(_, v)| v.clone())
            }
        };
        assert_eq!(Link::read(with("now", "x")), Some(Err(LinkError::Times)));
        assert_eq!(Link::read(with("now", "5")), Some(Err(LinkError::Times)));
        assert!(matches!(
            Link::read(with("now", "9999999999999")),
            Some(Err(LinkError::TooLong { .. }))
        ));
        let Some(Err(e)) = Link::read(with("tl", "1m:trafic:3")) else {
            panic!("a broken timeline opened");
        };
        assert_eq!(
            e.to_string(),
            "the link's timeline does not read: 1:4: unknown event \"trafic\"; expected one of traffic, errors, latency, outage, slow_release, instances, interval, sample_limit, rules, alertmanager, silence, expire_silence, python, metric"
        );
    }

    #[test]
    fn old_links_keep_their_speed() {
        let get = |k: &str| match k {
            "run" => Some("scenario=api;seed=1;speed=60".to_string()),
            "t0" => Some("0".to_string()),
            "now" => Some("60000".to_string()),
            _ => None,
        };
        assert_eq!(Link::read(get).unwrap().unwrap().speed, 60);
    }
}
