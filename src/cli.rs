//! The command line: clap types only, no logic.

use std::ffi::OsString;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::exit::ExitStatus;
use crate::pacemaker::version::PacemakerVersion;

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    failure (including invalid metadata or parameters)
  2    nothing configured can do it (no fencing method for the node)
  3    status: the node is off
  64   usage error
  129  hung up (SIGHUP: the terminal or SSH session went away)
  130  interrupted (SIGINT, Ctrl-C)
  143  terminated (SIGTERM)";

// Each subcommand's long help (--help) ends with real examples; the man
// pages take their EXAMPLES sections from the same text ([`crate::man`]).
// A `# ` line says what the next command line does.

const LIST_INSTALLED_EXAMPLES: &str = "\
Examples:
  # The installed IPMI agents, with what they can do
  fencectl list-installed ipmi
  # Agent names only, for scripts (never runs an agent)
  fencectl list-installed --names-only
  # Every agent as JSON, asking each one again
  fencectl list-installed --refresh --format json";

const METADATA_EXAMPLES: &str = "\
Examples:
  # fence_ipmilan's parameters and actions
  fencectl metadata -a fence_ipmilan
  # The agent's own XML, as Pacemaker reads it
  fencectl metadata -a fence_ipmilan --format xml
  # Check every installed agent's metadata against fence-agents' rules
  fencectl metadata --check --all-agents";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  # Check a BMC's parameters, asking for the password without echo
  fencectl validate -a fence_ipmilan ip=192.0.2.1 --ask password
  # The same from a file of NAME=VALUE lines, without running the agent
  fencectl validate -a fence_ipmilan --params-file bmc.txt --no-agent
  # A whole cman cluster.conf (needs xmllint)
  fencectl validate --config /etc/cluster/cluster.conf";

const GENERATE_EXAMPLES: &str = "\
Examples:
  # Stonith primitives and fencing topology for a Pacemaker CIB
  fencectl generate cib inventory.toml -o fencing.xml
  # Show what the inventory changes in the running CIB, change nothing
  fencectl generate cib inventory.toml --apply --dry-run
  # A cman cluster.conf
  fencectl generate cluster-conf inventory.toml -o cluster.conf";

const CONVERT_EXAMPLES: &str = "\
Examples:
  # A cman cluster.conf as Pacemaker stonith primitives and levels
  fencectl convert cluster-conf-to-cib /etc/cluster/cluster.conf
  # As a whole CIB document, to check with crm_verify --xml-file
  fencectl convert cluster-conf-to-cib cluster.conf --full -o cib.xml";

const FENCE_EXAMPLES: &str = "\
Examples:
  # The plan for node2 (levels, devices, arguments), fencing nothing
  fencectl fence node2 --dry-run -v
  # Power node2 off through the devices of a cman cluster.conf
  fencectl fence node2 --action off --config cluster.conf
  # Let the running cluster's fencer do it (stonith_admin --reboot node2)
  fencectl fence node2 --via-cluster";

const RUN_EXAMPLES: &str = "\
Examples:
  # Ask a BMC for the power status, asking for the password without echo
  fencectl run -a fence_ipmilan --action status \\
      ip=192.0.2.1 username=admin --ask password
  # List the plugs of a device, the parameters read from a file
  fencectl run -a fence_apc --action list --params-file apc.params";

const HISTORY_EXAMPLES: &str = "\
Examples:
  # Every fencing run in the audit log
  fencectl history
  # node2's runs merged with the cluster's fencing history
  fencectl history node2 --cluster";

const STATUS_EXAMPLES: &str = "\
Examples:
  # Registered devices, targets, levels and last events
  fencectl status
  # Only what concerns node2, as JSON
  fencectl status node2 --format json";

const CHECK_EXAMPLES: &str = "\
Examples:
  # Lint, timeout budget and read-only probes of every node's devices
  fencectl check
  # Lint and budget only, for one node of a CIB file
  fencectl check node2 --cib cib.xml --offline
  # Warnings fail too (exit 1), for CI
  fencectl check --offline --strict --config cluster.conf";

const GRAPH_EXAMPLES: &str = "\
Examples:
  # Who fences whom, as an SVG picture (needs graphviz)
  fencectl graph -T svg > fencing.svg
  # As a Mermaid flowchart from a CIB file
  fencectl graph -T mermaid --cib cib.xml";

const OVH_KEYS_EXAMPLES: &str = "\
Examples:
  # Create keys interactively (endpoint, key, secret, servers)
  fencectl ovh-keys create
  # Check the keys and every rule fencing needs
  fencectl ovh-keys check --config /etc/ovh.conf";

const AGENT_EXAMPLES: &str = "\
Examples:
  # The power status of an OVH dedicated server, keys from /etc/ovh.conf
  fencectl agent ovh -o status -n ns567890.ip-123-22-44.eu
  # The agent's metadata XML
  fencectl agent ovh -o metadata";

const INSTALL_AGENT_EXAMPLES: &str = "\
Examples:
  # Link fence_ovh_api into /usr/sbin, where pacemaker-fenced runs agents
  fencectl install-agent
  # Into another agent directory
  fencectl install-agent --agent-dir /usr/local/sbin";

const SCHEMA_EXAMPLES: &str = "\
Examples:
  # cman's schema with every installed agent, then check a cluster.conf
  fencectl schema cluster-rng -o cluster.rng
  xmllint --noout --relaxng cluster.rng /etc/cluster/cluster.conf
  # Where ccs_update_schema wrote it
  fencectl schema cluster-rng -o /var/lib/cluster/cluster.rng --force";

