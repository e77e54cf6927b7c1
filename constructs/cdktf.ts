/**
 * The one module of meshroom that imports the `cdktf` package. CDKTF is archived upstream
 * (0.21.0 is its last release): moving the constructs to plain `constructs` plus meshroom's
 * own App/stack is a change of this file only. What meshroom uses of cdktf:
 * - `App` (the root users create; its outdir, `synth()` writing manifest.json),
 * - `TerraformStack` (MeshStack's base: `prepareStack`, `toTerraform`, `allocateLogicalId`, `resolve`),
 * - `TerraformElement` (Instance's and Plug's base: `toTerraform`),
 * - `TerraformResource` (the base of the classes `meshroom get` generates: `isTerraformResource`,
 *   `terraformResourceType`),
 * - `TerraformProvider` (the provider construct generated bindings require),
 * - `Token` / `Tokenization` / `DefaultTokenResolver` / `StringConcat` (Secret references are
 *   tokens, resolved when settings are read; other tokens are refused).
 * The classes `meshroom get` writes into `.gen/` import `cdktf` themselves (cdktf's generator).
 */
import { createRequire } from "node:module";
import type { IConstruct } from "constructs";
import type { IResolvable, IResolveContext } from "cdktf";

// Required, not imported: cdktf is CommonJS, and an ESM `import { App } from "cdktf"` makes Node
// scan the source of all of cdktf's ~80 re-exported files for export names (cjs-module-lexer,
// about 100 ms of CPU per synth). Same module instance as the app's own `import "cdktf"`.
const { App, DefaultTokenResolver, StringConcat, TerraformElement, TerraformProvider, TerraformResource, TerraformStack, Token, Tokenization } =
  createRequire(import.meta.url)("cdktf") as typeof import("cdktf");
type App = import("cdktf").App;
type TerraformElement = import("cdktf").TerraformElement;
type TerraformProvider = import("cdktf").TerraformProvider;
type TerraformResource = import("cdktf").TerraformResource;
type TerraformStack = import("cdktf").TerraformStack;

export { App, TerraformElement, TerraformProvider, TerraformResource, TerraformStack };
export type { IResolvable, IResolveContext };

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** A value with its tokens resolved in `scope`, as the stack renders it. */
export function resolveIn(scope: IConstruct, v: unknown): unknown {
  return Tokenization.resolve(v, { scope, resolver: RESOLVER });
}

/** A resolvable as a string token (what `Secret.fromStore` returns). */
export function tokenString(r: IResolvable): string {
  return Token.asString(r);
}

/** The token a whole value stands for (a string, number or list that is one token), if any. */
export function tokenOf(v: unknown): IResolvable | undefined {
  if (Tokenization.isResolvable(v)) return v;
  if (typeof v === "string") {
    const fragments = Tokenization.reverseString(v);
    return fragments.length === 1 ? fragments.firstToken : undefined; // text around a token: no single token
  }
  if (typeof v === "number") return Tokenization.reverseNumber(v);
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === "string") return Tokenization.reverseList(v as string[]);
  return undefined;
}

/** Whether a value holds a token anywhere (in a string, as a number, a list or an object). */
export function holdsToken(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof v === "string" || typeof v === "number") return Token.isUnresolved(v);
  if (Array.isArray(v)) return Token.isUnresolved(v) || v.some((x) => holdsToken(x, depth + 1));
  if (v === null || typeof v !== "object") return false;
  if (Tokenization.isResolvable(v)) return true;
  return Object.values(v).some((x) => holdsToken(x, depth + 1));
}
