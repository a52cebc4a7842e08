//! The unit-test file's YAML, as promtool reads it (strictly: an unknown field
//! is an error, worded as Go's yaml.v2 words it).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::rules::yaml_keys::{Schema, unknown_fields, unknown_fields_message};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct TestFile {
    #[serde(default)]
    pub rule_files: Vec<String>,
    #[serde(default)]
    pub evaluation_interval: Option<String>,
    #[serde(default)]
    pub group_eval_order: Vec<String>,
    #[serde(default)]
    pub tests: Vec<TestGroup>,
    #[serde(default)]
    pub fuzzy_compare: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct TestGroup {
    #[serde(default)]
    pub interval: Option<String>,
    #[serde(default)]
    pub input_series: Vec<InputSeries>,
    #[serde(default)]
    pub alert_rule_test: Vec<AlertTest>,
    #[serde(default)]
    pub promql_expr_test: Vec<ExprTest>,
    #[serde(default)]
    pub external_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub external_url: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub start_timestamp: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct InputSeries {
    #[serde(default)]
    pub series: String,
    #[serde(default)]
    pub values: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AlertTest {
    #[serde(default)]
    pub eval_time: Option<String>,
    #[serde(default)]
    pub alertname: String,
    #[serde(default)]
    pub exp_alerts: Vec<ExpectedAlert>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ExpectedAlert {
    #[serde(default)]
    pub exp_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub exp_annotations: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ExprTest {
    #[serde(default)]
    pub expr: String,
    #[serde(default)]
    pub eval_time: Option<String>,
    #[serde(default)]
    pub exp_samples: Vec<ExpectedSample>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ExpectedSample {
    #[serde(default)]
    pub labels: String,
    #[serde(default)]
    pub value: f64,
    /// A native histogram (`{{schema:...}}`); the value is then still compared.
    #[serde(default)]
    pub histogram: Option<String>,
}

static SAMPLE: Schema = Schema {
    type_name: "sample",
    fields: &[("labels", None), ("value", None), ("histogram", None)],
};
static EXPR_TEST: Schema = Schema {
    type_name: "promqlTestCase",
    fields: &[
        ("expr", None),
        ("eval_time", None),
        ("exp_samples", Some(&SAMPLE)),
    ],
};
static ALERT: Schema = Schema {
    type_name: "alert",
    fields: &[("exp_labels", None), ("exp_annotations", None)],
};
static ALERT_TEST: Schema = Schema {
    type_name: "alertTestCase",
    fields: &[
        ("eval_time", None),
        ("alertname", None),
        ("exp_alerts", Some(&ALERT)),
    ],
};
static SERIES: Schema = Schema {
    type_name: "series",
    fields: &[("series", None), ("values", None)],
};
static GROUP: Schema = Schema {
    type_name: "testGroup",
    fields: &[
        ("interval", None),
        ("input_series", Some(&SERIES)),
        ("alert_rule_test", Some(&ALERT_TEST)),
        ("promql_expr_test", Some(&EXPR_TEST)),
        ("external_labels", None),
        ("external_url", None),
        ("name", None),
        ("start_timestamp", None),
    ],
};
static FILE: Schema = Schema {
    type_name: "unitTestFile",
    fields: &[
        ("rule_files", None),
        ("evaluation_interval", None),
        ("group_eval_order", None),
        ("tests", Some(&GROUP)),
        ("fuzzy_compare", None),
    ],
};

/// Reads a unit-test file strictly.
pub fn parse(text: &str) -> Result<TestFile, String> {
    let unknown = unknown_fields(text, &FILE).map_err(|e| format!("yaml: {e}"))?;
    if !unknown.is_empty() {
        return Err(unknown_fields_message(&unknown, "main"));
    }
    if text.trim().is_empty() {
        return Ok(TestFile::default());
    }
    serde_saphyr::from_str(text).map_err(|e| format!("yaml: {e}"))
}
