import { customField, SCHEMA_TYPE, type CustomKind, type SimData, type SimField, type SimScreen } from './simData.js';
import type { SimCall, SimReply } from './simRoutes.js';
import type { ApiVersion, SimStore } from './simStore.js';

/*
 * What `vulnbridge setup` calls: custom field create, contexts and options, the project's
 * issue type screen scheme → screen scheme → screens, screen tabs and their fields,
 * addToDefault (Data Center), mypermissions and createmeta/editmeta per issue type that
 * reflect screen membership. Shapes follow the Cloud v3 OpenAPI document (the simulator
 * validates its v3 answers against it).
 */

type Handler = (call: SimCall, m: RegExpMatchArray) => SimReply;
const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const SEARCHERS: Partial<Record<CustomKind, string[]>> = {
  textfield: ['textsearcher', 'exacttextsearcher'],
  textarea: ['textsearcher'],
  float: ['exactnumber', 'numberrange'],
  datepicker: ['daterange'],
  datetime: ['datetimerange'],
  labels: ['labelsearcher'],
  select: ['multiselectsearcher'],
  multiselect: ['multiselectsearcher'],
  url: ['exacttextsearcher'],
};
const err = (status: number, message: string, errors: Record<string, string> = {}): SimReply => ({ status, body: { errorMessages: message ? [message] : [], errors } });
const FORBIDDEN = (): SimReply => err(403, 'You are not allowed to perform this action: it needs the Administer Jira global permission.');
const page = (values: unknown[]) => ({ maxResults: 1000, startAt: 0, total: values.length, isLast: true, values });

/** The screen an issue type of a project uses for `use`, through its issue type screen scheme. */
export function screenFor(data: SimData, projectId: string, issueTypeId: string, use: 'create' | 'edit'): SimScreen | undefined {
  const itss = schemeOfProject(data, projectId);
  const ssId = itss ? (itss.mappings[issueTypeId] ?? itss.mappings.default) : undefined;
  const ss = data.screenSchemes?.find((s) => s.id === ssId);
  const id = ss ? (ss.screens[use] ?? ss.screens.default) : undefined;
  return data.screens?.find((s) => s.id === id);
}

/** A project's issue type screen scheme: the one that lists it, else Jira's default (id 1), as Jira gives every project one. */
function schemeOfProject(data: SimData, projectId: string) {
  return data.issueTypeScreenSchemes?.find((s) => s.projectIds.includes(projectId)) ?? data.issueTypeScreenSchemes?.find((s) => s.id === '1');
}

/** Whether a field may be set on create/edit of that project and issue type. */
export function onScreen(data: SimData, fieldId: string, projectId: string, issueTypeId: string, use: 'create' | 'edit'): boolean {
  if (data.offScreenFields.includes(fieldId)) return false;
  if (!data.apiCreatedFields?.includes(fieldId)) return true;
  return screenFor(data, projectId, issueTypeId, use)?.tabs.some((t) => t.fields.includes(fieldId)) ?? false;
}

/** A tab's fields: those it lists; the first tab also shows every field that predates the simulator (on every screen). */
function tabFieldIds(data: SimData, screen: SimScreen, tabIndex: number): string[] {
  const tab = screen.tabs[tabIndex];
  if (!tab) return [];
  const implicit = tabIndex === 0 ? data.fields.filter((f) => f.custom && !data.offScreenFields.includes(f.id) && !data.apiCreatedFields?.includes(f.id)).map((f) => f.id) : [];
  return [...new Set([...implicit, ...tab.fields])];
}

const DUE_DATE = { id: 'duedate', name: 'Due date', custom: false, schema: { type: 'date', system: 'duedate' } } as unknown as SimField;

function metaField(f: SimField, url: string) {
  const schema = f.schema ?? { type: 'string' };
  return {
    fieldId: f.id,
    key: f.id,
    name: f.name,
    required: false,
    schema,
    operations: ['set'],
    hasDefaultValue: false,
    ...(f.options ? { allowedValues: f.options.map((value, i) => ({ self: `${url}/rest/api/2/customFieldOption/${i + 1}`, value, id: String(i + 1) })) } : {}),
  };
}

