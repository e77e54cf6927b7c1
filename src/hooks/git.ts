import { runCommand } from "../exec/index.js";
import type { GitHelper } from "./types.js";

/** The default git helper: runs the `git` program, honouring the hook's signal and redaction. */
export function createGitHelper(opts: { signal?: AbortSignal; redact?: (s: string) => string; cwd: string }): GitHelper {
  const git = (args: string[], dir?: string) =>
    runCommand("git", dir ? ["-C", dir, ...args] : args, { cwd: opts.cwd, signal: opts.signal, redact: opts.redact });
  return {
    async clone(url, dir, o = {}) {
      const args = ["clone"];
      if (o.branch) args.push("--branch", o.branch);
      if (o.depth) args.push("--depth", String(o.depth));
      await git([...args, "--", url, dir]);
    },
    async branch(dir, name) {
      await git(["checkout", "-B", name], dir);
    },
    async commit(dir, message) {
      await git(["add", "-A"], dir);
      const status = await git(["status", "--porcelain"], dir);
      if (status.stdout.trim() === "") return false;
      await git(["commit", "-m", message], dir);
      return true;
    },
    async push(dir, o = {}) {
      const args = ["push"];
      if (o.setUpstream) args.push("--set-upstream");
      args.push(o.remote ?? "origin");
      if (o.branch) args.push(o.branch);
      await git(args, dir);
    },
    async currentBranch(dir) {
      return (await git(["rev-parse", "--abbrev-ref", "HEAD"], dir)).stdout.trim();
    },
  };
}
