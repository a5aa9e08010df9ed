import { SaxesParser } from 'saxes';

/**
 * The floor the pipeline is compared with: the same HLD pages fetched and run through
 * saxes with nothing but a DETECTION counter and the WARNING URL, no objects built.
 */
export async function bareParse(url: string, auth: { username: string; password: string }, params: Record<string, string>): Promise<{ detections: number; pages: number; ms: number }> {
  const started = performance.now();
  let detections = 0;
  let pages = 0;
  let next: Record<string, string> | undefined = params;
  const authHeader = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  while (next) {
    const res = await fetch(`${url}/api/5.0/fo/asset/host/vm/detection/`, {
      method: 'POST',
      headers: { authorization: authHeader, 'x-requested-with': 'vulnbridge-bench', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(next).toString(),
    });
    if (!res.ok || !res.body) throw new Error(`HLD answered ${res.status}`);
    pages++;
    const parser = new SaxesParser();
    let inUrl = false;
    let warningUrl = '';
    parser.on('opentag', (t) => {
      if (t.name === 'URL') inUrl = true;
    });
    parser.on('closetag', (t) => {
      if (t.name === 'DETECTION') detections++;
      if (t.name === 'URL') inUrl = false;
    });
    parser.on('cdata', (c) => {
      if (inUrl) warningUrl += c;
    });
    parser.on('text', (c) => {
      if (inUrl) warningUrl += c;
    });
    const decoder = new TextDecoder();
    for await (const chunk of res.body) parser.write(decoder.decode(chunk as Uint8Array, { stream: true }));
    parser.close();
    next = warningUrl.trim() ? { ...params, ...Object.fromEntries(new URL(warningUrl.trim()).searchParams) } : undefined;
  }
  return { detections, pages, ms: performance.now() - started };
}
