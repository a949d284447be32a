// Copies what tsc does not: Lua scripts and the simulator's static files, beside the compiled code.
import { cpSync, mkdirSync } from 'node:fs';

const copies = [
  ['src/store/lua', 'dist/src/store/lua'],
  ['src/web', 'dist/src/web'],
];
for (const [from, to] of copies) {
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true });
}
console.log('assets copied');
