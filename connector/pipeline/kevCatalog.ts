import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { KevConfig } from '../templates/sla/slaPolicy.js';
import { createHttpClient, hostOf } from '../http/client.js';
import type { Logger } from '../log.js';
import type { KevEntry } from '../model/sla.js';
import type { KevStore } from '../state/kevStore.js';

/** The catalog as CISA publishes it (known_exploited_vulnerabilities.json); other fields are ignored. */
const catalogSchema = z.object({
  vulnerabilities: z.array(
    z.object({
      cveID: z.string().regex(/^CVE-\d{4}-\d{4,}$/i),
      dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      dateAdded: z.string(),
      knownRansomwareCampaignUse: z.string().default('Unknown'),
    }),
  ),
});

export type KevSource = KevConfig & { kind: 'url' | 'file' };

/**
 * Fetch the KEV catalog when the last attempt is older than `refreshHours` (default a
 * day). Unreachable or malformed: one warning, the last good copy stays, the cycle goes on.
 */
export async function refreshKev(kev: KevSource, store: KevStore, log: Logger, now: Date, signal?: AbortSignal): Promise<void> {
  const meta = store.meta();
  if (meta && meta.source === kev.source && now.getTime() - Date.parse(meta.triedAt) < kev.refreshHours * 3_600_000) return;
  try {
    const entries = await readCatalog(kev, signal);
    store.replace(kev.source, entries, now);
    log.info('KEV catalog refreshed', { entries: entries.length });
  } catch (err) {
    store.tried(kev.source, now);
    const kept = meta?.entries ? `the copy of ${meta.fetchedAt} (${meta.entries} entries) is kept` : 'no earlier copy: no KEV due dates until it can be read';
    log.warn(`KEV catalog could not be read; ${kept}`, { source: kev.kind === 'url' ? hostOf(kev.source) : kev.source, error: (err as Error).message });
  }
}

async function readCatalog(kev: KevSource, signal?: AbortSignal): Promise<KevEntry[]> {
  let text: string;
  if (kev.kind === 'file') text = await readFile(kev.source, 'utf8');
  else {
    const res = await createHttpClient({ baseURL: kev.source, timeoutMs: 60_000 }).get<string>('', { responseType: 'text', signal, transformResponse: (x: string) => x });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    text = res.data;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not CISA's KEV format (${issue?.path.join('.') || 'root'}: ${issue?.message})`);
  }
  return parsed.data.vulnerabilities;
}
