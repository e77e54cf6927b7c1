import { randomUUID } from "node:crypto";
import { MeshroomError } from "../errors/index.js";
import { VERSION } from "../util/version.js";
import { STATE_FORMAT_VERSION, type StateFile, type StateResource } from "./schema.js";

/** A fresh, empty state document: new lineage, serial 0 (the first write makes it 1). */
export function emptyStateFile(lineage: string = randomUUID()): StateFile {
  return { version: STATE_FORMAT_VERSION, meshroom_version: VERSION, lineage, serial: 0, resources: [] };
}

/**
 * The in-memory state apply works on: resources indexed by address (O(1) get/set, so updating
 * each of 10,000 resources stays linear). Resource objects are treated as immutable —
 * replace them with `set()`, never edit one in place — so a snapshot (`toFile()`) taken for a
 * write in flight cannot change under the writer. `serial` is the serial this state was read at
 * or last written with; `lineage` never changes.
 */
export class MeshState {
  readonly lineage: string;
  serial: number;
  meshroomVersion: string;
  private readonly _resources = new Map<string, StateResource>();

  private constructor(lineage: string, serial: number, meshroomVersion: string) {
    this.lineage = lineage;
    this.serial = serial;
    this.meshroomVersion = meshroomVersion;
  }

  static empty(lineage?: string): MeshState {
    return MeshState.fromFile(emptyStateFile(lineage));
  }

  /** From a parsed document (see `parseStateText`); `undefined` (no state yet) gives an empty state. */
  static fromFile(file: StateFile | undefined): MeshState {
    const f = file ?? emptyStateFile();
    const s = new MeshState(f.lineage, f.serial, f.meshroom_version);
    for (const r of f.resources) s.set(r);
    return s;
  }

  /** A snapshot document; resources sorted by address. Cheap: resource objects are shared. */
  toFile(): StateFile {
    return {
      version: STATE_FORMAT_VERSION,
      meshroom_version: this.meshroomVersion,
      lineage: this.lineage,
      serial: this.serial,
      resources: this.resources(),
    };
  }

  get size(): number {
    return this._resources.size;
  }

  has(address: string): boolean {
    return this._resources.has(address);
  }

  get(address: string): StateResource | undefined {
    return this._resources.get(address);
  }

  /** Adds or replaces the resource at `resource.address`. The object is frozen (shallowly). */
  set(resource: StateResource): void {
    this._resources.set(resource.address, Object.freeze(resource));
  }

  /** Returns true when something was removed. */
  delete(address: string): boolean {
    return this._resources.delete(address);
  }

  /** Replaces fields of an existing resource (a new object); throws if absent. */
  patch(address: string, fields: Partial<Omit<StateResource, "address">>): StateResource {
    const cur = this._resources.get(address);
    if (!cur) throw new MeshroomError("E_INTERNAL", `State has no resource ${address} to update`);
    const next: StateResource = { ...cur, ...fields };
    if ("pending_step" in fields && fields.pending_step === undefined) delete next.pending_step;
    this.set(next);
    return next;
  }

  addresses(): string[] {
    return [...this._resources.keys()].sort();
  }

  resources(): StateResource[] {
    return this.addresses().map((a) => this._resources.get(a)!);
  }
}