export function simSetupRoutes(store: SimStore, opts: { url: () => string }): Array<[string, string, Handler]> {
  const data = store.data;
  const cloud = store.flavor === 'cloud';
  const admin = () => data.admin !== false;
  const screen = (id: string) => data.screens?.find((s) => String(s.id) === id);
  const systemOnCreate = ['summary', 'issuetype', 'project', 'description', 'labels', 'priority', 'parent'];
  const metaFor = (projectKey: string, issueTypeId: string, use: 'create' | 'edit') => {
    const p = store.project(projectKey);
    if (!p) return undefined;
    const fields = data.fields.filter((f) => (f.custom ? onScreen(data, f.id, p.id, issueTypeId, use) : systemOnCreate.includes(f.id)));
    // Jira's system Due date is on the default screens unless a test takes it off.
    return data.offScreenFields.includes('duedate') ? fields : [...fields, DUE_DATE];
  };

  return [
    ['GET', 'mypermissions', (c) => {
      const keys = (c.query.get('permissions') ?? '').split(',').filter(Boolean);
      const project = c.query.get('projectKey');
      if (project && !store.project(project)) return err(404, `No project could be found with key '${project}'.`);
      // Administer Jira (setup) and Schedule Issues (sets `duedate`: JIRAKB "Duedate field cannot be set").
      const known: Record<string, { id: string; name: string; type: string; have: () => boolean }> = {
        ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL', have: admin },
        SCHEDULE_ISSUES: { id: '28', name: 'Schedule Issues', type: 'PROJECT', have: () => data.schedulePermission !== false },
        CREATE_SHARED_OBJECTS: { id: '22', name: 'Create shared objects', type: 'GLOBAL', have: () => data.createSharedObjects !== false },
        BULK_CHANGE: { id: '33', name: 'Make bulk changes', type: 'GLOBAL', have: () => data.bulkChange !== false },
      };
      const permissions = Object.fromEntries(
        keys.map((key) => {
          const k = known[key];
          return [key, { id: k?.id ?? key, key, name: k?.name ?? key, type: k?.type ?? 'PROJECT', description: '', havePermission: k ? k.have() : true }];
        }),
      );
      return { status: 200, body: { permissions } };
    }],
    ['POST', 'field', (c) => {
      if (!admin()) return FORBIDDEN();
      const b = (c.body ?? {}) as { name?: string; type?: string; searcherKey?: string };
      const kind = (b.type ?? '').startsWith(CF) ? (b.type as string).slice(CF.length) as CustomKind : undefined;
      if (!b.name?.trim()) return err(400, '', { name: 'The custom field name is required.' });
      if (!kind || !SCHEMA_TYPE[kind]) return err(400, '', { type: `Custom field type '${b.type ?? ''}' does not exist.` });
      const searcher = (b.searcherKey ?? '').replace(CF, '');
      if (b.searcherKey && !(SEARCHERS[kind] ?? []).includes(searcher)) return err(400, '', { searcherKey: `Searcher '${b.searcherKey}' does not fit the field type.` });
      const customId = Math.max(10999, ...data.fields.map((f) => f.schema?.customId ?? 0)) + 1;
      const field = customField(customId, b.name, kind, kind === 'select' || kind === 'multiselect' ? [] : undefined);
      data.fields.push(field);
      (data.apiCreatedFields ??= []).push(field.id);
      // Cloud gives a new field its global context (Default Configuration Scheme).
      if (cloud) (data.fieldContexts ??= {})[field.id] = [{ id: String(20000 + customId), name: `Default Configuration Scheme for ${b.name}` }];
      return {
        status: 201,
        body: { id: field.id, key: field.id, name: field.name, custom: true, orderable: true, navigable: true, searchable: true, clauseNames: [`cf[${customId}]`, field.name], schema: field.schema },
      };
    }],
    ['GET', 'field/([^/]+)/context', (_c, m) => {
      if (!admin()) return FORBIDDEN();
      if (!store.field(m[1])) return err(404, `The custom field was not found.`);
      const values = (data.fieldContexts?.[m[1]] ?? []).map((x) => ({ id: x.id, name: x.name, description: '', isGlobalContext: true, isAnyIssueType: true }));
      return { status: 200, body: page(values) };
    }],
    ['POST', 'field/([^/]+)/context', (c, m) => {
      if (!admin()) return FORBIDDEN();
      if (!store.field(m[1])) return err(404, `The custom field was not found.`);
      const name = String((c.body as { name?: string } | undefined)?.name ?? '');
      const list = ((data.fieldContexts ??= {})[m[1]] ??= []);
      const id = String(30000 + list.length + Object.keys(data.fieldContexts).length);
      list.push({ id, name });
      return { status: 201, body: { id, name, description: '', issueTypeIds: [], projectIds: [] } };
    }],
    ['GET', 'field/([^/]+)/context/([^/]+)/option', (_c, m) => {
      if (!admin()) return FORBIDDEN();
      const f = store.field(m[1]);
      if (!f || !data.fieldContexts?.[m[1]]?.some((x) => x.id === m[2])) return err(404, 'The context was not found.');
      return { status: 200, body: page((f.options ?? []).map((value, i) => ({ id: String(i + 1), value, disabled: false }))) };
    }],
    ['POST', 'field/([^/]+)/context/([^/]+)/option', (c, m) => {
      if (!admin()) return FORBIDDEN();
      const f = store.field(m[1]);
      if (!f || !data.fieldContexts?.[m[1]]?.some((x) => x.id === m[2])) return err(404, 'The context was not found.');
      const values = ((c.body as { options?: Array<{ value?: string }> } | undefined)?.options ?? []).map((o) => String(o.value ?? ''));
      const dup = values.find((v) => f.options?.includes(v));
      if (dup) return err(400, `The option '${dup}' already exists.`);
      f.options = [...(f.options ?? []), ...values];
      return { status: 200, body: { options: values.map((value) => ({ id: String((f.options ?? []).indexOf(value) + 1), value, disabled: false })) } };
    }],
    ['GET', 'issuetypescreenscheme/project', (c) => {
      if (!admin()) return FORBIDDEN();
      const ids = (c.query.getAll('projectId').join(',') || '').split(',').filter(Boolean);
      const byScheme = new Map<string, string[]>();
      for (const p of ids.filter((id) => store.project(id))) {
        const s = schemeOfProject(data, p);
        if (s) byScheme.set(s.id, [...(byScheme.get(s.id) ?? []), p]);
      }
      const values = [...byScheme].map(([id, projectIds]) => {
        const s = data.issueTypeScreenSchemes?.find((x) => x.id === id);
        return { issueTypeScreenScheme: { id, name: s?.name ?? id, description: '' }, projectIds };
      });
      return { status: 200, body: page(values) };
    }],
    ['GET', 'issuetypescreenscheme/mapping', (c) => {
      if (!admin()) return FORBIDDEN();
      const ids = (c.query.getAll('issueTypeScreenSchemeId').join(',') || '').split(',').filter(Boolean);
      const values = (data.issueTypeScreenSchemes ?? [])
        .filter((s) => !ids.length || ids.includes(s.id))
        .flatMap((s) => Object.entries(s.mappings).map(([issueTypeId, ss]) => ({ issueTypeScreenSchemeId: s.id, issueTypeId, screenSchemeId: String(ss) })));
      return { status: 200, body: page(values) };
    }],
    ['GET', 'screenscheme', (c) => {
      if (!admin()) return FORBIDDEN();
      const ids = (c.query.getAll('id').join(',') || '').split(',').filter(Boolean);
      const values = (data.screenSchemes ?? []).filter((s) => !ids.length || ids.includes(String(s.id))).map((s) => ({ id: s.id, name: s.name, description: '', screens: s.screens }));
      return { status: 200, body: page(values) };
    }],
    ['GET', 'screens/([^/]+)/tabs', (_c, m) => {
      if (!admin()) return FORBIDDEN();
      const s = screen(m[1]);
      return s ? { status: 200, body: s.tabs.map((t) => ({ id: t.id, name: t.name })) } : err(404, 'The screen was not found.');
    }],
    ['GET', 'screens/([^/]+)/tabs/([^/]+)/fields', (_c, m) => {
      if (!admin()) return FORBIDDEN();
      const s = screen(m[1]);
      const i = s ? s.tabs.findIndex((t) => String(t.id) === m[2]) : -1;
      if (!s || i < 0) return err(404, 'The screen tab was not found.');
      return { status: 200, body: tabFieldIds(data, s, i).map((id) => ({ id, name: store.field(id)?.name ?? id })) };
    }],
    ['POST', 'screens/([^/]+)/tabs/([^/]+)/fields', (c, m) => {
      if (!admin()) return FORBIDDEN();
      const s = screen(m[1]);
      const tab = s?.tabs.find((t) => String(t.id) === m[2]);
      const fieldId = String((c.body as { fieldId?: string } | undefined)?.fieldId ?? '');
      const f = store.field(fieldId);
      if (!s || !tab) return err(404, 'The screen tab was not found.');
      if (!f) return err(400, `The field ${fieldId} was not found.`);
      if (s.tabs.some((_t, i) => tabFieldIds(data, s, i).includes(fieldId))) return err(400, `Field ${fieldId} already exists on the screen.`);
      tab.fields.push(fieldId);
      return { status: 200, body: { id: f.id, name: f.name } };
    }],
    ['POST', 'screens/addToDefault/([^/]+)', (_c, m) => {
      if (!admin()) return FORBIDDEN();
      const s = screen('1');
      if (!store.field(m[1]) || !s?.tabs[0]) return err(404, `The field ${m[1]} was not found.`);
      if (!tabFieldIds(data, s, 0).includes(m[1])) s.tabs[0].fields.push(m[1]);
      return { status: 200, body: {} };
    }],
    ['GET', 'issue/createmeta/([^/]+)/issuetypes/([^/]+)', (_c, m) => {
      const fields = metaFor(m[1], m[2], 'create');
      if (!fields) return err(404, `No project could be found with key '${m[1]}'.`);
      const items = fields.map((f) => metaField(f, opts.url()));
      return { status: 200, body: cloud ? { maxResults: 1000, startAt: 0, total: items.length, fields: items } : { maxResults: 1000, startAt: 0, total: items.length, isLast: true, values: items } };
    }],
    ['GET', 'issue/([^/]+)/editmeta', (_c, m) => {
      const issue = store.issue(m[1]);
      if (!issue) return err(404, 'Issue does not exist or you do not have permission to see it.');
      const fields = metaFor(issue.projectKey, issue.issueTypeId, 'edit') ?? [];
      return { status: 200, body: { fields: Object.fromEntries(fields.map((f) => { const { fieldId, ...rest } = metaField(f, opts.url()); return [fieldId, rest]; })) } };
    }],
  ];
}

export type { ApiVersion };
