import { MeshroomError } from "../errors/index.js";
import type { RenderedState } from "./render-state.js";
import type { StateFile } from "./schema.js";

/** What a backend knows about the stored state when it is about to write. */
export interface StoredSnapshot {
  lineage: string;
  serial: number;
  /** The stored content: its content key (`RenderedState.contentKey`), or the render it was written from. */
  content: string | RenderedState;
}

export type WriteDecision = { write: false; serial: number } | { write: true; serial: number };

/**
 * The rules every backend applies before writing (pure, shared so backends agree):
 * - another lineage is stored: refuse (E_STATE) — this state belongs to another project/workspace;
 * - a higher serial is stored: refuse (E_STATE) — someone wrote since this state was read;
 * - same content: no write, the serial stays;
 * - else write with serial max(stored, given) + 1.
 */
export function decideWrite(
  state: StateFile,
  rendered: RenderedState,
  stored: StoredSnapshot | undefined,
  location: string,
): WriteDecision {
  if (!stored) return { write: true, serial: state.serial + 1 };
  if (stored.lineage !== state.lineage) {
    throw new MeshroomError("E_STATE", `Refusing to overwrite the state in ${location}: it belongs to another lineage.`, {
      detail:
        `Stored lineage ${stored.lineage}, this state's lineage ${state.lineage}. They are different states ` +
        "(another project or workspace, or a re-initialized state). Check the backend and workspace you are using.",
    });
  }
  if (stored.serial > state.serial) {
    throw new MeshroomError("E_STATE", `Refusing to overwrite the state in ${location}: it changed since it was read.`, {
      detail:
        `Stored serial ${stored.serial} is newer than serial ${state.serial} that this run started from: ` +
        "another meshroom wrote it meanwhile. Run the command again to work from the current state.",
    });
  }
  const same = typeof stored.content === "string" ? stored.content === rendered.contentKey : stored.content.sameContent(rendered);
  if (same) return { write: false, serial: stored.serial };
  return { write: true, serial: Math.max(stored.serial, state.serial) + 1 };
}
