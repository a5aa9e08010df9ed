import type { IncomingMessage } from 'node:http';
import { describeError, VulnbridgeError } from '../errors.js';
import type { Logger } from '../log.js';
import { clip } from './clip.js';
import { HttpAnswer } from './httpAnswer.js';
import { isJsonish } from './isJsonish.js';
import { parseJsonBody } from './parseJsonBody.js';
import { BodyReadError, decoderFor, readRequestBody, SUPPORTED_ENCODINGS } from './readRequestBody.js';
import type { WebhookTarget } from './webhookTarget.js';

/** Retry hint when storing failed; Xray itself may not retry, a relay might. */
const RETRY_AFTER_SECONDS = '30';

/** What answerWebhook needs from the server around it. */
export interface WebhookAnswerContext {
  log: Logger;
  maxBodyBytes: number;
  webhookTarget(kind: string, job: string): WebhookTarget | undefined;
  /** Tells a sender waiting on `Expect: 100-continue` to send its body (no-op otherwise). */
  continueIfAwaited(): void;
  /** Sends the 202 once the payload is stored. */
  sendAccepted(body: object): void;
}

/**
 * `POST /webhooks/<kind>/<job>`: checks job, method, credentials, size, encoding and
 * content type before reading the body, then parses and stores it. Every refusal is
 * thrown as an HttpAnswer (and logged); a sender gone mid-body gets nothing.
 */
export async function answerWebhook(
  req: IncomingMessage,
  route: { kind: string; job: string },
  ctx: { receivedAt: Date; remoteAddress?: string },
  server: WebhookAnswerContext,
): Promise<void> {
  const { log, maxBodyBytes } = server;
  const { kind, job } = route;
  const where = { job: clip(job), kind: clip(kind), remoteAddress: ctx.remoteAddress };
  const target = server.webhookTarget(kind, job);
  // Credentials first, and the same answer for a job that does not exist (or has no
  // secret) as for a wrong secret: the answers must not tell which job names exist.
  // The log says which it was, for the operator.
  const refused = () =>
    new HttpAnswer(401, `wrong or missing credentials for job ${clip(job)}`, target?.authScheme === 'header' ? {} : { 'www-authenticate': 'Basic realm="vulnbridge", charset="UTF-8"' });
  if (!target) {
    // Most likely a typo in the URL set in Xray.
    log.warn(`webhook refused: no job ${clip(job)} takes ${clip(kind)} webhooks (answered as wrong credentials)`, where);
    throw refused();
  }
  if (!target.authenticate) {
    log.warn('webhook refused: the job has no webhook secret (set webhook.basicAuth or webhook.header in the config); answered as wrong credentials', where);
    throw refused();
  }
  if (!target.authenticate(req.headers)) {
    // Which scheme was presented helps the operator; the credentials themselves never reach a log.
    const presented = req.headers.authorization?.trim().split(/\s+/)[0]?.toLowerCase();
    log.warn('webhook refused: wrong or missing credentials', {
      ...where,
      // Not named `authorization`: the log redactor blanks that key whatever it holds.
      presentedScheme: presented ? clip(presented, 20) : 'none',
      userAgent: clip(req.headers['user-agent'] ?? '', 80),
    });
    throw refused();
  }
  if (req.method !== 'POST') throw new HttpAnswer(405, 'use POST to deliver a webhook', { allow: 'POST' });

  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBodyBytes) {
    log.warn('webhook refused: body too large', { ...where, contentLength: Number(declared), maxBodyBytes });
    throw new HttpAnswer(413, `the body (${declared} bytes) is larger than the limit of ${maxBodyBytes} bytes; nothing was stored`);
  }
  const decoder = decoderFor(req.headers['content-encoding']);
  if (decoder === undefined) {
    const coding = clip(req.headers['content-encoding'] ?? '', 40);
    log.warn('webhook refused: unsupported content-encoding', { ...where, contentEncoding: coding });
    throw new HttpAnswer(415, `unsupported content-encoding ${coding}: send ${SUPPORTED_ENCODINGS.join(', ')} or none`);
  }
  if (!isJsonish(req.headers['content-type'])) {
    const type = clip(req.headers['content-type'] ?? '', 80);
    log.warn('webhook refused: not JSON', { ...where, contentType: type });
    throw new HttpAnswer(415, `content-type ${type || '(none)'} is not JSON: send application/json`);
  }

  server.continueIfAwaited();
  let read;
  try {
    read = await readRequestBody(req, maxBodyBytes, decoder);
  } catch (err) {
    if (!(err instanceof BodyReadError)) throw err;
    if (err.reason === 'aborted') {
      log.debug('webhook sender went away before the body was complete', where);
      return;
    }
    log.warn('webhook refused: body unreadable', { ...where, error: err.message });
    throw new HttpAnswer(err.reason === 'too-large' ? 413 : 400, err.message);
  }

  let body: unknown;
  try {
    body = parseJsonBody(read.body);
  } catch (err) {
    if (err instanceof HttpAnswer) log.warn('webhook refused: invalid JSON', { ...where, error: err.error });
    throw err;
  }

  let stored: { id: number | string; description: string };
  try {
    stored = await target.accept(body, { remoteAddress: ctx.remoteAddress, receivedAt: ctx.receivedAt });
  } catch (err) {
    if (err instanceof VulnbridgeError && err.code === 'WEBHOOK_INVALID') {
      log.warn('webhook refused: payload not accepted', { ...where, error: err.describe() });
      throw new HttpAnswer(400, err.describe());
    }
    log.error('webhook could not be stored', { ...where, error: describeError(err) });
    throw new HttpAnswer(503, 'the payload could not be stored and was not kept: retry later', { 'retry-after': RETRY_AFTER_SECONDS });
  }
  log.info('webhook accepted', {
    ...where,
    id: stored.id,
    description: stored.description,
    bytes: read.body.length,
    ...(decoder ? { wireBytes: read.wireBytes } : {}),
  });
  server.sendAccepted({ accepted: true, id: stored.id, description: stored.description });
}
