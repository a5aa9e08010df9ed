import { inferFieldType, type InferredField } from '../../templates/inferFieldType.js';
import type { TicketScheme, TicketTemplate } from '../../templates/types.js';
import type { SetupItem, SetupReport, SetupRequest } from '../types.js';
import { fieldKind } from './coerceField.js';
import type { JiraApi } from './jiraApi.js';
import { describeKind, JIRA_FIELD_TYPES } from './jiraFieldTypes.js';
import { SetupApi } from './setupApi.js';
import type { JiraField } from './wire.js';

const OTHER_SCREENS = 'the project does not use the default screen and Data Center has no REST API for screen schemes: add the field in Jira administration → Issues → Screens';

/** The global permission every call that creates fields or edits screens needs. */
export const ADMIN_PERMISSION = 'ADMINISTER';

interface Wanted {
  name: string;
  kind: InferredField;
  /** Declared `severity`: an existing number field takes it too (rank 5..1). */
  severity: boolean;
  templates: Set<string>;
  /** Issue type names whose tickets carry it. */
  issueTypes: Set<string>;
}

/** The custom fields the schemes fill by name (an explicit customFieldId is the user's own field), first declaration wins. */
export function wantedFields(schemes: readonly TicketScheme[]): Map<string, Wanted> {
  const out = new Map<string, Wanted>();
  for (const scheme of schemes) {
    for (const t of Object.values(scheme.tickets) as Array<TicketTemplate | undefined>) {
      for (const cf of t?.customFields ?? []) {
        if (cf.customFieldId?.trim()) continue;
        let w = out.get(cf.name);
        if (!w) {
          w = { name: cf.name, kind: inferFieldType(cf, scheme.moduleName), severity: cf.type === 'severity', templates: new Set(), issueTypes: new Set() };
          out.set(cf.name, w);
        }
        w.templates.add(scheme.name);
        w.issueTypes.add((t as TicketTemplate).issueType);
      }
    }
  }
  return out;
}

/**
 * `vulnbridge setup` for one project: what the schemes need that Jira lacks (custom
 * fields of the inferred kind, select options, a place on the create and edit screens of
 * each issue type), and with `apply` the creation of it. Idempotent: everything is read
 * first and only what is missing is written.
 *
 * Screens: Cloud follows the project's issue type screen scheme to each issue type's
 * screen scheme and its create / edit screens (or default screen) and adds the field to
 * the first tab; Data Center has no REST API for screen schemes, so the field goes to the
 * default screen (`/screens/addToDefault`, what classic projects' default screen scheme
 * shows) and createmeta tells whether the issue type's create screen now has it.
 */