const GENERATE_CIB_EXAMPLES: &str = "\
Examples:
  # Stonith primitives and fencing topology for a Pacemaker CIB
  fencectl generate cib inventory.toml -o fencing.xml
  # One device, no inventory
  fencectl generate cib --agent fence_ipmilan --id ipmi-node1 \\
      --host-list node1 ip=192.0.2.1 username=admin
  # Apply to the running cluster: show the changes, ask, then patch
  fencectl generate cib inventory.toml --apply";

const GENERATE_CLUSTER_CONF_EXAMPLES: &str = "\
Examples:
  # A cman cluster.conf
  fencectl generate cluster-conf inventory.toml -o cluster.conf
  # The change to an existing cluster.conf as a diff, writing nothing
  fencectl generate cluster-conf inventory.toml \\
      --update cluster.conf --diff";

const GENERATE_PCS_EXAMPLES: &str = "\
Examples:
  # The configuration as pcs commands (no secret on a command line)
  fencectl generate pcs inventory.toml > fencing.sh
  # For an older Pacemaker
  fencectl generate pcs inventory.toml --pacemaker-version 2.0";

const GENERATE_CRMSH_EXAMPLES: &str = "\
Examples:
  # The configuration as a crm shell script
  fencectl generate crmsh inventory.toml > fencing.crm
  # Written to a file (mode 0600: it holds secrets)
  fencectl generate crmsh inventory.toml -o fencing.crm";

const OVH_KEYS_CREATE_EXAMPLES: &str = "\
Examples:
  # Asks for endpoint, key, secret and servers
  fencectl ovh-keys create
  # All by flags, for one server and the nodes' addresses
  fencectl ovh-keys create --endpoint ovh-eu --application-key KEY \\
      --application-secret-file secret \\
      --server ns567890.ip-123-22-44.eu --allowed-ip 203.0.113.4 --yes";

const OVH_KEYS_CHECK_EXAMPLES: &str = "\
Examples:
  # Check the keys python-ovh would find, and every rule fencing needs
  fencectl ovh-keys check
  # The keys of one file, for one server, as JSON
  fencectl ovh-keys check --config /etc/ovh.conf \\
      --server ns567890.ip-123-22-44.eu --format json";

/// fencectl: fence agents, their metadata and device parameters, in one tool.
#[derive(Debug, Parser)]
#[command(name = "fencectl", version, about, long_about = None, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The help heading of the options every subcommand takes.
pub const GLOBAL: &str = "Global options";

