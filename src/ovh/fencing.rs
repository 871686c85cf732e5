//! Fencing an OVH dedicated server through rescue mode: "off" boots it into
//! the rescue system with a hard reboot, "on" boots it from its disk again.
//! Success means OVH's reboot task for this very request ended `done`.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::client::{Client, OvhError};

/// What a server runs after its last reboot, as far as fencing knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// Booted (or booting) from its disk: the node may be running.
    On,
    /// Rebooted into rescue mode: the node's own system is not running.
    Off,
}

/// One boot option of a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boot {
    pub id: u64,
    pub kernel: String,
    pub boot_type: String,
}

/// Why fencing failed.
#[derive(Debug)]
pub enum FenceError {
    Api(OvhError),
    /// Anything else: no rescue boot, a task that failed, a deadline.
    Other(String),
}

impl std::fmt::Display for FenceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FenceError::Api(e) => write!(f, "{e}"),
            FenceError::Other(message) => f.write_str(message),
        }
    }
}

impl From<OvhError> for FenceError {
    fn from(e: OvhError) -> FenceError {
        FenceError::Api(e)
    }
}

type Result<T> = std::result::Result<T, FenceError>;

/// Fences one server.
pub struct ServerFencer<'a> {
    pub client: &'a mut Client,
    pub server: String,
    /// The rescue kernel to boot (`rescue-customer` by default).
    pub rescue_kernel: String,
    /// How often a reboot task is polled.
    pub poll: Duration,
    pub log: &'a dyn Fn(&str),
}

