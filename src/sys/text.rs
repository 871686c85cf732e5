//! Text from configurations and agents: control characters refused where a
//! value reaches an agent, escaped where it reaches a terminal.
