// One command timed as a whole process, as a user runs it: wall time from spawn to exit, the CPU
// time it used (user + system) and, where GNU time is installed (/usr/bin/time, Debian package
// `time`), its peak RSS. The same wrapper times every tool, so the comparison stays fair.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ProcessTiming {
  wallMs: number;
  cpuMs: number;
  /** Peak resident set size in MB (NaN without GNU time). */
  rssMb: number;
  status: number;
}

const GNU_TIME = "/usr/bin/time";
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ["-f", "%M", "true"], { encoding: "utf8" }).status === 0;
const timeFile = join(tmpdir(), `meshroom-bench-time-${process.pid}.txt`);

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
}

/** Runs `cmd args` to completion (output discarded, stderr kept for errors) and times it. */
export function timeProcess(cmd: string, args: string[], opts: RunOptions = {}): ProcessTiming {
  const okCodes = opts.okCodes ?? [0];
  const [file, argv] = hasGnuTime ? [GNU_TIME, ["-o", timeFile, "-f", "%e %U %S %M", cmd, ...args]] : [cmd, args];
  if (hasGnuTime) rmSync(timeFile, { force: true });
  const c0 = childCpuMs();
  const t0 = performance.now();
  const r = spawnSync(file, argv, { cwd: opts.cwd, env: opts.env, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 28 });
  const wallMs = performance.now() - t0;
  const cpuMs = childCpuMs() - c0;
  if (r.error || !okCodes.includes(r.status ?? -1)) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}: ${r.error ?? r.stderr.slice(-2000)}`);
  }
  let rssMb = Number.NaN;
  if (hasGnuTime) {
    const fields = readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ");
    rssMb = Number(fields[3]) / 1024;
  }
  return { wallMs, cpuMs, rssMb, status: r.status ?? -1 };
}

/** CPU milliseconds used so far by this process's finished children (user + system). */
export function childCpuMs(): number {
  // Fields 16/17 of /proc/self/stat: cutime/cstime in clock ticks (100 Hz on Linux).
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
