//! Prometheus's alert templates: Go's `text/template` (as in Go 1.19, which
//! built Prometheus 2.42) with Prometheus's function map, so that the labels and
//! annotations of alerting rules expand to exactly what Prometheus would store,
//! error messages included.
//!
//! # Interface
//!
//! - [`expand_alert_text`]: what `rules/alerting.go` does with one label or
//!   annotation of a firing alert: prepends the convenience variables
//!   `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}`,
//!   names the template `__alert_<rule name>`, and on failure yields
//!   `<error expanding template: ERR>`, the text Prometheus stores instead.
//! - [`check_alert_text`]: what `promtool check rules` (rulefmt's
//!   `testTemplateParsing`) reports for the same text, e.g.
//!   `template: __alert_X:1: undefined variable "$label"`.
//! - [`Expander`]: Prometheus's `template.Expander` (`NewTemplateExpander`,
//!   `Expand`, `ExpandHTML`, `ParseTest`) for any text, name and data.
//! - [`Value`]: a Go value as templates see it; [`Querier`]: runs the PromQL of
//!   the `query` function.
//!
//! Errors read like Prometheus's: `error parsing template NAME: template:
//! NAME:LINE: MESSAGE` and `error executing template NAME: template:
//! NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`.
//!
//! # Functions
//!
//! Prometheus 2.42's map: `query first label value strvalue args reReplaceAll
//! safeHtml match title toUpper toLower graphLink tableLink sortByLabel
//! stripPort stripDomain humanize humanize1024 humanizeDuration
//! humanizePercentage humanizeTimestamp toTime pathPrefix externalURL
//! parseDuration`, plus `toDuration`, `now` and `urlQueryEscape` from later
//! releases (in 2.42 they are `function "now" not defined`), text/template's
//! builtins, and `tmpl` in HTML mode. `toTime` values have Go's `time.Time`
//! methods (`Format`, `Unix`, `Add`, `Sub`, `Year`, …), `toDuration` values
//! `time.Duration`'s.
//!
//! # Module layout
//!
//! `lex` → `parse` (tree in `ast`) → `exec` (walking) + `call` (argument
//! conversion); `builtins` and `funcs` are the function tables; `value` the
//! value model; `fmt`, `fmtverb`, `printf` port Go's fmt; `strconv`, `gotime`,
//! `regexp`, `netutil` the bits of Go's library the functions need; `unitab`
//! the Unicode tables behind `IsPrint`/`IsLetter`.
//!
//! Native histograms are as in Prometheus 3: a histogram sample's `.Value`
//! (`$value`, and `value` of a `query` result) is a `*histogram.FloatHistogram`
//! that prints as its `String()`; of its fields only `Count`, `Sum`,
//! `ZeroCount` and `ZeroThreshold` are reachable, and it has no methods.
//!
//! # Limits and known differences
//!
//! So that hostile templates can neither hang nor crash the page: output is
//! limited to 1 MiB (`template output too long`, also for any single string a
//! function builds), work to 2,000,000 steps (building strings costs a step per
//! 64 bytes, compiling a pattern 1000), `{{template}}` calls nest at most 100
//! deep (Go: 100000), parentheses and control structures 100 deep (a parse
//! error `expression nests too deeply`; Go has no limit), all nesting during
//! execution 300 levels (about 230 KiB of stack in release builds), and `args`
//! maps 32 deep.
//!
//! Otherwise as Go 1.19 (its lexer still emits `)` before reporting an
//! unbalanced one), except: `range $i, $e = …` assigns as Go ≥ 1.21 does (1.19
//! clobbered other variables); `ExpandHTML` escapes every action as HTML text
//! (html/template's contextual escaping of attributes, scripts and URLs is not
//! reproduced); strings are UTF-8, so `\xff`-style escapes and byte slicing that
//! splits a character yield U+FFFD; pointers print as made-up addresses;
//! `slice` of a query result copies it (Go's shares the array with the
//! original, which `sortByLabel` then sorts too); times are UTC (`Local` is
//! UTC); regular expressions are RE2 syntax run by the regex facade, with Go's
//! words for the common syntax errors and the engine's for the rest; Unicode
//! tables are newer than Go 1.19's; `externalURL` returns the URL as given.

mod ast;
mod builtins;
mod call;
mod exec;
mod fmt;
mod fmtverb;
mod funcs;
mod gotime;
mod lex;
mod netutil;
mod parse;
mod printf;
mod regexp;
mod strconv;
mod unitab;
mod value;

use std::collections::HashMap;

pub use value::{Sample, Struct, Value};

/// One element of an instant vector: label pairs and value.
pub type Series = (Vec<(String, String)>, f64);

