//! Agents compiled into fencectl. A link named after one of them that points
//! at the fencectl binary runs that agent (multi-call binary).

/// One built-in agent.
#[derive(Debug)]
pub struct BuiltinAgent {
    pub name: &'static str,
    /// The agent's metadata XML, exactly as `-o metadata` prints it.
    pub metadata: fn() -> String,
}

/// Every built-in agent.
pub static AGENTS: &[BuiltinAgent] = &[];

/// The built-in agent called `name`.
pub fn find(name: &str) -> Option<&'static BuiltinAgent> {
    AGENTS.iter().find(|agent| agent.name == name)
}