impl ServerFencer<'_> {
    fn path(&self, rest: &str) -> String {
        format!("/dedicated/server/{}{rest}", self.server)
    }

    /// The server's record (also proves the server is in the account).
    pub fn server_info(&mut self) -> Result<Value> {
        let path = self.path("");
        Ok(self.client.get(&path)?)
    }

    fn boots(&mut self, boot_type: &str) -> Result<Vec<Boot>> {
        let ids = self
            .client
            .get(&self.path(&format!("/boot?bootType={boot_type}")))?;
        let mut boots = Vec::new();
        for id in ids
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
        {
            let boot = self.client.get(&self.path(&format!("/boot/{id}")))?;
            boots.push(Boot {
                id,
                kernel: boot
                    .get("kernel")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                boot_type: boot
                    .get("bootType")
                    .and_then(Value::as_str)
                    .unwrap_or(boot_type)
                    .to_string(),
            });
        }
        Ok(boots)
    }

    /// The rescue boot, chosen by kernel name (never "the first rescue
    /// boot": ids differ by region; never ipxe-shell).
    pub fn rescue_boot(&mut self) -> Result<Boot> {
        let boots = self.boots("rescue")?;
        let wanted = self.rescue_kernel.clone();
        let pick = boots
            .iter()
            .find(|b| b.kernel == wanted)
            .or_else(|| {
                boots
                    .iter()
                    .find(|b| b.kernel.starts_with("rescue") && b.kernel.ends_with("-customer"))
            })
            .or_else(|| boots.iter().find(|b| b.kernel == "rescue64-pro"));
        pick.cloned().ok_or_else(|| {
            let kernels: Vec<&str> = boots.iter().map(|b| b.kernel.as_str()).collect();
            FenceError::Other(format!(
                "server {} has no rescue boot to fence with (rescue boots: {}); fencing needs a rescue system such as {wanted}",
                self.server,
                if kernels.is_empty() { "none".to_string() } else { kernels.join(", ") }
            ))
        })
    }

    /// The boot from the server's own disk.
    pub fn disk_boot(&mut self) -> Result<Boot> {
        let boots = self.boots("harddisk")?;
        boots
            .iter()
            .find(|b| b.kernel == "hd")
            .or_else(|| boots.first())
            .cloned()
            .ok_or_else(|| FenceError::Other(format!("server {} has no disk boot", self.server)))
    }

    fn set_boot(&mut self, boot: &Boot) -> Result<()> {
        (self.log)(&format!(
            "setting the next boot of {} to {} ({})",
            self.server, boot.id, boot.kernel
        ));
        let path = self.path("");
        self.client.put(&path, &json!({ "bootId": boot.id }))?;
        Ok(())
    }

    /// Boots `boot` with a hard reboot and waits for that reboot's task.
    fn reboot_into(&mut self, boot: &Boot, deadline: Instant) -> Result<()> {
        self.set_boot(boot)?;
        let id = self.request_reboot()?;
        (self.log)(&format!("hard reboot of {} is task {id}", self.server));
        self.wait_task(id, deadline)
    }

    /// `POST .../reboot`, returning the task to wait for. When OVH refuses
    /// because a hard reboot is already in progress, that task is the one
    /// to wait for and judge by: a second reboot cannot be requested.
    fn request_reboot(&mut self) -> std::result::Result<u64, OvhError> {
        let path = self.path("/reboot");
        let refused = match self.client.post(&path, &json!({})) {
            Ok(task) => {
                return task
                    .get("taskId")
                    .and_then(Value::as_u64)
                    .ok_or_else(|| OvhError {
                        status: 200,
                        code: None,
                        message: "the reboot request returned no task".into(),
                        query_id: None,
                        method: "POST".into(),
                        path,
                    })
            }
            Err(e) if e.status == 409 => e,
            Err(e) => return Err(e),
        };
        match self.pending_reboot() {
            Ok(Some(id)) => {
                (self.log)(&format!(
                    "OVH refused the reboot ({}): hard reboot task {id} is already in progress; waiting for it",
                    refused.message
                ));
                Ok(id)
            }
            _ => Err(refused),
        }
    }

    /// The hard reboot task still pending, if any.
    fn pending_reboot(&mut self) -> Result<Option<u64>> {
        let ids = self.client.get(&self.path("/task?function=hardReboot"))?;
        let mut ids: Vec<u64> = ids
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .collect();
        ids.sort_unstable();
        for id in ids.into_iter().rev() {
            let task = self.client.get(&self.path(&format!("/task/{id}")))?;
            let status = task
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if matches!(status, "todo" | "init" | "doing") {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Waits until task `id` ends: done is success; cancelled,
    /// customerError and ovhError are failures; 404 and 5xx are retried.
    fn wait_task(&mut self, id: u64, deadline: Instant) -> Result<()> {
        let path = self.path(&format!("/task/{id}"));
        loop {
            match self.client.get(&path) {
                Ok(task) => {
                    let status = task
                        .get("status")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    match status.as_str() {
                        "done" => return Ok(()),
                        "todo" | "init" | "doing" => (self.log)(&format!("task {id}: {status}")),
                        other => {
                            let comment = task
                                .get("comment")
                                .and_then(Value::as_str)
                                .unwrap_or("no comment");
                            return Err(FenceError::Other(format!(
                                "OVH's reboot task {id} for {} ended '{other}': {comment}",
                                self.server
                            )));
                        }
                    }
                }
                Err(e) if e.status == 404 || e.status >= 500 || e.status == 0 => {
                    (self.log)(&format!("task {id} not readable yet ({e}); asking again"));
                }
                Err(e) => return Err(e.into()),
            }
            if Instant::now() + self.poll > deadline {
                return Err(FenceError::Other(format!(
                    "OVH's reboot task {id} for {} did not finish within power_timeout: the server's state is unknown",
                    self.server
                )));
            }
            std::thread::sleep(self.poll);
        }
    }

    /// off: rescue boot + hard reboot, done; on: disk boot + hard reboot, done.
    /// If the reboot request itself fails after switching to rescue, the
    /// disk boot is set back.
    pub fn power(&mut self, target: Power, deadline: Instant) -> Result<()> {
        self.server_info()?;
        match target {
            Power::Off => {
                let rescue = self.rescue_boot()?;
                let disk = self.disk_boot()?;
                self.set_boot(&rescue)?;
                let id = match self.request_reboot() {
                    Ok(id) => id,
                    Err(e) => {
                        (self.log)("the reboot request failed: setting the disk boot back");
                        let _ = self.set_boot(&disk);
                        return Err(e.into());
                    }
                };
                (self.log)(&format!(
                    "hard reboot of {} into rescue is task {id}",
                    self.server
                ));
                self.wait_task(id, deadline)
            }
            Power::On => {
                let disk = self.disk_boot()?;
                self.reboot_into(&disk, deadline)
            }
        }
    }

    /// OFF only when the next boot is the rescue boot, no hard reboot is
    /// pending, and the latest one ended done (bootId alone is the *next*
    /// boot, not proof of what runs).
    pub fn status(&mut self) -> Result<Power> {
        let server = self.server_info()?;
        let boot_id = server.get("bootId").and_then(Value::as_u64);
        let rescue = self.rescue_boot()?;
        if boot_id != Some(rescue.id) {
            return Ok(Power::On);
        }
        let ids = self.client.get(&self.path("/task?function=hardReboot"))?;
        let mut ids: Vec<u64> = ids
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .collect();
        ids.sort_unstable();
        let mut latest_done = false;
        for (i, id) in ids.iter().enumerate().rev() {
            let task = self.client.get(&self.path(&format!("/task/{id}")))?;
            let status = task
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if matches!(status, "todo" | "init" | "doing") {
                return Ok(Power::On);
            }
            if i == ids.len() - 1 {
                latest_done = status == "done";
            }
        }
        Ok(if latest_done { Power::Off } else { Power::On })
    }
}

/// The account's servers: (service name, reverse DNS).
pub fn list(client: &mut Client) -> std::result::Result<Vec<(String, String)>, OvhError> {
    let names = client.get("/dedicated/server")?;
    let mut servers = Vec::new();
    for name in names
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let info = client.get(&format!("/dedicated/server/{name}"))?;
        let reverse = info
            .get("reverse")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        servers.push((name.to_string(), reverse));
    }
    Ok(servers)
}
