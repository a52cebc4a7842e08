//! What the stack needs to know about a Python program: the ports it serves
//! `/metrics` and its app on, what it imports from the package index, and whether
//! it pushes to a Pushgateway. Read from the code itself, so an edited program
//! exports with the ports it really opens.

/// A package from the package index, pinned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub import: &'static str,
    pub pin: &'static str,
}

/// Every package a tutorial program may import, with its pin (`prometheus_client`
/// is the version the Python lab runs).
const PACKAGES: [Requirement; 3] = [
    Requirement {
        import: "prometheus_client",
        pin: "prometheus_client==0.26.0",
    },
    Requirement {
        import: "flask",
        pin: "flask==3.1.3",
    },
    Requirement {
        import: "psutil",
        pin: "psutil==7.2.2",
    },
];

/// A program as the stack runs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub file_name: String,
    pub code: String,
    /// The port `/metrics` is served on (`start_http_server(N)`, or the app's own
    /// port when the app mounts `make_wsgi_app()` or serves `generate_latest()`).
    pub metrics_port: Option<u16>,
    /// The port the app serves requests on (`app.run(port=N)`, `HTTPServer((.., N))`).
    pub app_port: Option<u16>,
    pub pushes: bool,
    pub requirements: Vec<Requirement>,
}

impl Program {
    pub fn read(file_name: &str, code: &str) -> Program {
        let app_port = code.lines().find_map(app_port);
        let metrics_port = code
            .lines()
            .find_map(|line| call_argument(line, "start_http_server("))
            .or_else(|| {
                (code.contains("make_wsgi_app(") || code.contains("generate_latest("))
                    .then_some(app_port)
                    .flatten()
            });
        let requirements = PACKAGES
            .into_iter()
            .filter(|p| imports(code, p.import))
            .collect();
        Program {
            file_name: file_name.to_string(),
            code: code.to_string(),
            metrics_port,
            app_port,
            pushes: code.contains("push_to_gateway(") || code.contains("pushadd_to_gateway("),
            requirements,
        }
    }
}

/// Whether the code imports `module` (`import m`, `import m.x`, `from m import ...`).
fn imports(code: &str, module: &str) -> bool {
    code.lines().map(str::trim_start).any(|line| {
        let rest = line
            .strip_prefix("import ")
            .or_else(|| line.strip_prefix("from "));
        rest.is_some_and(|rest| {
            rest.split([',', ' ']).any(|name| {
                let name = name.trim();
                name == module || name.starts_with(&format!("{module}."))
            })
        })
    })
}

/// The first integer argument of `call` on the line (`start_http_server(8000)`).
fn call_argument(line: &str, call: &str) -> Option<u16> {
    let code = line.split('#').next()?;
    let args = &code[code.find(call)? + call.len()..];
    leading_number(args.trim_start())
}

/// The app's port on a line that starts it: `app.run(..., port=N)` or
/// `HTTPServer(("0.0.0.0", N), ...)`.
fn app_port(line: &str) -> Option<u16> {
    let code = line.split('#').next()?;
    if code.contains(".run(") {
        let at = code.find("port=")? + "port=".len();
        return leading_number(&code[at..]);
    }
    let at = code.find("HTTPServer((")? + "HTTPServer((".len();
    let (_, port) = code[at..].split_once(',')?;
    leading_number(port.trim_start())
}

fn leading_number(s: &str) -> Option<u16> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
