import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** Atlassian's published Jira Cloud platform REST v3 OpenAPI document. */
export const JIRA_OPENAPI_PATH = process.env.JIRA_OPENAPI_PATH ?? path.resolve(process.cwd(), '../shared/reference/jira/jira-cloud-platform-v3.openapi.json');

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  params: number;
  operationId: string;
  pointer: string;
  requestSchema?: string;
  responses: Record<string, string>;
}

export interface OpenApiCheck {
  operationId?: string;
  errors: string[];
}

const SPEC_KEY = 'jira-v3.json';
// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * Validates bodies against the operation the spec defines for method + path. The
 * 2.3 MB document is loaded and each operation's validator compiled on first use,
 * and shared by every simulator in the process.
 */
export class OpenApiValidator {
  private static shared?: OpenApiValidator;
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  static get(): OpenApiValidator {
    OpenApiValidator.shared ??= new OpenApiValidator(JIRA_OPENAPI_PATH);
    return OpenApiValidator.shared;
  }

  private constructor(specPath: string) {
    const spec = JSON.parse(readFileSync(specPath.startsWith('file:') ? fileURLToPath(specPath) : specPath, 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string; requestBody?: { content?: Record<string, { schema?: unknown }> }; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
    };
    patchErrata(spec as unknown as { components?: { schemas?: Record<string, unknown> } });
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema(spec as object, SPEC_KEY);
    for (const [template, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op || typeof op !== 'object' || !op.operationId) continue;
        const pointer = `/paths/${esc(template)}/${method}`;
        const responses: Record<string, string> = {};
        for (const [status, r] of Object.entries(op.responses ?? {})) {
          if (r?.content?.['application/json']?.schema) responses[status] = `${pointer}/responses/${status}/content/${esc('application/json')}/schema`;
        }
        this.operations.push({
          method: method.toUpperCase(),
          template,
          regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
          params: (template.match(/\{/g) ?? []).length,
          operationId: op.operationId,
          pointer,
          requestSchema: op.requestBody?.content?.['application/json']?.schema ? `${pointer}/requestBody/content/${esc('application/json')}/schema` : undefined,
          responses,
        });
      }
    }
    // Literal segments beat parameters: /issue/bulk before /issue/{issueIdOrKey}.
    this.operations.sort((a, b) => a.params - b.params);
  }

  operation(method: string, path: string): Operation | undefined {
    return this.operations.find((o) => o.method === method && o.regex.test(path));
  }

  checkRequest(method: string, path: string, body: unknown): OpenApiCheck {
    const op = this.operation(method, path);
    if (!op) return { errors: [`no operation ${method} ${path} in the OpenAPI document`] };
    if (!op.requestSchema || body === undefined) return { operationId: op.operationId, errors: [] };
    return { operationId: op.operationId, errors: this.run(op.requestSchema, body) };
  }

  checkResponse(method: string, path: string, status: number, body: unknown): OpenApiCheck {
    const op = this.operation(method, path);
    if (!op) return { errors: [] };
    const schema = op.responses[String(status)];
    if (!schema || body === undefined) return { operationId: op.operationId, errors: [] };
    return { operationId: op.operationId, errors: this.run(schema, body) };
  }

  private run(pointer: string, body: unknown): string[] {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${SPEC_KEY}#${pointer.split('/').map(encodeURIComponent).join('/')}` });
      this.compiled.set(pointer, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map(describe);
  }
}

function esc(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`;
}

/**
 * Known errors of Atlassian's document, fixed before use. DashboardGadgetPosition names
 * its properties by their descriptions ("The row position of the gadget."), so the
 * `{row, column}` that Jira takes and answers (jira.js DashboardGadgetPosition, pycontribs
 * test_dashboard.py) would fail against it.
 */
function patchErrata(spec: { components?: { schemas?: Record<string, unknown> } }): void {
  const schemas = spec.components?.schemas;
  const pos = schemas?.DashboardGadgetPosition as { properties?: Record<string, unknown> } | undefined;
  if (schemas && pos?.properties?.['The row position of the gadget.']) {
    schemas.DashboardGadgetPosition = {
      type: 'object',
      additionalProperties: false,
      properties: { row: { type: 'integer', format: 'int32' }, column: { type: 'integer', format: 'int32' } },
      required: ['row', 'column'],
    };
  }
}
