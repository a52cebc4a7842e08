use super::*;
use crate::sim::scenarios;
use crate::views::dashboard::defaults::default_dashboard;

fn spec(scenario: &str) -> ExportSpec {
    ExportSpec {
        scenario: scenario.to_string(),
        instances: SimConfig::new(scenario, 1, 0).instances,
        scrape_interval_ms: 15_000,
        program: None,
        rules: crate::rules::defaults::default_rules(scenario),
        alertmanager: crate::alertmanager::defaults::DEFAULT_CONFIG.to_string(),
        dashboard: default_dashboard(scenario),
    }
}

fn file<'a>(files: &'a [ExportFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn every_program_is_read_with_the_port_the_run_scrapes() {
    for info in scenarios() {
        let def = crate::sim::scenarios::find(info.name).unwrap();
        let source = (def.python)();
        let program = Program::read(source.file_name, source.code);
        assert_eq!(program.pushes, def.pushes, "{}", info.name);
        if def.pushes {
            assert_eq!(program.metrics_port, None, "{}", info.name);
        } else {
            assert_eq!(program.metrics_port, Some(def.port), "{}", info.name);
        }
        assert!(
            program
                .requirements
                .iter()
                .any(|r| r.import == "prometheus_client"),
            "{}",
            info.name
        );
    }
    let app = |name: &str| {
        let source = (crate::sim::scenarios::find(name).unwrap().python)();
        Program::read(source.file_name, source.code).app_port
    };
    assert_eq!(app("api"), Some(8080));
    assert_eq!(app("course_catalog"), Some(5000));
    assert_eq!(app("treecounter"), Some(8001));
    assert_eq!(app("worker"), None);
    let api = (crate::sim::scenarios::find("api").unwrap().python)();
    let imports: Vec<&str> = Program::read(api.file_name, api.code)
        .requirements
        .iter()
        .map(|r| r.import)
        .collect();
    assert_eq!(imports, ["prometheus_client", "flask", "psutil"]);
}

#[test]
fn every_scenario_exports_its_targets_services_and_panels() {
    for info in scenarios() {
        let spec = spec(info.name);
        let files = export(&spec).unwrap_or_else(|e| panic!("{}: {e}", info.name));
        let prometheus = file(&files, paths::PROMETHEUS);
        let compose = file(&files, paths::COMPOSE);
        let mut config = SimConfig::new(info.name, 1, 0);
        config.instances = spec.instances;
        let source = (crate::sim::scenarios::find(info.name).unwrap().python)();
        let program = Program::read(source.file_name, source.code);
        for target in Simulation::new(config).unwrap().targets() {
            // Each instance is a host of its own: the program's port (the demo
            // service's instances differ by port in the playground, by host here).
            let instance = match program.metrics_port {
                Some(port) => format!("{}:{port}", Stack::host_of(&target)),
                None => target.instance.clone(),
            };
            assert!(
                prometheus.contains(&quoted(&instance)),
                "{}: {prometheus}",
                info.name
            );
            assert!(
                prometheus.contains(&format!("job_name: {}", quoted(&target.job))),
                "{}",
                info.name
            );
            assert!(
                compose.contains(&format!("\n  {}:\n", Stack::host_of(&target))),
                "{}: {compose}",
                info.name
            );
        }
        assert!(prometheus.contains("scrape_interval: 15s"));
        assert_eq!(file(&files, paths::RULES), spec.rules);
        assert_eq!(file(&files, paths::ALERTMANAGER), spec.alertmanager);
        let dashboard: serde_json::Value =
            serde_json::from_str(file(&files, paths::DASHBOARD)).unwrap();
        let panels = dashboard["panels"].as_array().unwrap();
        assert_eq!(panels.len(), spec.dashboard.panels.len(), "{}", info.name);
        for (panel, ours) in panels.iter().zip(&spec.dashboard.panels) {
            assert_eq!(panel["targets"][0]["expr"], ours.query.as_str());
            assert_eq!(panel["datasource"]["uid"], grafana::DATASOURCE_UID);
        }
        let program = files
            .iter()
            .find(|f| {
                f.path.starts_with("app/")
                    && f.path.ends_with(".py")
                    && !f.path.ends_with(compose::LOADGEN)
            })
            .unwrap();
        assert_eq!(
            program.contents,
            (crate::sim::scenarios::find(info.name).unwrap().python)().code
        );
    }
}

#[test]
fn an_edited_program_is_scraped_on_its_own_port() {
    let mut spec = spec("hello_world");
    spec.program = Some(
        "from prometheus_client import Counter, start_http_server\n\
         import time\n\
         C = Counter('hellos', 'Hellos.')\n\
         if __name__ == '__main__':\n    start_http_server(9100)  # metrics\n    while True:\n        time.sleep(1)\n"
            .to_string(),
    );
    let files = export(&spec).unwrap();
    assert!(file(&files, paths::PROMETHEUS).contains("\"hello-1:9100\""));
    // No app port: no load generator.
    assert!(!files.iter().any(|f| f.path.ends_with(compose::LOADGEN)));
    assert_eq!(
        file(&files, "app/requirements.txt"),
        "prometheus_client==0.26.0\n"
    );
}

#[test]
fn texts_prometheus_or_alertmanager_would_refuse_are_not_exported() {
    let mut bad_rules = spec("api");
    bad_rules.rules =
        "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: rate(\n".into();
    let error = export(&bad_rules).unwrap_err();
    assert!(error.starts_with("the rule file:"), "{error}");
    let mut bad_am = spec("api");
    bad_am.alertmanager = "route:\n  receiver: nobody\n".into();
    let error = export(&bad_am).unwrap_err();
    assert!(error.starts_with("alertmanager.yml:"), "{error}");
}

#[test]
fn quoted_strings_are_valid_yaml_and_json() {
    for s in [
        "plain",
        "with \"quotes\" and \\",
        "line\nbreak",
        "tab\there",
        "\u{1}",
    ] {
        let json: String = serde_json::from_str(&quoted(s)).unwrap();
        assert_eq!(json, s);
        let yaml: String = serde_saphyr::from_str(&quoted(s)).unwrap();
        assert_eq!(yaml, s);
    }
}

#[test]
fn the_zip_holds_every_file_deflated_under_one_folder() {
    use std::io::Read;
    let files = export(&spec("api")).unwrap();
    let bytes = zip(&files, "promplay-api").unwrap();
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(archive.len(), files.len());
    for f in &files {
        let mut entry = archive
            .by_name(&format!("promplay-api/{}", f.path))
            .unwrap();
        assert_eq!(entry.compression(), ::zip::CompressionMethod::Deflated);
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        assert_eq!(text, f.contents, "{}", f.path);
    }
}
