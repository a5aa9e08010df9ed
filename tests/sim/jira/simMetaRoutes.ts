import type { ApiVersion, SimStore } from './simStore.js';

type Reply = { status: number; body?: unknown };
type Handler = (c: { v: ApiVersion; query: URLSearchParams }, m: RegExpMatchArray) => Reply;

/** System fields of the simulator's create and edit screens (besides its custom fields). */
const SYSTEM = [
  { fieldId: 'summary', name: 'Summary', schema: { type: 'string', system: 'summary' }, required: true },
  { fieldId: 'description', name: 'Description', schema: { type: 'string', system: 'description' }, required: false },
  { fieldId: 'labels', name: 'Labels', schema: { type: 'array', items: 'string', system: 'labels' }, required: false },
  { fieldId: 'priority', name: 'Priority', schema: { type: 'priority', system: 'priority' }, required: false },
  { fieldId: 'duedate', name: 'Due date', schema: { type: 'date', system: 'duedate' }, required: false },
];

/**
 * What the account may do and which fields the screens show: `mypermissions`, createmeta
 * per issue type (Cloud pages `fields`, Data Center `values`) and editmeta. Fields in
 * `offScreenFields` are on neither screen; `schedulePermission: false` takes away
 * Schedule Issues (JIRAKB "Duedate field cannot be set in the project").
 */
export function simMetaRoutes(store: SimStore): Array<[string, string, Handler]> {
  const cloud = store.flavor === 'cloud';
  const onScreen = () =>
    [
      ...SYSTEM,
      ...store.data.fields.filter((f) => f.custom).map((f) => ({ fieldId: f.id, name: f.name, schema: f.schema ?? { type: 'string' }, required: store.data.requiredFields.includes(f.id) })),
    ]
      .filter((f) => !store.data.offScreenFields.includes(f.fieldId))
      .map((f) => ({ ...f, required: f.required || store.data.requiredFields.includes(f.fieldId), key: f.fieldId, hasDefaultValue: false, operations: ['set'] }));
  const notFound = (what: string): Reply => ({ status: 404, body: { errorMessages: [what], errors: {} } });
  return [
    ['GET', 'mypermissions', (c) => {
      const asked = (c.query.get('permissions') ?? '').split(',').filter(Boolean);
      const project = c.query.get('projectKey');
      if (project && !store.project(project)) return notFound(`No project could be found with key '${project}'.`);
      const permissions: Record<string, unknown> = {};
      for (const key of asked) {
        const have = key === 'SCHEDULE_ISSUES' ? store.data.schedulePermission !== false : true;
        permissions[key] = { id: key === 'SCHEDULE_ISSUES' ? '28' : '0', key, name: key === 'SCHEDULE_ISSUES' ? 'Schedule Issues' : key, type: 'PROJECT', description: '', havePermission: have };
      }
      return { status: 200, body: { permissions } };
    }],
    ['GET', 'issue/createmeta/([^/]+)/issuetypes/([^/]+)', (c, m) => {
      if (!store.project(m[1] as string)) return notFound(`No project could be found with key '${m[1]}'.`);
      if (!store.data.issueTypes.some((t) => t.id === m[2])) return notFound(`Issue type with id '${m[2]}' does not exist.`);
      const all = onScreen();
      const startAt = Number(c.query.get('startAt') ?? 0);
      const maxResults = Number(c.query.get('maxResults') ?? 50);
      const items = all.slice(startAt, startAt + maxResults);
      return {
        status: 200,
        body: cloud ? { maxResults, startAt, total: all.length, fields: items } : { maxResults, startAt, total: all.length, isLast: startAt + items.length >= all.length, values: items },
      };
    }],
    ['GET', 'issue/([^/]+)/editmeta', (_c, m) => {
      if (!store.issue(m[1] as string)) return notFound('Issue does not exist or you do not have permission to see it.');
      return { status: 200, body: { fields: Object.fromEntries(onScreen().map(({ fieldId, ...f }) => [fieldId, { ...f, key: fieldId }])) } };
    }],
  ];
}