/// One element of an instant vector that may be a native histogram (then the
/// float is unused).
pub type QuerySample = (
    Vec<(String, String)>,
    f64,
    Option<std::sync::Arc<crate::histogram::FloatHistogram>>,
);

/// Runs the PromQL of the `query` template function: an instant query at
/// `at_ms`, giving the vector's samples (label pairs, value) in the engine's
/// order. A scalar result is one sample without labels (as Prometheus's
/// `EngineQueryFunc`); the error text becomes `error calling query: ERR`.
pub trait Querier {
    fn query(&mut self, expr: &str, at_ms: i64) -> Result<Vec<Series>, String>;

    /// `query` with native histograms (what the `query` function calls); by
    /// default, `query`'s floats.
    fn query_samples(&mut self, expr: &str, at_ms: i64) -> Result<Vec<QuerySample>, String> {
        Ok(self
            .query(expr, at_ms)?
            .into_iter()
            .map(|(l, v)| (l, v, None))
            .collect())
    }
}

/// text/template's `missingkey` option: what a missing map key gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingKey {
    /// `missingkey=default`/`invalid`: no value (prints `<no value>`).
    Invalid,
    /// `missingkey=zero`: the element type's zero value (Prometheus's default).
    Zero,
    /// `missingkey=error`: an execution error.
    Error,
}

/// What the template functions need from the outside world.
pub(crate) struct Env<'q> {
    querier: Option<&'q mut dyn Querier>,
    at_ms: i64,
    external_url: Option<netutil::ExternalUrl>,
    regexes: HashMap<String, Result<crate::re::Regex, String>>,
    /// Execution steps the functions spent (compiling patterns, querying).
    cost: u64,
    /// Maps built by `args`, with their nesting depth (kept alive so that
    /// addresses stay unique): deep chains would overflow the stack when dropped.
    args_depth: HashMap<usize, (value::AnyMapRc, usize)>,
}

/// Prometheus's `template.Expander`: one text, its name, its data (the dot).
pub struct Expander<'a> {
    pub text: String,
    pub name: String,
    pub data: Value,
    /// The evaluation time: where `query` runs and what `now` returns.
    pub at_ms: i64,
    pub querier: Option<&'a mut dyn Querier>,
    /// The external URL (`pathPrefix` is its path, `externalURL` all of it).
    pub external_url: String,
    /// text/template options; `None` is Prometheus's `["missingkey=zero"]`.
    pub options: Option<Vec<String>>,
}

impl<'a> Expander<'a> {
    /// `NewTemplateExpander` with the default options.
    pub fn new(
        text: &str,
        name: &str,
        data: Value,
        at_ms: i64,
        querier: Option<&'a mut dyn Querier>,
        external_url: &str,
    ) -> Expander<'a> {
        Expander {
            text: text.to_string(),
            name: name.to_string(),
            data,
            at_ms,
            querier,
            external_url: external_url.to_string(),
            options: None,
        }
    }

    /// `Expand`: the template in text mode.
    pub fn expand(&mut self) -> Result<String, String> {
        self.run(false)
    }

    /// `ExpandHTML(nil)`: every action's output HTML-escaped unless it is
    /// `safeHtml`; also offers `tmpl NAME DATA`.
    pub fn expand_html(&mut self) -> Result<String, String> {
        self.run(true)
    }

    /// `ParseTest`: only whether the text parses (the error unwrapped).
    pub fn parse_test(&self) -> Result<(), String> {
        parse_text(&self.name, &self.text, false).map(|_| ())
    }

    fn run(&mut self, html: bool) -> Result<String, String> {
        let name = self.name.as_str();
        let missing_key = match &self.options {
            None => MissingKey::Zero,
            Some(opts) => apply_options(name, opts)?,
        };
        let trees = parse_text(name, &self.text, html)
            .map_err(|e| format!("error parsing template {name}: {e}"))?;
        let mut env = Env {
            querier: self.querier.as_mut().map(|q| &mut **q as &mut dyn Querier),
            at_ms: self.at_ms,
            external_url: Some(netutil::ExternalUrl::parse(&self.external_url)),
            regexes: HashMap::new(),
            cost: 0,
            args_depth: HashMap::new(),
        };
        let Some((key, tree)) = trees.get_key_value(name) else {
            return Ok(String::new());
        };
        let mut state = exec::State {
            trees: &trees,
            text: &self.text,
            parse_name: name,
            tmpl_name: key,
            node: None,
            vars: vec![("$", self.data.clone())],
            depth: 0,
            nest: 0,
            steps: 0,
            out: String::new(),
            opts: exec::Options { missing_key, html },
            env: &mut env,
        };
        match state.walk_list(&self.data, &tree.root) {
            Ok(_) => Ok(state.out),
            Err(e) => Err(format!("error executing template {name}: {}", e.message())),
        }
    }
}

