// Setup of the "deny on FortiGate" playbook action in Acme SOC (demo: records what it would do).
import { setup, teardown } from "meshroom/hooks";

setup(async ({ instance, plug, log }) => {
  const action = `deny-on-${plug.dst}`;
  log.info(`would register playbook action ${action} on ${instance.settings.API_URL}`);
  return { outputs: { action } };
}, { title: "Register the deny playbook action" });

teardown(async ({ outputs, log }) => {
  log.info(`would unregister playbook action ${String(outputs.action)}`);
}, { title: "Unregister the deny playbook action" });
