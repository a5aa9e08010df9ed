import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Logger } from '../../log.js';
import { HttpAnswer } from '../httpAnswer.js';
import { STATUS_PAGE_HEADERS } from './pageStyle.js';
import { renderStatusPage } from './renderStatusPage.js';
import type { StatusPageData } from './statusData.js';

/** What the server needs to serve `GET /status` (daemon/statusPageData.ts builds it). */
export interface StatusPageOptions {
  /** Constant-time credential check (http/webhookAuth.ts); absent: the page is served without credentials. */
  authenticate?: (headers: IncomingHttpHeaders) => boolean;
  /** `basic` makes a 401 ask the browser for a user and password. */
  authScheme?: 'basic' | 'header';
  /** Set when the page's credentials could not be read at start: it answers 503 and never serves without them. */
  unavailable?: string;
  /** The page's data, read at each request. */
  read(): StatusPageData;
}

/**
 * `GET /status`: credentials first (401, as for a webhook), then GET/HEAD only, then the
 * page. Refusals are thrown as HttpAnswer; the caller sends the page it returns.
 */
export function answerStatusPage(req: IncomingMessage, page: StatusPageOptions, log: Logger): { headers: Record<string, string>; body: string } {
  if (page.unavailable) throw new HttpAnswer(503, 'the status page is unavailable: its credentials could not be read at start (see the daemon’s log)');
  if (page.authenticate && !page.authenticate(req.headers)) {
    // A browser asks without credentials first: not worth a warning.
    log.debug('status page refused: wrong or missing credentials', { remoteAddress: req.socket.remoteAddress });
    throw new HttpAnswer(401, 'wrong or missing credentials for the status page', page.authScheme === 'basic' ? { 'www-authenticate': 'Basic realm="vulnbridge status", charset="UTF-8"' } : {});
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpAnswer(405, 'the status page is read-only: use GET /status', { allow: 'GET, HEAD' });
  return { headers: { ...STATUS_PAGE_HEADERS }, body: renderStatusPage(page.read()) };
}
