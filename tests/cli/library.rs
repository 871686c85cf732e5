//! Issue 12: the library API at the crate root, against the real
//! fence_dummy and fixture agents that fail or hang.

use std::path::Path;
use std::time::{Duration, Instant};

use fencectl::{
    AgentAction, AgentError, AgentResult, Agents, CancelToken, ClusterConfig, Error, FenceAction,
    Plan, RunOptions, Verdict,
};

use crate::support::{Sandbox, SYSTEM_AGENTS};

fn system_agents(sandbox: &Sandbox) -> Agents {
    Agents::with_cache(
        [SYSTEM_AGENTS],
        Duration::from_secs(10),
        Some(sandbox.cache_dir()),
    )
}

fn options(timeout: Duration) -> RunOptions {
    RunOptions {
        timeout,
        ..RunOptions::default()
    }
}

fn dummy(agents: &Agents, status_file: &Path) -> fencectl::Device {
    agents
        .get("fence_dummy")
        .unwrap()
        .device()
        .set("type", "file")
        .unwrap()
        .set("status_file", status_file.to_str().unwrap())
        .unwrap()
        .build()
        .unwrap()
}

#[test]
fn issue12_library_status_off_on_with_fence_dummy() {
    let sandbox = Sandbox::new();
    let agents = system_agents(&sandbox);
    let status_file = sandbox.file("status", b"on");
    let device = dummy(&agents, &status_file);
    let run = |action| {
        device
            .run(action, &options(Duration::from_secs(20)))
            .unwrap()
    };

    let status = run(AgentAction::Status);
    assert_eq!(status.result, AgentResult::On, "{status:?}");
    assert_eq!(status.exit_status, Some(0));

    let off = run(AgentAction::Off);
    assert_eq!(off.result, AgentResult::Success, "{off:?}");
    assert_eq!(std::fs::read_to_string(&status_file).unwrap(), "off");
    assert_eq!(off.parameters[0].name, "action");
    assert_eq!(off.parameters[0].value, "off");
    assert!(
        off.output.iter().any(|l| l.line.contains("Powered OFF")),
        "{off:?}"
    );

    let status = run(AgentAction::Status);
    assert_eq!(status.result, AgentResult::Off, "{status:?}");
    assert_eq!(status.exit_status, Some(2));
    assert!(status.meaning.contains("powered off"), "{}", status.meaning);

    let json = serde_json::to_value(&status).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["result"], "off");
    assert_eq!(json["exit_status"], 2);
}

