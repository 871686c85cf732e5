//! Issue 15, "Completion that knows the cluster": the committed scripts of
//! completions/ loaded in real bash, zsh and fish, which find the debug
//! fencectl through PATH. Agent names, parameter names and select values,
//! node names from a cluster.conf and a CIB; hidden commands never offered;
//! no agent ever run.

use std::path::Path;
use std::process::Command;

use crate::support::Sandbox;

const METADATA: &str = r#"<?xml version="1.0" ?>
<resource-agent name="fence_cached" shortdesc="Fixture agent for completion">
<longdesc>A fixture agent whose metadata fencectl caches.</longdesc>
<parameters>
  <parameter name="ip" unique="0" required="1" obsoletes="ipaddr">
    <getopt mixed="-a, --ip=[ip]"/>
    <content type="string"/>
    <shortdesc lang="en">IP address or hostname of fencing device</shortdesc>
  </parameter>
  <parameter name="ipaddr" unique="0" required="1" deprecated="1">
    <getopt mixed="-a, --ip=[ip]"/>
    <content type="string"/>
    <shortdesc lang="en">IP address or hostname of fencing device</shortdesc>
  </parameter>
  <parameter name="lanplus" unique="0" required="0">
    <getopt mixed="-P, --lanplus"/>
    <content type="boolean"/>
    <shortdesc lang="en">Use Lanplus to improve security of connection</shortdesc>
  </parameter>
  <parameter name="method" unique="0" required="0">
    <getopt mixed="-m, --method=[method]"/>
    <content type="select" default="onoff">
      <option value="onoff"/>
      <option value="cycle"/>
    </content>
    <shortdesc lang="en">Method to fence</shortdesc>
  </parameter>
</parameters>
<actions>
  <action name="on"/>
  <action name="off"/>
  <action name="reboot"/>
  <action name="status"/>
  <action name="metadata"/>
</actions>
</resource-agent>
"#;

const CLUSTER_CONF: &str = r#"<?xml version="1.0"?>
<cluster config_version="1" name="completion">
  <fencedevices>
    <fencedevice agent="fence_cached" name="pdu" ip="192.0.2.1"/>
  </fencedevices>
  <clusternodes>
    <clusternode name="alpha" nodeid="1">
      <fence><method name="1"><device name="pdu" port="1"/></method></fence>
    </clusternode>
    <clusternode name="beta" nodeid="2">
      <fence><method name="1"><device name="pdu" port="2"/></method></fence>
    </clusternode>
  </clusternodes>
</cluster>
"#;

const CIB: &str = r#"<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="1" uname="node1"/>
      <node id="2" uname="node2"/>
    </nodes>
    <resources>
      <primitive id="pdu" class="stonith" type="fence_cached">
        <instance_attributes id="pdu-params">
          <nvpair id="pdu-ip" name="ip" value="192.0.2.1"/>
          <nvpair id="pdu-list" name="pcmk_host_list" value="node1 node2 node3"/>
        </instance_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"#;

/// A sandbox with two fixture agents that leave a marker file whenever
/// they run: fence_cached (its metadata cached by one `metadata` run, the
/// marker then removed) and fence_cold (never run, so never cached).
struct Setup {
    sandbox: Sandbox,
}

impl Setup {
    fn new() -> Setup {
        let sandbox = Sandbox::new();
        let xml = sandbox.file("fence_cached.xml", METADATA.as_bytes());
        for name in ["fence_cached", "fence_cold"] {
            let marker = sandbox.path().join(format!("{name}.ran"));
            sandbox.agent(
                name,
                &format!(
                    "echo \"$@\" >> '{}'\ncat '{}'",
                    marker.display(),
                    xml.display()
                ),
            );
        }
        sandbox
            .cmd()
            .env("FENCECTL_AGENT_PATH", sandbox.agents_dir())
            .args(["metadata", "-a", "fence_cached"])
            .assert()
            .success();
        std::fs::remove_file(sandbox.path().join("fence_cached.ran")).unwrap();
        sandbox.file("cluster.conf", CLUSTER_CONF.as_bytes());
        sandbox.file("cib.xml", CIB.as_bytes());
        Setup { sandbox }
    }