/// Options every subcommand takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// More detail (repeat for more: -vv, -vvv).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, help_heading = GLOBAL)]
    pub verbose: u8,

    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,

    /// Output format (each command says which it takes; xml: metadata's own bytes).
    #[arg(long, value_enum, global = true, default_value_t = Format::Table, help_heading = GLOBAL)]
    pub format: Format,

    /// When to use colour.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto, help_heading = GLOBAL)]
    pub color: ColorChoice,

    /// Directory holding fence agents (repeatable; searched in order).
    #[arg(
        long = "agent-dir",
        value_name = "DIR",
        global = true,
        help_heading = GLOBAL,
        env = "FENCECTL_AGENT_PATH",
        value_delimiter = ':',
        default_value = "/usr/sbin"
    )]
    pub agent_dirs: Vec<PathBuf>,

    /// How long one agent may take to print its metadata (e.g. 10s, 500ms).
    #[arg(long, value_name = "DURATION", global = true, help_heading = GLOBAL, default_value = "10s", value_parser = parse_duration)]
    pub agent_timeout: Duration,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people.
    Table,
    /// A stable JSON document.
    Json,
    /// XML: the agent's own (metadata), or what generate cib/cluster-conf write.
    Xml,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the installed fence agents, with descriptions and capabilities.
    ///
    /// Every fence_* program in the agent directories (--agent-dir, default
    /// /usr/sbin), with its description, the agent it is an alias of, and
    /// the actions it has, from its metadata (cached until the agent
    /// changes).
    #[command(visible_alias = "list", after_long_help = LIST_INSTALLED_EXAMPLES)]
    ListInstalled(Lazy<ListInstalledArgs>),
    /// Show an agent's parameters and actions, or check its metadata.
    ///
    /// Shows what `AGENT -o metadata` says: the parameters, with their
    /// types, defaults and allowed values, and the actions. --format xml
    /// prints the agent's own XML; --check checks metadata against
    /// fence-agents' rules (one agent, every installed agent, or a file).
    #[command(after_long_help = METADATA_EXAMPLES)]
    Metadata(Lazy<MetadataArgs>),
    /// Check a device's parameters against the agent's metadata.
    ///
    /// Checks NAME=VALUE parameters for an agent as the cluster would pass
    /// them: unknown names (with the nearest known one), missing required
    /// parameters, values the metadata does not allow; then runs the
    /// agent's own validate-all. Secrets are masked unless --show-secrets.
    #[command(after_long_help = VALIDATE_EXAMPLES)]
    Validate(Lazy<ValidateArgs>),
    /// Write Pacemaker CIB or cman cluster.conf fencing configuration.
    #[command(subcommand, after_long_help = GENERATE_EXAMPLES)]
    Generate(Lazy<GenerateCommand>),
    /// Convert fencing configuration between stacks.
    #[command(subcommand, after_long_help = CONVERT_EXAMPLES)]
    Convert(Lazy<ConvertCommand>),
    /// Fence a node from cluster.conf or the CIB, showing what each agent gets.
    ///
    /// Plans fencing NODE as the cluster would, from a cman cluster.conf
    /// (as fence_node did) or a Pacemaker CIB: levels, devices, host maps,
    /// delays and timeouts. Then runs the levels in order until one
    /// succeeds, and records the runs in the audit log. --dry-run shows the
    /// plan and runs nothing; --via-cluster asks the running cluster's
    /// fencer instead (stonith_admin).
    #[command(after_long_help = FENCE_EXAMPLES)]
    Fence(Lazy<FenceArgs>),
    /// Run one agent with exactly these parameters, and explain its answer.
    ///
    /// Sends the parameters on the agent's stdin, as the cluster does,
    /// after checking them against its metadata, and explains the result.
    /// off, on and reboot are asked about first (unless --yes) and go in
    /// the audit log.
    #[command(after_long_help = RUN_EXAMPLES)]
    Run(Lazy<RunArgs>),
    /// Show the audit log of fencing runs.
    #[command(after_long_help = HISTORY_EXAMPLES)]
    History(Lazy<HistoryArgs>),
    /// What the running cluster's fencer knows: devices, targets, levels, last events.
    #[command(after_long_help = STATUS_EXAMPLES)]
    Status(Lazy<StatusArgs>),
    /// Will fencing work? Design lint, timeout budget and read-only probes of every node's devices.
    #[command(after_long_help = CHECK_EXAMPLES)]
    Check(Lazy<CheckArgs>),
    /// Draw who fences whom (nodes, levels, devices), findings marked: DOT, SVG or Mermaid.
    #[command(after_long_help = GRAPH_EXAMPLES)]
    Graph(Lazy<GraphArgs>),
    /// Create or check OVH API keys for fencing OVH dedicated servers.
    #[command(subcommand, after_long_help = OVH_KEYS_EXAMPLES)]
    OvhKeys(Lazy<OvhKeysCommand>),
    /// Run a fence agent built into fencectl (`fencectl agent ovh -o status -n SERVICE`).
    #[command(after_long_help = AGENT_EXAMPLES)]
    Agent(Lazy<AgentArgs>),
    /// Link a built-in agent into an agent directory so that clusters can run it.
    ///
    /// The link goes into the agent directory (--agent-dir, default
    /// /usr/sbin: pacemaker-fenced runs agents from /usr/sbin only), where
    /// `list-installed` and `fence` find it.
    #[command(after_long_help = INSTALL_AGENT_EXAMPLES)]
    InstallAgent(Lazy<InstallAgentArgs>),
    /// Write configuration schemas built from the installed agents.
    #[command(subcommand, after_long_help = SCHEMA_EXAMPLES)]
    Schema(Lazy<SchemaCommand>),
    /// Write shell completions and man pages (for packagers).
    #[command(hide = true)]
    GenerateAssets(GenerateAssetsArgs),
    /// Print the candidates for the word a shell completes (the completion
    /// scripts call it).
    #[command(name = "__complete", hide = true)]
    Complete(CompleteArgs),
}

/// `fencectl list-installed`
#[derive(Debug, Args)]
pub struct ListInstalledArgs {
    /// Show only agents whose name or description contains this text.
    pub filter: Option<String>,

    /// Print names only; never runs an agent.
    #[arg(long)]
    pub names_only: bool,

    /// Run every agent again instead of using the cache.
    #[arg(long)]
    pub refresh: bool,
}

/// `fencectl metadata`
#[derive(Debug, Args, Clone)]
#[command(group = clap::ArgGroup::new("source").args(["agent", "file"]))]
pub struct MetadataArgs {
    /// The agent: a name (fence_ipmilan) or a path.
    #[arg(short, long, value_name = "AGENT")]
    pub agent: Option<String>,

    /// Check the metadata against fence-agents' rules instead of showing it.
    #[arg(long)]
    pub check: bool,

    /// With --check: a metadata XML file to check.
    #[arg(long, value_name = "FILE", requires = "check")]
    pub file: Option<PathBuf>,

    /// With --check: check every installed agent (`--all` is an old name).
    #[arg(long, alias = "all", requires = "check")]
    pub all_agents: bool,

    /// Also show deprecated parameter names (and what replaces them).
    #[arg(long, conflicts_with = "check")]
    pub deprecated: bool,

    /// With --check: warnings count as errors.
    #[arg(long, requires = "check")]
    pub strict: bool,

    /// Run the agent again instead of using the cache.
    #[arg(long)]
    pub refresh: bool,
}

/// `fencectl validate`
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The agent: a name (fence_ipmilan) or a path.
    #[arg(short, long, value_name = "AGENT", required_unless_present = "config")]
    pub agent: Option<String>,

    /// Check a whole cman cluster.conf instead: cman's schema with every
    /// installed agent (as ccs_config_validate, with xmllint), then each
    /// node's devices with their agents' metadata.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["agent", "params", "params_file", "ask", "no_agent", "show_secrets"]
    )]
    pub config: Option<PathBuf>,

    /// Parameters as NAME=VALUE; a VALUE of @FILE reads it from FILE.
    #[arg(value_name = "NAME=VALUE")]
    pub params: Vec<String>,

    /// Read NAME=VALUE lines from FILE ("-" for standard input).
    #[arg(long, value_name = "FILE")]
    pub params_file: Option<PathBuf>,

    /// Ask for this parameter's value without echo (repeatable).
    #[arg(long, value_name = "NAME")]
    pub ask: Vec<String>,

    /// Do not run the agent's validate-all.
    #[arg(long)]
    pub no_agent: bool,

    /// Show secret values in output instead of masking them.
    #[arg(long)]
    pub show_secrets: bool,
}