/// `Template.Option`: Go panics on a bad option; Prometheus reports the panic.
fn apply_options(name: &str, opts: &[String]) -> Result<MissingKey, String> {
    let mut mk = MissingKey::Invalid;
    for opt in opts {
        let panic = |why: String| format!("panic expanding template {name}: {why}");
        if opt.is_empty() {
            return Err(panic("empty option string".into()));
        }
        mk = match opt.split_once('=') {
            Some(("missingkey", "invalid" | "default")) => MissingKey::Invalid,
            Some(("missingkey", "zero")) => MissingKey::Zero,
            Some(("missingkey", "error")) => MissingKey::Error,
            _ => return Err(panic(format!("unrecognized option: {opt}"))),
        };
    }
    Ok(mk)
}

/// Parses with Prometheus's function map (plus `tmpl` in HTML mode).
fn parse_text(name: &str, text: &str, html: bool) -> Result<HashMap<String, parse::Tree>, String> {
    let has_func = |f: &str| {
        funcs::lookup(f).is_some() || builtins::lookup(f).is_some() || html && f == "tmpl"
    };
    parse::parse(name, text, &has_func)
}

/// The convenience variables Prometheus defines before every alert template.
pub const ALERT_DEFS: &str = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

/// The Go type of the alert template data (`template.AlertTemplateData`).
pub const ALERT_DATA_TYPE: &str = "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }";

/// The same in Prometheus 3, whose `.Value` may be a native histogram.
pub const ALERT_DATA_TYPE_ANY: &str = "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }";

/// The dot of an alert template: `.Labels`, `.ExternalLabels`, `.ExternalURL`, `.Value`.
pub fn alert_data(
    labels: &[(String, String)],
    external_labels: &[(String, String)],
    external_url: &str,
    value: f64,
) -> Value {
    alert_data_value(
        labels,
        external_labels,
        external_url,
        ALERT_DATA_TYPE,
        Value::Float(value),
    )
}

/// The dot of an alert template for a native-histogram sample: `.Value` (and
/// so `$value`) is the `*histogram.FloatHistogram`, as Prometheus 3.
pub fn alert_data_histogram(
    labels: &[(String, String)],
    external_labels: &[(String, String)],
    external_url: &str,
    h: std::sync::Arc<crate::histogram::FloatHistogram>,
) -> Value {
    alert_data_value(
        labels,
        external_labels,
        external_url,
        ALERT_DATA_TYPE_ANY,
        Value::Histogram(h),
    )
}

fn alert_data_value(
    labels: &[(String, String)],
    external_labels: &[(String, String)],
    external_url: &str,
    type_name: &str,
    value: Value,
) -> Value {
    let map = |l: &[(String, String)]| Value::map(l.iter().cloned());
    Value::Struct(std::rc::Rc::new(Struct {
        type_name: type_name.into(),
        fields: vec![
            ("Labels".into(), map(labels)),
            ("ExternalLabels".into(), map(external_labels)),
            ("ExternalURL".into(), Value::str(external_url)),
            ("Value".into(), value),
        ],
    }))
}

/// Expands one label or annotation value of alert `rule_name` as Prometheus's
/// rule evaluation does; a failure yields `<error expanding template: ERR>`.
#[allow(clippy::too_many_arguments)]
pub fn expand_alert_text(
    rule_name: &str,
    text: &str,
    labels: &[(String, String)],
    external_labels: &[(String, String)],
    external_url: &str,
    value: f64,
    at_ms: i64,
    querier: Option<&mut dyn Querier>,
) -> String {
    let data = alert_data(labels, external_labels, external_url, value);
    expand_alert_data(rule_name, text, data, external_url, at_ms, querier)
}

/// [`expand_alert_text`] with the dot given (see [`alert_data_histogram`]).
pub fn expand_alert_data(
    rule_name: &str,
    text: &str,
    data: Value,
    external_url: &str,
    at_ms: i64,
    querier: Option<&mut dyn Querier>,
) -> String {
    let full = format!("{ALERT_DEFS}{text}");
    let mut e = Expander::new(
        &full,
        &format!("__alert_{rule_name}"),
        data,
        at_ms,
        querier,
        external_url,
    );
    match e.expand() {
        Ok(s) => s,
        Err(err) => format!("<error expanding template: {err}>"),
    }
}

/// What `promtool check rules` reports for a label or annotation of alert
/// `rule_name` (without its `label "x": ` / `annotation "x": ` prefix).
pub fn check_alert_text(rule_name: &str, text: &str) -> Result<(), String> {
    let full = format!("{ALERT_DEFS}{text}");
    parse_text(&format!("__alert_{rule_name}"), &full, false).map(|_| ())
}
