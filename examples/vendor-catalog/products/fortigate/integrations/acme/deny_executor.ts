// Setup of FortiGate's side of the deny action (demo: records what it would do).
import { setup, teardown } from "meshroom/hooks";

setup(async ({ instance, plug, log }) => {
  const group = String(plug.settings.address_group ?? "acme-blocklist");
  log.info(`would create address group ${group} and a deny policy on ${instance.settings.API_URL}`);
  return { outputs: { group } };
}, { title: "Create the blocklist address group" });

teardown(async ({ outputs, log }) => {
  log.info(`would delete address group ${String(outputs.group)}`);
}, { title: "Delete the blocklist address group" });
