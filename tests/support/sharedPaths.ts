import path from 'node:path';

/** shared/ sits beside the repository (here and in CI); tests may read it, the product never does. */
export const SHARED_DIR = path.resolve(process.cwd(), '../shared');
export const QUALYS_SAMPLES = path.join(SHARED_DIR, 'reference/samples/qualys');
