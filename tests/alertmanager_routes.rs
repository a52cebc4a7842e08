//! The simulated Alertmanager's routing against `amtool config routes test`: each
//! row of `../shared/conformance/alertmanager/routes_index.tsv` (a configuration, a
//! label set, the receivers amtool prints) through the library and the
//! `promplay route-test` command; the routing tree printed byte for byte as amtool
//! 0.25 prints it (`tests/alertmanager/*.txt`, recorded); and the checks
//! Alertmanager makes when it loads a configuration (routes, timings, receivers
//! and their `send_resolved` defaults, inhibition rules), with its wording.

mod common;

use std::process::Command;

use promplay::alertmanager::{parse, receivers_for};

fn labels(text: &str) -> Vec<(String, String)> {
    text.split_whitespace()
        .map(|pair| {
            let (n, v) = pair.split_once('=').expect("name=value");
            (n.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn routes_resolve_as_amtool_resolves_them() {
    let Some(index) = common::conformance_path("alertmanager/routes_index.tsv") else {
        return;
    };
    let dir = index.parent().unwrap().to_path_buf();
    let text = std::fs::read_to_string(&index).unwrap();
    let mut checked = 0;
    for row in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = row.split('\t').collect();
        let (file, label_text, expected) = (cols[0], cols[1], cols[2]);
        let config = parse(&std::fs::read_to_string(dir.join(file)).unwrap())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let got = receivers_for(&config, &labels(label_text)).join(",");
        assert_eq!(got, expected, "{file} {label_text}");
        // The command prints the same, and --verify-receivers agrees.
        let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
            .args(["route-test", "--config"])
            .arg(dir.join(file))
            .args(["--verify-receivers", expected])
            .args(label_text.split_whitespace())
            .output()
            .unwrap();
        assert!(out.status.success(), "{file} {label_text}: {out:?}");
        assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), expected);
        checked += 1;
    }
    println!("alertmanager routes: {checked} label sets routed as amtool routes them");
    assert!(checked >= 6);
    // A different expectation is a failure, with amtool's warning.
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(["route-test", "--config"])
        .arg(dir.join("simple.yml"))
        .args(["--verify-receivers", "nobody", "service=database"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("WARNING: Expected receivers did not match")
    );
}

#[test]
fn configurations_are_checked_as_alertmanager_loads_them() {
    let err = |text: &str| parse(text).unwrap_err();
    assert_eq!(err("receivers: []\n"), "no routes provided");
    assert_eq!(
        err("route: {}\nreceivers: [{name: a}]\n"),
        "root route must specify a default receiver"
    );
    assert_eq!(
        err("route: {receiver: a, matchers: ['x=\"1\"']}\nreceivers: [{name: a}]\n"),
        "root route must not have any matchers"
    );
    assert_eq!(
        err("route: {receiver: a, routes: [{receiver: b}]}\nreceivers: [{name: a}]\n"),
        "undefined receiver \"b\" used in route"
    );
    assert_eq!(
        err("route: {receiver: a}\nreceivers: [{name: a}, {name: a}]\n"),
        "notification config name \"a\" is not unique"
    );
    let bad_yaml = err("route:\n  receiver: [\n");
    assert!(bad_yaml.contains("line"), "{bad_yaml}");
    // Children inherit the receiver; a regex is anchored.
    let config = parse(
        "route:\n  receiver: a\n  routes:\n    - match_re: {x: 'b|c'}\n      routes: [{matchers: ['y=\"1\"'], receiver: d}]\nreceivers: [{name: a}, {name: d}]\n",
    )
    .unwrap();
    assert_eq!(receivers_for(&config, &labels("x=b")), ["a"]);
    assert_eq!(receivers_for(&config, &labels("x=b y=1")), ["d"]);
    assert_eq!(receivers_for(&config, &labels("x=bc y=1")), ["a"]);
}

fn promplay(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn trees_print_as_amtool_prints_them() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alertmanager");
    let recorded = |name: &str| std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
    let own = |name: &str| format!("{dir}/{name}");
    for config in ["multi", "same_name"] {
        let printed = promplay(&["routes", "--config", &own(&format!("{config}.yml"))]);
        assert_eq!(
            printed,
            recorded(&format!("{config}.routes.txt")),
            "{config}"
        );
    }
    let multi = own("multi.yml");
    let tested = promplay(&[
        "route-test",
        "--config",
        &multi,
        "--tree",
        "z=1",
        "v=a,b",
        "u=x",
    ]);
    assert_eq!(tested, recorded("multi.test-z.txt"));
    let tested = promplay(&["route-test", "--config", &multi, "--tree", "nothing=1"]);
    assert_eq!(tested, recorded("multi.test-nothing.txt"));
    let Some(routing) = common::conformance_path("alertmanager/conf.routing.yml") else {
        return;
    };
    let routing = routing.to_str().unwrap();
    assert_eq!(
        promplay(&["routes", "--config", routing]),
        recorded("conf.routing.routes.txt")
    );
    assert_eq!(
        promplay(&["route-test", "--config", routing, "--tree", "test=2"]),
        recorded("conf.routing.test-2.txt")
    );
}

#[test]
fn configurations_are_reported_as_amtool_check_config_reports_them() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alertmanager");
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .current_dir(dir)
        .args(["check-alertmanager", "templates.yml", "multi.yml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let recorded = std::fs::read_to_string(format!("{dir}/check.good.txt")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), recorded);
    let bad = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("promplay-am-{}.yml", std::process::id()));
    std::fs::write(
        &bad,
        "route:\n  receiver: a\n  routes: [{receiver: b}]\nreceivers: [{name: a}]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .arg("check-alertmanager")
        .arg(&bad)
        .output()
        .unwrap();
    std::fs::remove_file(&bad).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "Checking '{}'  FAILED: undefined receiver \"b\" used in route\n\n",
            bad.display()
        )
    );
}

/// The same label sets through amtool itself, where it is installed (CI installs
/// it): every receiver list and matching tree printed alike.
#[test]
fn amtool_agrees_live() {
    if !common::reference_tool("amtool") {
        return;
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alertmanager");
    let cases: [(&str, &[&str]); 6] = [
        ("multi.yml", &["z=1", "v=a,b", "u=x"]),
        // `\t` in a matcher stays a backslash and a t, as Alertmanager reads it.
        ("escapes.yml", &["x=a\\tb"]),
        ("multi.yml", &["a=1", "b=2", "c=x"]),
        ("multi.yml", &["nothing=1"]),
        ("same_name.yml", &["a=2", "b=1"]),
        ("templates.yml", &["severity=critical"]),
    ];
    for (file, labels) in cases {
        let config = format!("{dir}/{file}");
        let theirs = Command::new("amtool")
            .args(["config", "routes", "test", "--tree"])
            .arg(format!("--config.file={config}"))
            .args(labels)
            .output()
            .unwrap();
        let mut args = vec!["route-test", "--config", &config, "--tree"];
        args.extend_from_slice(labels);
        assert_eq!(
            promplay(&args),
            String::from_utf8(theirs.stdout).unwrap(),
            "{file} {labels:?}"
        );
    }
}

/// A configuration with one receiver (a webhook) and `route` under the root.
fn single(route: &str) -> String {
    format!(
        "route:\n  receiver: team\n{route}\nreceivers:\n  - name: team\n    webhook_configs: [{{url: 'http://hook.example/'}}]\n"
    )
}

/// The checks Alertmanager makes on routes and receivers, with its wording, and
/// each kind's `send_resolved` default (config/notifiers.go).
#[test]
fn timings_receivers_and_rules_are_checked_as_alertmanager_loads_them() {
    let err = |route: &str| parse(&single(route)).unwrap_err();
    assert_eq!(
        err("  group_by: ['...', alertname]"),
        "cannot have wildcard group_by (`...`) and other other labels at the same time"
    );
    assert_eq!(err("  group_interval: 0s"), "group_interval cannot be zero");
    assert_eq!(
        err("  repeat_interval: 0"),
        "repeat_interval cannot be zero"
    );
    assert_eq!(
        err("  group_wait: 5x"),
        "not a valid duration string: \"5x\""
    );
    assert_eq!(
        err("  group_by: [a, a]"),
        "duplicated label \"a\" in group_by"
    );
    assert_eq!(
        err("  group_by: ['a-b']"),
        "invalid label name \"a-b\" in group_by list"
    );
    assert_eq!(
        err("  continue: true"),
        "cannot have continue in root route"
    );
    let routes = parse(&single(
        "  group_wait: 1m\n  routes:\n    - {matchers: ['a=\"1\"'], repeat_interval: 1h, routes: [{matchers: ['b=\"1\"']}]}",
    ))
    .unwrap()
    .route;
    let child = &routes.routes[0].routes[0];
    assert_eq!(
        (
            child.group_wait_ms,
            child.group_interval_ms,
            child.repeat_interval_ms
        ),
        (60_000, 300_000, 3_600_000)
    );
    assert_eq!(child.key, "{}/{a=\"1\"}/{b=\"1\"}");
    let kinds = "
global: {smtp_smarthost: 'm:25', smtp_from: a@b, slack_api_url: 'https://s.example/', opsgenie_api_key: k, wechat_api_secret: s, wechat_api_corp_id: c, victorops_api_key: k}
route: {receiver: all}
receivers:
  - name: all
    webex_configs: [{room_id: r, http_config: {authorization: {credentials: x}}}]
    discord_configs: [{webhook_url: 'https://d.example/'}]
    telegram_configs: [{bot_token: t, chat_id: 1}]
    sns_configs: [{topic_arn: t}]
    pushover_configs: [{user_key: u, token: t}]
    victorops_configs: [{routing_key: r}]
    slack_configs: [{channel: '#a'}, {channel: '#b', send_resolved: true}]
    wechat_configs: [{}]
    opsgenie_configs: [{}]
    pagerduty_configs: [{routing_key: r}]
    email_configs: [{to: x@y}]
    webhook_configs: [{url: 'http://w.example/', send_resolved: false}]
";
    let config = parse(kinds).unwrap();
    let got: Vec<String> = config.receivers[0]
        .integrations
        .iter()
        .map(|i| format!("{}[{}]={}", i.kind, i.index, i.send_resolved))
        .collect();
    assert_eq!(
        got,
        [
            "webhook[0]=false",
            "email[0]=false",
            "pagerduty[0]=true",
            "opsgenie[0]=true",
            "wechat[0]=false",
            "slack[0]=false",
            "slack[1]=true",
            "victorops[0]=true",
            "pushover[0]=true",
            "sns[0]=true",
            "telegram[0]=true",
            "discord[0]=true",
            "webex[0]=true",
        ]
    );
    let receivers = |text: &str| {
        parse(&format!(
            "route: {{receiver: r}}\nreceivers: [{{name: r, {text}}}]\n"
        ))
        .unwrap_err()
    };
    assert_eq!(
        receivers("email_configs: [{to: a@b}]"),
        "no global SMTP smarthost set"
    );
    assert_eq!(
        receivers("email_configs: [{}]"),
        "missing to address in email config"
    );
    assert_eq!(
        receivers("webhook_configs: [{}]"),
        "missing URL in webhook config"
    );
    assert_eq!(
        receivers("webhook_configs: [{url: 'ftp://x'}]"),
        "unsupported scheme \"ftp\" for URL"
    );
    assert_eq!(
        receivers("slack_configs: [{}]"),
        "no global Slack API URL set either inline or in a file"
    );
    assert_eq!(
        receivers("pagerduty_configs: [{}]"),
        "missing service or routing key in PagerDuty config"
    );
    let rules = |rule: &str| {
        parse(&format!(
            "route: {{receiver: r}}\nreceivers: [{{name: r}}]\ninhibit_rules:\n  - {rule}\n"
        ))
        .unwrap_err()
    };
    assert_eq!(
        rules("{equal: ['a-b']}"),
        "\"a-b\" is not a valid label name"
    );
    assert_eq!(
        rules("{source_match: {'a-b': x}}"),
        "invalid label name \"a-b\""
    );
    assert_eq!(
        parse("route: {receiver: r, routes: [{mute_time_intervals: [night]}]}\nreceivers: [{name: r}]\n").unwrap_err(),
        "undefined time interval \"night\" used in route"
    );
}

/// Mangled configurations are refused or taken, never a panic.
#[test]
fn mangled_configurations_never_panic() {
    let base = "global: {smtp_smarthost: 'm:25', smtp_from: a@b, resolve_timeout: 1m}
route:
  receiver: r
  group_by: ['...']
  group_wait: 10s
  routes:
    - {matchers: ['a=~\"x|y\"', 'b!=\"2\"'], match_re: {c: 'd+'}, group_by: [a, b], repeat_interval: 1h, continue: true, mute_time_intervals: [n]}
receivers:
  - {name: r, email_configs: [{to: x@y, send_resolved: true}], webhook_configs: [{url: 'http://w/'}], sns_configs: [{topic_arn: t}]}
inhibit_rules: [{source_match: {s: c}, target_matchers: ['s=\"w\"'], equal: [i]}]
time_intervals: [{name: n}]
";
    assert!(parse(base).is_ok(), "{:?}", parse(base).err());
    let mut rng = promplay::rng::SplitMix64::new(7);
    let bytes = base.as_bytes();
    let tokens: &[&[u8]] = &[
        b"{", b"}", b"[", b"]", b":", b"'", b"\"", b"\n", b"-", b" ", b"...", b"0", b"=~", b"\\",
        b"\xff",
    ];
    for _ in 0..3_000 {
        let mut text = bytes.to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(text.len() as u64) as usize;
            match rng.below(2) {
                0 => {
                    text.remove(at);
                }
                _ => {
                    let token = tokens[rng.below(tokens.len() as u64) as usize];
                    text.splice(at..at, token.iter().copied());
                }
            }
        }
        let _ = parse(&String::from_utf8_lossy(&text));
    }
}
