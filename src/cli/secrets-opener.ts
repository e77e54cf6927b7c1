import type { OpenSecretsStoreOptions, SecretsStore } from "../secrets/index.js";
import type { CliContext } from "./context.js";

/** One store per command run and project: `apply` checks missing secrets and runs hooks with one passphrase prompt. */
const _opened = new WeakMap<CliContext, Map<string, Promise<SecretsStore>>>();

/** Opens the project's secrets store on first use only: commands with no secret never load openpgp. */
export function secretsOpener(ctx: CliContext, root: string): () => Promise<SecretsStore> {
  return () => {
    let byRoot = _opened.get(ctx);
    if (!byRoot) _opened.set(ctx, (byRoot = new Map()));
    let store = byRoot.get(root);
    if (!store) {
      store = (async () => {
        const { openSecretsStore } = await import("../secrets/index.js");
        const promptPassphrase = ctx.interactive()
          ? async () => {
              const { password } = await import("@inquirer/prompts");
              return password({ message: "Passphrase of your meshroom key", mask: "*" }, { input: ctx.io.stdin, output: ctx.io.stderr });
            }
          : undefined;
        return openSecretsStore(root, { env: ctx.io.env, ...(promptPassphrase ? { promptPassphrase } : {}), ...(await gnupgOption(root, ctx.interactive())) });
      })();
      byRoot.set(root, store);
      // a failed open (wrong passphrase) is not kept: the next use tries again
      store.catch(() => byRoot.delete(root));
    }
    return store;
  };
}

/**
 * `{ gnupg }` when meshroom.yaml says `secrets: { gnupg: true }`: the user's GnuPG decrypts, and
 * its agent asks for a passphrase or PIN itself when `interactive` (else MESHROOM_PASSPHRASE or
 * the agent's cache).
 */
export async function gnupgOption(root: string, interactive: boolean): Promise<Pick<OpenSecretsStoreOptions, "gnupg">> {
  // loaded here, not at the top: commands that never open the store (plug) load no yaml or zod (cold start)
  const { readProjectSettings } = await import("../project/project-settings.js");
  return readProjectSettings(root)?.secrets?.gnupg ? { gnupg: { interactive } } : {};
}
