//! libfence's argument rules (fence/libfence/agent.c): what an agent gets
//! on stdin for one `<device>` of a node, and the limits of cman's
//! fence_node.

use super::conf::{DeviceRef, FenceDeviceDef};

/// libfence reads at most this many `<method>`s of a node (`MAX_METHODS`).
pub const MAX_METHODS: usize = 8;
/// ... and at most this many `<device>`s of a method (`MAX_DEVICES`).
pub const MAX_DEVICES: usize = 8;
/// The size of libfence's argument buffer (`FENCE_AGENT_ARGS_MAX`): the
/// `name=value` lines for one agent run must fit in it.
pub const ARGS_MAX: usize = 4096;

/// One agent run's arguments, and what libfence's rules changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceArgs {
    pub args: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

/// `make_args`: the node's `<device>` attributes but `name`, then
/// `nodename=` with the CONFIGURED node name (the one `ccs_lookup_nodename`
/// found, not the one typed) unless the `<device>` has one, then the
/// `<fencedevice>` attributes but `name` (so those win: the agent keeps the
/// last of a name). The retired `option=` is sent as `action=`.
pub fn make_args(node: &str, dref: &DeviceRef, device: &FenceDeviceDef) -> DeviceArgs {
    let mut warnings = Vec::new();
    let mut args = renamed(&dref.attrs, &device.name, &mut warnings);
    if !args.iter().any(|(k, _)| k == "nodename") {
        args.push(("nodename".into(), node.to_string()));
    }
    args.extend(renamed(&device.attrs, &device.name, &mut warnings));
    DeviceArgs { args, warnings }
}

/// The size of `args` as libfence writes them: `name=value\n` each.
pub fn args_len(args: &[(String, String)]) -> usize {
    args.iter().map(|(k, v)| k.len() + v.len() + 2).sum()
}

/// Attributes as libfence sends them, except that the retired `option=`
/// is sent as `action=` (agents no longer understand `option`).
fn renamed(
    attrs: &[(String, String)],
    device: &str,
    warnings: &mut Vec<String>,
) -> Vec<(String, String)> {
    attrs
        .iter()
        .map(|(k, v)| {
            if k == "option" {
                warnings.push(format!(
                    "device {device}: option=\"{v}\" is the retired name of action; sent as action={v} \
                     (rename it in cluster.conf: agents ignore option= and run their default, usually reboot)"
                ));
                ("action".to_string(), v.clone())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn device_then_nodename_then_fencedevice() {
        let dref = DeviceRef {
            name: "apc".into(),
            attrs: vec![pair("port", "3"), pair("option", "off")],
            line: 9,
        };
        let device = FenceDeviceDef {
            name: "apc".into(),
            agent: "fence_apc".into(),
            attrs: vec![pair("agent", "fence_apc"), pair("ipaddr", "10.0.0.9")],
            line: 3,
        };
        let made = make_args("node03", &dref, &device);
        assert_eq!(
            made.args,
            [
                pair("port", "3"),
                pair("action", "off"),
                pair("nodename", "node03"),
                pair("agent", "fence_apc"),
                pair("ipaddr", "10.0.0.9"),
            ]
        );
        assert_eq!(made.warnings.len(), 1);
        assert_eq!(args_len(&made.args[..1]), "port=3\n".len());
    }

    #[test]
    fn a_nodename_on_the_device_is_kept() {
        let dref = DeviceRef {
            name: "x".into(),
            attrs: vec![pair("nodename", "other")],
            line: 1,
        };
        let device = FenceDeviceDef {
            name: "x".into(),
            agent: "fence_x".into(),
            attrs: vec![],
            line: 1,
        };
        assert_eq!(
            make_args("n", &dref, &device).args,
            [pair("nodename", "other")]
        );
    }
}