/// `fencectl generate ...`
#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Stonith primitives and fencing topology for a Pacemaker CIB.
    #[command(after_long_help = GENERATE_CIB_EXAMPLES)]
    Cib(GenerateCibArgs),
    /// A cman cluster.conf (or its fencing sections merged into one).
    #[command(after_long_help = GENERATE_CLUSTER_CONF_EXAMPLES)]
    ClusterConf(GenerateClusterConfArgs),
    /// The CIB configuration as a pcs script (pcs stonith create / level add).
    #[command(after_long_help = GENERATE_PCS_EXAMPLES)]
    Pcs(GenerateScriptArgs),
    /// The CIB configuration as a crm shell script (primitive, fencing_topology).
    #[command(after_long_help = GENERATE_CRMSH_EXAMPLES)]
    Crmsh(GenerateScriptArgs),
}

/// `fencectl generate pcs` / `generate crmsh`
#[derive(Debug, Args)]
pub struct GenerateScriptArgs {
    /// The inventory (TOML).
    #[arg(value_name = "INVENTORY")]
    pub inventory: PathBuf,

    /// The Pacemaker the script is for, as X.Y[.Z] [default: the installed
    /// Pacemaker, else 2.1].
    #[arg(long, value_name = "X.Y[.Z]")]
    pub pacemaker_version: Option<PacemakerVersion>,

    #[command(flatten)]
    pub out: OutputArgs,
}

/// Which part of the CIB to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CibPart {
    /// `<resources>`: for cibadmin --create --scope resources.
    Resources,
    /// `<fencing-topology>`: for cibadmin --create --scope configuration.
    Topology,
    /// Both, in a `<configuration>`: for cibadmin --modify --scope configuration.
    All,
}

/// Where generated configuration goes.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write to FILE (atomically, mode 0600: it holds secrets) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,

    /// Do not check device parameters against the agents' metadata.
    #[arg(long)]
    pub no_metadata: bool,
}

/// `fencectl generate cib`
#[derive(Debug, Args)]
pub struct GenerateCibArgs {
    /// The inventory (TOML); with --agent instead, the device's parameters
    /// as NAME=VALUE.
    #[arg(
        value_name = "INVENTORY | NAME=VALUE",
        required_unless_present = "agent"
    )]
    pub args: Vec<String>,

    /// Which part to print.
    #[arg(long, value_enum, default_value_t = CibPart::All)]
    pub part: CibPart,

    /// A whole CIB document (nodes included) for crm_verify --xml-file.
    #[arg(long, conflicts_with = "part")]
    pub full: bool,

    /// The Pacemaker the CIB is for, as X.Y[.Z]: 3.0.2 and later get the
    /// fencing-* cluster option names and pcmk_host_map without '\'
    /// escapes [default: the installed Pacemaker, else 2.1].
    #[arg(long, value_name = "X.Y[.Z]")]
    pub pacemaker_version: Option<PacemakerVersion>,

    /// Single device: its agent.
    #[arg(long, value_name = "AGENT", requires = "id")]
    pub agent: Option<String>,

    /// Single device: its id.
    #[arg(long, value_name = "ID", requires = "agent")]
    pub id: Option<String>,

    /// Single device: the nodes it fences (comma-separated or repeated).
    #[arg(long, value_name = "NODES", value_delimiter = ',', requires = "agent")]
    pub host_list: Vec<String>,

    /// Single device: node:plug pairs (pcmk_host_map).
    #[arg(long, value_name = "MAP", requires = "agent")]
    pub host_map: Option<String>,

    /// Single device: monitor interval (default 60s; 0 for none).
    #[arg(long, value_name = "INTERVAL", requires = "agent")]
    pub monitor: Option<String>,

    /// Apply to the running cluster's CIB: show what changes, ask, then
    /// load it as one patch against the CIB version read (an edit made in
    /// between is refused, not overwritten).
    #[arg(long, conflicts_with_all = ["full", "output", "pacemaker_version"])]
    pub apply: bool,

    /// With --apply: show what would change and change nothing.
    #[arg(long, requires = "apply")]
    pub dry_run: bool,

    /// With --apply: do not ask.
    #[arg(short = 'y', long, requires = "apply")]
    pub yes: bool,

    /// With --apply: remove the stonith primitives and fencing levels the
    /// inventory does not produce (never other resources).
    #[arg(long, requires = "apply")]
    pub prune: bool,

    /// With --apply: enable fencing (stonith-enabled, or fencing-enabled
    /// where the running Pacemaker reads that name).
    #[arg(long, requires = "apply")]
    pub enable_fencing: bool,

    /// With --apply --dry-run: compare with this CIB file instead of the
    /// running cluster's (-vv prints the patch).
    #[arg(long, value_name = "FILE", requires = "dry_run")]
    pub against_cib: Option<PathBuf>,

    #[command(flatten)]
    pub out: OutputArgs,
}

/// `fencectl generate cluster-conf`
#[derive(Debug, Args)]
pub struct GenerateClusterConfArgs {
    /// The inventory (TOML).
    #[arg(value_name = "INVENTORY")]
    pub inventory: PathBuf,

