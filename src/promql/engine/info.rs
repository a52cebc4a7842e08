//! Experimental `info(v, {selector})`, as Prometheus's `promql/info.go`: each
//! series of `v` gets the data labels of the info series (`target_info` unless
//! the selector names others) that share its identifying labels (`instance`,
//! `job`), as those info series are at the time `v`'s samples were read.
//!
//! - The selector's `__name__` matchers choose the info metrics (only negative
//!   ones: among the `*_info` metrics); its other matchers both filter the info
//!   series and restrict the data labels taken to the labels they name.
//! - Series of `v` that are info series themselves pass through unchanged.
//! - Labels already on the series are kept; two info metrics giving one label
//!   different values is an error; of two info series of one metric matching at
//!   a step, the one with the newer sample wins.
//! - A series no info series matches is kept unchanged, unless a data matcher
//!   rejects the empty value, in which case it is dropped.

use std::collections::{HashMap, HashSet};

use crate::promql::ast::{Expr, ExprKind, VectorSelector};
use crate::tsdb::{Labels, METRIC_NAME, MatchType, Matcher, is_stale_nan};

use super::call::unwrap_parens;
use super::eval::{Evaluator, TOO_MANY_SAMPLES, hpoint_size, point_at, push_point};
use super::value::{EvalError, Series};

const TARGET_INFO: &str = "target_info";

/// The labels that tie a series to its info series.
const IDENTIFYING: [&str; 2] = ["instance", "job"];

/// One info series: its labels, the metric's name and its identifying labels.
struct InfoSeries {
    labels: Labels,
    name: String,
    key: Labels,
    /// At each step, the timestamp of the sample in effect at the reference time.
    times: Vec<Option<i64>>,
    /// At each step, whether the sample in effect is a native histogram (an error:
    /// info samples are floats).
    histogram_at: Vec<bool>,
}

impl Evaluator<'_, '_> {
    /// `info(v)` / `info(v, {selector})`.
    pub(crate) fn info(&mut self, args: &[Expr]) -> Result<Vec<Series>, EvalError> {
        let before = self.current_samples;
        let base = self.eval(&args[0])?.into_matrix();
        let selector = args.get(1).and_then(|a| match &unwrap_parens(a).kind {
            ExprKind::Vector(vs) => Some(vs),
            _ => None,
        });
        let (name_matchers, data_matchers) = info_matchers(selector)?;
        let ignored: Vec<bool> = base
            .iter()
            .map(|s| {
                let name = s.labels.metric_name().unwrap_or("");
                name_matchers.iter().all(|m| m.matches(name))
            })
            .collect();
        let (at, offset) = self.info_reference(&args[0])?;
        let infos =
            self.info_series(&base, &ignored, &name_matchers, &data_matchers, at, offset)?;
        // Data labels only come from the labels the selector names (all if none).
        let data_names: HashSet<&str> = data_matchers.iter().map(|m| m.name()).collect();
        let all_match_empty = data_matchers.iter().all(|m| m.matches_empty());

        let steps: Vec<i64> = self.grid()?;
        let mut cursors = vec![(0usize, 0usize); base.len()];
        let mut out: Vec<Series> = Vec::new();
        let mut index: HashMap<Labels, (usize, i64)> = HashMap::new();
        let mut held = 0usize;
        for (k, &ts) in steps.iter().enumerate() {
            self.check_deadline()?;
            // Per (metric name, identifying labels), the info series in effect.
            let mut current: HashMap<(&str, &Labels), (usize, i64)> = HashMap::new();
            for (i, is) in infos.iter().enumerate() {
                let Some(t) = is.times[k] else { continue };
                match current.get_mut(&(is.name.as_str(), &is.key)) {
                    Some((j, existing)) => {
                        if *existing == t {
                            return Err(EvalError::execution(format!(
                                "found duplicate series for info metric: existing {} @ {existing}, new {} @ {t}",
                                go_labels(&infos[*j].labels),
                                go_labels(&is.labels)
                            )));
                        }
                        if *existing < t {
                            (*j, *existing) = (i, t);
                        }
                    }
                    None => {
                        current.insert((is.name.as_str(), &is.key), (i, t));
                    }
                }
            }
            let base_here = base.iter().enumerate().any(|(j, s)| {
                s.points.get(cursors[j].0).is_some_and(|p| p.t == ts)
                    || s.histograms.get(cursors[j].1).is_some_and(|p| p.t == ts)
            });
            if base_here && infos.iter().any(|is| is.histogram_at[k]) {
                return Err(EvalError::execution("info sample should be float"));
            }
            for (j, s) in base.iter().enumerate() {
                let Some((v, h)) = point_at(s, &mut cursors[j], ts) else {
                    continue;
                };
                let labels = if ignored[j] {
                    s.labels.clone()
                } else {
                    let key = identifying(&s.labels);
                    let mut added: Vec<(&str, &str)> = Vec::new();
                    let mut seen = false;
                    for &(i, _) in current
                        .iter()
                        .filter(|((_, k), _)| **k == key)
                        .map(|(_, v)| v)
                    {
                        seen = true;
                        for (n, v) in infos[i].labels.iter() {
                            if n == METRIC_NAME
                                || (!data_names.is_empty() && !data_names.contains(n))
                            {
                                continue;
                            }
                            if added.iter().any(|&(an, av)| an == n && av != v) {
                                return Err(EvalError::execution(format!(
                                    "conflicting label: {n}"
                                )));
                            }
                            if s.labels.get(n).is_none() && !added.iter().any(|&(an, _)| an == n) {
                                added.push((n, v));
                            }
                        }
                    }
                    if !seen && !all_match_empty {
                        continue;
                    }
                    if added.is_empty() {
                        s.labels.clone()
                    } else {
                        s.labels.iter().chain(added).collect()
                    }
                };
                held += h.as_deref().map_or(1, hpoint_size);
                if before + held > self.max_samples {
                    return Err(EvalError::execution(TOO_MANY_SAMPLES));
                }
                match index.get_mut(&labels) {
                    Some((i, last)) => {
                        if *last == ts {
                            return Err(EvalError::execution(
                                "vector cannot contain metrics with the same labelset",
                            ));
                        }
                        *last = ts;
                        push_point(&mut out[*i], ts, v, h);
                    }
                    None => {
                        index.insert(labels.clone(), (out.len(), ts));
                        let mut series = Series::new(labels, s.drop_name);
                        push_point(&mut series, ts, v, h);
                        out.push(series);
                    }
                }
            }
        }
        self.current_samples = before + held;
        Ok(out)
    }

