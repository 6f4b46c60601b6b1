// Loads the built pkg/ in Node (initSync with the module's bytes, as DESIGN.md's JS API says).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = await import(path.join(ROOT, "pkg/prescreen.js"));
/** The module's exports; `wasm.memory.buffer.byteLength` is the WASM memory size. */
export const wasm = pkg.initSync({ module: fs.readFileSync(path.join(ROOT, "pkg/prescreen_bg.wasm")) });
export const { Screener } = pkg;
