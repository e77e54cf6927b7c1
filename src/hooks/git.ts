import { MeshroomError } from "../errors/index.js";
import { environmentWithoutCredentials, runCommand } from "../exec/index.js";
import { redactText } from "../util/redact.js";
import type { GitHelper } from "./types.js";

/** git never asks for a password on a terminal: a missing credential fails fast with a clear error. */
const GIT_ENV = { GIT_TERMINAL_PROMPT: "0", GCM_INTERACTIVE: "never", GIT_ASKPASS: "", SSH_ASKPASS: "" };

/**
 * The default git helper: runs the `git` program, honouring the hook's signal and redaction.
 * git keeps the user's environment (SSH agent, proxies, credential helpers), less meshroom's
 * own credentials.
 */
export function createGitHelper(opts: { signal?: AbortSignal; redact?: (s: string) => string; cwd: string }): GitHelper {
  const redact = opts.redact ?? redactText;
  /** `what` names the remote (a URL or remote name) when the command talks to one. */
  const git = async (args: string[], dir?: string, what?: { remote?: string }) => {
    const r = await runCommand("git", dir ? ["-C", dir, ...args] : args, {
      cwd: opts.cwd, signal: opts.signal, redact, env: environmentWithoutCredentials(GIT_ENV), extendEnv: false, rejectOnExitCode: false,
    });
    if (r.exitCode !== 0) throw gitError(args, r.stderr, { ...what, ...(dir ? { dir } : {}) }, redact);
    return r;
  };
  return {
    async clone(url, dir, o = {}) {
      const args = ["clone"];
      if (o.branch) args.push("--branch", o.branch);
      if (o.depth) args.push("--depth", String(o.depth));
      await git([...args, "--", url, dir], undefined, { remote: url });
    },
    async fetch(dir, o = {}) {
      const remote = o.remote ?? "origin";
      await git(["fetch", "--quiet", remote, ...(o.ref ? [o.ref] : [])], dir, { remote });
    },
    async reset(dir, ref) {
      await git(["reset", "--quiet", "--hard", ref], dir);
    },
    async branch(dir, name) {
      await git(["checkout", "-B", name], dir);
    },
    async commit(dir, message) {
      await git(["add", "-A"], dir);
      const status = await git(["status", "--porcelain"], dir);
      if (status.stdout.trim() === "") return false;
      await git(["commit", "--quiet", "-m", message], dir);
      return true;
    },
    async push(dir, o = {}) {
      const args = ["push"];
      if (o.setUpstream) args.push("--set-upstream");
      if (o.force) args.push("--force");
      const remote = o.remote ?? "origin";
      args.push(remote);
      if (o.branch) args.push(o.branch);
      await git(args, dir, { remote: o.remoteUrl ?? remote });
    },
    async currentBranch(dir) {
      return (await git(["rev-parse", "--abbrev-ref", "HEAD"], dir)).stdout.trim();
    },
    async head(dir) {
      return (await git(["rev-parse", "HEAD"], dir)).stdout.trim();
    },
  };
}

/** Turns git's stderr into an error that says what went wrong and what to do. */
export function gitError(args: readonly string[], stderr: string, where: { remote?: string; dir?: string }, redact: (s: string) => string = redactText): MeshroomError {
  const cmd = `git ${args[0] ?? ""}`;
  const tail = redact(stderr.trim().split("\n").slice(-8).join("\n"));
  const remote = where.remote ? redact(where.remote) : "the remote";
  const detail = (next: string) => (tail ? `${tail}\n${next}` : next);
  if (/terminal prompts disabled|could not read (username|password)|authentication failed|permission denied \(publickey|HTTP Basic: Access denied|returned error: 40[13]/i.test(stderr)) {
    return new MeshroomError("E_EXEC", `${cmd}: authentication to ${remote} failed`, {
      detail: detail("configure a credential for it (an SSH key, or a git credential helper / token for HTTPS), then re-run the command"),
    });
  }
  if (/not a git repository/i.test(stderr) && where.dir && !/does not appear to be a git repository/i.test(stderr)) {
    return new MeshroomError("E_NOT_FOUND", `${cmd}: ${redact(where.dir)} is not a git repository`, {
      detail: detail("clone the repository there first, or remove the folder so it can be cloned again"),
    });
  }
  if (/does not appear to be a git repository|repository .* not found|repository not found|does not exist|no such remote|could not read from remote repository|returned error: 404/i.test(stderr)) {
    return new MeshroomError("E_NOT_FOUND", `${cmd}: git remote ${remote} not found`, {
      detail: detail("check the URL (or path of a bare repository) and that you may read it"),
    });
  }
  if (/could not resolve host|connection refused|failed to connect|timed out/i.test(stderr)) {
    return new MeshroomError("E_EXEC", `${cmd}: cannot reach ${remote}`, { detail: detail("check the network and the URL, then retry") });
  }
  if (/\[rejected\]|non-fast-forward|failed to push/i.test(stderr)) {
    return new MeshroomError("E_CONFLICT", `${cmd}: ${remote} rejected the push`, { detail: detail("fetch the branch, reconcile the changes, and push again") });
  }
  return new MeshroomError("E_EXEC", `${cmd} failed${where.dir ? ` in ${redact(where.dir)}` : ""}`, tail ? { detail: tail } : {});
}
