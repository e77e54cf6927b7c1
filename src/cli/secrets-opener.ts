import type { SecretsStore } from "../secrets/index.js";
import type { CliContext } from "./context.js";

/** Opens the project's secrets store on first use only: commands with no secret never load openpgp. */
export function secretsOpener(ctx: CliContext, root: string): () => Promise<SecretsStore> {
  let store: Promise<SecretsStore> | undefined;
  return () =>
    (store ??= (async () => {
      const { openSecretsStore } = await import("../secrets/index.js");
      const promptPassphrase = ctx.interactive()
        ? async () => {
            const { password } = await import("@inquirer/prompts");
            return password({ message: "Passphrase of your meshroom key", mask: "*" }, { input: ctx.io.stdin, output: ctx.io.stderr });
          }
        : undefined;
      return openSecretsStore(root, { env: ctx.io.env, ...(promptPassphrase ? { promptPassphrase } : {}) });
    })());
}
