//! Rate limits of a resource's actions, parsed from `create=10/min,update=60/min`
//! (`--rate-limit`, or `rate_limit` in scaffold.toml).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ActionKind;
use crate::error::Error;

/// The grammar, for messages.
pub const GRAMMAR: &str =
    "ACTION=N/PERIOD,... with actions create, update, delete, get, list and periods sec, min, hour, day (e.g. create=10/min,update=60/min), or none";

/// The length of the period a limit counts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    Second,
    Minute,
    Hour,
    Day,
}

impl Period {
    const ALL: [Period; 4] = [Period::Second, Period::Minute, Period::Hour, Period::Day];

    pub fn token(self) -> &'static str {
        match self {
            Period::Second => "sec",
            Period::Minute => "min",
            Period::Hour => "hour",
            Period::Day => "day",
        }
    }

    /// In prose: `10 per minute`.
    pub fn word(self) -> &'static str {
        match self {
            Period::Second => "second",
            Period::Minute => "minute",
            Period::Hour => "hour",
            Period::Day => "day",
        }
    }

    /// As a PostgreSQL interval literal.
    pub fn interval_sql(self) -> &'static str {
        match self {
            Period::Second => "1 second",
            Period::Minute => "1 minute",
            Period::Hour => "1 hour",
            Period::Day => "1 day",
        }
    }
}

/// At most `max` calls of `action` per `period`, per signed-in user (or, for anonymous reads
/// asked for by the server, per client address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub action: ActionKind,
    pub max: u32,
    pub period: Period,
}

impl RateLimit {
    /// Whether the database enforces it on the table itself (writes), or the generated read
    /// asks for it (reads: PostgreSQL has no trigger on select).
    pub fn is_write(&self) -> bool {
        self.action.is_write()
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={}/{}",
            self.action.token(),
            self.max,
            self.period.token()
        )
    }
}

/// A resource's rate limits, at most one per action, in [`ActionKind::ALL`] order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimits(Vec<RateLimit>);

impl RateLimits {
    /// No limits.
    pub fn none() -> RateLimits {
        RateLimits(Vec::new())
    }

    /// Parses `create=10/min,update=60/min` or `none`; `what` names the source in messages
    /// (`--rate-limit`, `scaffold.toml: rate_limit`).
    pub fn parse(text: &str, what: &str) -> Result<RateLimits, Error> {
        super::check_printable(text, what)?;
        parse_inner(text)
            .map_err(|why| Error::input(format!("{what} `{text}`: {why}; write {GRAMMAR}")))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &RateLimit> {
        self.0.iter()
    }

    pub fn get(&self, action: ActionKind) -> Option<&RateLimit> {
        self.0.iter().find(|l| l.action == action)
    }

    /// Only the limits of these actions (project defaults for a resource with fewer actions).
    pub fn only(&self, actions: &[ActionKind]) -> RateLimits {
        RateLimits(
            self.0
                .iter()
                .filter(|l| actions.contains(&l.action))
                .copied()
                .collect(),
        )
    }
}

fn parse_inner(text: &str) -> Result<RateLimits, String> {
    let text = text.trim();
    if text.is_empty() || text == "none" {
        return Ok(RateLimits::none());
    }
    let mut limits: Vec<RateLimit> = Vec::new();
    for item in text.split(',') {
        let (action, rate) = item
            .split_once('=')
            .ok_or_else(|| format!("`{item}` has no `=`"))?;
        let action = ActionKind::ALL
            .into_iter()
            .find(|a| a.token() == action)
            .ok_or_else(|| format!("`{action}` is not an action"))?;
        let (max, period) = rate
            .split_once('/')
            .ok_or_else(|| format!("`{item}` needs a period, e.g. `{}=10/min`", action.token()))?;
        let max = max
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or_else(|| format!("`{item}`: the count is a whole number from 1 to 1000000"))?;
        let period = Period::ALL
            .into_iter()
            .find(|p| p.token() == period)
            .ok_or_else(|| format!("`{item}`: `{period}` is not a period"))?;
        if limits.iter().any(|l| l.action == action) {
            return Err(format!("`{}` is limited twice", action.token()));
        }
        limits.push(RateLimit {
            action,
            max,
            period,
        });
    }
    limits.sort_by_key(|l| ActionKind::ALL.iter().position(|a| *a == l.action));
    Ok(RateLimits(limits))
}

/// `create=10/min,update=60/min`, or `none`.
impl fmt::Display for RateLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        let items: Vec<String> = self.0.iter().map(RateLimit::to_string).collect();
        f.write_str(&items.join(","))
    }
}

/// In scaffold.toml, as the command line writes it: `rate_limit = "create=10/min"`.
impl Serialize for RateLimits {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for RateLimits {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_inner(&text).map_err(|why| {
            serde::de::Error::custom(format!("`rate_limit = \"{text}\"`: {why}; write {GRAMMAR}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_writes_back_in_action_order() {
        let cases = [
            ("create=10/min,update=60/min", "create=10/min,update=60/min"),
            ("list=100/hour,create=1/sec", "create=1/sec,list=100/hour"),
            ("delete=5/day", "delete=5/day"),
            ("none", "none"),
            ("", "none"),
        ];
        for (text, want) in cases {
            let limits = RateLimits::parse(text, "--rate-limit").unwrap();
            assert_eq!(limits.to_string(), want, "{text}");
            assert_eq!(RateLimits::parse(want, "x").unwrap(), limits);
        }
    }

    #[test]
    fn bad_limits_name_the_item() {
        let cases = [
            ("create", "`create` has no `=`"),
            ("make=1/min", "`make` is not an action"),
            (
                "create=10",
                "`create=10` needs a period, e.g. `create=10/min`",
            ),
            (
                "create=0/min",
                "`create=0/min`: the count is a whole number from 1",
            ),
            ("create=ten/min", "`create=ten/min`: the count"),
            ("create=1/week", "`create=1/week`: `week` is not a period"),
            ("create=1/min,create=2/min", "`create` is limited twice"),
        ];
        for (text, want) in cases {
            let err = RateLimits::parse(text, "--rate-limit").unwrap_err();
            assert_eq!(err.exit_code(), 2);
            let message = err.to_string();
            assert!(
                message.starts_with(&format!("--rate-limit `{text}`: {want}"))
                    && message.ends_with(GRAMMAR),
                "{text}: {message}"
            );
        }
    }
}
