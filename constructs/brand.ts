/**
 * Brand checks by `Symbol.for`, not `instanceof`: a user's mesh may load these constructs
 * from another copy of the package (their own `node_modules`, a TS loader's transpiled
 * copy), and `instanceof` fails across copies while a registered symbol does not.
 */
export const MESH_STACK = Symbol.for("meshroom/MeshStack");
export const INSTANCE = Symbol.for("meshroom/Instance");
export const PLUG = Symbol.for("meshroom/Plug");
export const PRODUCT = Symbol.for("meshroom/Product");
export const INTEGRATION = Symbol.for("meshroom/Integration");
export const SECRET = Symbol.for("meshroom/Secret");

export function brand(x: object, sym: symbol): void {
  Object.defineProperty(x, sym, { value: true });
}

export function hasBrand(x: unknown, sym: symbol): boolean {
  return x !== null && typeof x === "object" && sym in x;
}
