import { z } from 'zod';
import type { ReportGadget, ReportingApi, ReportShare, SavedFilter, SinkCallCounts } from '../types.js';
import { callJira, type CallJiraOptions } from './callJira.js';
import type { JiraClients } from './jiraClient.js';

type Opts = Omit<CallJiraOptions, 'signal' | 'once'>;
const loose = z.looseObject({});
const filterSchema = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), name: z.string(), jql: z.string().default(''), owner: z.looseObject({ accountId: z.string().optional(), name: z.string().optional() }).optional() });
const toFilter = (f: z.output<typeof filterSchema>): SavedFilter => ({ id: f.id, name: f.name, jql: f.jql, ...(f.owner ? { owner: f.owner.accountId ?? f.owner.name } : {}) });
const gadgetSchema = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), title: z.string(), uri: z.string().optional() });

/**
 * Saved filters, dashboards and gadgets over jira.js' clients (Version3Client on Cloud,
 * Version2Client on Data Center), through callJira: retried, failures mapped naming the
 * host. Paths and bodies follow api-notes/jira-reporting-sla-bulk.md Q1/Q2.
 */
export class JiraReportingApi implements ReportingApi {
  readonly dashboards: boolean;
  private readonly v: '2' | '3';

  constructor(
    private readonly clients: JiraClients,
    private readonly opts: Opts,
  ) {
    this.dashboards = clients.v3 !== undefined;
    this.v = clients.v3 ? '3' : '2';
  }

  get host(): string {
    return this.opts.host;
  }

  calls(): SinkCallCounts {
    return { ...this.clients.counts };
  }

  async self(): Promise<string> {
    const me = await this.req('read our own account (GET /myself)', 'GET', 'myself', z.looseObject({ accountId: z.string().optional(), name: z.string().optional() }));
    return me.accountId ?? me.name ?? '';
  }

  async canShare(): Promise<boolean | undefined> {
    const p = await this.req('read our global permissions', 'GET', 'mypermissions', z.looseObject({ permissions: z.record(z.string(), z.looseObject({ havePermission: z.boolean().optional() })) }), {
      params: { permissions: 'CREATE_SHARED_OBJECTS' },
    });
    return p.permissions.CREATE_SHARED_OBJECTS?.havePermission;
  }

  async projectId(key: string): Promise<string | undefined> {
    try {
      return (await this.req(`read project ${key}`, 'GET', `project/${encodeURIComponent(key)}`, z.looseObject({ id: z.string() }))).id;
    } catch (err) {
      if ((err as { status?: number }).status === 404 || /404|No project/.test(String((err as Error).message))) return undefined;
      throw err;
    }
  }

  async searchFilters(name: string, owner: string): Promise<SavedFilter[]> {
    const out: SavedFilter[] = [];
    for (let startAt = 0; ; ) {
      const page = await this.req(`search saved filters named "${name}"`, 'GET', 'filter/search', z.looseObject({ values: z.array(filterSchema).default([]), isLast: z.boolean().default(true) }), {
        params: { filterName: name, accountId: owner, expand: 'jql,owner', startAt, maxResults: 100 },
      });
      out.push(...page.values.map(toFilter));
      if (page.isLast || page.values.length === 0) return out;
      startAt += page.values.length;
    }
  }

  async getFilter(id: string): Promise<SavedFilter | undefined> {
    try {
      return toFilter(await this.req(`read saved filter ${id}`, 'GET', `filter/${id}`, filterSchema));
    } catch (err) {
      if (/not available|does not exist|404|400/.test(String((err as Error).message))) return undefined;
      throw err;
    }
  }

  async favouriteFilters(): Promise<SavedFilter[]> {
    return (await this.req('list our favourite filters', 'GET', 'filter/favourite', z.array(filterSchema))).map(toFilter);
  }

  async createFilter(f: { name: string; description: string; jql: string; share: ReportShare[] }): Promise<SavedFilter> {
    const sharePermissions = await this.shares(f.share);
    const body = { name: f.name, description: f.description, jql: f.jql, ...(this.dashboards ? {} : { favourite: true }), sharePermissions };
    return toFilter(await this.req(`create saved filter "${f.name}"`, 'POST', 'filter', filterSchema, { data: body, once: true }));
  }

  async updateFilter(id: string, f: { name: string; description: string; jql: string }): Promise<void> {
    await this.req(`update saved filter "${f.name}" (${id})`, 'PUT', `filter/${id}`, z.unknown(), { data: f });
  }

  async deleteFilter(id: string): Promise<void> {
    await this.req(`delete saved filter ${id}`, 'DELETE', `filter/${id}`, z.unknown());
  }

