//! How rules query the store: Prometheus's `EngineQueryFunc` (an instant query
//! whose result must be a vector or a scalar) and the template `query` function.

use std::sync::Arc;

use crate::histogram::FloatHistogram;
use crate::promql::engine::{self, Value};
use crate::promql::{self, Expr};
use crate::tsdb::{Head, Labels};

use super::template::{Querier, QuerySample, Series};

/// A rule expression, parsed once.
#[derive(Clone, Debug)]
pub struct RuleExpr {
    pub text: String,
    pub expr: Expr,
}

impl RuleExpr {
    pub fn parse(text: &str) -> Result<RuleExpr, String> {
        let expr = promql::parse(text).map_err(|e| e.prometheus_message())?;
        Ok(RuleExpr {
            text: text.to_string(),
            expr,
        })
    }
}

/// One element of a rule's result (Prometheus's `promql.Sample` without the
/// time): a float, or a native histogram (then `v` is 0, as upstream's `F`).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSample {
    pub labels: Labels,
    pub v: f64,
    pub h: Option<Arc<FloatHistogram>>,
}

impl RuleSample {
    pub fn float(labels: Labels, v: f64) -> RuleSample {
        RuleSample { labels, v, h: None }
    }
}

/// Evaluates `rule` at `t_ms` as a rule does: a scalar becomes one sample without
/// labels; a string or range vector is an error, in Prometheus's words.
pub fn query_vector(
    head: &Head,
    rule: &RuleExpr,
    t_ms: i64,
    opts: &engine::Options,
) -> Result<Vec<RuleSample>, String> {
    let out =
        engine::instant_query(head, &rule.text, &rule.expr, t_ms, opts).map_err(|e| e.message)?;
    match out.value {
        Value::Vector(samples) => Ok(samples
            .into_iter()
            .map(|s| RuleSample {
                labels: s.labels,
                v: if s.h.is_some() { 0.0 } else { s.v },
                h: s.h,
            })
            .collect()),
        Value::Scalar(p) => Ok(vec![RuleSample::float(Labels::default(), p.v)]),
        _ => Err("rule result is not a vector or scalar".into()),
    }
}

/// The store as templates' `query` sees it.
pub struct HeadQuerier<'a> {
    pub head: &'a Head,
    pub opts: &'a engine::Options,
}

impl Querier for HeadQuerier<'_> {
    fn query(&mut self, expr: &str, at_ms: i64) -> Result<Vec<Series>, String> {
        Ok(self
            .query_samples(expr, at_ms)?
            .into_iter()
            .map(|s| (s.0, s.1))
            .collect())
    }

    fn query_samples(&mut self, expr: &str, at_ms: i64) -> Result<Vec<QuerySample>, String> {
        let rule = RuleExpr::parse(expr)?;
        let samples = query_vector(self.head, &rule, at_ms, self.opts)?;
        Ok(samples
            .into_iter()
            .map(|s| (s.labels.to_vec(), s.v, s.h))
            .collect())
    }
}
