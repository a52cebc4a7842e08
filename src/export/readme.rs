//! The exported folder's README: how to start the stack and what to open.

use super::{ALERTMANAGER_IMAGE, GRAFANA_IMAGE, PROMETHEUS_IMAGE, Stack, paths};
use crate::time::format_duration;

pub(crate) fn readme(stack: &Stack) -> String {
    let program = &stack.program;
    let mut services = String::new();
    if stack.pushes() {
        services.push_str(&format!(
            "- `batch-job` runs `{}` every {} minutes; it pushes its metrics to `pushgateway` \
             (<http://localhost:9091>), which Prometheus scrapes with `honor_labels: true`.\n",
            program.file_name,
            crate::sim::CRON_EVERY_MS / 60_000
        ));
    } else {
        let hosts: Vec<String> = stack
            .targets
            .iter()
            .map(|t| format!("`{}`", Stack::host_of(t)))
            .collect();
        services.push_str(&format!(
            "- {} run `{}`; Prometheus scrapes each at `/metrics` on port {}.\n",
            hosts.join(", "),
            program.file_name,
            program
                .metrics_port
                .map_or_else(|| "(see the program)".to_string(), |p| p.to_string()),
        ));
        if super::compose::loadgen_urls(stack).is_some() {
            services.push_str(&format!(
                "- `loadgen` sends them the scenario's traffic (`{}/loadgen.py`).\n",
                paths::APP_DIR
            ));
        }
    }
    format!(
        "# {title}: the real stack\n\n\
         Exported from promplay: the `{scenario}` scenario's program with the real \
         `prometheus_client`, Prometheus scraping it every {interval} with the run's \
         rule file, Alertmanager with the run's `alertmanager.yml`, and Grafana with the \
         Dashboard pane's dashboard.\n\n\
         ## Start it\n\n\
         With Docker and its compose plugin:\n\n\
         ```sh\ndocker compose up -d --build\n```\n\n\
         Then open:\n\n\
         - Grafana: <http://localhost:3000> (no login; the dashboard is the home page)\n\
         - Prometheus: <http://localhost:9090> (try the queries from the playground; \
         Status → Targets shows the scrapes, Alerts the rules' alerts)\n\
         - Alertmanager: <http://localhost:9093>\n\n\
         `docker compose down` stops it.\n\n\
         ## What runs\n\n\
         {services}\
         - `prometheus` ({PROMETHEUS_IMAGE}): `{prom}` and `{rules}`. It is started with \
         `--web.cors.origin=.*`, so a page on another origin (promplay's, for one) may query it.\n\
         - `alertmanager` ({ALERTMANAGER_IMAGE}): `{am}`. Its receivers are the ones the run \
         had; ones that name example addresses will fail to send, which its log shows.\n\
         - `grafana` ({GRAFANA_IMAGE}): the data source in `{ds}` and the dashboard in `{dash}`.\n\n\
         ## Check it\n\n\
         ```sh\npromtool check config {prom}\npromtool check rules {rules}\namtool check-config {am}\n```\n",
        title = stack.title,
        scenario = stack.spec.scenario,
        interval = format_duration(stack.spec.scrape_interval_ms),
        prom = paths::PROMETHEUS,
        rules = paths::RULES,
        am = paths::ALERTMANAGER,
        ds = paths::DATASOURCE,
        dash = paths::DASHBOARD,
    )
}
