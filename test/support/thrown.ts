import { isMeshroomError, type MeshroomError } from "../../src/errors/index.js";

/** The MeshroomError `fn` throws; fails the test when it throws something else or nothing. */
export function thrownMeshroomError(fn: () => unknown): MeshroomError {
  try {
    fn();
  } catch (e) {
    if (isMeshroomError(e)) return e;
    throw e;
  }
  throw new Error("expected a MeshroomError");
}
