import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `kev.source`: an http(s) URL, or a file that exists and can be read (relative paths
 * from the working directory); anything else is a config problem.
 */
export function kevSourceProblem(source: string, baseDir: string): { problem: string } | { kind: 'url' | 'file'; source: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      return { problem: `"${source}" is not a valid URL` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: `the KEV catalog URL must be http or https, not ${url.protocol}` };
    return { kind: 'url', source };
  }
  const file = path.resolve(baseDir, source);
  try {
    if (!statSync(file).isFile()) return { problem: `"${source}" is neither a URL nor a file (${file} is not a file)` };
    accessSync(file, constants.R_OK);
  } catch (err) {
    return { problem: `"${source}" is neither a URL nor a readable file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}: ${file})` };
  }
  return { kind: 'file', source: file };
}
