import { isMeshroomError } from "../src/errors/index.js";
import { writeErrorReport } from "./error-report.js";

let installed = false;

/**
 * Run as a cdktf app (by `cdktf synth` or `meshroom synth`, which set CDKTF_OUTDIR), a
 * meshroom error the program does not catch (an invalid project given to `loadMeshProject`, a
 * bad secret name, an unknown product) ends it with the CLI's diagnostics on stderr and exit
 * code 1, and in `<outdir>/meshroom-errors.json` for meshroom, instead of a stack trace. Any
 * other error is printed as Node prints it. Installed once, on import, in such a run only.
 */
export function installAppErrorHandler(): void {
  const outdir = process.env.CDKTF_OUTDIR;
  if (installed || outdir === undefined) return;
  installed = true;
  process.on("uncaughtException", (e: unknown) => {
    if (isMeshroomError(e)) {
      try {
        writeErrorReport(outdir, e);
      } catch {
        // the report is for meshroom; stderr below still says it all
      }
      process.stderr.write(`meshroom: ${e.render()}\n`);
    } else {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
    process.exit(1);
  });
}
