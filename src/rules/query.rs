//! How rules query the store: Prometheus's `EngineQueryFunc` (an instant query
//! whose result must be a vector or a scalar) and the template `query` function.

use crate::promql::engine::{self, Value};
use crate::promql::{self, Expr};
use crate::tsdb::{Head, Labels};

use super::template::Querier;

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

/// Evaluates `rule` at `t_ms` as a rule does: a scalar becomes one sample without
/// labels; a string or range vector is an error, in Prometheus's words.
pub fn query_vector(
    head: &Head,
    rule: &RuleExpr,
    t_ms: i64,
    opts: &engine::Options,
) -> Result<Vec<(Labels, f64)>, String> {
    let out =
        engine::instant_query(head, &rule.text, &rule.expr, t_ms, opts).map_err(|e| e.message)?;
    match out.value {
        Value::Vector(samples) => Ok(samples.into_iter().map(|s| (s.labels, s.v)).collect()),
        Value::Scalar(p) => Ok(vec![(Labels::default(), p.v)]),
        _ => Err("rule result is not a vector or scalar".into()),
    }
}

/// The store as templates' `query` sees it.
pub struct HeadQuerier<'a> {
    pub head: &'a Head,
    pub opts: &'a engine::Options,
}

impl Querier for HeadQuerier<'_> {
    fn query(
        &mut self,
        expr: &str,
        at_ms: i64,
    ) -> Result<Vec<(Vec<(String, String)>, f64)>, String> {
        let rule = RuleExpr::parse(expr)?;
        let samples = query_vector(self.head, &rule, at_ms, self.opts)?;
        Ok(samples
            .into_iter()
            .map(|(labels, v)| (labels.to_vec(), v))
            .collect())
    }
}
