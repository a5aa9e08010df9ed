import { gadgetXml, simGadget, SIM_GADGETS } from './simGadgets.js';
import { JqlError, parseJql } from './simJql.js';
import { compileJql } from './simJqlEval.js';
import type { ApiVersion, SimStore } from './simStore.js';

/** A share as stored: the project id or the group name. */
export type SimShare = { type: 'project'; projectId: string } | { type: 'group'; group: string } | { type: 'global' } | { type: 'loggedin' };
export interface SimFilter {
  id: string;
  name: string;
  description: string;
  /** As Jira stores it: rewritten (quotes it does not need dropped). */
  jql: string;
  owner: string;
  favourite: boolean;
  shares: SimShare[];
}
export interface SimDashboard {
  id: string;
  name: string;
  owner: string;
  shares: SimShare[];
  gadgets: SimGadget[];
}
export interface SimGadget {
  id: number;
  uri: string;
  title: string;
  color: string;
  row: number;
  column: number;
  properties: Map<string, unknown>;
}
interface Reply {
  status: number;
  body?: unknown;
  text?: string;
  contentType?: string;
}
type Handler = (c: { method: string; v: ApiVersion; query: URLSearchParams; body: unknown }, m: RegExpMatchArray) => Reply;

const err = (status: number, ...errorMessages: string[]): Reply => ({ status, body: { errorMessages, errors: {} } });
const COLORS = ['blue', 'red', 'yellow', 'green', 'cyan', 'purple', 'gray', 'white'];

/**
 * What Jira does to a filter's JQL when it stores it: quotes around a plain word are
 * dropped (`labels = "vb-kev"` stays, `labels = "pci"` becomes `labels = pci`), spaces
 * around operators and commas are made single (api-notes Takeaway 5: compare normalised).
 */
export function jiraRewriteJql(jql: string): string {
  return jql.replace(/"((?:[^"\\]|\\.)*)"/g, (all, inner: string) => (/^[A-Za-z][A-Za-z0-9_]*$/.test(inner) && !/^(and|or|not|in|is|empty|null|order|by)$/i.test(inner) ? inner : all)).replace(/\s+/g, ' ').trim();
}

/** Saved filters, dashboards, gadgets and their item properties of the simulator's Jira. */
export class SimReporting {
  readonly filters = new Map<string, SimFilter>();
  readonly dashboards = new Map<string, SimDashboard>();
  /** Groups that exist (a share naming another is refused). */
  readonly groups = new Set(['jira-software-users', 'security-team']);
  /** The "Create shared objects" global permission of the connector's account (answered by GET mypermissions in simScreens.ts). */
  get canCreateShared(): boolean {
    return this.store.data.createSharedObjects !== false;
  }
  set canCreateShared(value: boolean) {
    this.store.data.createSharedObjects = value;
  }
  private nextFilter = 10000;
  private nextDashboard = 10100;
  private nextGadget = 10200;

  constructor(
    private readonly store: SimStore,
    /** The connector's account: Cloud accountId, Data Center user name. */
    readonly self: string,
  ) {}

  /** A filter someone else (or we, earlier) made, stored as given. */
  seedFilter(f: { name: string; jql: string; owner?: string; favourite?: boolean }): SimFilter {
    const filter: SimFilter = { id: String(this.nextFilter++), name: f.name, description: '', jql: jiraRewriteJql(f.jql), owner: f.owner ?? this.self, favourite: f.favourite ?? false, shares: [] };
    this.filters.set(filter.id, filter);
    return filter;
  }

  dashboardByName(name: string): SimDashboard | undefined {
    return [...this.dashboards.values()].find((d) => d.name === name);
  }