    /// When `info`'s argument read its samples, as `(@, offset)`: the reference
    /// time at step `t` is `@.unwrap_or(t) - offset`. Taken from the argument's
    /// first vector selector and the subqueries around it.
    fn info_reference(&mut self, e: &Expr) -> Result<(Option<i64>, i64), EvalError> {
        let mut path = Vec::new();
        let Some(vs) = first_selector(e, &mut path) else {
            return Ok((None, 0));
        };
        let (mut at, mut offset) = (None, 0);
        for sq in path {
            let o = match &sq.offset {
                Some(o) => self.duration_ms(&o.value)?,
                None => 0,
            };
            match self.at_ms(sq.at.as_ref()) {
                // `@` on a subquery pins everything inside it.
                Some(t) => (at, offset) = (Some(t), o),
                None => offset += o,
            }
        }
        let o = match &vs.offset {
            Some(o) => self.duration_ms(&o.value)?,
            None => 0,
        };
        Ok(match self.at_ms(vs.at.as_ref()) {
            Some(t) => (Some(t), o),
            None => (at, offset + o),
        })
    }

    /// The info series sharing identifying labels with the base series that are
    /// not info series themselves, with the sample in effect at each step.
    fn info_series(
        &mut self,
        base: &[Series],
        ignored: &[bool],
        name_matchers: &[Matcher],
        data_matchers: &[Matcher],
        at: Option<i64>,
        offset: i64,
    ) -> Result<Vec<InfoSeries>, EvalError> {
        let mut wanted: HashMap<&str, HashSet<&str>> = HashMap::new();
        for (s, _) in base.iter().zip(ignored).filter(|(_, ig)| !**ig) {
            for l in IDENTIFYING {
                if let Some(v) = s.labels.get(l) {
                    wanted.entry(l).or_default().insert(v);
                }
            }
        }
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let matchers: Vec<Matcher> = name_matchers.iter().chain(data_matchers).cloned().collect();
        self.check_grid()?;
        let refs: Vec<i64> = self.steps().map(|t| at.unwrap_or(t) - offset).collect();
        let (Some(&lo), Some(&hi)) = (refs.iter().min(), refs.iter().max()) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (r, labels) in self.head.select_in_label_order(&matchers) {
            if !wanted
                .iter()
                .all(|(l, vals)| labels.get(l).is_some_and(|v| vals.contains(v)))
            {
                continue;
            }
            self.check_deadline()?;
            let buf: Vec<(i64, f64)> = self.head.iter(r, lo - self.lookback + 1, hi).collect();
            let hbuf: Vec<(i64, bool)> = self
                .head
                .iter_histograms(r, lo - self.lookback + 1, hi)
                .map(|(t, h)| (t, is_stale_nan(h.sum)))
                .collect();
            self.samples_read += (buf.len() + hbuf.len()) as u64;
            let mut histogram_at = Vec::with_capacity(refs.len());
            let times = refs
                .iter()
                .map(|&rt| {
                    let i = buf.partition_point(|&(t, _)| t <= rt);
                    let float = i.checked_sub(1).map(|i| buf[i]);
                    let j = hbuf.partition_point(|&(t, _)| t <= rt);
                    let hist = j.checked_sub(1).map(|j| hbuf[j]);
                    // The newer of the two kinds is in effect.
                    if let Some((ht, stale)) = hist
                        && float.is_none_or(|(ft, _)| ht > ft)
                    {
                        let live = ht > rt - self.lookback && !stale;
                        histogram_at.push(live);
                        return None;
                    }
                    histogram_at.push(false);
                    let (t, v) = float?;
                    (t > rt - self.lookback && !is_stale_nan(v)).then_some(t)
                })
                .collect();
            out.push(InfoSeries {
                name: labels.metric_name().unwrap_or("").to_string(),
                key: identifying(&labels),
                labels,
                times,
                histogram_at,
            });
        }
        Ok(out)
    }
}

