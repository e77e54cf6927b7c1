import { createHash } from "node:crypto";
import type { StateFile, StateResource, StepRecord } from "./schema.js";
import { sortKeys } from "../util/sort-keys.js";

/**
 * The one serialization of state. Deterministic: resources sorted by address, fixed field
 * order, object keys sorted inside inputs/outputs. The resources part is rendered once per
 * write and used both for the file bytes and for the content comparison that decides whether
 * the serial moves, so an unchanged state costs one render and no write.
 *
 * Each resource is rendered on its own and, when the resource object is frozen (as `MeshState`
 * keeps them: replaced, never edited), its text is cached for that object. A save during apply
 * therefore renders only the resources changed since the previous save; the document is then
 * encoded into a buffer the caller may reuse from save to save (fresh memory is slow to touch:
 * on some machines page faults cost more than the copy itself).
 */
export interface RenderedState {
  /**
   * SHA-256 (hex) of the format version, lineage and rendered resources: two renders have the
   * same key exactly when their content is the same (serial and meshroom_version are not content).
   */
  readonly contentKey: string;
  /** True when `other` renders the same content (cheaper than content keys: no hashing). */
  sameContent(other: RenderedState): boolean;
  /**
   * The full document with the given serial and meshroom_version, as UTF-8 bytes: in `into`
   * (grown when too small; the result is a view of it, valid until its next use) or new memory.
   */
  bytes(serial: number, meshroomVersion: string, into?: RenderBuffer): Buffer;
  /** The same document as text. */
  text(serial: number, meshroomVersion: string): string;
}

/** Memory reused by successive renders of one writer (who must not use it for two writes at once). */
export class RenderBuffer {
  buffer: Buffer = Buffer.alloc(0);

  /** A buffer of at least `size` bytes (the same one as last time when it is large enough). */
  reserve(size: number): Buffer {
    if (this.buffer.length < size) this.buffer = Buffer.allocUnsafe(Math.ceil(size * 1.25));
    return this.buffer;
  }
}

const INDENT = "\n    "; // one resource's lines sit two levels deep: `{ "resources": [ … ] }`
const SEPARATOR = `,${INDENT}`;
const OPEN = `  "resources": [${INDENT}`;
const CLOSE = "\n  ]\n}";
const EMPTY = '  "resources": []\n}';

/** One resource's text in the document and its UTF-8 length. */
interface Chunk {
  text: string;
  bytes: number;
}

const cache = new WeakMap<StateResource, Chunk>();

export function renderState(state: Pick<StateFile, "version" | "lineage" | "resources">): RenderedState {
  const resources = [...state.resources].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return new Rendered(state.version, state.lineage, resources.map(chunkOf));
}

class Rendered implements RenderedState {
  private _key: string | undefined;

  constructor(
    private readonly _version: number,
    private readonly _lineage: string,
    private readonly _chunks: readonly Chunk[],
  ) {}

  get contentKey(): string {
    if (this._key === undefined) {
      // The same digest as of the text `<version>\n<lineage>\n{\n<resources part>` (what earlier versions hashed).
      const h = createHash("sha256").update(`${this._version}\n${this._lineage}\n{\n`);
      this._forEachPart((part) => h.update(part));
      this._key = h.digest("hex");
    }
    return this._key;
  }

  sameContent(other: RenderedState): boolean {
    if (!(other instanceof Rendered)) return this.contentKey === other.contentKey;
    const [a, b] = [this._chunks, other._chunks];
    if (this._version !== other._version || this._lineage !== other._lineage || a.length !== b.length) return false;
    // Each chunk is one whole JSON object, so equal documents have equal chunks one by one.
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && a[i]!.text !== b[i]!.text) return false;
    return true;
  }

  bytes(serial: number, meshroomVersion: string, into?: RenderBuffer): Buffer {
    const head = this._head(serial, meshroomVersion);
    const n = this._chunks.length;
    let size = Buffer.byteLength(head) + 1 + (n === 0 ? EMPTY.length : OPEN.length + CLOSE.length + SEPARATOR.length * (n - 1));
    for (const c of this._chunks) size += c.bytes;
    const out = into ? into.reserve(size) : Buffer.allocUnsafe(size);
    let at = out.write(head, 0, "utf8");
    this._forEachPart((part) => {
      at += out.write(part, at, "utf8");
    });
    out[at++] = 0x0a;
    return at === out.length ? out : out.subarray(0, at);
  }

  text(serial: number, meshroomVersion: string): string {
    const parts: string[] = [this._head(serial, meshroomVersion)];
    this._forEachPart((part) => parts.push(part));
    parts.push("\n");
    return parts.join("");
  }

  private _head(serial: number, meshroomVersion: string): string {
    return (
      "{\n" +
      `  "version": ${this._version},\n` +
      `  "meshroom_version": ${JSON.stringify(meshroomVersion)},\n` +
      `  "lineage": ${JSON.stringify(this._lineage)},\n` +
      `  "serial": ${serial},\n`
    );
  }

  /** The resources part, from its field line to the document's closing brace. */
  private _forEachPart(f: (part: string) => void): void {
    if (this._chunks.length === 0) return f(EMPTY);
    f(OPEN);
    this._chunks.forEach((c, i) => {
      if (i > 0) f(SEPARATOR);
      f(c.text);
    });
    f(CLOSE);
  }
}

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** One resource as it appears in the document (indented for its place in the `resources` array). */
function chunkOf(r: StateResource): Chunk {
  let c = cache.get(r);
  if (c === undefined) {
    const text = JSON.stringify(orderResource(r), null, 2).replaceAll("\n", INDENT);
    c = { text, bytes: Buffer.byteLength(text) };
    // Only objects that cannot change may be cached (MeshState freezes what it holds).
    if (Object.isFrozen(r)) cache.set(r, c);
  }
  return c;
}

function orderResource(r: StateResource): Record<string, unknown> {
  const o: Record<string, unknown> = {
    address: r.address,
    type: r.type,
    status: r.status,
    dependencies: r.dependencies,
    inputs: sortKeys(r.inputs),
    outputs: sortKeys(r.outputs),
    secret_hmacs: sortKeys(r.secret_hmacs),
    steps_done: r.steps_done.map(orderStep),
  };
  if (r.pending_step) o.pending_step = sortKeys(r.pending_step);
  return o;
}

function orderStep(s: StepRecord): Record<string, unknown> {
  const o: Record<string, unknown> = { id: s.id, title: s.title };
  if (s.side !== undefined) o.side = s.side;
  o.outputs = sortKeys(s.outputs);
  return o;
}
