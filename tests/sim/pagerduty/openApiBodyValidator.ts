import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * One schema error, with the field named the way PagerDuty's own 400s name it
 * (`payload.summary`, `links[0].href`).
 */
export interface OpenApiBodyError {
  field: string;
  message: string;
  /** `field message {params}`, for logs and assertions. */
  text: string;
}

export interface OpenApiBodyCheck {
  operationId?: string;
  errors: OpenApiBodyError[];
}

interface Operation {
  method: string;
  regex: RegExp;
  params: number;
  operationId?: string;
  requestSchema?: string;
}

interface OpenApiDocument {
  servers?: Array<{ url?: string }>;
  paths: Record<string, Record<string, { operationId?: string; requestBody?: { content?: Record<string, { schema?: unknown }> } } | undefined>>;
}

const SPEC_KEY = 'openapi-document.json';
// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * Validates JSON request bodies against any OpenAPI 3.0 document (the Jira one in
 * tests/sim/jira is tied to Jira's document). Paths are matched with the path of the
 * document's first server prefixed (PagerDuty's server is `https://events.pagerduty.com/v2`,
 * so `/enqueue` in the document is `/v2/enqueue` on the wire). One instance per document
 * file in the process; each operation's validator is compiled on first use.
 */
export class OpenApiBodyValidator {
  private static readonly loaded = new Map<string, OpenApiBodyValidator>();
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  static load(specPath: string): OpenApiBodyValidator {
    let v = OpenApiBodyValidator.loaded.get(specPath);
    if (!v) {
      v = new OpenApiBodyValidator(specPath);
      OpenApiBodyValidator.loaded.set(specPath, v);
    }
    return v;
  }

  private constructor(specPath: string) {
    const spec = JSON.parse(readFileSync(specPath.startsWith('file:') ? fileURLToPath(specPath) : specPath, 'utf8')) as OpenApiDocument;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(this.ajv);
    // ajv-formats' `url` refuses private and loopback hosts (10.x, 127.x, 192.168.x), which
    // every link is in tests on 127.0.0.1; PagerDuty documents an http(s) URL, nothing more.
    this.ajv.addFormat('url', { type: 'string', validate: isHttpUrl });
    this.ajv.addSchema(spec as object, SPEC_KEY);
    const base = serverBasePath(spec.servers?.[0]?.url);
    for (const [template, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op || typeof op !== 'object') continue;
        const pointer = `/paths/${esc(template)}/${method}`;
        const full = `${base}${template}`;
        this.operations.push({
          method: method.toUpperCase(),
          regex: new RegExp(`^${full.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
          params: (template.match(/\{/g) ?? []).length,
          operationId: op.operationId,
          requestSchema: op.requestBody?.content?.['application/json']?.schema ? `${pointer}/requestBody/content/${esc('application/json')}/schema` : undefined,
        });
      }
    }
    // Literal segments beat parameters.
    this.operations.sort((a, b) => a.params - b.params);
  }

  /** `path` is the request path as sent (with the server's base path). */
  checkRequest(method: string, path: string, body: unknown): OpenApiBodyCheck {
    const op = this.operations.find((o) => o.method === method && o.regex.test(path));
    if (!op) return { errors: [{ field: '', message: `no operation ${method} ${path} in the OpenAPI document`, text: `no operation ${method} ${path} in the OpenAPI document` }] };
    if (!op.requestSchema) return { operationId: op.operationId, errors: [] };
    let validate = this.compiled.get(op.requestSchema);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${SPEC_KEY}#${op.requestSchema.split('/').map(encodeURIComponent).join('/')}` });
      this.compiled.set(op.requestSchema, validate);
    }
    return { operationId: op.operationId, errors: validate(body) ? [] : (validate.errors ?? []).map(describe) };
  }
}

function serverBasePath(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

function esc(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `/links/0/href` → `links[0].href`; a missing required property is named itself. */
function fieldOf(e: ErrorObject): string {
  let field = '';
  for (const part of e.instancePath.split('/').slice(1)) {
    const seg = part.replace(/~1/g, '/').replace(/~0/g, '~');
    field += /^\d+$/.test(seg) ? `[${seg}]` : field ? `.${seg}` : seg;
  }
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty?: unknown }).missingProperty ?? '');
    field = field ? `${field}.${missing}` : missing;
  }
  return field;
}

function describe(e: ErrorObject): OpenApiBodyError {
  const field = fieldOf(e);
  const message = e.message ?? e.keyword;
  const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
  return { field, message, text: `${field || '/'} ${message}${params}` };
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
