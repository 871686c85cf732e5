//! A fence agent's man page from its metadata, laid out as fence-agents
//! builds its own (fence2man): NAME, DESCRIPTION, PARAMETERS, ACTIONS,
//! STDIN PARAMETERS.

use super::roff::{escape, Roff};
use crate::agents::metadata::{AgentMetadata, Parameter};

/// What each action does, in fence-agents' words.
const ACTIONS: &[(&str, &str)] = &[
    ("on", "Power on machine."),
    ("off", "Power off machine."),
    ("reboot", "Reboot machine."),
    (
        "status",
        "This returns the status of the plug/virtual machine.",
    ),
    (
        "list",
        "List available plugs with aliases/virtual machines.",
    ),
    (
        "list-status",
        "List available plugs with aliases/virtual machines and their status.",
    ),
    ("monitor", "Check the health of fence device."),
    (
        "metadata",
        "Display the XML metadata describing this resource.",
    ),
    ("manpage", "Display this manual page."),
    (
        "validate-all",
        "Validate if all required parameters are entered.",
    ),
];

/// The page for `metadata` (section 8, as fence-agents installs them).
pub fn page(metadata: &AgentMetadata, source: &str) -> String {
    let name = &metadata.name;
    let mut roff = Roff::new(&name.to_uppercase(), "8", source);
    roff.section("NAME");
    roff.text(&format!(
        "{} \\- {}",
        escape(name),
        escape(&metadata.shortdesc)
    ));
    roff.section("DESCRIPTION");
    roff.paragraph(&metadata.longdesc);
    roff.paragraph(&format!(
        "{name} accepts options on the command line as well as from stdin. \
         Pacemaker's fencer (and cman's fenced) send parameters through stdin \
         when they run the agent. {name} can be run by itself with command line \
         options: this is useful for testing and for turning a server on or off \
         from scripts."
    ));
    if let Some(url) = &metadata.vendor_url {
        roff.paragraph(&format!("Vendor URL: {url}"));
    }
    let shown: Vec<&Parameter> = metadata
        .parameters
        .iter()
        .filter(|p| !p.deprecated)
        .collect();
    roff.section("PARAMETERS");
    for param in shown.iter().filter(|p| p.getopt.is_some()) {
        roff.item(
            &bold(param.getopt.as_deref().unwrap_or_default()),
            &describe(param),
        );
    }
    roff.section("ACTIONS");
    for action in &metadata.actions {
        let what = ACTIONS
            .iter()
            .find(|(name, _)| *name == action.name)
            .map_or("", |(_, what)| what);
        roff.item(&bold(&action.name), what);
    }
    roff.section("STDIN PARAMETERS");
    for param in shown {
        roff.item(&bold(&param.name), &describe(param));
    }
    roff.finish()
}

fn bold(text: &str) -> String {
    format!("\\fB{}\\fR", escape(text))
}

/// The description with what fence-agents adds: obsoleted name, required,
/// default.
fn describe(param: &Parameter) -> String {
    let mut text = param.shortdesc.clone();
    if let Some(old) = &param.obsoletes {
        text.push_str(&format!(" Obsoletes: {old}"));
    }
    if param.required {
        text.push_str(" This parameter is always required.");
    }
    if let Some(default) = &param.default {
        text.push_str(&format!(" (Default Value: {default})"));
    }
    text
}
