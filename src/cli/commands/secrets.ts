// `meshroom secrets …`: init the user's key, list/set/get/rm secrets, manage recipients.
import type { Command } from "commander";
import { stat } from "node:fs/promises";
import { MeshroomError } from "../../errors/index.js";
import type { CliContext } from "../context.js";
import { gnupgOption } from "../secrets-opener.js";
import { writeUnredacted } from "../output-guard.js";
import {
  formatScope,
  initSecrets,
  openSecretsStore,
  parseScope,
  type RecipientInfo,
  type SecretsStore,
} from "../../secrets/index.js";

const SCOPE_SYNTAX = `
SCOPE is instance:<instance name> or plug:<plug address>, e.g.
  instance:sekoia
  plug:edr.siem.events.push      (same as plug:plug.edr.siem.events.push)`;

const SCOPE_HELP = `${SCOPE_SYNTAX}

The private key is MESHROOM_GPG_KEY (path to an armored private key) or the one
\`meshroom secrets init\` generated in your config dir. Its passphrase is read from
MESHROOM_PASSPHRASE, or prompted for (hidden) when a terminal is attached.
With \`secrets: { gnupg: true }\` in meshroom.yaml, your own GnuPG (the \`gpg\` program,
its keyring and gpg-agent, smartcards included) decrypts instead: the agent asks for the
passphrase or PIN through its pinentry, or MESHROOM_PASSPHRASE is handed to it (loopback).`;

export function register(program: Command, ctx: CliContext): void {
  const secrets = program
    .command("secrets")
    .description("manage the OpenPGP-encrypted secrets of instances and plugs (secrets.gpg)")
    .addHelpText("after", SCOPE_HELP);

  secrets
    .command("init")
    .description("create your private key (in your config dir, not the project) and add its public key to recipients/")
    .option("--name <name>", "name in the key's user ID (and the recipients/<name>.asc file name)")
    .option("--email <email>", "email in the key's user ID")
    .option("--key <id>", "with `secrets: { gnupg: true }`: which secret key of your GnuPG keyring is yours (fingerprint, key ID or user ID)")
    .action(async (o: { name?: string; email?: string; key?: string }) => {
      const root = await projectDir(ctx);
      const { gnupg } = await gnupgOption(root, canPrompt(ctx));
      if (o.key && !gnupg) throw new MeshroomError("E_USAGE", "--key picks a key of your GnuPG keyring: it needs `secrets: { gnupg: true }` in meshroom.yaml");
      const passphrase = gnupg ? undefined : (ctx.io.env.MESHROOM_PASSPHRASE ?? (canPrompt(ctx) ? await newPassphrase(ctx) : undefined));
      const r = await initSecrets(root, { env: ctx.io.env, name: o.name, email: o.email, passphrase, ...(gnupg ? { gnupg: { ...gnupg, ...(o.key ? { key: o.key } : {}) } } : {}) });
      ctx.out(r.generated ? `Generated a new key ${r.fingerprint} in ${r.keyPath}` : `Using the key ${r.fingerprint} from ${r.keyPath}`);
      if (r.generated && !passphrase) ctx.err("Note: the new key has no passphrase; keep its file private (mode 0600).");
      ctx.out(r.recipientAdded ? `Added its public key as ${r.recipient.file} (commit it).` : `Already a recipient: ${r.recipient.file}`);
      if (r.needsReencryption) {
        ctx.out(
          `secrets.gpg is not encrypted to this key yet: ask a current recipient to run ` +
            `\`meshroom secrets recipients add ${r.recipient.file}\` and commit secrets.gpg.`,
        );
      }
    });

  secrets
    .command("list")
    .description("list secret names (never values)")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }) => {
      const entries = await (await openStore(ctx)).list();
      if (o.json) return ctx.out(JSON.stringify({ secrets: entries }, null, 2));
      if (entries.length === 0) return ctx.out("No secrets.");
      for (const e of entries) ctx.out(`${formatScope(e.scope)}  ${e.name}`);
    });

  secrets
    .command("set <scope> <name>")
    .addHelpText("after", SCOPE_SYNTAX)
    .description("store a secret; the value is read from stdin (a trailing newline is dropped)")
    .action(async (scopeText: string, name: string) => {
      const scope = parseScope(scopeText);
      const value = await readValue(ctx, name);
      const store = await openStore(ctx);
      await store.set(scope, name, value);
      await store.save();
      ctx.out(`Saved secret ${name} of ${formatScope(scope)}.`);
    });

  secrets
    .command("get <scope> <name>")
    .addHelpText("after", SCOPE_SYNTAX)
    .description("print a secret's value on stdout")
    .action(async (scopeText: string, name: string) => {
      const scope = parseScope(scopeText);
      const value = await (await openStore(ctx)).get(scope, name);
      if (value === undefined) throw missing(name, scopeText);
      // The one place meshroom prints a secret on purpose, so it bypasses all redaction.
      writeUnredacted(ctx.io.stdout, `${value}\n`);
    });

  secrets
    .command("rm <scope> <name>")
    .addHelpText("after", SCOPE_SYNTAX)
    .description("delete a secret")
    .action(async (scopeText: string, name: string) => {
      const scope = parseScope(scopeText);
      const store = await openStore(ctx);
      if (!(await store.delete(scope, name))) throw missing(name, scopeText);
      await store.save();
      ctx.out(`Removed secret ${name} of ${formatScope(scope)}.`);
    });

  registerRecipients(secrets, ctx);
}