/// The info metric name matchers and the data label matchers of `info`'s
/// selector. Without a selector, or one without name matchers, the info metric
/// is `target_info`; with only negative name matchers, any `*_info` metric.
fn info_matchers(sel: Option<&VectorSelector>) -> Result<(Vec<Matcher>, Vec<Matcher>), EvalError> {
    let (mut names, mut data) = (Vec::new(), Vec::new());
    for m in sel.map_or(&[][..], |s| &s.matchers[..]) {
        let compiled = Matcher::new(m.op, &m.name, &m.value)
            .map_err(|e| EvalError::execution(e.to_string()))?;
        if m.name == METRIC_NAME {
            names.push(compiled);
        } else {
            data.push(compiled);
        }
    }
    if names.is_empty() {
        names.push(Matcher::equal(METRIC_NAME, TARGET_INFO));
    } else if names
        .iter()
        .all(|m| matches!(m.kind(), MatchType::NotEqual | MatchType::NotRegexp))
    {
        names.push(
            Matcher::new(MatchType::Regexp, METRIC_NAME, ".+_info")
                .map_err(|e| EvalError::execution(e.to_string()))?,
        );
    }
    Ok((names, data))
}

/// The identifying labels of a series (those it has).
fn identifying(labels: &Labels) -> Labels {
    IDENTIFYING
        .iter()
        .filter_map(|&l| labels.get(l).map(|v| (l, v)))
        .collect()
}

/// The first vector selector of `e` in Prometheus's `parser.Inspect` order, and
/// the subqueries around it (outermost first).
fn first_selector<'e>(
    e: &'e Expr,
    path: &mut Vec<&'e crate::promql::ast::Subquery>,
) -> Option<&'e VectorSelector> {
    match &e.kind {
        ExprKind::Vector(vs) => Some(vs),
        ExprKind::Matrix { selector, .. } => first_selector(selector, path),
        ExprKind::Subquery(sq) => {
            path.push(sq);
            let found = first_selector(&sq.expr, path);
            if found.is_none() {
                path.pop();
            }
            found
        }
        ExprKind::Call { args, .. } => args.iter().find_map(|a| first_selector(a, path)),
        ExprKind::Aggregate(a) => first_selector(&a.expr, path)
            .or_else(|| a.param.as_deref().and_then(|p| first_selector(p, path))),
        ExprKind::Binary(b) => {
            first_selector(&b.lhs, path).or_else(|| first_selector(&b.rhs, path))
        }
        ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => first_selector(expr, path),
        ExprKind::Number(_) | ExprKind::Duration(_) | ExprKind::String(_) => None,
    }
}

/// Go's `labels.Labels.String()`: `{a="b", c="d"}`.
fn go_labels(labels: &Labels) -> String {
    let pairs: Vec<String> = labels.iter().map(|(n, v)| format!("{n}={v:?}")).collect();
    format!("{{{}}}", pairs.join(", "))
}

#[cfg(test)]
mod tests {
    use crate::promql::engine::{Options, Value, instant_query, range_query};
    use crate::tsdb::{Head, Labels};

