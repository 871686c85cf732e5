//! Agents compiled into fencectl. A link named after one of them that points
//! at the fencectl binary runs that agent (multi-call binary).
//!
//! The fence agent protocol they share lives here: the parameter table,
//! name=value lines on stdin and getopt-style options, usage, the man page,
//! the metadata XML, and the log (stderr and debug_file). Each agent brings
//! its parameters, actions and the actions' code.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::time::Duration;

/// One built-in agent.
#[derive(Debug)]
pub struct BuiltinAgent {
    pub name: &'static str,
    /// The agent's metadata XML, exactly as `-o metadata` prints it.
    pub metadata: fn() -> String,
    /// Runs the agent with its arguments (after the program name); returns the exit code.
    pub main: fn(&[String]) -> i32,
    /// Its name in `fencectl agent NAME`.
    pub subcommand: &'static str,
}

/// When the program was started under a built-in agent's name (a link to
/// fencectl called fence_ovh_api), runs that agent and returns its exit code.
pub fn run_if_invoked_as_agent() -> Option<u8> {
    let mut args = std::env::args();
    let program = args.next()?;
    let name = std::path::Path::new(&program)
        .file_name()?
        .to_str()?
        .to_string();
    let agent = find(&name)?;
    let rest: Vec<String> = args.collect();
    Some(u8::try_from((agent.main)(&rest)).unwrap_or(1))
}

/// Every built-in agent.
pub static AGENTS: &[BuiltinAgent] = &[BuiltinAgent {
    name: crate::ovh::agent::NAME,
    metadata: crate::ovh::agent::metadata,
    main: crate::ovh::agent::main,
    subcommand: "ovh",
}];

/// The built-in agent called `name`.
pub fn find(name: &str) -> Option<&'static BuiltinAgent> {
    AGENTS.iter().find(|agent| agent.name == name)
}

/// A built-in agent's side of the fence agent API: what it is called, what
/// it says about itself, its parameters and actions.
#[derive(Debug)]
pub struct Protocol {
    pub name: &'static str,
    pub shortdesc: &'static str,
    pub longdesc: &'static str,
    pub vendor_url: &'static str,
    pub params: &'static [Param],
    pub actions: &'static [&'static str],
}

/// One parameter: name, short option, takes a value, content type,
/// default, required, description.
#[derive(Debug)]
pub struct Param {
    pub name: &'static str,
    pub short: Option<char>,
    pub value: Option<&'static str>,
    pub kind: &'static str,
    pub default: Option<&'static str>,
    pub required: bool,
    pub deprecated_by: Option<&'static str>,
    pub obsoletes: Option<&'static str>,
    pub description: &'static str,
}

pub const fn p(
    name: &'static str,
    short: Option<char>,
    value: Option<&'static str>,
    kind: &'static str,
    default: Option<&'static str>,
    description: &'static str,
) -> Param {
    Param {
        name,
        short,
        value,
        kind,
        default,
        required: false,
        deprecated_by: None,
        obsoletes: None,
        description,
    }
}

pub fn getopt(param: &Param) -> String {
    let long = format!("--{}", param.name.replace('_', "-"));
    let long = match param.value {
        Some(value) => format!("{long}=[{value}]"),
        None => long,
    };
    match param.short {
        Some(short) => format!("-{short}, {long}"),
        None => long,
    }
}

