// Instance hooks of nftables: the firewall is one table, `inet meshroom_<instance>`, in the
// lab's network namespace (never in the host's ruleset). Setup creates it, teardown deletes it
// (with everything plugs left in it), read checks it is still there. What it filters comes
// from its deny plugs (bouncer.ts).
import { readInstance, setupInstance, teardownInstance } from "meshroom/hooks";
import { clearRunDir, ensureNetns, execInNetns, NETNS, releaseNetns } from "../../lib/lab.js";
import { nftScript, tableExists, tableName } from "../../lib/nft.js";

setupInstance(async ({ instance, exec, log }) => {
  await ensureNetns(exec, instance.name);
  const table = tableName(instance.name);
  await nftScript(exec, `add table inet ${table}\n`);
  log.info(`created the nftables table inet ${table} in the network namespace ${NETNS}`);
  return { outputs: { table: `inet ${table}`, netns: NETNS } };
}, { title: "Create the nftables table in the lab's network namespace", timeout: 30 });

teardownInstance(async ({ instance, exec, log }) => {
  const table = tableName(instance.name);
  if (await tableExists(exec, table)) {
    await execInNetns(exec, "nft", ["delete", "table", "inet", table]);
    log.info(`deleted the nftables table inet ${table}`);
  } else {
    log.info(`the nftables table inet ${table} was already gone`);
  }
  clearRunDir(instance.name);
  if (await releaseNetns(exec, instance.name)) log.info(`deleted the network namespace ${NETNS}`);
}, { title: "Delete the nftables table", timeout: 30 });

readInstance(async ({ instance, exec }) => {
  return { exists: await tableExists(exec, tableName(instance.name)) };
}, { title: "Check the nftables table exists" });
