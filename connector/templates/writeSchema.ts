import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { schemeFileSchema } from './schemeSchema.js';

/** Where the generated schema lives; our templates reference it as `./ticketing-scheme.schema.json`. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../templates/ticketing-scheme.schema.json', import.meta.url));

/**
 * The editor JSON Schema of a ticketing-scheme file, generated from the zod schema so
 * the two cannot disagree. Draft-07 because it is the draft editors support best
 * (VS Code's JSON language service).
 */
export function schemeJsonSchemaText(): string {
  const schema = z.toJSONSchema(schemeFileSchema, { target: 'draft-07' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function writeSchemeJsonSchema(file = SCHEMA_FILE): void {
  writeFileSync(file, schemeJsonSchemaText());
}

// `npm run schema` (tsx connector/templates/writeSchema.ts) regenerates the committed file.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeSchemeJsonSchema();
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