export async function runSetup(api: JiraApi, req: SetupRequest, opts: { host: string }): Promise<SetupReport> {
  const setup = new SetupApi(api);
  const { signal } = req;
  const writesBefore = api.calls().writes;
  await api.myself(signal);
  const project = await api.project(req.project, signal);
  const [fields, issueTypeList, admin] = await Promise.all([
    api.fields(signal),
    api.createMetaIssueTypes(req.project, signal),
    setup.hasPermission(ADMIN_PERMISSION, signal),
  ]);
  const write = req.apply && admin;
  const items: SetupItem[] = [];
  const mismatches: string[] = [];
  const wanted = wantedFields(req.schemes);
  const resolved = new Map<string, JiraField>();
  const created = new Set<string>();

  for (const w of wanted.values()) {
    const named = fields.filter((f) => f.name === w.name);
    const existing = named.find((f) => f.custom !== false) ?? named[0];
    if (existing) {
      resolved.set(w.name, existing);
      const kind = fieldKind(existing);
      const accepts: readonly string[] = w.severity ? [...JIRA_FIELD_TYPES.select.accepts, 'number'] : JIRA_FIELD_TYPES[w.kind.type].accepts;
      if (!accepts.includes(kind)) mismatches.push(`'${w.name}' (${existing.id}) is a ${kind} field; the templates (${[...w.templates].join(', ')}) fill it as ${describeKind(w.kind)}`);
      continue;
    }
    const jira = JIRA_FIELD_TYPES[w.kind.type];
    const item: SetupItem = { kind: 'field', field: w.name, type: describeKind(w.kind), detail: jira.label, templates: [...w.templates] };
    items.push(item);
    if (write) {
      const f = await setup.createField({ name: w.name, type: jira.type, searcherKey: jira.searcherKey, description: `Filled by vulnbridge (${[...w.templates].join(', ')}).` });
      resolved.set(w.name, f);
      created.add(w.name);
      item.done = true;
    }
  }

  // Select options: Cloud through the field's (global) context; Data Center has no REST
  // API for options, so createmeta's allowedValues tell what is missing (screens below).
  const selects = [...wanted.values()].filter((w) => w.kind.type === 'select' && (w.kind.options?.length ?? 0) > 0);
  for (const w of selects) {
    const f = resolved.get(w.name);
    if (f && !['select', 'multiselect'].includes(fieldKind(f)) && !created.has(w.name)) continue;
    if (!setup.cloud) continue;
    let have: string[] = [];
    let contextId: string | undefined;
    if (f && admin) {
      contextId = (await setup.contexts(f.id, signal))[0]?.id;
      if (contextId) have = await setup.options(f.id, contextId, signal);
    }
    const missing = (w.kind.options ?? []).filter((o) => !have.includes(o));
    if (!missing.length) continue;
    const item: SetupItem = { kind: 'option', field: w.name, detail: missing.join(', '), templates: [...w.templates] };
    items.push(item);
    if (write && f) {
      contextId ??= await setup.createGlobalContext(f.id, `Default Configuration Scheme for ${w.name}`);
      await setup.addOptions(f.id, contextId, missing);
      item.done = true;
    }
  }

  const typeIds = new Map(issueTypeList.map((t) => [t.name.toLowerCase(), t]));
  const neededBy = (typeName: string) => [...wanted.values()].filter((w) => w.issueTypes.has(typeName));
  const typeNames = [...new Set([...wanted.values()].flatMap((w) => [...w.issueTypes]))];
  if (!admin) {
    for (const w of wanted.values()) {
      const f = resolved.get(w.name);
      if (!f || created.has(w.name)) items.push({ kind: 'screen', field: w.name, detail: `create and edit screens of ${[...w.issueTypes].join(', ')} in ${project.key}`, templates: [...w.templates] });
    }
  } else if (setup.cloud) {
    const ids = typeNames.map((n) => typeIds.get(n.toLowerCase())?.id).filter((x): x is string => x !== undefined);
    const screensByType = await setup.projectScreens(project.id, ids, signal);
    const screens = new Map<string, { uses: Set<string>; fields: Set<Wanted> }>();
    for (const name of typeNames) {
      const it = typeIds.get(name.toLowerCase());
      const s = it ? screensByType.get(it.id) : undefined;
      if (!s) {
        // No screen found for the type: say so rather than report nothing.
        for (const w of neededBy(name)) items.push({ kind: 'screen', field: w.name, detail: `create and edit screens of ${name} in ${project.key} (not found through the project's issue type screen scheme)`, templates: [...w.templates] });
        continue;
      }
      for (const [use, id] of [['create', s.create], ['edit', s.edit]] as const) {
        const e = screens.get(id) ?? { uses: new Set<string>(), fields: new Set<Wanted>() };
        e.uses.add(`${use} screen of ${name}`);
        for (const w of neededBy(name)) e.fields.add(w);
        screens.set(id, e);
      }
    }
    for (const [screenId, e] of screens) {
      const tabs = await setup.tabs(screenId, signal);
      const present = new Set<string>();
      for (const tab of tabs) for (const f of await setup.tabFields(screenId, tab.id, signal)) present.add(f.id);
      for (const w of e.fields) {
        const f = resolved.get(w.name);
        if (f && present.has(f.id)) continue;
        const item: SetupItem = { kind: 'screen', field: w.name, detail: `screen ${screenId} (${[...e.uses].join(', ')})`, templates: [...w.templates] };
        items.push(item);
        const tab = tabs[0];
        if (write && f && tab) {
          await setup.addToTab(screenId, tab.id, f.id);
          item.done = true;
        }
      }
    }
  } else {
    const addedToDefault = new Set<string>();
    let defaultScreen: Promise<Set<string>> | undefined;
    const onDefault = () =>
      (defaultScreen ??= (async () => {
        const ids = new Set<string>();
        for (const tab of await setup.tabs('1', signal)) for (const f of await setup.tabFields('1', tab.id, signal)) ids.add(f.id);
        return ids;
      })());
    for (const name of typeNames) {
      const it = typeIds.get(name.toLowerCase());
      if (!it) continue;
      const meta = await setup.createMetaFields(project.key, it.id, signal);
      const pending: Array<{ item: SetupItem; fieldId: string }> = [];
      for (const w of neededBy(name)) {
        const f = resolved.get(w.name);
        const allowed = f ? meta.get(f.id) : undefined;
        if (f && meta.has(f.id)) {
          const missing = w.kind.type === 'select' && allowed ? (w.kind.options ?? []).filter((o) => !allowed.includes(o)) : [];
          if (missing.length) items.push({ kind: 'option', field: w.name, detail: missing.join(', '), templates: [...w.templates], done: false, note: 'Data Center has no REST API for select options: add them in Jira administration → Issues → Custom fields → Configure → Edit options' });
          continue;
        }
        const item: SetupItem = { kind: 'screen', field: w.name, detail: `the default screen (create and edit screen of ${name} in ${project.key})`, templates: [...w.templates] };
        items.push(item);
        if (f && (await onDefault()).has(f.id)) {
          // On the default screen already, yet not on this type's create screen: the project uses other screens.
          item.detail = `the create and edit screens of ${name} in ${project.key}`;
          item.note = OTHER_SCREENS;
          continue;
        }
        if (write && f && !addedToDefault.has(f.id)) {
          await setup.addToDefaultScreen(f.id);
          addedToDefault.add(f.id);
        }
        if (write && f) pending.push({ item, fieldId: f.id });
        if (w.kind.type === 'select' && (created.has(w.name) || !f)) {
          items.push({ kind: 'option', field: w.name, detail: (w.kind.options ?? []).join(', '), templates: [...w.templates], done: false, note: 'Data Center has no REST API for select options: add them in Jira administration → Issues → Custom fields → Configure → Edit options' });
        }
      }
      // Done only when the type's create screen now shows the field (createmeta again).
      if (pending.length) {
        const after = await setup.createMetaFields(project.key, it.id, signal);
        for (const p of pending) {
          if (after.has(p.fieldId)) p.item.done = true;
          else p.item.note = OTHER_SCREENS;
        }
      }
    }
  }

  const report: SetupReport = { project: project.key, items: dedupe(items), mismatches, writes: api.calls().writes - writesBefore };
  if (!admin && items.length) {
    report.permissionProblem =
      `the account lacks the Administer Jira global permission (${ADMIN_PERMISSION}) on ${opts.host}, which creating fields and editing screens needs` +
      `${req.apply ? ': nothing was changed' : ''}. Ask a Jira administrator to run \`vulnbridge setup --apply\`, or to create by hand what is listed`;
  }
  return report;
}

function dedupe(items: SetupItem[]): SetupItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = `${i.kind}\n${i.field}\n${i.detail ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
