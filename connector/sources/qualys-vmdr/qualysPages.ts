import { ExternalHostError, SourceError, VulnbridgeError } from '../../errors.js';
import { readWithIdleTimeout } from '../../http/readWithIdleTimeout.js';
import { redactString } from '../../redact.js';
import type { Logger } from '../../log.js';
import type { QualysParams } from './hldParams.js';
import { objectOf, OrgJsonBuilder, textOf, type OrgJsonFrame, type OrgJsonObject, type OrgJsonValue, type RawCaptureOptions, type RawElement, type ScanOption, type WholeRecordOption } from './orgJson.js';
import type { QualysApi } from './qualysApi.js';
import { describeSimpleReturn, simpleReturnFrom } from './simpleReturn.js';

/**
 * Picks records out of the stream. Push what you take into `out` and return `true`
 * so the element is not kept in the document tree (that is what keeps memory flat).
 */
export type RecordPicker<T> = (name: string, value: OrgJsonValue, stack: readonly OrgJsonFrame[], out: T[]) => boolean;

/** Takes elements as text, not objects (`OrgJsonBuilderOptions.raw`): push what you make of one (or of a whole list) into `out`. */
export interface RawPicker<T> extends Omit<RawCaptureOptions, 'take' | 'scan'> {
  take: (element: RawElement, stack: readonly OrgJsonFrame[], out: T[]) => void;
  scan?: Omit<ScanOption, 'takeList' | 'record'> & {
    takeList?: (content: string, stack: readonly OrgJsonFrame[], out: T[]) => void;
    record?: Omit<WholeRecordOption, 'take'> & { take: (xml: string, stack: readonly OrgJsonFrame[], out: T[]) => boolean };
  };
}

export interface PageBatch<T> {
  /** `page 3 (id_min=123456)`. */
  label: string;
  records: T[];
  /** This batch ends its page. */
  pageEnd: boolean;
}

export interface QualysPagesRequest<T> {
  api: QualysApi;
  path: string;
  params: QualysParams;
  /** `Host List Detection`, `KnowledgeBase`, … for messages. */
  what: string;
  /** Root element of a good answer, e.g. `HOST_LIST_VM_DETECTION_OUTPUT`. */
  root: string;
  pick: RecordPicker<T>;
  raw?: RawPicker<T>;
  signal: AbortSignal;
  log: Logger;
}

/** What messages about a page need. */
export type PageContext = Pick<QualysPagesRequest<unknown>, 'api' | 'path' | 'what' | 'signal' | 'log'>;

/** Qualys's "truncation limit reached, use URL for the next batch" warning (qualys.md §1 "Pagination"). */
const NEXT_PAGE_CODE = '1980';

/**
 * Streams a paged Qualys XML list: each page is parsed while it arrives and records are
 * handed out per network chunk, so memory does not grow with the page or the pull. The
 * next page is named by `RESPONSE/WARNING` CODE 1980 + URL; no WARNING = last page.
 */
export async function* qualysPages<T>(req: QualysPagesRequest<T>): AsyncGenerator<PageBatch<T>, void, void> {
  let params = req.params;
  for (let page = 1; ; page++) {
    const label = pageLabel(page, params);
    const stream = await req.api.open(req.path, params, `${req.what} ${label}`, req.signal);
    const out: T[] = [];
    const builder = new OrgJsonBuilder({
      onRootOpen: (name) => {
        if (name !== req.root && name !== 'SIMPLE_RETURN') throw new Error(`unexpected root element <${name}>, expected <${req.root}>`);
      },
      onElement: (name, value, stack) => req.pick(name, value, stack, out),
      ...(req.raw ? { raw: rawOptions(req.raw, out) } : {}),
    });
    let doc: OrgJsonObject;
    try {
      stream.setEncoding('utf8');
      const idle = (): Error =>
        new ExternalHostError('HOST_UNREACHABLE', `Qualys sent nothing for ${req.api.timeoutMs / 1000} s during ${req.what} ${label}`, {
          host: req.api.host,
          hint: 'Qualys normally keeps a long answer alive; the host or the network stalled (raise timeoutSeconds if this recurs)',
        });
      for await (const chunk of readWithIdleTimeout<string>(stream, req.api.timeoutMs, idle)) {
        builder.write(chunk);
        if (out.length > 0) yield { label, records: out.splice(0, out.length), pageEnd: false };
      }
      doc = builder.end();
    } catch (err) {
      stream.destroy();
      throw invalidResponse(err, req, label);
    }
    yield { label, records: out.splice(0, out.length), pageEnd: true };

    const top = objectOf(doc[builder.rootName ?? '']) ?? {};
    if (builder.rootName === 'SIMPLE_RETURN') {
      const simple = simpleReturnFrom(top);
      throw new SourceError('SOURCE_FAILED', `Qualys refused ${req.what} ${label}: ${describeSimpleReturn(simple)}`, {
        host: req.api.host,
        path: req.path,
        hint: 'check the filter options and extraParams of this source (codes: docs.qualys.com/en/vm/qweb-all-api/appendix/appendix_d.htm)',
      });
    }
    const next = nextParams(objectOf(objectOf(top.RESPONSE)?.WARNING), params, req, label);
    if (!next) return;
    params = next;
  }
}