  async searchDashboards(name: string, owner: string): Promise<Array<{ id: string; name: string }>> {
    const page = await this.req(`search dashboards named "${name}"`, 'GET', 'dashboard/search', z.looseObject({ values: z.array(z.looseObject({ id: z.string(), name: z.string() })).default([]) }), {
      params: { dashboardName: name, accountId: owner, maxResults: 100 },
    });
    return page.values.map((d) => ({ id: d.id, name: d.name }));
  }

  async createDashboard(d: { name: string; description: string; share: ReportShare[] }): Promise<{ id: string; name: string }> {
    const body = { name: d.name, description: d.description, sharePermissions: await this.shares(d.share), editPermissions: [] };
    const made = await this.req(`create dashboard "${d.name}"`, 'POST', 'dashboard', z.looseObject({ id: z.string(), name: z.string() }), { data: body, once: true });
    return { id: made.id, name: made.name };
  }

  async gadgetTypes(): Promise<Array<{ title: string; uri?: string }>> {
    return (await this.req('list the available gadgets', 'GET', 'dashboard/gadgets', z.looseObject({ gadgets: z.array(z.looseObject({ title: z.string(), uri: z.string().optional() })) }))).gadgets;
  }

  async gadgetPrefs(uri: string): Promise<string[]> {
    const xml = await callJira(`read the gadget spec ${uri}`, () => this.send({ url: `/${uri.replace(/^\/+/, '')}`, method: 'GET', headers: { Accept: 'text/xml, application/xml' }, responseType: 'text' }), z.string(), this.opts);
    return [...xml.matchAll(/<UserPref\b[^>]*\bname="([^"]+)"/g)].map((m) => m[1] as string);
  }

  async statTypes(): Promise<string[]> {
    const r = await callJira('list the statistic types (GET /rest/gadget/1.0/statTypes)', () => this.send({ url: '/rest/gadget/1.0/statTypes', method: 'GET' }), z.looseObject({ stats: z.array(z.looseObject({ value: z.string() })) }), this.opts);
    return r.stats.map((s) => s.value);
  }

  async gadgets(dashboardId: string): Promise<ReportGadget[]> {
    const r = await this.req(`list the gadgets of dashboard ${dashboardId}`, 'GET', `dashboard/${dashboardId}/gadget`, z.looseObject({ gadgets: z.array(gadgetSchema) }));
    return r.gadgets.map((g) => ({ id: g.id, title: g.title, ...(g.uri ? { uri: g.uri } : {}) }));
  }

  async addGadget(dashboardId: string, g: { uri: string; title: string; row: number; column: number }): Promise<ReportGadget> {
    const body = { uri: g.uri, title: g.title, color: 'blue', position: { row: g.row, column: g.column } };
    const made = await this.req(`add gadget "${g.title}" to dashboard ${dashboardId}`, 'POST', `dashboard/${dashboardId}/gadget`, gadgetSchema, { data: body, once: true });
    return { id: made.id, title: made.title, uri: g.uri };
  }

  async gadgetConfig(dashboardId: string, gadgetId: string): Promise<Record<string, unknown> | undefined> {
    try {
      const p = await this.req(`read the config of gadget ${gadgetId}`, 'GET', `dashboard/${dashboardId}/items/${gadgetId}/properties/config`, z.looseObject({ value: loose }));
      return p.value;
    } catch (err) {
      // A gadget never configured has no `config` property: 404 (api-notes Q2).
      if (/404|does not exist/.test(String((err as Error).message))) return undefined;
      throw err;
    }
  }

  async setGadgetConfig(dashboardId: string, gadgetId: string, config: Record<string, string>): Promise<void> {
    await this.req(`configure gadget ${gadgetId} of dashboard ${dashboardId}`, 'PUT', `dashboard/${dashboardId}/items/${gadgetId}/properties/config`, z.unknown(), { data: config });
  }

  private async shares(share: ReportShare[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const s of share) {
      if ('group' in s) out.push({ type: 'group', group: { name: s.group } });
      else out.push({ type: 'project', project: { id: (await this.projectId(s.project)) ?? s.project } });
    }
    return out;
  }

  private req<T>(what: string, method: string, rest: string, schema: z.ZodType<T>, o: { params?: Record<string, unknown>; data?: unknown; once?: boolean } = {}): Promise<T> {
    const url = `/rest/api/${this.v}/${rest}`;
    return callJira(what, () => this.send({ url, method, params: o.params, data: o.data }), schema, { ...this.opts, ...(o.once ? { once: true } : {}) });
  }

  private send(config: { url: string; method: string; params?: Record<string, unknown>; data?: unknown; headers?: Record<string, string>; responseType?: 'text' }): Promise<unknown> {
    const c = this.clients.v3 ?? this.clients.v2;
    return (c as NonNullable<JiraClients['v2']>).sendRequest<unknown>(config as never, undefined as never);
  }
}
