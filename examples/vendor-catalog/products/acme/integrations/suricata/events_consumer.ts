// Setup of Acme's side of suricata -[events]-> acme: an intake the sensor sends to.
// This demo only records what it would do; a real hook calls the tenant's intake API.
import { setup, teardown } from "meshroom/hooks";

setup(async ({ instance, plug, integration, log }) => {
  const intake = `${integration.settings.intake_format}-${plug.src}`;
  log.info(`would create intake ${intake} on ${instance.settings.API_URL}`);
  return { outputs: { intake } };
}, { title: "Create a Suricata intake", ownsBoth: true });

teardown(async ({ outputs, log }) => {
  log.info(`would delete intake ${String(outputs.intake)}`);
}, { title: "Delete the Suricata intake" });
