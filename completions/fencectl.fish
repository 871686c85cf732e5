# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_fencectl_global_optspecs
    string join \n v/verbose q/quiet format= color= agent-dir= agent-timeout= h/help V/version
end

function __fish_fencectl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_fencectl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_fencectl_using_subcommand
    set -l cmd (__fish_fencectl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c fencectl -n "__fish_fencectl_needs_command" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_needs_command" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_needs_command" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_needs_command" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_needs_command" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_needs_command" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_needs_command" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "list-installed" -d 'List the installed fence agents, with descriptions and capabilities'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "list" -d 'List the installed fence agents, with descriptions and capabilities'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "metadata" -d 'Show an agent\'s parameters and actions, or check its metadata'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "validate" -d 'Check a device\'s parameters against the agent\'s metadata'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "generate" -d 'Write Pacemaker CIB or cman cluster.conf fencing configuration'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "convert" -d 'Convert fencing configuration between stacks'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "fence" -d 'Fence a node from cluster.conf or the CIB, showing what each agent gets'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "run" -d 'Run one agent with exactly these parameters, and explain its answer'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "history" -d 'Show the audit log of fencing runs'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "status" -d 'What the running cluster\'s fencer knows: devices, targets, levels, last events'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "check" -d 'Will fencing work? Design lint, timeout budget and read-only probes of every node\'s devices'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "graph" -d 'Draw who fences whom (nodes, levels, devices), findings marked: DOT, SVG or Mermaid'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "ovh-keys" -d 'Create or check OVH API keys for fencing OVH dedicated servers'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "agent" -d 'Run a fence agent built into fencectl (`fencectl agent ovh -o status -n SERVICE`)'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "schema" -d 'Write configuration schemas built from the installed agents'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "generate-assets" -d 'Write shell completions and man pages (for packagers)'
complete -c fencectl -n "__fish_fencectl_needs_command" -f -a "install-agent" -d 'Link a built-in agent into an agent directory so that clusters can run it'
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -l names-only -d 'Print names only; never runs an agent'
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -l refresh -d 'Run every agent again instead of using the cache'
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand list-installed" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -l names-only -d 'Print names only; never runs an agent'
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -l refresh -d 'Run every agent again instead of using the cache'
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand list" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -s a -l agent -d 'The agent: a name (fence_ipmilan) or a path' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l file -d 'With --check: a metadata XML file to check' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l check -d 'Check the metadata against fence-agents\' rules instead of showing it'
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l all-agents -d 'With --check: check every installed agent (`--all` is an old name)'
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l deprecated -d 'Also show deprecated parameter names (and what replaces them)'
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l strict -d 'With --check: warnings count as errors'
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -l refresh -d 'Run the agent again instead of using the cache'
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand metadata" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -s a -l agent -d 'The agent: a name (fence_ipmilan) or a path' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -l config -d 'Check a whole cman cluster.conf instead: cman\'s schema with every installed agent (as ccs_config_validate, with xmllint), then each node\'s devices with their agents\' metadata' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -l params-file -d 'Read NAME=VALUE lines from FILE ("-" for standard input)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -l ask -d 'Ask for this parameter\'s value without echo (repeatable)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -l no-agent -d 'Do not run the agent\'s validate-all'
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -l show-secrets -d 'Show secret values in output instead of masking them'
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand validate" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -f -a "cib" -d 'Stonith primitives and fencing topology for a Pacemaker CIB'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -f -a "cluster-conf" -d 'A cman cluster.conf (or its fencing sections merged into one)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -f -a "pcs" -d 'The CIB configuration as a pcs script (pcs stonith create / level add)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and not __fish_seen_subcommand_from cib cluster-conf pcs crmsh" -f -a "crmsh" -d 'The CIB configuration as a crm shell script (primitive, fencing_topology)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l part -d 'Which part to print' -r -f -a "resources\t'`<resources>`: for cibadmin --create --scope resources'
topology\t'`<fencing-topology>`: for cibadmin --create --scope configuration'
all\t'Both, in a `<configuration>`: for cibadmin --modify --scope configuration'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l pacemaker-version -d 'The Pacemaker the CIB is for, as X.Y[.Z]: 3.0.2 and later get the fencing-* cluster option names and pcmk_host_map without \'\\\' escapes [default: the installed Pacemaker, else 2.1]' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l agent -d 'Single device: its agent' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l id -d 'Single device: its id' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l host-list -d 'Single device: the nodes it fences (comma-separated or repeated)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l host-map -d 'Single device: node:plug pairs (pcmk_host_map)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l monitor -d 'Single device: monitor interval (default 60s; 0 for none)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l against-cib -d 'With --apply --dry-run: compare with this CIB file instead of the running cluster\'s (-vv prints the patch)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -s o -l output -d 'Write to FILE (atomically, mode 0600: it holds secrets) instead of stdout' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l full -d 'A whole CIB document (nodes included) for crm_verify --xml-file'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l apply -d 'Apply to the running cluster\'s CIB: show what changes, ask, then load it as one patch against the CIB version read (an edit made in between is refused, not overwritten)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l dry-run -d 'With --apply: show what would change and change nothing'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -s y -l yes -d 'With --apply: do not ask'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l prune -d 'With --apply: remove the stonith primitives and fencing levels the inventory does not produce (never other resources)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l enable-fencing -d 'With --apply: enable fencing (stonith-enabled, or fencing-enabled where the running Pacemaker reads that name)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l force -d 'Replace FILE if it exists'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -l no-metadata -d 'Do not check device parameters against the agents\' metadata'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cib" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -l update -d 'Merge the fencing sections into this cluster.conf, keep the rest, and increment config_version. Writes to -o, else replaces FILE (a symlink\'s target) atomically, keeping its mode and owner and the previous version beside it as FILE.<old config_version>.bak' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -s o -l output -d 'Write to FILE (atomically, mode 0600: it holds secrets) instead of stdout' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -l diff -d 'With --update: print the change as a unified diff, write nothing'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -l force -d 'Replace FILE if it exists'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -l no-metadata -d 'Do not check device parameters against the agents\' metadata'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from cluster-conf" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -l pacemaker-version -d 'The Pacemaker the script is for, as X.Y[.Z] [default: the installed Pacemaker, else 2.1]' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -s o -l output -d 'Write to FILE (atomically, mode 0600: it holds secrets) instead of stdout' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -l force -d 'Replace FILE if it exists'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -l no-metadata -d 'Do not check device parameters against the agents\' metadata'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from pcs" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -l pacemaker-version -d 'The Pacemaker the script is for, as X.Y[.Z] [default: the installed Pacemaker, else 2.1]' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -s o -l output -d 'Write to FILE (atomically, mode 0600: it holds secrets) instead of stdout' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -l force -d 'Replace FILE if it exists'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -l no-metadata -d 'Do not check device parameters against the agents\' metadata'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate; and __fish_seen_subcommand_from crmsh" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and not __fish_seen_subcommand_from cluster-conf-to-cib" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and not __fish_seen_subcommand_from cluster-conf-to-cib" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and not __fish_seen_subcommand_from cluster-conf-to-cib" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and not __fish_seen_subcommand_from cluster-conf-to-cib" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and not __fish_seen_subcommand_from cluster-conf-to-cib" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and not __fish_seen_subcommand_from cluster-conf-to-cib" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and not __fish_seen_subcommand_from cluster-conf-to-cib" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and not __fish_seen_subcommand_from cluster-conf-to-cib" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and not __fish_seen_subcommand_from cluster-conf-to-cib" -f -a "cluster-conf-to-cib" -d 'A cman cluster.conf as Pacemaker stonith primitives and fencing levels'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -l part -d 'Which part to print' -r -f -a "resources\t'`<resources>`: for cibadmin --create --scope resources'
topology\t'`<fencing-topology>`: for cibadmin --create --scope configuration'
all\t'Both, in a `<configuration>`: for cibadmin --modify --scope configuration'"
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -l pacemaker-version -d 'The Pacemaker the CIB is for, as X.Y[.Z]: 3.0.2 and later get the fencing-* cluster option names and pcmk_host_map without \'\\\' escapes [default: the installed Pacemaker, else 2.1]' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -s o -l output -d 'Write to FILE (atomically, mode 0600: it holds secrets) instead of stdout' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -l full -d 'A whole CIB document (nodes included)'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -l force -d 'Replace FILE if it exists'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -l no-metadata -d 'Do not check device parameters against the agents\' metadata'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand convert; and __fish_seen_subcommand_from cluster-conf-to-cib" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l action -d 'The action (default: cluster.conf: each device\'s configured action, else the agent\'s default; CIB: reboot)' -r -f -a "reboot\t''
off\t''
on\t''
status\t''"
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l config -d 'A cman cluster.conf (default: /etc/pve/cluster.conf, then /etc/cluster/cluster.conf, then the live CIB)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l cib -d 'A Pacemaker CIB file' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l timeout -d 'Time each device gets (default: pcmk_<action>_timeout, else at least 60s or the agent\'s power_timeout plus a margin; twice for reboot)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l log -d 'The audit log (default: /var/log/fencectl/fence.log for root, else the XDG state directory)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l tolerance -d 'With --via-cluster: do nothing if the same action succeeded this recently' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l delay -d 'With --via-cluster: an extra delay before fencing, on top of pcmk_delay_base/max' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -s U -l unfence -d 'Unfence the node (run its unfence devices with action on)'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l cib-live -d 'The running cluster\'s CIB (cibadmin --query)'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l dry-run -d 'Print the plan (levels, devices, arguments, timeouts, delays) and run no fencing action'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l offline -d 'With --dry-run: do not ask devices (list/status) whether they can fence the node; show them as decided at run time'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l show-secrets -d 'Show passwords and other secrets instead of masking them'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l no-delay -d 'Skip pcmk_delay_base / pcmk_delay_max'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -l via-cluster -d 'Ask the running cluster\'s fencer to do it (stonith_admin), so that the cluster knows and records it'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -s y -l yes -d 'Do not ask before a direct power action while a cluster runs here'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand fence" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -s a -l agent -d 'The agent: a name (fence_ipmilan) or a path' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l action -d 'The action (required: agents default to reboot)' -r -f -a "off\t''
on\t''
reboot\t''
status\t''
list\t''
list-status\t''
monitor\t''"
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l params-file -d 'Read NAME=VALUE lines from FILE ("-" for standard input)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l ask -d 'Ask for this parameter\'s value without echo (repeatable)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l timeout -d 'Time the agent gets, retries included (e.g. 60s, 2m)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l retries -d 'How many times a failed run is tried again, within the timeout' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l log -d 'The audit log for off, on and reboot (default: as `fence`)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -l no-check -d 'Send the parameters without checking them against the metadata'
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -s y -l yes -d 'Do not ask before off, on or reboot (needed without a terminal)'
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand run" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -l log -d 'The audit log to read' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -l cluster -d 'Merge the running cluster\'s fencing history (stonith_admin --history) with the audit log, in one timeline'
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand history" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand status" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand status" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand status" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand status" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand status" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand status" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand status" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l config -d 'A cman cluster.conf (default: the configuration `fence` would use)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l cib -d 'A Pacemaker CIB file' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l jobs -d 'Physical devices probed at once (the probes of one device run in turn)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l timeout -d 'Time each probe gets (default: the device\'s status timeout)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l corosync-conf -d 'corosync.conf for the rules that need it (default: /etc/corosync/corosync.conf when checking the local cluster)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l sbd-config -d 'The SBD configuration (default: /etc/default/sbd or /etc/sysconfig/sbd when checking the local cluster)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l cib-live -d 'The running cluster\'s CIB (cibadmin --query)'
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l offline -d 'Lint and timeout budget only: run no agent'
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -l strict -d 'Warnings fail the check too (exit 1)'
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand check" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -l config -d 'A cman cluster.conf (default: the configuration `fence` would use)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -l cib -d 'A Pacemaker CIB file' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -s T -l type -d 'The picture\'s format, as Graphviz\'s -T (svg runs Graphviz\'s `dot`)' -r -f -a "dot\t'Graphviz DOT source'
svg\t'SVG rendered by Graphviz\'s dot (Debian package graphviz)'
mermaid\t'Mermaid flowchart, for wikis'"
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -l cib-live -d 'The running cluster\'s CIB (cibadmin --query)'
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand graph" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -f -a "create" -d 'Create application keys with least-privilege fencing rules (interactive, or all by flags)'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and not __fish_seen_subcommand_from create check" -f -a "check" -d 'Check keys: credential status, expiry, clock skew, and every rule fencing needs'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l endpoint -d 'API endpoint: one of python-ovh\'s names (ovh-eu, ovh-ca, ovh-us, soyoustart-eu, soyoustart-ca, kimsufi-eu, kimsufi-ca) or an https:// URL of the API (plain http only to a loopback address). A URL is written to ovh.conf in a key python-ovh ignores (fencectl_api_url)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l application-key -d 'The application key from the createApp page' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l application-secret-file -d 'A file holding the application secret (never give it on the command line)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l server -d 'A server the cluster fences (service name, e.g. ns567890.ip-123-22-44.eu); repeat for each' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l allowed-ip -d 'Only these addresses may use the keys (the cluster nodes\' public addresses); repeat' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -s o -l output -d 'The ovh.conf to write (default /etc/ovh.conf for root, else ~/.ovh.conf)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l wait-timeout -d 'How long to wait for the validation in the browser' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l api-url -d 'Reach the API at this URL instead of the endpoint\'s own (a proxy, a mock): https, or http to a loopback address. The section keeps the endpoint\'s name for python-ovh; the URL goes in fencectl_api_url' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l list-rule -d 'Also allow GET /dedicated/server (the agent\'s list action)'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l yes -d 'Answer yes: request the rules, replace an existing section'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -l no-wait -d 'Do not wait for the validation; write the keys at once'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -l config -d 'The ovh.conf to read (default: python-ovh\'s lookup: /etc/ovh.conf, ~/.ovh.conf, ./ovh.conf, OVH_* variables)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -l endpoint -d 'The endpoint section to use (default: [default] endpoint)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -l server -d 'A server to check the rules for (default: those the credential\'s rules name); repeat' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -l api-url -d 'Reach the API at this URL (https, or http to a loopback address) instead of the endpoint\'s or the file\'s fencectl_api_url' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand ovh-keys; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand agent" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand agent" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand agent" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand agent" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand agent" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand agent" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand agent" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand agent" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and not __fish_seen_subcommand_from cluster-rng" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and not __fish_seen_subcommand_from cluster-rng" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and not __fish_seen_subcommand_from cluster-rng" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and not __fish_seen_subcommand_from cluster-rng" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and not __fish_seen_subcommand_from cluster-rng" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and not __fish_seen_subcommand_from cluster-rng" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and not __fish_seen_subcommand_from cluster-rng" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and not __fish_seen_subcommand_from cluster-rng" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and not __fish_seen_subcommand_from cluster-rng" -f -a "cluster-rng" -d 'cman\'s cluster.conf RELAX NG schema with every installed agent\'s parameters, as `ccs_update_schema` wrote /var/lib/cluster/cluster.rng'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -s o -l output -d 'Write to FILE (atomically) instead of stdout' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -l force -d 'Replace FILE if it exists'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand schema; and __fish_seen_subcommand_from cluster-rng" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate-assets" -l dir -d 'Directory to write completions/ and man/ into' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate-assets" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate-assets" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand generate-assets" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand generate-assets" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand generate-assets" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate-assets" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate-assets" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand generate-assets" -s V -l version -d 'Print version'
complete -c fencectl -n "__fish_fencectl_using_subcommand install-agent" -l agent-dir -d 'Directory holding fence agents (repeatable; searched in order)' -r -F
complete -c fencectl -n "__fish_fencectl_using_subcommand install-agent" -l format -d 'Output format (metadata also takes xml: the agent\'s own bytes)' -r -f -a "table\t'Text for people'
json\t'A stable JSON document'
xml\t'The agent\'s own XML (metadata only)'"
complete -c fencectl -n "__fish_fencectl_using_subcommand install-agent" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c fencectl -n "__fish_fencectl_using_subcommand install-agent" -l agent-timeout -d 'How long one agent may take to print its metadata (e.g. 10s, 500ms)' -r
complete -c fencectl -n "__fish_fencectl_using_subcommand install-agent" -l force -d 'Replace an existing file of that name'
complete -c fencectl -n "__fish_fencectl_using_subcommand install-agent" -s v -l verbose -d 'More detail (repeat for more: -vv, -vvv)'
complete -c fencectl -n "__fish_fencectl_using_subcommand install-agent" -s q -l quiet -d 'Only errors on stderr'
complete -c fencectl -n "__fish_fencectl_using_subcommand install-agent" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fencectl -n "__fish_fencectl_using_subcommand install-agent" -s V -l version -d 'Print version'