impl Protocol {
    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The agent's metadata XML (passes fence-agents' metadata.rng), written
    /// with the XML writer so that every value is escaped.
    pub fn metadata(&self) -> String {
        use crate::generate::XmlOut;
        let mut out = XmlOut::new(0);
        out.declaration();
        out.open(
            "resource-agent",
            &[("name", self.name), ("shortdesc", self.shortdesc)],
        );
        out.text_element("longdesc", &[], self.longdesc);
        out.text_element("vendor-url", &[], self.vendor_url);
        out.open("parameters", &[]);
        for param in self.params {
            let required = if param.required { "1" } else { "0" };
            let mut attrs = vec![
                ("name", param.name),
                ("unique", "0"),
                ("required", required),
            ];
            if param.deprecated_by.is_some() {
                attrs.push(("deprecated", "1"));
            }
            if let Some(old) = param.obsoletes {
                attrs.push(("obsoletes", old));
            }
            out.open("parameter", &attrs);
            out.empty("getopt", &[("mixed", &getopt(param))]);
            let mut content = vec![("type", param.kind)];
            if let Some(default) = param.default {
                content.push(("default", default));
            }
            out.empty("content", &content);
            out.text_element("shortdesc", &[("lang", "en")], param.description);
            out.close("parameter");
        }
        out.close("parameters");
        out.open("actions", &[]);
        for action in self.actions {
            out.empty("action", &[("name", action)]);
        }
        out.close("actions");
        out.close("resource-agent");
        out.text
    }

    /// `-h`: options and actions.
    pub fn usage(&self) -> String {
        let name = self.name;
        let mut text = format!(
            "Usage: {name} [options]\n   or: echo -e 'action=off\\nplug=SERVICE' | {name}\nOptions:\n"
        );
        for param in self.params.iter().filter(|p| p.deprecated_by.is_none()) {
            text.push_str(&format!("   {:<40} {}\n", getopt(param), param.description));
        }
        text.push_str(&format!("Actions: {}\n", self.actions.join(", ")));
        text
    }

    /// `-o manpage`: the page fencectl installs as NAME(8), built from
    /// the metadata as fence-agents builds its pages.
    pub fn manpage(&self) -> String {
        match crate::agents::metadata::AgentMetadata::parse(self.metadata().as_bytes()) {
            Ok(metadata) => crate::man::agent_page(&metadata),
            Err(err) => format!(".\\\" {} has no usable metadata: {err:#}\n", self.name),
        }
    }

    /// The options from argv, or from stdin when argv is empty (the fence
    /// agent API); warnings for unknown names (never echoing a value).
    pub fn parse(
        &self,
        args: &[String],
        stdin: &mut dyn BufRead,
    ) -> Result<(Options, Vec<String>), String> {
        let mut warnings = Vec::new();
        let options = if args.is_empty() {
            self.from_stdin(stdin, &mut warnings)
        } else {
            self.from_argv(args, &mut warnings)?
        };
        Ok((options, warnings))
    }

    /// stdin: name=value lines; `#` comments and blank lines ignored; the last wins.
    pub fn from_stdin(&self, input: &mut dyn BufRead, warnings: &mut Vec<String>) -> Options {
        let mut options = Options::new(self.params);
        for line in input.lines().map_while(Result::ok) {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (name, value) = line.split_once('=').unwrap_or((line, "1"));
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            options.set(name.trim(), value.to_string(), warnings);
        }
        options
    }

    /// getopt-style argv: `-o off`, `-ooff`, `--action=off`, `--action off`.
    pub fn from_argv(
        &self,
        args: &[String],
        warnings: &mut Vec<String>,
    ) -> Result<Options, String> {
        let mut options = Options::new(self.params);
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            i += 1;
            let (spec, inline) = if let Some(long) = arg.strip_prefix("--") {
                let (name, value) = long
                    .split_once('=')
                    .map_or((long, None), |(n, v)| (n, Some(v.to_string())));
                let name = name.replace('-', "_");
                (
                    self.params.iter().find(|p| p.name == name).ok_or_else(|| {
                        format!(
                            "unknown option --{}",
                            long.split('=').next().unwrap_or(long)
                        )
                    })?,
                    value,
                )
            } else if let Some(short) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
                let c = short.chars().next().unwrap_or_default();
                let rest = &short[c.len_utf8()..];
                let spec = self
                    .params
                    .iter()
                    .find(|p| p.short == Some(c))
                    .ok_or_else(|| format!("unknown option -{c}"))?;
                (spec, (!rest.is_empty()).then(|| rest.to_string()))
            } else {
                return Err(format!(
                    "unexpected argument '{arg}' (options look like -o off or --plug=SERVICE)"
                ));
            };
            let value = match (spec.value, inline) {
                (None, None) => "1".to_string(),
                (None, Some(_)) => {
                    return Err(format!(
                        "option --{} takes no value",
                        spec.name.replace('_', "-")
                    ))
                }
                (Some(_), Some(value)) => value,
                (Some(_), None) => {
                    let value = args.get(i).cloned().ok_or_else(|| {
                        format!("option --{} needs a value", spec.name.replace('_', "-"))
                    })?;
                    i += 1;
                    value
                }
            };
            options.set(spec.name, value, warnings);
        }
        Ok(options)
    }
}

