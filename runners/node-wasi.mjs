// node-wasi.mjs: run a WASI preview1 command module under Node.js's V8.
// Node has no CLI flag that runs a .wasm directly; this is the smallest
// runner: compile, instantiate with node:wasi, start, exit with its status.
//   node --no-warnings [V8 tier flags] node-wasi.mjs MODULE.wasm [ARGS...]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [modulePath, ...args] = process.argv.slice(2);
if (!modulePath) {
  process.stderr.write('usage: node-wasi.mjs MODULE.wasm [ARGS...]\n');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [modulePath, ...args], env: {}, preopens: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(modulePath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