    fn path(&self, name: &str) -> String {
        self.sandbox.path().join(name).display().to_string()
    }

    /// A shell with fencectl's debug binary first on PATH, the fixture
    /// agents and the sandbox's cache.
    fn shell(&self, program: &str) -> Command {
        let bin = assert_cmd::cargo::cargo_bin("fencectl");
        let path = format!(
            "{}:{}",
            bin.parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.sandbox.path().join("home"))
            .env("TERM", "dumb")
            .env("FENCECTL_CACHE_DIR", self.sandbox.cache_dir())
            .env("FENCECTL_AGENT_PATH", self.sandbox.agents_dir())
            .current_dir(self.sandbox.path());
        command
    }

    fn no_agent_ran(&self) {
        for name in ["fence_cached", "fence_cold"] {
            let marker = self.sandbox.path().join(format!("{name}.ran"));
            assert!(
                !marker.exists(),
                "completion ran {name}: {}",
                std::fs::read_to_string(&marker).unwrap_or_default()
            );
        }
    }

    /// bash: COMP_WORDS as bash splits the line (at `=` too), the script's
    /// function called, COMPREPLY printed; `compopt` is recorded as
    /// `compopt ARGS` lines (outside a real completion the builtin refuses).
    fn bash(&self, words: &[&str]) -> Vec<String> {
        let quoted: Vec<String> = words.iter().map(|w| quote(w)).collect();
        let script = format!(
            "source {script}\n\
             compopt() {{ printf 'compopt %s\\n' \"$*\"; }}\n\
             COMP_WORDS=({words})\n\
             COMP_CWORD={cword}\n\
             COMP_LINE=\"${{COMP_WORDS[*]}}\"\n\
             COMP_POINT=${{#COMP_LINE}}\n\
             _fencectl fencectl \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script = quote(&script_path("fencectl.bash")),
            words = quoted.join(" "),
            cword = words.len() - 1,
        );
        lines(
            self.shell("bash")
                .args(["--norc", "--noprofile", "-c", &script]),
        )
    }

    /// zsh: the script's function under tests/fixtures/completion/zsh-capture.zsh.
    fn zsh(&self, words: &[&str]) -> Vec<String> {
        let capture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/completion/zsh-capture.zsh");
        lines(
            self.shell("zsh")
                .arg("-f")
                .arg(capture)
                .arg(script_path("_fencectl"))
                .args(words),
        )
    }

    /// fish: `complete -C LINE` with the script sourced; values only.
    fn fish(&self, line: &str) -> Vec<String> {
        let script = format!(
            "source {}; complete -C {}",
            quote(&script_path("fencectl.fish")),
            quote(line)
        );
        lines(self.shell("fish").args(["--no-config", "-c", &script]))
    }
}

impl Setup {
    /// Types `typed` and a TAB into an interactive shell in a
    /// pseudo-terminal (after `setup` lines), then makes the completed line
    /// the shell's arguments (Ctrl-A, `set -- `) and returns them: the line
    /// as a person would see it after TAB.
    fn tab_in_pty(&self, mut command: Command, setup: &[String], typed: &str) -> String {
        command.env("TERM", "xterm");
        let mut session = expectrl::session::Session::spawn(command).expect("spawn in a pty");
        session.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
        for line in setup {
            session.send_line(line).unwrap();
        }
        session.send(format!("{typed}\t")).unwrap();
        session.send("\x01set -- \r").unwrap();
        session.send_line("echo \"<<$*>>\"").unwrap();
        let found = session
            .expect(expectrl::Regex("<<(fencectl[^>]*)>>"))
            .expect("the completed line");
        let line = String::from_utf8_lossy(found.get(1).unwrap()).into_owned();
        session.send_line("exit").unwrap();
        line
    }

    fn bash_pty(&self, typed: &str) -> String {
        let mut command = self.shell("bash");
        command.args(["--norc", "--noprofile", "-i"]);
        let setup = [format!("source {}", quote(&script_path("fencectl.bash")))];
        self.tab_in_pty(command, &setup, typed)
    }