/// The agent's options, by canonical parameter name.
/// The longest time a parameter may give: a year.
const MAX_SECONDS: f64 = 365.0 * 86_400.0;

#[derive(Debug)]
pub struct Options {
    params: &'static [Param],
    /// Values given under the parameter's own name.
    values: BTreeMap<String, String>,
    /// Values given under a deprecated name (`port` for `plug`). Pacemaker
    /// adds `port=<node>` even when the device sets `plug=<server>`, in no
    /// fixed order, so the parameter's own name always wins.
    deprecated: BTreeMap<String, String>,
}

impl Options {
    /// No options yet, for an agent with `params`.
    pub fn new(params: &'static [Param]) -> Options {
        Options {
            params,
            values: BTreeMap::new(),
            deprecated: BTreeMap::new(),
        }
    }

    fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// A non-empty value, under the parameter's own name first.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .or_else(|| self.deprecated.get(name))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether the option was given at all.
    pub fn flag(&self, name: &str) -> bool {
        self.values.contains_key(name) || self.deprecated.contains_key(name)
    }

    /// A time in seconds (the default when not given).
    pub fn seconds(&self, name: &str) -> Result<Duration, String> {
        let text = self
            .get(name)
            .or_else(|| self.param(name).and_then(|p| p.default))
            .unwrap_or("0");
        let seconds = text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| *s >= 0.0 && s.is_finite())
            .ok_or_else(|| format!("{name}={text} is not a number of seconds"))?;
        // Longer is a typo, and would overflow the deadlines' arithmetic.
        if seconds > MAX_SECONDS {
            return Err(format!(
                "{name}={text} is more than a year ({MAX_SECONDS} seconds)"
            ));
        }
        Ok(Duration::from_secs_f64(seconds))
    }

    /// Forgets a value (the fuzz targets drop file names so that nothing
    /// is read from the machine).
    #[doc(hidden)]
    pub fn forget(&mut self, name: &str) {
        self.values.remove(name);
        self.deprecated.remove(name);
    }

    fn set(&mut self, name: &str, value: String, warnings: &mut Vec<String>) {
        match self.param(name) {
            Some(Param {
                deprecated_by: Some(canonical),
                ..
            }) => {
                self.deprecated.insert((*canonical).to_string(), value);
            }
            Some(p) => {
                self.values.insert(p.name.to_string(), value);
            }
            None => {
                // Never echo the value: it may be a secret under a mistyped name.
                warnings.push(format!("Parse error: Ignoring unknown option '{name}'"));
            }
        }
    }
}

/// Logging to stderr (unless quiet, at verbose) and to debug_file, with
/// every secret masked.
pub struct Log {
    pub verbose: bool,
    pub quiet: bool,
    pub file: Option<std::fs::File>,
    pub secrets: Vec<String>,
}

impl Log {
    pub fn debug(&self, message: &str) {
        let masked = crate::secrets::mask_values(message, &self.secrets);
        if self.verbose && !self.quiet {
            eprintln!("{masked}");
        }
        if let Some(mut file) = self.file.as_ref() {
            let _ = writeln!(file, "{masked}");
        }
    }

    pub fn error(&self, message: &str) {
        let masked = crate::secrets::mask_values(message, &self.secrets);
        if !self.quiet {
            eprintln!("Failed: {masked}");
        }
        if let Some(mut file) = self.file.as_ref() {
            let _ = writeln!(file, "Failed: {masked}");
        }
    }
}

/// Opens debug_file to append to: created 0600 and never through a
/// symlink, since it holds what the agent and the API said.
pub fn open_debug_file(path: &str) -> Option<std::fs::File> {
    crate::sys::fs::open_append(std::path::Path::new(path)).ok()
}
