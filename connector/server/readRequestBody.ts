import type { IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';

/** Why a body could not be read; the server turns it into a status. */
export class BodyReadError extends Error {
  constructor(
    readonly reason: 'too-large' | 'bad-encoding' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'BodyReadError';
  }
}

export const SUPPORTED_ENCODINGS = ['gzip', 'deflate', 'br'] as const;

/**
 * The decoder for a `content-encoding` value: null for none/identity, undefined when
 * unsupported (stacked codings included: no sender we know of uses them).
 */
export function decoderFor(contentEncoding: string | undefined): (() => Transform) | null | undefined {
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return null;
  if (coding === 'gzip' || coding === 'x-gzip') return () => createGunzip();
  if (coding === 'deflate') return () => createInflate();
  if (coding === 'br') return () => createBrotliDecompress();
  return undefined;
}

export interface ReadBody {
  body: Buffer;
  /** Bytes as they came over the wire (before decompression). */
  wireBytes: number;
}

/**
 * Reads the request body, decoding it, and stops as soon as either the wire bytes or the
 * decoded bytes pass `maxBytes` (a gzip bomb is a few KiB on the wire). It never
 * destroys the request, so the caller can still answer 413 on the same socket.
 */
export function readRequestBody(req: IncomingMessage, maxBytes: number, decoder: (() => Transform) | null): Promise<ReadBody> {
  return new Promise<ReadBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let bodyBytes = 0;
    let settled = false;
    const inflater = decoder ? decoder() : undefined;

    const settle = (err: BodyReadError | undefined): void => {
      if (settled) return;
      settled = true;
      req.off('data', onWire);
      req.off('end', onWireEnd);
      req.off('error', onAborted);
      req.off('close', onClose);
      if (inflater) {
        inflater.off('data', onBody);
        inflater.destroy();
      }
      if (err) reject(err);
      else resolve({ body: Buffer.concat(chunks, bodyBytes), wireBytes });
    };
    const tooLarge = (what: string) =>
      new BodyReadError('too-large', `the ${what} is larger than the limit of ${maxBytes} bytes; nothing was stored`);

    function onBody(chunk: Buffer): void {
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes) return settle(tooLarge(inflater ? 'decompressed body' : 'body'));
      chunks.push(chunk);
    }
    function onWire(chunk: Buffer): void {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) return settle(tooLarge('body'));
      if (inflater) inflater.write(chunk);
      else onBody(chunk);
    }
    function onWireEnd(): void {
      if (inflater) inflater.end();
      else settle(undefined);
    }
    function onAborted(): void {
      settle(new BodyReadError('aborted', 'the client closed the connection before the body was complete'));
    }
    function onClose(): void {
      if (!req.complete) onAborted();
    }

    if (inflater) {
      inflater.on('data', onBody);
      inflater.once('end', () => settle(undefined));
      // `on`, not `once`: zlib may report again while being torn down.
      inflater.on('error', (err: Error) =>
        settle(new BodyReadError('bad-encoding', `the body is not valid ${String(req.headers['content-encoding'])}: ${err.message}`)),
      );
    }
    req.on('data', onWire);
    req.once('end', onWireEnd);
    req.once('error', onAborted);
    req.once('close', onClose);
  });
}

/**
 * After answering early (401, 413, ...) while the client is still sending, read and drop
 * the rest before closing: closing at once lets the peer's kernel reset the connection
 * and discard our answer unread. `onDrained` runs when the body has ended; a client
 * still sending after `lingerMs` has its socket destroyed, so it cannot hold it.
 */
export function drainUnreadBody(req: IncomingMessage, lingerMs: number, onDrained: () => void): void {
  const timer = setTimeout(() => req.socket?.destroy(), lingerMs);
  timer.unref();
  req.once('end', () => {
    clearTimeout(timer);
    onDrained();
  });
  req.once('close', () => clearTimeout(timer));
  req.on('error', () => clearTimeout(timer));
  req.resume();
}
