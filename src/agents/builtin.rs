//! Agents compiled into fencectl. A link named after one of them that points
//! at the fencectl binary runs that agent (multi-call binary).

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