    /// Merge the fencing sections into this cluster.conf, keep the rest,
    /// and increment config_version. Writes to -o, else replaces FILE (a
    /// symlink's target) atomically, keeping its mode and owner and the
    /// previous version beside it as FILE.<old config_version>.bak.
    #[arg(long, value_name = "FILE")]
    pub update: Option<PathBuf>,

    /// With --update: print the change as a unified diff, write nothing.
    #[arg(long, requires = "update", conflicts_with = "output")]
    pub diff: bool,

    #[command(flatten)]
    pub out: OutputArgs,
}

/// `fencectl convert ...`
#[derive(Debug, Subcommand)]
pub enum ConvertCommand {
    /// A cman cluster.conf as Pacemaker stonith primitives and fencing levels.
    #[command(after_long_help = CONVERT_EXAMPLES)]
    ClusterConfToCib(ConvertArgs),
}

/// `fencectl convert cluster-conf-to-cib`
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The cluster.conf to convert.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Which part to print.
    #[arg(long, value_enum, default_value_t = CibPart::All)]
    pub part: CibPart,

    /// A whole CIB document (nodes included).
    #[arg(long, conflicts_with = "part")]
    pub full: bool,

    /// The Pacemaker the CIB is for, as X.Y[.Z]: 3.0.2 and later get the
    /// fencing-* cluster option names and pcmk_host_map without '\'
    /// escapes [default: the installed Pacemaker, else 2.1].
    #[arg(long, value_name = "X.Y[.Z]")]
    pub pacemaker_version: Option<PacemakerVersion>,

    #[command(flatten)]
    pub out: OutputArgs,
}

/// `fencectl fence`
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("configuration").args(["config", "cib", "cib_live"]))]
pub struct FenceArgs {
    /// The node to fence, as the configuration names it.
    pub node: String,

    /// The action (default: cluster.conf: each device's configured action,
    /// else the agent's default; CIB: reboot).
    #[arg(long, value_enum)]
    pub action: Option<FenceActionArg>,

    /// Unfence the node (run its unfence devices with action on).
    #[arg(short = 'U', long, conflicts_with = "action")]
    pub unfence: bool,

    /// A cman cluster.conf (default: /etc/pve/cluster.conf, then
    /// /etc/cluster/cluster.conf, then the live CIB).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// A Pacemaker CIB file.
    #[arg(long, value_name = "FILE")]
    pub cib: Option<PathBuf>,

    /// The running cluster's CIB (cibadmin --query).
    #[arg(long)]
    pub cib_live: bool,

    /// Print the plan (levels, devices, arguments, timeouts, delays) and run no fencing action.
    #[arg(long)]
    pub dry_run: bool,

    /// With --dry-run: do not ask devices (list/status) whether they can fence
    /// the node; show them as decided at run time.
    #[arg(long, requires = "dry_run")]
    pub offline: bool,

    /// Show passwords and other secrets instead of masking them.
    #[arg(long)]
    pub show_secrets: bool,

    /// Time each device gets (default: pcmk_<action>_timeout, else at least
    /// 60s or the agent's power_timeout plus a margin; twice for reboot).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Skip pcmk_delay_base / pcmk_delay_max.
    #[arg(long)]
    pub no_delay: bool,

    /// The audit log (default: /var/log/fencectl/fence.log for root, else
    /// the XDG state directory).
    #[arg(long, value_name = "FILE", env = "FENCECTL_LOG_FILE")]
    pub log: Option<PathBuf>,

    /// Ask the running cluster's fencer to do it (stonith_admin), so that
    /// the cluster knows and records it.
    #[arg(long, conflicts_with_all = ["config", "cib", "cib_live", "dry_run"])]
    pub via_cluster: bool,

    /// With --via-cluster: do nothing if the same action succeeded this
    /// recently.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "via_cluster")]
    pub tolerance: Option<Duration>,

    /// With --via-cluster: an extra delay before fencing, on top of
    /// pcmk_delay_base/max.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "via_cluster", conflicts_with = "no_delay")]
    pub delay: Option<Duration>,

    /// Do not ask before a direct power action while a cluster runs here.
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// `fencectl run`
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The agent: a name (fence_ipmilan) or a path.
    #[arg(short, long, value_name = "AGENT")]
    pub agent: String,

    /// The action (required: agents default to reboot).
    #[arg(long, value_enum)]
    pub action: RunActionArg,

    /// Parameters as NAME=VALUE; a VALUE of @FILE reads it from FILE.
    #[arg(value_name = "NAME=VALUE")]
    pub params: Vec<String>,

    /// Read NAME=VALUE lines from FILE ("-" for standard input).
    #[arg(long, value_name = "FILE")]
    pub params_file: Option<PathBuf>,

    /// Ask for this parameter's value without echo (repeatable).
    #[arg(long, value_name = "NAME")]
    pub ask: Vec<String>,

    /// Send the parameters without checking them against the metadata.
    #[arg(long)]
    pub no_check: bool,

    /// Do not ask before off, on or reboot (needed without a terminal).
    #[arg(short, long)]
    pub yes: bool,

    /// Time the agent gets, retries included (e.g. 60s, 2m).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// How many times a failed run is tried again, within the timeout.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retries: u32,

    /// The audit log for off, on and reboot (default: as `fence`).
    #[arg(long, value_name = "FILE", env = "FENCECTL_LOG_FILE")]
    pub log: Option<PathBuf>,
}

/// Actions `run` sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunActionArg {
    Off,
    On,
    Reboot,
    Status,
    List,
    ListStatus,
    Monitor,
}

