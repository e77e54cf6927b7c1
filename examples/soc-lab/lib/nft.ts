// nftables inside the lab's network namespace: one table per firewall instance
// (`inet meshroom_<instance>`); each deny plug from <src> adds the sets deny_<src> (IPv4) and
// deny6_<src> (IPv6) and a base chain from_<src> on the input hook that drops their members.
import type { HookExec } from "meshroom/hooks";
import { execInNetns, netnsExists } from "./lab.js";

export function tableName(instance: string): string {
  return `meshroom_${instance}`;
}

export interface DenyObjects {
  table: string;
  set4: string;
  set6: string;
  chain: string;
}

export function denyObjects(instance: string, src: string): DenyObjects {
  return { table: tableName(instance), set4: `deny_${src}`, set6: `deny6_${src}`, chain: `from_${src}` };
}

/** Runs an nft script (one atomic transaction) inside the namespace. */
export async function nftScript(exec: HookExec, script: string): Promise<void> {
  const r = await execInNetns(exec, "nft", ["-f", "-"], { input: script, reject: false });
  if (r.exitCode !== 0) throw new Error(`nft refused:\n${script}\n${r.stderr.trim()}`);
}

export async function tableExists(exec: HookExec, table: string): Promise<boolean> {
  if (!(await netnsExists(exec))) return false;
  const r = await execInNetns(exec, "nft", ["list", "table", "inet", table], { reject: false });
  return r.exitCode === 0;
}

export async function setExists(exec: HookExec, table: string, set: string): Promise<boolean> {
  if (!(await netnsExists(exec))) return false;
  const r = await execInNetns(exec, "nft", ["list", "set", "inet", table, set], { reject: false });
  return r.exitCode === 0;
}

/** The sets of the table whose name starts with `prefix`. */
export async function listSets(exec: HookExec, table: string, prefix: string): Promise<string[]> {
  const r = await execInNetns(exec, "nft", ["-j", "list", "sets", "inet"], { reject: false });
  if (r.exitCode !== 0) return [];
  const doc = JSON.parse(r.stdout) as { nftables?: Array<{ set?: { name: string; table: string } }> };
  return (doc.nftables ?? []).flatMap((o) => (o.set && o.set.table === table && o.set.name.startsWith(prefix) ? [o.set.name] : []));
}

export interface SetElement {
  address: string;
  timeout?: number;
  expires?: number;
}

/** The members of a set (addresses with their timeout and time left, in seconds). */
export async function setElements(exec: HookExec, table: string, set: string): Promise<SetElement[]> {
  const r = await execInNetns(exec, "nft", ["-j", "list", "set", "inet", table, set], { reject: false });
  if (r.exitCode !== 0) return [];
  type Elem = string | { elem?: { val?: unknown; timeout?: number; expires?: number } };
  const doc = JSON.parse(r.stdout) as { nftables?: Array<{ set?: { elem?: Elem[] } }> };
  const out: SetElement[] = [];
  for (const o of doc.nftables ?? []) {
    for (const e of o.set?.elem ?? []) {
      if (typeof e === "string") out.push({ address: e });
      else if (e.elem && typeof e.elem.val === "string") {
        const el: SetElement = { address: e.elem.val };
        if (e.elem.timeout !== undefined) el.timeout = e.elem.timeout;
        if (e.elem.expires !== undefined) el.expires = e.elem.expires;
        out.push(el);
      }
    }
  }
  return out;
}