  /** Routes under /rest/api/{2,3}/ (the reporting ones), in simRoutes' shape. */
  routes(url: () => string): Array<[string, string, Handler]> {
    const cloud = this.store.flavor === 'cloud';
    const self = (v: ApiVersion, p: string) => `${url()}/rest/api/${v}/${p}`;
    const filterJson = (v: ApiVersion, f: SimFilter, expand: string[] = ['jql', 'owner', 'sharePermissions', 'description', 'favourite']) => ({
      self: self(v, `filter/${f.id}`),
      id: f.id,
      name: f.name,
      ...(expand.includes('description') ? { description: f.description } : {}),
      ...(expand.includes('owner') ? { owner: this.userJson(v, f.owner, url) } : {}),
      ...(expand.includes('jql') ? { jql: f.jql } : {}),
      viewUrl: `${url()}/issues/?filter=${f.id}`,
      searchUrl: self(v, `search?jql=${encodeURIComponent(f.jql)}`),
      ...(expand.includes('favourite') ? { favourite: f.favourite } : {}),
      ...(expand.includes('sharePermissions') ? { sharePermissions: f.shares.map((s, i) => this.shareJson(v, s, i, url)) } : {}),
    });
    const routes: Array<[string, string, Handler]> = [
      ['POST', 'filter', (c) => {
        const b = (c.body ?? {}) as { name?: unknown; jql?: unknown; description?: unknown; favourite?: unknown; sharePermissions?: unknown };
        if (typeof b.name !== 'string' || !b.name.trim()) return { status: 400, body: { errorMessages: [], errors: { filterName: 'You must specify a name to save this filter as.' } } };
        const name = b.name;
        if ([...this.filters.values()].some((f) => f.owner === this.self && f.name.toLowerCase() === name.toLowerCase())) {
          return { status: 400, body: { errorMessages: [], errors: { filterName: 'Filter with same name already exists.' } } };
        }
        const jql = this.checkJql(b.jql);
        if (typeof jql !== 'string') return jql;
        const shares = this.parseShares(b.sharePermissions);
        if (!Array.isArray(shares)) return shares;
        const f: SimFilter = { id: String(this.nextFilter++), name: b.name, description: typeof b.description === 'string' ? b.description : '', jql, owner: this.self, favourite: b.favourite === true, shares };
        this.filters.set(f.id, f);
        return { status: 200, body: filterJson(c.v, f) };
      }],
      ['GET', 'filter/favourite', (c) => ({ status: 200, body: [...this.filters.values()].filter((f) => f.favourite && f.owner === this.self).map((f) => filterJson(c.v, f)) })],
      ['GET', 'filter/([0-9]+)', (c, m) => {
        const f = this.filters.get(m[1] as string);
        return f ? { status: 200, body: filterJson(c.v, f) } : err(400, `The selected filter is not available to you, perhaps it has been deleted or had its permissions changed.`);
      }],
      ['PUT', 'filter/([0-9]+)', (c, m) => {
        const f = this.filters.get(m[1] as string);
        if (!f) return err(400, 'The selected filter is not available to you, perhaps it has been deleted or had its permissions changed.');
        if (f.owner !== this.self) return err(400, 'You do not have permission to edit this filter.');
        const b = (c.body ?? {}) as { name?: unknown; jql?: unknown; description?: unknown };
        const jql = b.jql === undefined ? f.jql : this.checkJql(b.jql);
        if (typeof jql !== 'string') return jql;
        if (typeof b.name === 'string') f.name = b.name;
        if (typeof b.description === 'string') f.description = b.description;
        f.jql = jql;
        // Shares survive a PUT that leaves them out (api-notes Takeaway 5).
        return { status: 200, body: filterJson(c.v, f) };
      }],
      ['DELETE', 'filter/([0-9]+)', (_c, m) => (this.filters.delete(m[1] as string) ? { status: 204 } : err(404, 'The filter does not exist.'))],
    ];
    if (!cloud) return routes; // Data Center: no filter search, no dashboard or gadget writes (api-notes Takeaway 6).
    const page = (c: { query: URLSearchParams }, all: unknown[], p: string) => {
      const startAt = Number(c.query.get('startAt') ?? 0) || 0;
      const maxResults = Math.min(Number(c.query.get('maxResults') ?? 50) || 50, 100);
      const values = all.slice(startAt, startAt + maxResults);
      return { status: 200, body: { self: self('3', p), maxResults, startAt, total: all.length, isLast: startAt + values.length >= all.length, values } };
    };
    const dashboardJson = (d: SimDashboard) => ({
      id: d.id, name: d.name, self: self('3', `dashboard/${d.id}`), view: `${url()}/jira/dashboards/${d.id}`, isFavourite: true,
      owner: { accountId: d.owner, displayName: 'vulnbridge bot', active: true }, sharePermissions: d.shares.map((s, i) => this.shareJson('3', s, i, url)), editPermissions: [],
    });
    const gadgetJson = (g: SimGadget) => ({ id: g.id, uri: g.uri, color: g.color, position: { row: g.row, column: g.column }, title: g.title });
    const dashboard = (id: string | undefined) => (id === undefined ? undefined : this.dashboards.get(id));
    const noDashboard = (id: string | undefined) => err(404, `The dashboard with id '${id}' does not exist.`);
    routes.push(
      ['GET', 'filter/search', (c) => {
        const name = (c.query.get('filterName') ?? '').toLowerCase();
        const account = c.query.get('accountId');
        const expand = (c.query.get('expand') ?? '').split(',');
        const hits = [...this.filters.values()].filter((f) => f.name.toLowerCase().includes(name) && (!account || f.owner === account));
        return page(c, hits.map((f) => filterJson('3', f, expand)), 'filter/search');
      }],
      ['POST', 'dashboard', (c) => {
        const b = (c.body ?? {}) as { name?: unknown; sharePermissions?: unknown };
        if (typeof b.name !== 'string' || !b.name.trim()) return { status: 400, body: { errorMessages: [], errors: { name: 'The dashboard name must not be empty.' } } };
        const shares = this.parseShares(b.sharePermissions);
        if (!Array.isArray(shares)) return shares;
        const d: SimDashboard = { id: String(this.nextDashboard++), name: b.name, owner: this.self, shares, gadgets: [] };
        this.dashboards.set(d.id, d);
        return { status: 200, body: dashboardJson(d) };
      }],
      ['GET', 'dashboard/search', (c) => {
        const name = (c.query.get('dashboardName') ?? '').toLowerCase();
        const account = c.query.get('accountId');
        return page(c, [...this.dashboards.values()].filter((d) => d.name.toLowerCase().includes(name) && (!account || d.owner === account)).map(dashboardJson), 'dashboard/search');
      }],
      ['GET', 'dashboard/gadgets', () => ({ status: 200, body: { gadgets: SIM_GADGETS.map((g) => ({ uri: g.uri, title: g.title })) } })],
      ['GET', 'dashboard/([0-9]+)/gadget', (_c, m) => {
        const d = dashboard(m[1]);
        return d ? { status: 200, body: { gadgets: d.gadgets.map(gadgetJson) } } : noDashboard(m[1]);
      }],
      ['POST', 'dashboard/([0-9]+)/gadget', (c, m) => {
        const d = dashboard(m[1]);
        if (!d) return noDashboard(m[1]);
        if (d.owner !== this.self) return err(403, 'You do not have permission to edit this dashboard.');
        const b = (c.body ?? {}) as { uri?: string; moduleKey?: string; title?: string; color?: string; position?: { row?: number; column?: number } };
        if ((b.uri === undefined) === (b.moduleKey === undefined)) return err(400, 'Provide either the module key or URI, but not both.');
        if (!simGadget(b.uri)) return err(400, 'The URI of this gadget is not present in the directory.');
        if (b.color !== undefined && !COLORS.includes(b.color)) return err(400, `The color '${b.color}' is not supported.`);
        const column = b.position?.column ?? 0;
        const row = b.position?.row ?? d.gadgets.filter((g) => g.column === column).length;
        // A gadget placed where one is moves it and those below down (positions are no identity).
        for (const g of d.gadgets) if (g.column === column && g.row >= row) g.row++;
        const g: SimGadget = { id: this.nextGadget++, uri: (b.uri as string).replace(/^\/+/, ''), title: b.title ?? (simGadget(b.uri)?.title as string), color: b.color ?? 'blue', row, column, properties: new Map() };
        d.gadgets.push(g);
        return { status: 200, body: gadgetJson(g) };
      }],
      ['PUT', 'dashboard/([0-9]+)/gadget/([0-9]+)', (c, m) => {
        const g = dashboard(m[1])?.gadgets.find((x) => String(x.id) === m[2]);
        if (!g) return err(404, `The gadget with id '${m[2]}' does not exist on this dashboard.`);
        const b = (c.body ?? {}) as { title?: string; color?: string; position?: { row?: number; column?: number } };
        if (b.title !== undefined) g.title = b.title;
        if (b.color !== undefined) g.color = b.color;
        if (b.position) Object.assign(g, { row: b.position.row ?? g.row, column: b.position.column ?? g.column });
        return { status: 204 };
      }],
      ['DELETE', 'dashboard/([0-9]+)/gadget/([0-9]+)', (_c, m) => {
        const d = dashboard(m[1]);
        const n = d?.gadgets.findIndex((x) => String(x.id) === m[2]) ?? -1;
        if (!d || n < 0) return err(404, `The gadget with id '${m[2]}' does not exist on this dashboard.`);
        d.gadgets.splice(n, 1);
        return { status: 204 };
      }],
      ['GET', 'dashboard/([0-9]+)/items/([0-9]+)/properties/([^/]+)', (_c, m) => {
        const g = dashboard(m[1])?.gadgets.find((x) => String(x.id) === m[2]);
        const key = decodeURIComponent(m[3] as string);
        if (!g || !g.properties.has(key)) return err(404, `The property with key '${key}' does not exist.`);
        return { status: 200, body: { key, value: g.properties.get(key) } };
      }],
      ['PUT', 'dashboard/([0-9]+)/items/([0-9]+)/properties/([^/]+)', (c, m) => {
        const d = dashboard(m[1]);
        const g = d?.gadgets.find((x) => String(x.id) === m[2]);
        const key = decodeURIComponent(m[3] as string);
        if (!d || !g) return err(404, 'The dashboard item does not exist.');
        if (d.owner !== this.self) return err(403, 'You do not have permission to edit this dashboard.');
        if (c.body === undefined || JSON.stringify(c.body).length > 32_768) return err(400, 'The property value must be non-empty JSON of at most 32768 characters.');
        // Spec-URI gadgets: `config` must be an object of strings only (api-notes Takeaway 2).
        const v = c.body as Record<string, unknown>;
        if (key === 'config' && (typeof v !== 'object' || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string'))) {
          return err(400, "The request body's JSON must be an object with all keys and values as strings when the property key is 'config'.");
        }
        const existed = g.properties.has(key);
        g.properties.set(key, c.body);
        return { status: existed ? 200 : 201 };
      }],
    );
    return routes;
  }

  /** Outside /rest/api: gadget spec XMLs and /rest/gadget/1.0/statTypes. */
  raw(pathname: string): Reply | undefined {
    if (pathname === '/rest/gadget/1.0/statTypes') return { status: 200, body: { stats: this.statTypes() } };
    const g = simGadget(pathname);
    if (g) return { status: 200, text: gadgetXml(g), contentType: 'text/xml;charset=UTF-8' };
    return undefined;
  }

  /** Statistic types the instance offers: system ones by Jira's plural names, custom fields by id. */
  statTypes(): Array<{ value: string; label: string }> {
    const system = [['assignees', 'Assignee'], ['priorities', 'Priority'], ['statuses', 'Status'], ['issuetype', 'Issue Type'], ['project', 'Project'], ['resolution', 'Resolution'], ['labels', 'Labels'], ['reporter', 'Reporter']];
    const custom = this.store.data.fields.filter((f) => f.custom && ['option', 'string', 'array'].includes(f.schema?.type ?? '')).map((f) => [f.id, f.name]);
    return [...system, ...custom].map(([value, label]) => ({ value: value as string, label: label as string }));
  }

  private checkJql(jql: unknown): string | Reply {
    if (typeof jql !== 'string') return { status: 400, body: { errorMessages: [], errors: { jql: 'The JQL query is required.' } } };
    try {
      compileJql(this.store, parseJql(jql), this.store.now());
    } catch (e) {
      if (e instanceof JqlError) return { status: 400, body: { errorMessages: [e.message], errors: {} } };
      throw e;
    }
    return jiraRewriteJql(jql);
  }

  private parseShares(raw: unknown): SimShare[] | Reply {
    const list = Array.isArray(raw) ? (raw as Array<{ type?: string; project?: { id?: string }; group?: { name?: string; groupId?: string } }>) : [];
    if (list.length && !this.canCreateShared) return err(400, 'You do not have permission to share. All shares are invalid.');
    const out: SimShare[] = [];
    for (const s of list) {
      if (s.type === 'project') {
        const p = s.project?.id ? this.store.project(s.project.id) : undefined;
        if (!p) return err(400, `Project with id '${s.project?.id}' does not exist or you do not have permission to share with it.`);
        out.push({ type: 'project', projectId: p.id });
      } else if (s.type === 'group') {
        const name = s.group?.name ?? s.group?.groupId ?? '';
        if (!this.groups.has(name)) return err(400, `Group '${name}' does not exist.`);
        out.push({ type: 'group', group: name });
      } else if (s.type === 'global') out.push({ type: 'global' });
      // `authenticated` in, `loggedin` out (api-notes Takeaway 5).
      else if (s.type === 'authenticated' || s.type === 'loggedin') out.push({ type: 'loggedin' });
      else return err(400, `Share type '${s.type}' is not supported.`);
    }
    return out;
  }

  private shareJson(v: ApiVersion, s: SimShare, i: number, url: () => string): Record<string, unknown> {
    const id = 10000 + i;
    if (s.type === 'project') {
      const p = this.store.project(s.projectId);
      return { id, type: 'project', project: { id: p?.id, key: p?.key, name: p?.name, self: `${url()}/rest/api/${v}/project/${p?.id}` } };
    }
    if (s.type === 'group') return { id, type: 'group', group: { name: s.group, self: `${url()}/rest/api/${v}/group?groupname=${s.group}` } };
    return { id, type: s.type };
  }

  private userJson(v: ApiVersion, who: string, url: () => string): Record<string, unknown> {
    return this.store.flavor === 'cloud'
      ? { self: `${url()}/rest/api/${v}/user?accountId=${who}`, accountId: who, displayName: who === this.self ? 'vulnbridge bot' : who, active: true }
      : { self: `${url()}/rest/api/${v}/user?username=${who}`, name: who, key: who, displayName: who, active: true };
  }
}