    fn zsh_pty(&self, typed: &str) -> String {
        let mut command = self.shell("zsh");
        command.args(["-f", "-i"]);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
        let setup = [format!(
            "fpath=({} $fpath); autoload -U compinit; compinit -u -D",
            quote(&dir.display().to_string())
        )];
        self.tab_in_pty(command, &setup, typed)
    }
}

fn script_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(name)
        .display()
        .to_string()
}

fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

fn lines(command: &mut Command) -> Vec<String> {
    let output = command.output().expect("run the shell");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

fn values(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .map(|line| line.split('\t').next().unwrap())
        .collect()
}

#[test]
fn issue15_agent_names_in_bash_zsh_and_fish() {
    let setup = Setup::new();
    let expected = ["fence_cached", "fence_cold"];
    assert_eq!(
        setup.bash(&["fencectl", "metadata", "-a", "fence_c"]),
        expected
    );
    assert_eq!(
        setup.bash(&["fencectl", "run", "--agent", "fence_co"]),
        ["fence_cold"]
    );
    let zsh = setup.zsh(&["fencectl", "validate", "-a", "fence_c"]);
    assert_eq!(values(&zsh), expected);
    // No cache index yet: names from the directory listing alone.
    let fish = setup.fish("fencectl metadata -a fence_");
    assert!(fish.contains(&"fence_cold".to_string()), "{fish:?}");
    assert!(
        fish.contains(&"fence_ovh_api\tbuilt into fencectl".to_string()),
        "{fish:?}"
    );
    setup.no_agent_ran();
    // Once `list-installed` wrote the index, it describes them.
    setup
        .sandbox
        .cmd()
        .env("FENCECTL_AGENT_PATH", setup.sandbox.agents_dir())
        .arg("list-installed")
        .assert()
        .success();
    // (fence_cached's metadata was cached already: only fence_cold ran.)
    std::fs::remove_file(setup.sandbox.path().join("fence_cold.ran")).unwrap();
    assert_eq!(
        setup.fish("fencectl metadata -a fence_co"),
        ["fence_cold\tFixture agent for completion"]
    );
    assert_eq!(
        setup.fish("fencectl metadata --agent=fence_ca"),
        ["--agent=fence_cached\tFixture agent for completion"]
    );
    setup.no_agent_ran();
}

#[test]
fn issue15_parameter_names_and_select_values() {
    let setup = Setup::new();
    let names = ["ip=", "lanplus=", "method="];
    // bash: names without the deprecated ipaddr, no space after `=`.
    let bash = setup.bash(&["fencectl", "validate", "-a", "fence_cached", ""]);
    assert_eq!(bash, ["compopt -o nospace", "ip=", "lanplus=", "method="]);
    // bash splits `method=` into `method` `=`: the reply replaces `=`.
    let bash = setup.bash(&["fencectl", "validate", "-a", "fence_cached", "method", "="]);
    assert_eq!(bash, ["=onoff", "=cycle"]);
    let bash = setup.bash(&[
        "fencectl",
        "run",
        "-a",
        "fence_cached",
        "ip=x",
        "lanplus",
        "=",
        "o",
    ]);
    assert_eq!(bash, ["on", "off"]);

    let zsh = setup.zsh(&["fencectl", "validate", "-a", "fence_cached", "ip=1", ""]);
    assert_eq!(zsh, ["lanplus=\tnospace", "method=\tnospace"]);
    let zsh = setup.zsh(&["fencectl", "validate", "-a", "fence_cached", "method=c"]);
    assert_eq!(zsh, ["method=cycle"]);

    let fish = setup.fish("fencectl validate -a fence_cached ");
    assert_eq!(values(&fish), names);
    assert!(fish[0].ends_with("\tIP address or hostname of fencing device"));
    assert_eq!(
        setup.fish("fencectl validate -a fence_cached method="),
        ["method=onoff", "method=cycle"]
    );
    assert_eq!(
        setup.fish("fencectl validate -a fence_cached --ask l"),
        ["lanplus\tUse Lanplus to improve security of connection"]
    );
    // A cold cache offers no parameters: the agent is not run to learn them.
    assert!(setup.fish("fencectl validate -a fence_cold ").is_empty());
    setup.no_agent_ran();
}

#[test]
fn issue15_node_names_from_cluster_conf_and_cib() {
    let setup = Setup::new();
    let conf = setup.path("cluster.conf");
    let cib = setup.path("cib.xml");
    assert_eq!(
        setup.bash(&["fencectl", "fence", "--config", &conf, ""]),
        ["alpha", "beta"]
    );
    assert_eq!(
        setup.bash(&[
            "fencectl",
            "-v",
            "fence",
            "--cib",
            &cib,
            "--dry-run",
            "node"
        ]),
        ["node1", "node2", "node3"]
    );
    assert_eq!(
        values(&setup.zsh(&["fencectl", "fence", "--config", &conf, "b"])),
        ["beta"]
    );
    assert_eq!(
        setup.fish(&format!("fencectl check --cib={cib} node1 ")),
        ["node1", "node2", "node3"]
    );
    assert_eq!(
        setup.fish(&format!("fencectl fence --config {conf} a")),
        ["alpha"]
    );
    setup.no_agent_ran();
}

#[test]
fn issue15_files_for_config_and_values_for_format() {
    let setup = Setup::new();
    let prefix = setup.path("clu");
    assert_eq!(
        setup.bash(&["fencectl", "fence", "--config", &prefix]),
        ["compopt -o filenames", &setup.path("cluster.conf")]
    );
    assert_eq!(
        setup.zsh(&["fencectl", "fence", "--config", &prefix]),
        [":files "]
    );
    let fish = setup.fish(&format!("fencectl fence --config {prefix}"));
    assert_eq!(values(&fish), [setup.path("cluster.conf")]);
    assert_eq!(
        setup.bash(&["fencectl", "list-installed", "--format", ""]),
        ["table", "json", "xml"]
    );
    assert_eq!(
        setup.fish("fencectl --format j"),
        ["json\tA stable JSON document"]
    );
}

#[test]
fn issue15_hidden_commands_are_not_offered() {
    let setup = Setup::new();
    let bash = setup.bash(&["fencectl", ""]);
    assert!(bash.contains(&"fence".to_string()), "{bash:?}");
    assert!(bash.contains(&"list-installed".to_string()), "{bash:?}");
    for shown in [
        bash,
        values(&setup.zsh(&["fencectl", ""]))
            .iter()
            .map(|v| v.to_string())
            .collect(),
        values(&setup.fish("fencectl "))
            .iter()
            .map(|v| v.to_string())
            .collect(),
    ] {
        assert!(
            !shown
                .iter()
                .any(|c| c.contains("generate-assets") || c.contains("__complete")),
            "{shown:?}"
        );
    }
    assert_eq!(setup.bash(&["fencectl", "gen"]), ["generate"]);
    assert!(setup.bash(&["fencectl", "__"]).is_empty());
    assert!(setup.fish("fencectl generate-a").is_empty());
}

/// A person's TAB in interactive bash and zsh (through fpath and compinit),
/// in a pseudo-terminal: the line each completes to.
#[test]
fn issue15_tab_in_interactive_bash_and_zsh() {
    let setup = Setup::new();
    let conf = setup.path("cluster.conf");
    let cases = [
        (
            "fencectl metadata -a fence_co".to_string(),
            "fencectl metadata -a fence_cold".to_string(),
        ),
        (
            "fencectl validate -a fence_cached method=cy".to_string(),
            "fencectl validate -a fence_cached method=cycle".to_string(),
        ),
        (
            format!("fencectl fence --config {conf} be"),
            format!("fencectl fence --config {conf} beta"),
        ),
    ];
    for (typed, completed) in &cases {
        assert_eq!(&setup.bash_pty(typed), completed, "bash");
        assert_eq!(&setup.zsh_pty(typed), completed, "zsh");
    }
    assert_eq!(
        setup.bash_pty("fencectl validate -a fence_cached lan"),
        "fencectl validate -a fence_cached lanplus="
    );
    setup.no_agent_ran();
}