    /// `metric{instance="a", job="1"}` and two info metrics, every minute for 3m;
    /// `target_info` changes its `version` at 2m.
    fn head() -> Head {
        let mut head = Head::default();
        let metric = Labels::new(&[("__name__", "metric"), ("instance", "a"), ("job", "1")]);
        let old = Labels::new(&[
            ("__name__", "target_info"),
            ("instance", "a"),
            ("job", "1"),
            ("version", "old"),
        ]);
        let new = Labels::new(&[
            ("__name__", "target_info"),
            ("instance", "a"),
            ("job", "1"),
            ("version", "new"),
        ]);
        let build = Labels::new(&[
            ("__name__", "build_info"),
            ("instance", "a"),
            ("job", "1"),
            ("build", "b1"),
        ]);
        for i in 0..4 {
            let t = i * 60_000;
            head.add(&metric, t, i as f64).unwrap();
            head.add(&build, t, 1.0).unwrap();
            if i < 2 {
                head.add(&old, t, 1.0).unwrap();
            } else {
                head.add(&new, t, 1.0).unwrap();
            }
        }
        head
    }

    fn instant(q: &str, t: i64) -> Result<Vec<String>, String> {
        let expr = crate::promql::parse(q).unwrap();
        let out =
            instant_query(&head(), q, &expr, t, &Options::default()).map_err(|e| e.message)?;
        let Value::Vector(v) = out.value else {
            panic!()
        };
        Ok(v.iter().map(|s| format!("{} {}", s.labels, s.v)).collect())
    }

    #[test]
    fn enriches_with_target_info() {
        // At 1m only "old" is current; at 3m "old" (1m) and "new" (3m) are both
        // within the lookback, and the newer sample wins.
        assert_eq!(
            instant("info(metric)", 60_000).unwrap(),
            [r#"metric{instance="a", job="1", version="old"} 1"#]
        );
        assert_eq!(
            instant("info(metric)", 180_000).unwrap(),
            [r#"metric{instance="a", job="1", version="new"} 3"#]
        );
        // Offset and @ move the time the info series are looked at.
        assert_eq!(
            instant("info(metric offset 2m)", 180_000).unwrap(),
            [r#"metric{instance="a", job="1", version="old"} 1"#]
        );
        assert_eq!(
            instant("info(metric @ 0)", 180_000).unwrap(),
            [r#"metric{instance="a", job="1", version="old"} 0"#]
        );
    }

    #[test]
    fn selector() {
        assert_eq!(
            instant(r#"info(metric, {__name__="build_info"})"#, 60_000).unwrap(),
            [r#"metric{build="b1", instance="a", job="1"} 1"#]
        );
        // Only negative name matchers: any other *_info metric.
        assert_eq!(
            instant(r#"info(metric, {__name__!="target_info"})"#, 60_000).unwrap(),
            [r#"metric{build="b1", instance="a", job="1"} 1"#]
        );
        // A data matcher rejecting "" drops what no info series matches...
        assert_eq!(
            instant(r#"info(metric, {nope=~".+"})"#, 60_000).unwrap(),
            Vec::<String>::new()
        );
        // ...one accepting it keeps the series as it is.
        assert_eq!(
            instant(r#"info(metric, {nope=~".*"})"#, 60_000).unwrap(),
            [r#"metric{instance="a", job="1"} 1"#]
        );
        // Info series themselves pass through.
        assert_eq!(
            instant(r#"info(build_info, {__name__="build_info"})"#, 60_000).unwrap(),
            [r#"build_info{build="b1", instance="a", job="1"} 1"#]
        );
    }

    #[test]
    fn range_query_splits_series_when_labels_change() {
        let q = "info(metric)";
        let expr = crate::promql::parse(q).unwrap();
        let out = range_query(&head(), q, &expr, 0, 180_000, 60_000, &Options::default()).unwrap();
        let Value::Matrix(m) = out.value else {
            panic!()
        };
        let got: Vec<(String, usize)> = m
            .iter()
            .map(|s| (s.labels.to_string(), s.points.len()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    r#"metric{instance="a", job="1", version="new"}"#.to_string(),
                    2
                ),
                (
                    r#"metric{instance="a", job="1", version="old"}"#.to_string(),
                    2
                ),
            ]
        );
    }

    #[test]
    fn conflicting_labels() {
        let mut head = head();
        let other = Labels::new(&[
            ("__name__", "other_info"),
            ("instance", "a"),
            ("job", "1"),
            ("build", "b2"),
        ]);
        head.add(&other, 60_000, 1.0).unwrap();
        let q = r#"info(metric, {__name__=~".+_info"})"#;
        let expr = crate::promql::parse(q).unwrap();
        let err = instant_query(&head, q, &expr, 60_000, &Options::default()).unwrap_err();
        assert_eq!(err.message, "conflicting label: build");
    }
}
