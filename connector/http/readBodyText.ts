import type { Readable } from 'node:stream';

/**
 * Read at most `maxBytes` of a response stream as UTF-8 and release the rest: error
 * bodies are small, and a misbehaving server must not make us buffer megabytes to
 * build an error message.
 */
export async function readBodyText(stream: Readable, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buf);
      size += buf.length;
      if (size >= maxBytes) break;
    }
  } catch {
    // A body cut short still tells us something; the status already says what failed.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