function registerRecipients(secrets: Command, ctx: CliContext): void {
  const recipients = secrets.command("recipients").description("the public keys secrets.gpg is encrypted to (recipients/*.asc)");

  recipients
    .command("list")
    .description("list recipients")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }) => {
      const list = await (await openStore(ctx)).listRecipients();
      if (o.json) return ctx.out(JSON.stringify({ recipients: list }, null, 2));
      if (list.length === 0) return ctx.out("No recipients. Run `meshroom secrets init`.");
      for (const r of list) ctx.out(recipientLine(r));
    });

  recipients
    .command("add <file>")
    .description("add the public key in FILE.asc and re-encrypt secrets.gpg to it")
    .action(async (file: string) => {
      const added = await (await openStore(ctx)).addRecipient(file);
      for (const r of added) ctx.out(`Recipient: ${recipientLine(r)}`);
      ctx.out("secrets.gpg is encrypted to every recipient; commit recipients/ and secrets.gpg.");
    });

  recipients
    .command("remove <fingerprint>")
    .description("remove a recipient by fingerprint (or long key ID) and re-encrypt secrets.gpg without it")
    .action(async (fingerprint: string) => {
      const removed = await (await openStore(ctx)).removeRecipient(fingerprint);
      for (const r of removed) ctx.out(`Removed recipient ${recipientLine(r)}`);
      ctx.out("secrets.gpg was re-encrypted without it. Older copies (git history) still open with that key: rotate the secrets it could read.");
    });
}

function recipientLine(r: RecipientInfo): string {
  return `${r.fingerprint}  ${r.file}  ${r.userIds.join(", ")}`;
}

function missing(name: string, scope: string): MeshroomError {
  return new MeshroomError("E_NOT_FOUND", `no secret ${name} for ${scope}`, { detail: "List them with `meshroom secrets list`." });
}

async function projectDir(ctx: CliContext): Promise<string> {
  const dir = ctx.globals().path;
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) throw new MeshroomError("E_NOT_PROJECT", `${dir} is not a directory`, { detail: "Pass the project with -p DIR." });
  return dir;
}

async function openStore(ctx: CliContext): Promise<SecretsStore> {
  const root = await projectDir(ctx);
  const promptPassphrase = canPrompt(ctx) ? () => askHidden(ctx, "Passphrase of your meshroom/GPG private key:") : undefined;
  return openSecretsStore(root, { env: ctx.io.env, promptPassphrase, ...(await gnupgOption(root, canPrompt(ctx))) });
}

/** A hidden prompt needs a terminal on stdin and stderr (stdout may be piped, e.g. `secrets get … | pbcopy`). */
function canPrompt(ctx: CliContext): boolean {
  const ci = ctx.io.env.CI;
  return Boolean(ctx.io.stdin.isTTY && ctx.io.stderr.isTTY) && !(ci && ci !== "false" && ci !== "0");
}

async function askHidden(ctx: CliContext, message: string): Promise<string> {
  const { password } = await import("@inquirer/prompts");
  return password({ message, mask: true }, { input: ctx.io.stdin, output: ctx.io.stderr });
}

async function newPassphrase(ctx: CliContext): Promise<string | undefined> {
  const first = await askHidden(ctx, "Passphrase for the new key (empty for none):");
  if (first === "") return undefined;
  if ((await askHidden(ctx, "Repeat the passphrase:")) !== first) {
    throw new MeshroomError("E_BAD_VALUE", "the two passphrases differ", { detail: "Run `meshroom secrets init` again." });
  }
  return first;
}

async function readValue(ctx: CliContext, name: string): Promise<string> {
  let value: string;
  if (ctx.io.stdin.isTTY) {
    value = await askHidden(ctx, `Value of ${name}:`);
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    value = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  }
  if (value === "") throw new MeshroomError("E_MISSING_VALUE", `no value given for ${name}`, { detail: `Pipe it in: printf %s "$VALUE" | meshroom secrets set SCOPE ${name}` });
  return value;
}
