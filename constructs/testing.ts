import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "./cdktf.js";
import { parseDesiredDocument, type DesiredDocument } from "../src/synth/document.js";
import { MeshStack } from "./mesh-stack.js";

/**
 * Helpers for unit tests of a mesh (as cdktf's and cdk8s's `Testing`): an app that writes
 * into a temporary directory, and the stack's desired document, checked and parsed.
 */
export class Testing {
  /** An App whose output directory is a fresh temporary one (never the current directory). */
  static app(): App {
    return new App({ outdir: mkdtempSync(join(tmpdir(), "meshroom-synth-")), stackTraces: false });
  }

  /**
   * The document `cdktf synth` would write for this stack, parsed like the engine parses it.
   * An invalid mesh throws the MeshroomError the CLI would print (e.g. E_NO_INTEGRATION).
   */
  static synthMesh(stack: MeshStack): DesiredDocument {
    return parseDesiredDocument(stack.synthDocument(), `stack ${stack.node.id}`);
  }
}
