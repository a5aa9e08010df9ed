import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Level 1 with a small window and hash table: the JSON packed here is a kilobyte or two,
 * and setting up zlib's default state (hundreds of KB) would cost more than compressing it.
 * Output chunks of 2 KB, not 16: one call allocates a chunk whatever it writes, and most of
 * a call's cost was that allocation and its collection (about 33 us a call, 22 with 2 KB).
 */
const DEFLATE = { level: 1, memLevel: 4, windowBits: 12, chunkSize: 2048 } as const;
const INFLATE = { chunkSize: 2048 } as const;

/**
 * JSON as a row keeps it when it is large and written for every finding (a finding's data,
 * a KnowledgeBase entry): deflated, about half the bytes, and more rows to a page. Every
 * byte of a row is written twice (the WAL, then the checkpoint), and these rows are most
 * of what a first cycle writes.
 */
export const packJson = (json: string): Buffer => deflateRawSync(json, DEFLATE);

/** The JSON of a packed value, or of the JSON text rows written before packing kept. */
export const unpackJson = (stored: Buffer | string): string => (typeof stored === 'string' ? stored : inflateRawSync(stored, INFLATE).toString());