/// `fencectl check`
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("configuration").args(["config", "cib", "cib_live"]))]
pub struct CheckArgs {
    /// The nodes to check (default: every node).
    pub nodes: Vec<String>,

    /// A cman cluster.conf (default: the configuration `fence` would use).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// A Pacemaker CIB file.
    #[arg(long, value_name = "FILE")]
    pub cib: Option<PathBuf>,

    /// The running cluster's CIB (cibadmin --query).
    #[arg(long)]
    pub cib_live: bool,

    /// Lint and timeout budget only: run no agent.
    #[arg(long)]
    pub offline: bool,

    /// Physical devices probed at once (the probes of one device run in turn).
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,

    /// Time each probe gets (default: the device's status timeout).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Warnings fail the check too (exit 1).
    #[arg(long)]
    pub strict: bool,

    /// corosync.conf for the rules that need it (default: /etc/corosync/corosync.conf
    /// when checking the local cluster).
    #[arg(long, value_name = "FILE")]
    pub corosync_conf: Option<PathBuf>,

    /// The SBD configuration (default: /etc/default/sbd or /etc/sysconfig/sbd
    /// when checking the local cluster).
    #[arg(long, value_name = "FILE")]
    pub sbd_config: Option<PathBuf>,
}

/// `fencectl graph`
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("configuration").args(["config", "cib", "cib_live"]))]
pub struct GraphArgs {
    /// A cman cluster.conf (default: the configuration `fence` would use).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// A Pacemaker CIB file.
    #[arg(long, value_name = "FILE")]
    pub cib: Option<PathBuf>,

    /// The running cluster's CIB (cibadmin --query).
    #[arg(long)]
    pub cib_live: bool,

    /// The picture's format, as Graphviz's -T (svg runs Graphviz's `dot`).
    #[arg(short = 'T', long = "type", value_enum, default_value_t = GraphTypeArg::Dot)]
    pub graph_type: GraphTypeArg,
}

/// Picture formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphTypeArg {
    /// Graphviz DOT source.
    Dot,
    /// SVG rendered by Graphviz's dot (Debian package graphviz).
    Svg,
    /// Mermaid flowchart, for wikis.
    Mermaid,
}

/// Fencing actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FenceActionArg {
    Reboot,
    Off,
    On,
    Status,
}

/// `fencectl history`
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only runs for this node.
    pub node: Option<String>,

    /// The audit log to read.
    #[arg(long, value_name = "FILE", env = "FENCECTL_LOG_FILE")]
    pub log: Option<PathBuf>,

    /// Merge the running cluster's fencing history (stonith_admin
    /// --history) with the audit log, in one timeline.
    #[arg(long)]
    pub cluster: bool,
}

/// `fencectl status`
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Only what concerns this node.
    pub node: Option<String>,
}

/// `fencectl ovh-keys ...`
#[derive(Debug, Subcommand)]
pub enum OvhKeysCommand {
    /// Create application keys with least-privilege fencing rules (interactive, or all by flags).
    #[command(after_long_help = OVH_KEYS_CREATE_EXAMPLES)]
    Create(OvhKeysCreateArgs),
    /// Check keys: credential status, expiry, clock skew, and every rule fencing needs.
    #[command(after_long_help = OVH_KEYS_CHECK_EXAMPLES)]
    Check(OvhKeysCheckArgs),
}

/// `fencectl ovh-keys create`
#[derive(Debug, Args)]
pub struct OvhKeysCreateArgs {
    /// API endpoint: one of python-ovh's names (ovh-eu, ovh-ca, ovh-us,
    /// soyoustart-eu, soyoustart-ca, kimsufi-eu, kimsufi-ca) or an https:// URL
    /// of the API (plain http only to a loopback address). A URL is written
    /// to ovh.conf in a key python-ovh ignores (fencectl_api_url).
    #[arg(long, value_name = "NAME|URL")]
    pub endpoint: Option<String>,

    /// The application key from the createApp page.
    #[arg(long, value_name = "KEY")]
    pub application_key: Option<String>,

    /// A file holding the application secret (never give it on the command line).
    #[arg(long, value_name = "FILE")]
    pub application_secret_file: Option<PathBuf>,

    /// A server the cluster fences (service name, e.g. ns567890.ip-123-22-44.eu); repeat for each.
    #[arg(long = "server", value_name = "SERVICE")]
    pub servers: Vec<String>,

    /// Also allow GET /dedicated/server (the agent's list action).
    #[arg(long)]
    pub list_rule: bool,

    /// Only these addresses may use the keys (the cluster nodes' public addresses); repeat.
    #[arg(long = "allowed-ip", value_name = "IP[/PREFIX]")]
    pub allowed_ips: Vec<String>,

    /// The ovh.conf to write (default /etc/ovh.conf for root, else ~/.ovh.conf).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Answer yes: request the rules, replace an existing section.
    #[arg(long)]
    pub yes: bool,

    /// Do not wait for the validation; write the keys at once.
    #[arg(long)]
    pub no_wait: bool,

    /// How long to wait for the validation in the browser.
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_duration)]
    pub wait_timeout: Duration,

    /// Reach the API at this URL instead of the endpoint's own (a proxy, a
    /// mock): https, or http to a loopback address. The section keeps the
    /// endpoint's name for python-ovh; the URL goes in fencectl_api_url.
    #[arg(long, env = "FENCECTL_OVH_API_URL", value_name = "URL")]
    pub api_url: Option<String>,
}

