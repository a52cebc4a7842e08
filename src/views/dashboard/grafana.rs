//! Dashboards as Grafana reads and writes them (issue 18). Out: each panel's
//! query with its `legendFormat`, unit and kind (`timeseries`, stacked
//! `timeseries`, `heatmap` and `bargauge` over buckets, `stat`, `gauge`; Grafana
//! 10's schema 39), `$__rate_interval` left for Grafana to fill in, as the pane
//! fills it in. In: a Grafana dashboard's JSON (as "Export → Save to file" or the
//! HTTP API gives it, rows opened), each Prometheus panel's first query, with a
//! report of everything that could not be carried over.

use serde_json::{Value, json};

use super::model::{Dashboard, Panel};
use crate::views::chart::{ChartKind, Unit};

/// Panels per row, and a panel's size in Grafana's 24-column grid.
const PER_ROW: usize = 2;
const WIDTH: usize = 12;
const HEIGHT: usize = 8;

/// `dashboard` as a Grafana dashboard, its panels reading the data source `datasource_uid`.
pub fn to_grafana(dashboard: &Dashboard, uid: &str, datasource_uid: &str) -> Value {
    let panels: Vec<Value> = dashboard
        .panels
        .iter()
        .enumerate()
        .map(|(i, p)| panel_json(i, p, datasource_uid))
        .collect();
    json!({
        "uid": uid,
        "title": dashboard.title,
        "tags": ["promplay"],
        "schemaVersion": 39,
        "version": 1,
        "editable": true,
        "time": { "from": "now-1h", "to": "now" },
        "refresh": "10s",
        "timezone": "utc",
        "annotations": { "list": [] },
        "templating": { "list": [] },
        "panels": panels,
    })
}

fn panel_json(index: usize, p: &Panel, datasource_uid: &str) -> Value {
    let datasource = json!({ "type": "prometheus", "uid": datasource_uid });
    let buckets = matches!(p.kind, ChartKind::Heatmap | ChartKind::Bars);
    let mut target = json!({
        "refId": "A",
        "datasource": datasource,
        "expr": p.query,
        "legendFormat": p.legend.clone().unwrap_or_else(|| "__auto".to_string()),
        "range": true,
    });
    if buckets {
        // Series carry `le`: Grafana orders them as buckets.
        target["format"] = json!("heatmap");
    }
    if p.kind == ChartKind::Bars {
        target["range"] = json!(false);
        target["instant"] = json!(true);
    }
    let mut defaults = json!({ "unit": grafana_unit(p.unit) });
    if let Some((min, max)) = p.unit.natural_range() {
        defaults["min"] = json!(min);
        defaults["max"] = json!(max);
    }
    let (kind, options) = match p.kind {
        ChartKind::Lines | ChartKind::Stacked => {
            let stacked = p.kind == ChartKind::Stacked;
            defaults["custom"] = json!({
                "drawStyle": "line",
                "fillOpacity": if stacked { 40 } else { 0 },
                "stacking": { "mode": if stacked { "normal" } else { "none" }, "group": "A" },
            });
            (
                "timeseries",
                json!({ "legend": { "displayMode": "list", "placement": "bottom", "showLegend": true },
                        "tooltip": { "mode": "multi", "sort": "none" } }),
            )
        }
        ChartKind::Heatmap => (
            "heatmap",
            json!({
                // The query gives buckets already (`rate(x_bucket[...])`): no calculation.
                "calculate": false,
                "yAxis": { "unit": grafana_unit(Unit::for_buckets(&p.query)) },
                "cellGap": 1,
                "color": { "mode": "scheme", "scheme": "Oranges", "fill": "dark-orange" },
            }),
        ),
        ChartKind::Bars => (
            "bargauge",
            json!({ "orientation": "vertical", "displayMode": "basic",
                    "reduceOptions": { "calcs": ["lastNotNull"], "fields": "", "values": false } }),
        ),
        ChartKind::Stat => (
            "stat",
            json!({ "reduceOptions": { "calcs": ["lastNotNull"], "fields": "", "values": false },
                    "colorMode": "value", "graphMode": "area" }),
        ),
        ChartKind::Gauge => (
            "gauge",
            json!({ "reduceOptions": { "calcs": ["lastNotNull"], "fields": "", "values": false },
                    "showThresholdMarkers": true }),
        ),
    };
    json!({
        "id": index + 1,
        "type": kind,
        "title": p.title,
        "datasource": datasource,
        "gridPos": {
            "x": (index % PER_ROW) * WIDTH,
            "y": (index / PER_ROW) * HEIGHT,
            "w": WIDTH,
            "h": HEIGHT,
        },
        "targets": [target],
        "fieldConfig": { "defaults": defaults, "overrides": [] },
        "options": options,
    })
}

/// Grafana's unit ids for ours: the first is what an export writes; an import
/// reads any of them.
const UNITS: [(Unit, &[&str]); 7] = [
    (Unit::None, &["short", "none", ""]),
    (Unit::Seconds, &["s"]),
    (Unit::Bytes, &["bytes", "decbytes"]),
    (Unit::Ratio, &["percentunit"]),
    (Unit::PerSecond, &["ops", "reqps", "rps", "cps"]),
    (Unit::Percent, &["percent"]),
    (Unit::BytesPerSecond, &["Bps", "binBps"]),
];