#[test]
fn issue12_library_typed_errors_for_names_values_actions_and_agents() {
    let sandbox = Sandbox::new();
    let agents = system_agents(&sandbox);
    let agent = agents.get("fence_dummy").unwrap();
    match agent.device().set("status_fil", "/tmp/x") {
        Err(Error::UnknownParameter { name, message }) => {
            assert_eq!(name, "status_fil");
            assert!(message.contains("status_file"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    match agent.device().set("debug", "/tmp/x") {
        Err(Error::DeprecatedParameter { name, replaced_by }) => {
            assert_eq!(name, "debug");
            assert_eq!(replaced_by.as_deref(), Some("debug_file"));
        }
        other => panic!("{other:?}"),
    }
    match agent.device().set("delay", "soon") {
        Err(Error::InvalidValue { name, rule, .. }) => {
            assert_eq!((name.as_str(), rule), ("delay", "second"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        agent.device().set("status_file", "a\nb"),
        Err(Error::InvalidValue { .. })
    ));
    let device = agent.device().build().unwrap();
    match device.run(AgentAction::List, &RunOptions::default()) {
        Err(Error::UnsupportedAction { action, .. }) => assert_eq!(action, "list"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        agents.get("fence_nonexistent"),
        Err(Error::Agent(AgentError::NotInstalled(_)))
    ));
    assert!(agents.names().iter().any(|n| n == "fence_dummy"));
}

/// A fixture agent: metadata for `-o metadata`, `body` for any action.
fn fixture_agent(sandbox: &Sandbox, name: &str, body: &str) -> Agents {
    let metadata = format!(
        r#"<?xml version="1.0" ?>
<resource-agent name="{name}" shortdesc="fixture">
<longdesc>fixture</longdesc><vendor-url>https://example.org</vendor-url>
<parameters>
<parameter name="action" unique="0" required="1"><getopt mixed="-o"/><content type="string" default="reboot"/><shortdesc lang="en">Action</shortdesc></parameter>
<parameter name="password" unique="0" required="0"><getopt mixed="-p"/><content type="string"/><shortdesc lang="en">Password</shortdesc></parameter>
</parameters>
<actions><action name="on"/><action name="off"/><action name="reboot"/><action name="status"/><action name="metadata"/></actions>
</resource-agent>"#
    );
    let file = sandbox.file(&format!("{name}.xml"), metadata.as_bytes());
    sandbox.agent(
        name,
        &format!(
            "if [ \"$1\" = -o ]; then cat '{}'; exit 0; fi\n{body}",
            file.display()
        ),
    );
    Agents::with_cache(
        [sandbox.agents_dir()],
        Duration::from_secs(10),
        Some(sandbox.cache_dir()),
    )
}

#[test]
fn issue12_library_failing_agent_gives_its_reason_with_secrets_masked() {
    let sandbox = Sandbox::new();
    let agents = fixture_agent(
        &sandbox,
        "fence_failing",
        "read -r a; read -r p; echo \"Failed: login refused for $p\" >&2; exit 1",
    );
    let device = agents
        .get("fence_failing")
        .unwrap()
        .device()
        .set("password", "TOPSECRET")
        .unwrap()
        .build()
        .unwrap();
    let outcome = device
        .run(AgentAction::Off, &options(Duration::from_secs(10)))
        .unwrap();
    let AgentResult::Failed { reason } = &outcome.result else {
        panic!("{outcome:?}");
    };
    assert!(reason.contains("login refused"), "{reason}");
    assert_eq!(outcome.exit_status, Some(1));
    let json = serde_json::to_string(&outcome).unwrap();
    assert!(!json.contains("TOPSECRET"), "{json}");
    assert!(json.contains("********"), "{json}");
}

#[test]
fn issue12_library_hanging_agent_times_out_or_is_cancelled() {
    let sandbox = Sandbox::new();
    let agents = fixture_agent(&sandbox, "fence_hanging", "sleep 60");
    let device = agents
        .get("fence_hanging")
        .unwrap()
        .device()
        .build()
        .unwrap();

    let started = Instant::now();
    let outcome = device
        .run(AgentAction::Status, &options(Duration::from_secs(1)))
        .unwrap();
    assert_eq!(outcome.result, AgentResult::TimedOut, "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(10));

    let cancel = CancelToken::new();
    let canceller = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            cancel.cancel();
        })
    };
    let started = Instant::now();
    let run_options = RunOptions {
        cancel: Some(cancel),
        ..options(Duration::from_secs(30))
    };
    let outcome = device.run(AgentAction::Status, &run_options).unwrap();
    canceller.join().unwrap();
    assert_eq!(outcome.result, AgentResult::Interrupted, "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn issue12_library_plans_and_fences_a_node_from_a_cib() {
    let sandbox = Sandbox::new();
    let status_file = sandbox.file("status", b"on");
    let cib = sandbox.file(
        "cib.xml",
        format!(
            r#"<cib validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0">
<configuration><crm_config/><nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
<resources>
<primitive id="dummy" class="stonith" type="fence_dummy">
  <instance_attributes id="dummy-ia">
    <nvpair id="dummy-ia-1" name="pcmk_host_list" value="node2"/>
    <nvpair id="dummy-ia-2" name="type" value="file"/>
    <nvpair id="dummy-ia-3" name="status_file" value="{}"/>
  </instance_attributes>
</primitive>
</resources><constraints/></configuration><status/></cib>"#,
            status_file.display()
        )
        .as_bytes(),
    );
    let agents = system_agents(&sandbox);
    let config = ClusterConfig::CibFile(cib);
    let plan = Plan::for_node(&agents, &config, "node2", FenceAction::Off).unwrap();
    assert_eq!(plan.problem(), None);
    assert_eq!(plan.stages()[0].1, vec!["dummy".to_string()]);
    let outcome = plan.run(None);
    assert_eq!(outcome.verdict, Verdict::Fenced, "{outcome:?}");
    assert_eq!(std::fs::read_to_string(&status_file).unwrap(), "off");

    match Plan::for_node(&agents, &config, "node9", FenceAction::Off) {
        Err(Error::Config(message)) => assert!(message.contains("node9"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn issue12_library_agents_by_path_only_when_asked_and_whole_device_check() {
    let sandbox = Sandbox::new();
    let agents = fixture_agent(&sandbox, "fence_pathy", "exit 0");
    let path = sandbox.agents_dir().join("fence_pathy");
    // A name from a user or a configuration is never taken as a path.
    assert!(matches!(
        agents.get(path.to_str().unwrap()),
        Err(Error::Agent(AgentError::NotRunnable(_)))
    ));
    let elsewhere = Agents::with_cache(
        ["/nonexistent"],
        Duration::from_secs(10),
        Some(sandbox.cache_dir()),
    );
    let agent = elsewhere.at_path(&path).unwrap();
    assert_eq!(agent.name(), "fence_pathy");
    assert_eq!(
        agent.actions(),
        ["on", "off", "reboot", "status", "metadata"]
    );
    assert!(agent.is_secret("password"));

    let dummy = system_agents(&sandbox).get("fence_dummy").unwrap();
    let validation = dummy.check(&[
        ("nonsense".into(), "1".into()),
        ("debug".into(), "/tmp/x".into()),
    ]);
    let rules: Vec<&str> = validation.findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"unknown-parameter"), "{rules:?}");
    assert!(rules.contains(&"deprecated-parameter"), "{rules:?}");
    assert!(validation.has_errors());
    assert_eq!(
        validation.warnings().count() + validation.errors().count(),
        rules.len()
    );
}

#[test]
fn issue12_library_lists_agents_with_unusable_ones_and_their_reason() {
    let sandbox = Sandbox::new();
    let agents = fixture_agent(&sandbox, "fence_good", "exit 0");
    sandbox.agent("fence_broken", "echo 'no metadata here'; exit 1");
    let list = agents.list();
    let good = list.iter().find(|l| l.name == "fence_good").unwrap();
    assert_eq!(good.description, "fixture");
    assert!(good.error.is_none(), "{good:?}");
    let broken = list.iter().find(|l| l.name == "fence_broken").unwrap();
    assert!(broken.error.is_some(), "{broken:?}");
    // fencectl's own agents are always there.
    assert_eq!(
        agents.names(),
        ["fence_broken", "fence_good", "fence_ovh_api"]
    );
}

#[test]
fn issue12_library_types_cross_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Agents>();
    shared::<fencectl::Agent>();
    shared::<fencectl::Device>();
    shared::<fencectl::Outcome>();
    shared::<Error>();
    shared::<CancelToken>();
}
