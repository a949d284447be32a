/** `npm run flows:schema`: writes flows/schema.json from the zod schema (a test fails when it is stale). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flowJsonSchema } from './json-schema.js';
import { PROJECT_ROOT } from '../paths.js';

const target = join(PROJECT_ROOT, 'flows', 'schema.json');
writeFileSync(target, flowJsonSchema());
process.stdout.write(`wrote ${target}\n`);
