/** Where the project's own folders are, whether running from src/ (tsx) or dist/src/ (compiled). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'locales'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export const PROJECT_ROOT = findRoot();
export const LOCALES_DIR = join(PROJECT_ROOT, 'locales');
/** The simulator's static files, beside this module's folder in both layouts. */
export const SIMULATOR_DIR = join(dirname(fileURLToPath(import.meta.url)), 'web', 'simulator');

/** FLOWS_DIR as given, relative to the project root when not absolute. */
export function resolveFlowsDir(flowsDir: string): string {
  return resolve(PROJECT_ROOT, flowsDir);
}
