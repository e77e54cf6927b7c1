import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "./cdktf.js";
import { parseDesiredDocument, type DesiredDocument } from "../src/synth/document.js";
import { TESTING_CONTEXT } from "./error-report.js";
import { MeshStack } from "./mesh-stack.js";

const _tempDirs = new Set<string>();
let _cleanupRegistered = false;

function removeTestingDirs(): void {
  for (const d of _tempDirs) rmSync(d, { recursive: true, force: true });
  _tempDirs.clear();
}

/**
 * Helpers for unit tests of a mesh (as cdktf's and cdk8s's `Testing`): an app that writes
 * into a temporary directory, and the stack's desired document, checked and parsed.
 */
export class Testing {
  /** An App whose output directory is a fresh temporary one (never the current directory), removed when the process exits. */
  static app(): App {
    const outdir = mkdtempSync(join(tmpdir(), "meshroom-synth-"));
    _tempDirs.add(outdir);
    if (!_cleanupRegistered) {
      _cleanupRegistered = true;
      process.once("exit", removeTestingDirs);
    }
    return new App({ outdir, stackTraces: false, context: { [TESTING_CONTEXT]: true } });
  }

  /** Removes the output directories of every `Testing.app()` so far (also done when the process exits). */
  static cleanup(): void {
    removeTestingDirs();
  }

  /**
   * The document `cdktf synth` would write for this stack, parsed like the engine parses it.
   * An invalid mesh throws the MeshroomError the CLI would print (e.g. E_NO_INTEGRATION).
   */
  static synthMesh(stack: MeshStack): DesiredDocument {
    return parseDesiredDocument(stack.synthDocument(), `stack ${stack.node.id}`);
  }
}