/// `fencectl ovh-keys check`
#[derive(Debug, Args)]
pub struct OvhKeysCheckArgs {
    /// The ovh.conf to read (default: python-ovh's lookup: /etc/ovh.conf, ~/.ovh.conf, ./ovh.conf, OVH_* variables).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The endpoint section to use (default: [default] endpoint).
    #[arg(long, value_name = "NAME")]
    pub endpoint: Option<String>,

    /// A server to check the rules for (default: those the credential's rules name); repeat.
    #[arg(long = "server", value_name = "SERVICE")]
    pub servers: Vec<String>,

    /// Reach the API at this URL (https, or http to a loopback address)
    /// instead of the endpoint's or the file's fencectl_api_url.
    #[arg(long, env = "FENCECTL_OVH_API_URL", value_name = "URL")]
    pub api_url: Option<String>,
}

/// `fencectl agent`
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// The built-in agent: ovh (fence_ovh_api).
    #[arg(value_enum)]
    pub agent: BuiltinAgentArg,

    /// The agent's own options (as for fence_ovh_api); none reads name=value lines from stdin.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "AGENT OPTIONS"
    )]
    pub args: Vec<String>,
}

/// The agents built into fencectl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BuiltinAgentArg {
    /// fence_ovh_api: OVH dedicated servers through the REST API (rescue mode).
    Ovh,
}

/// `fencectl install-agent`
#[derive(Debug, Args)]
pub struct InstallAgentArgs {
    /// Replace an existing file of that name.
    #[arg(long)]
    pub force: bool,
}

/// `fencectl schema ...`
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// cman's cluster.conf RELAX NG schema with every installed agent's
    /// parameters, as `ccs_update_schema` wrote /var/lib/cluster/cluster.rng.
    ///
    /// Check a cluster.conf with it: `xmllint --noout --relaxng cluster.rng
    /// cluster.conf` (as `ccs_config_validate` did).
    #[command(name = "cluster-rng", after_long_help = SCHEMA_EXAMPLES)]
    ClusterRng(SchemaArgs),
}

/// `fencectl schema cluster-rng`
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// `fencectl generate-assets`
#[derive(Debug, Args)]
pub struct GenerateAssetsArgs {
    /// Directory to write completions/ and man/ into.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// `fencectl __complete SHELL INDEX -- WORDS...`
#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// The shell asking: bash gets values only, zsh and fish value and
    /// description.
    #[arg(value_enum)]
    pub shell: CompletionShell,

    /// The position in WORDS of the word being completed (0 is the program).
    pub index: usize,

    /// The command line's words, the program's name first.
    #[arg(last = true, allow_hyphen_values = true)]
    pub words: Vec<String>,
}

/// The shells fencectl completes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// Parses a duration: `10`, `10s`, `500ms`, `2m`, `1h` (plain numbers are seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::timespec::parse(text).map_err(|e| e.to_string())
}

/// Whether [`Lazy`] defers a subcommand's arguments: only while [`parse`]
/// builds the command line, so that the parser makes just the subcommand
/// it enters (making every subcommand's arguments is about a millisecond
/// of each run). Help pages, man pages and completion walk the whole
/// tree, made eagerly.
static DEFER_SUBCOMMANDS: AtomicBool = AtomicBool::new(false);

/// A subcommand's arguments (or its own subcommands), made only when the
/// subcommand is used; see [`DEFER_SUBCOMMANDS`].
#[derive(Debug, Clone)]
pub struct Lazy<T>(pub T);

impl<T> Deref for Lazy<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Lazy)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

fn deferred(command: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    if DEFER_SUBCOMMANDS.load(Ordering::Relaxed) {
        command.defer(augment)
    } else {
        augment(command)
    }
}

/// `augment` after the subcommand's own texts were set: the texts of the
/// enum variant win over the Args struct's doc comment, as they do when
/// the derive makes the subcommand eagerly.
fn keeping_texts(
    command: clap::Command,
    augment: impl FnOnce(clap::Command) -> clap::Command,
) -> clap::Command {
    let about = command.get_about().cloned();
    let long_about = command.get_long_about().cloned();
    let command = augment(command);
    let command = match about {
        Some(about) => command.about(about),
        None => command,
    };
    match long_about {
        Some(long_about) => command.long_about(long_about),
        None => command,
    }
}

fn args<T: Args>(command: clap::Command) -> clap::Command {
    keeping_texts(command, T::augment_args)
}

fn args_for_update<T: Args>(command: clap::Command) -> clap::Command {
    keeping_texts(command, T::augment_args_for_update)
}

fn subcommands<T: Subcommand>(command: clap::Command) -> clap::Command {
    keeping_texts(command, T::augment_subcommands)
}

fn subcommands_for_update<T: Subcommand>(command: clap::Command) -> clap::Command {
    keeping_texts(command, T::augment_subcommands_for_update)
}

impl<T: Args> Args for Lazy<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }

    fn augment_args(command: clap::Command) -> clap::Command {
        deferred(command, args::<T>)
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        deferred(command, args_for_update::<T>)
    }
}

impl<T: Subcommand> Subcommand for Lazy<T> {
    fn augment_subcommands(command: clap::Command) -> clap::Command {
        deferred(command, subcommands::<T>)
    }

