import { SourceError } from '../../errors.js';
import { isFatalForOptionalWork } from '../../http/failurePolicy.js';
import type { Logger } from '../../log.js';
import type { XrayApi } from './xrayApi.js';

const SHOWN = 20;

/**
 * A misspelt watch would list no violations, forever, and a full pull of it would
 * resolve every ticket of the watch: fail instead, naming the watches Xray has. The
 * check needs "Manage Watches"; without it (403/404) or on any other trouble we skip it
 * (the violations call works with Read permission). Bad credentials still fail here.
 */
export async function checkWatches(api: XrayApi, watches: readonly string[], signal: AbortSignal, log: Logger): Promise<void> {
  let listed: Awaited<ReturnType<XrayApi['watchNames']>>;
  try {
    listed = await api.watchNames(signal);
  } catch (err) {
    if (isFatalForOptionalWork(err)) throw err;
    log.debug('could not list Xray watches; skipping the watch name check', { host: api.host, error: err instanceof Error ? err.message : String(err) });
    return;
  }
  if (!('names' in listed)) {
    log.debug('Xray did not list watches (the user may lack "Manage Watches"); skipping the watch name check', { host: api.host, status: listed.status });
    return;
  }
  const known = new Set(listed.names);
  const missing = watches.filter((w) => !known.has(w));
  if (missing.length === 0) return;
  const shown = listed.names.slice(0, SHOWN).join(', ');
  const more = listed.names.length > SHOWN ? ` and ${listed.names.length - SHOWN} more` : '';
  const visible = listed.names.length ? `watches visible: ${shown}${more}` : 'no watches are visible to this user';
  const what = missing.length === 1 ? `watch "${missing[0]}"` : `watches ${missing.map((w) => `"${w}"`).join(', ')}`;
  throw new SourceError('SOURCE_FAILED', `${what} not found on ${api.host}`, {
    host: api.host,
    hint: `${visible}; check \`watches:\` in the job`,
  });
}