/** A picker's raw options as the builder takes them: what it takes goes to `out`. */
export function rawOptions<T>(raw: RawPicker<T>, out: T[]): RawCaptureOptions {
  const { scan, take, ...rest } = raw;
  const takeList = scan?.takeList;
  const record = scan?.record;
  return {
    ...rest,
    take: (element, stack) => take(element, stack, out),
    ...(scan
      ? {
          scan: {
            list: scan.list,
            element: scan.element,
            ...(takeList ? { takeList: (content: string, stack: readonly OrgJsonFrame[]) => takeList(content, stack, out) } : {}),
            ...(record ? { record: { parent: record.parent, element: record.element, take: (xml: string, stack: readonly OrgJsonFrame[]) => record.take(xml, stack, out) } } : {}),
          },
        }
      : {}),
  };
}

function pageLabel(page: number, params: QualysParams): string {
  const cursor = ['id_min', 'id_max'].filter((k) => params[k] !== undefined).map((k) => `${k}=${params[k]}`);
  return cursor.length ? `page ${page} (${cursor.join(', ')})` : `page ${page}`;
}

/**
 * The URL names the next page by its query (`id_min=<next host id>`). We re-POST those
 * parameters over our own base params to the configured host with our own auth — never
 * to the URL's host, which may be another name for the platform (qualysdk does the same:
 * `qualysdk/vmdr/base/helpers.py`).
 */
function nextParams(warning: OrgJsonObject | undefined, current: QualysParams, req: PageContext, label: string): QualysParams | undefined {
  if (!warning) return undefined;
  const code = textOf(warning.CODE);
  const url = textOf(warning.URL);
  if (code !== NEXT_PAGE_CODE || !url) {
    req.log.warn('Qualys answered with a warning', { host: req.api.host, what: req.what, page: label, code, text: textOf(warning.TEXT) });
    return undefined;
  }
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys ${req.what} ${label} names its next page with an unreadable URL`, { host: req.api.host, path: req.path });
  }
  const next: QualysParams = { ...current };
  for (const [k, v] of query) next[k] = v;
  if (Object.keys(next).length === Object.keys(current).length && Object.entries(next).every(([k, v]) => current[k] === v)) {
    throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys ${req.what} ${label} names itself as the next page`, {
      host: req.api.host,
      path: req.path,
      hint: 'stopping to avoid a loop; report this response to Qualys support',
    });
  }
  return next;
}

export function invalidResponse(err: unknown, req: PageContext, label: string): VulnbridgeError {
  if (req.signal.aborted) return new VulnbridgeError('ABORTED', `Qualys ${req.what} ${label} was cancelled`, { host: req.api.host, cause: err });
  if (err instanceof VulnbridgeError) return err;
  const reason = redactString(err instanceof Error ? err.message : String(err));
  return new SourceError('SOURCE_RESPONSE_INVALID', `Qualys ${req.what} ${label} is not a complete XML document: ${reason}`, {
    host: req.api.host,
    path: req.path,
    hint: 'the response was cut off or malformed; nothing from this cycle is applied and the next cycle pulls it again',
    cause: err,
  });
}
