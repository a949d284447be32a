/** The flow schema as JSON Schema, for authors' editors (`flows/schema.json`). */
import { z } from 'zod';
import { Flow } from './schema.js';

export function flowJsonSchema(): string {
  const schema = z.toJSONSchema(Flow, { io: 'input', target: 'draft-7' });
  return JSON.stringify({ ...schema, title: 'hocso lesson flow', description: 'One lesson: see README.md, "Writing a lesson".' }, null, 2) + '\n';
}