/// Grafana's unit id for a panel's unit.
pub fn grafana_unit(unit: Unit) -> &'static str {
    UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map_or("short", |(_, ids)| ids[0])
}

fn unit_of(id: &str) -> Option<Unit> {
    UNITS
        .iter()
        .find(|(_, ids)| ids.contains(&id))
        .map(|(unit, _)| *unit)
}

/// A Grafana dashboard read for the Dashboard pane, and what could not come along.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub dashboard: Dashboard,
    /// One sentence per thing left out or changed, naming its panel.
    pub report: Vec<String>,
}

/// Reads a Grafana dashboard's JSON: the dashboard itself ("Export → Save to
/// file"), or the HTTP API's `{"dashboard": …}`. Rows are opened; panels come in
/// Grafana's order (top to bottom, left to right).
pub fn from_grafana(text: &str) -> Result<Imported, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let root = value
        .get("dashboard")
        .filter(|d| d.is_object())
        .unwrap_or(&value);
    let panels = root
        .get("panels")
        .and_then(Value::as_array)
        .ok_or("not a Grafana dashboard: it has no \"panels\" list")?;
    let mut flat: Vec<&Value> = Vec::new();
    for panel in panels {
        if panel["type"] == "row" {
            flat.extend(
                panel
                    .get("panels")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        } else {
            flat.push(panel);
        }
    }
    let at = |p: &&Value, key: &str| p["gridPos"][key].as_u64().unwrap_or(0);
    crate::sort::sort_by_key(&mut flat, |p| (at(p, "y"), at(p, "x")));
    let mut report = Vec::new();
    let panels = flat
        .iter()
        .enumerate()
        .filter_map(|(i, p)| import_panel(i, p, &mut report))
        .collect();
    let title = root["title"]
        .as_str()
        .filter(|t| !t.is_empty())
        .unwrap_or("Imported dashboard");
    Ok(Imported {
        dashboard: Dashboard {
            title: title.to_string(),
            panels,
        },
        report,
    })
}

fn import_panel(index: usize, p: &Value, report: &mut Vec<String>) -> Option<Panel> {
    let title = p["title"]
        .as_str()
        .filter(|t| !t.is_empty())
        .map_or_else(|| format!("Panel {}", index + 1), str::to_string);
    let kind = p["type"].as_str().unwrap_or("");
    let stacked = matches!(
        p["fieldConfig"]["defaults"]["custom"]["stacking"]["mode"].as_str(),
        Some("normal" | "percent")
    ) || p["stack"] == true;
    let kind = match kind {
        "timeseries" | "graph" if stacked => ChartKind::Stacked,
        "timeseries" | "graph" => ChartKind::Lines,
        "heatmap" => ChartKind::Heatmap,
        "bargauge" | "barchart" => ChartKind::Bars,
        "stat" | "singlestat" => ChartKind::Stat,
        "gauge" => ChartKind::Gauge,
        other => {
            report.push(format!(
                "\"{title}\": a {other} panel, which promplay does not draw: left out"
            ));
            return None;
        }
    };
    if let Some(other) = foreign_datasource(&p["datasource"]) {
        report.push(format!(
            "\"{title}\": reads {other}, not Prometheus: left out"
        ));
        return None;
    }
    let queries: Vec<&Value> = p["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["hide"] != true && foreign_datasource(&t["datasource"]).is_none())
        .filter(|t| t["expr"].as_str().is_some_and(|e| !e.trim().is_empty()))
        .collect();
    let Some(target) = queries.first() else {
        report.push(format!("\"{title}\": no PromQL query: left out"));
        return None;
    };
    if queries.len() > 1 {
        report.push(format!(
            "\"{title}\": {} queries; promplay's panels have one: the first is kept",
            queries.len()
        ));
    }
    let query = target["expr"].as_str().unwrap_or_default().to_string();
    for name in unknown_variables(&query) {
        report.push(format!(
            "\"{title}\": uses the dashboard variable ${name}, which promplay does not have: edit the query"
        ));
    }
    let legend = target["legendFormat"]
        .as_str()
        .filter(|l| !l.is_empty() && *l != "__auto")
        .map(str::to_string);
    let unit_id = p["fieldConfig"]["defaults"]["unit"]
        .as_str()
        .or_else(|| p["yaxes"][0]["format"].as_str())
        .unwrap_or("");
    let unit = unit_of(unit_id).unwrap_or_else(|| {
        report.push(format!(
            "\"{title}\": the unit \"{unit_id}\" is not one promplay shows: no unit"
        ));
        Unit::None
    });
    Some(Panel {
        title,
        query,
        kind,
        legend,
        unit,
    })
}

/// The kind of a data source that is not Prometheus (`{"type": "loki", …}`), if so;
/// a name or a variable (`"${DS_PROMETHEUS}"`) is taken for Prometheus.
fn foreign_datasource(datasource: &Value) -> Option<String> {
    let kind = datasource["type"].as_str()?;
    (kind != "prometheus" && kind != "datasource" && !kind.starts_with("${"))
        .then(|| kind.to_string())
}

/// The variables in `query` that are not Grafana's own (`$job`, `${instance}`).
fn unknown_variables(query: &str) -> Vec<String> {
    let window = super::interval::window(3_600_000, 3_600_000, 15_000);
    let left = super::interval::substitute(query, &window);
    let mut names: Vec<String> = Vec::new();
    for (at, _) in left.match_indices('$') {
        let after = left[at + 1..].trim_start_matches('{');
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}