    fn augment_subcommands_for_update(command: clap::Command) -> clap::Command {
        deferred(command, subcommands_for_update::<T>)
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

/// Parses the process's arguments. Help and version exit 0; any other
/// mistake prints clap's message, with fencectl's own error prefix, and
/// gives the usage exit status.
pub fn parse() -> Result<Cli, ExitStatus> {
    let args: Vec<OsString> = std::env::args_os().collect();
    DEFER_SUBCOMMANDS.store(true, Ordering::Relaxed);
    let command = command();
    DEFER_SUBCOMMANDS.store(false, Ordering::Relaxed);
    if let Some(cli) = parse_one_subcommand(&command, &args) {
        return Ok(cli);
    }
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    match parsed {
        Ok(cli) => Ok(cli),
        Err(err) if !err.use_stderr() => {
            let _ = err.print();
            Err(ExitStatus::Success)
        }
        Err(err) => {
            crate::output::print_usage_error(&err.render().to_string());
            Err(ExitStatus::Usage)
        }
    }
}

/// Parses `args` with a tree that holds only the subcommand they name (the
/// first word that is a subcommand's name or alias), when that succeeds.
///
/// The result is the whole tree's: up to that word both trees read only
/// the same global options, and from there the same subcommand. Where the
/// word was something else (an option's value), or anything is wrong, or
/// help or the version is asked for, this gives up and the whole tree
/// parses, and speaks. Clap copies every global option into every
/// subcommand before it parses; with one subcommand, a short command such
/// as `list-installed` starts some 0.1 ms sooner.
fn parse_one_subcommand(full: &clap::Command, args: &[OsString]) -> Option<Cli> {
    let wanted = args
        .iter()
        .skip(1)
        .filter_map(|arg| arg.to_str())
        .take_while(|&arg| arg != "--")
        .find_map(|word| full.find_subcommand(word))?;
    let command = top_level(GlobalArgs::augment_args(clap::Command::new(
        full.get_name().to_string(),
    )))
    .subcommand(wanted.clone());
    let matches = command.try_get_matches_from(args).ok()?;
    Cli::from_arg_matches(&matches).ok()
}

/// The settings of the top-level command that change how a line parses
/// (besides its arguments): the whole tree and the one-subcommand tree
/// of [`parse_one_subcommand`] both take them from here.
fn top_level(command: clap::Command) -> clap::Command {
    command
        .version(env!("CARGO_PKG_VERSION"))
        .propagate_version(true)
        .disable_help_subcommand(true)
        .subcommand_required(true)
        .arg_required_else_help(true)
}

/// The clap command tree, for parsing, completions, man pages and tests.
pub fn command() -> clap::Command {
    let command = top_level(Cli::command());
    // install-agent takes its old `--dir` as a hidden alias of the global
    // agent directory option: its own copy of that option (same id, so
    // the value is the global one) carries the alias.
    let agent_dir = command
        .get_arguments()
        .find(|arg| arg.get_id() == "agent_dirs")
        .cloned()
        .expect("the global --agent-dir option")
        .alias("dir");
    command.mut_subcommand("install-agent", |sub| sub.arg(agent_dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_cli() {
        super::command().debug_assert();
    }

    /// What the whole tree makes of a line, and what the one-subcommand
    /// tree makes of it (None: it gave up).
    fn both(line: &str) -> (Result<String, String>, Option<String>) {
        let args: Vec<OsString> = std::iter::once("fencectl")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect();
        let full = command();
        let whole = full
            .clone()
            .try_get_matches_from(&args)
            .and_then(|matches| Cli::from_arg_matches(&matches))
            .map(|cli| format!("{cli:?}"))
            .map_err(|err| err.kind().to_string());
        let one = parse_one_subcommand(&full, &args).map(|cli| format!("{cli:?}"));
        (whole, one)
    }

    #[test]
    fn one_subcommand_tree_parses_as_the_whole_tree() {
        for line in [
            "list-installed",
            "list ipmi",
            "--format json list-installed --names-only",
            "list-installed --format json -vv",
            "-q --color never metadata -a fence_ipmilan --format xml",
            "--agent-dir /opt/fence --agent-timeout 3s list-installed",
            "--agent-dir fence fence node1 --dry-run",
            "fence node1 --action off --config cluster.conf -v",
            "validate -a fence_ipmilan ip=192.0.2.1 username=admin",
            "run -a fence_dummy --action status -v",
            "generate cib inventory.toml -o out.xml --force",
            "generate cluster-conf inventory.toml",
            "install-agent --dir /usr/local/sbin",
            "install-agent --agent-dir /usr/local/sbin",
            "history node2 --cluster",
            "__complete bash 2 -- fencectl metadata -a fence_",
            "ovh-keys check --format json",
        ] {
            let (whole, one) = both(line);
            let whole = whole.unwrap_or_else(|kind| panic!("{line}: {kind}"));
            assert_eq!(one.as_ref(), Some(&whole), "{line}");
        }
    }

    #[test]
    fn one_subcommand_tree_gives_up_where_it_could_differ() {
        for line in [
            // The first subcommand word is a value; the real one is unknown
            // to the one-subcommand tree.
            "--agent-dir status fence node1",
            // Help, version and mistakes are the whole tree's to report.
            "list-installed --help",
            "list-installed -V",
            "--version",
            "list-installed --no-such-option",
            "fence",
            "frobnicate",
            "",
        ] {
            let (whole, one) = both(line);
            match (whole, one) {
                (_, None) => {}
                (Ok(whole), Some(one)) => assert_eq!(one, whole, "{line}"),
                (Err(kind), Some(one)) => {
                    panic!("{line}: whole tree says {kind}, one-subcommand tree {one}")
                }
            }
        }
    }
}
