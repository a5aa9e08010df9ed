import { z } from 'zod';
import type { JiraApi } from './jiraApi.js';
import { fieldListSchema, type JiraField } from './wire.js';

/*
 * The admin calls of `vulnbridge setup` (Cloud REST v3 / Data Center REST v2), each with
 * the part of the answer it reads. Paths and shapes: the Cloud OpenAPI document
 * (createCustomField, getContextsForField, createCustomFieldOption,
 * getIssueTypeScreenSchemeProjectAssociations, getIssueTypeScreenSchemeMappings,
 * getScreenSchemes, getAllScreenTabs, getAllScreenTabFields, addScreenTabField,
 * getMyPermissions, getCreateIssueMetaIssueTypeId); Data Center has the same field,
 * screen-tab, addToDefault, mypermissions and createmeta paths under /rest/api/2.
 */

const page = <T extends z.ZodType>(item: T) =>
  z.looseObject({ values: z.array(item).optional(), isLast: z.boolean().optional(), total: z.number().optional() }).transform((p) => p.values ?? []);
const idish = z.union([z.string(), z.number()]).transform(String);
const anything = z.unknown();

const permissionsSchema = z.looseObject({
  permissions: z.record(z.string(), z.looseObject({ havePermission: z.boolean().optional() })),
});
const contextSchema = z.looseObject({ id: idish, name: z.string().optional(), isGlobalContext: z.boolean().optional() });
const optionSchema = z.looseObject({ id: idish.optional(), value: z.string() });
const schemeProjectsSchema = page(z.looseObject({ issueTypeScreenScheme: z.looseObject({ id: idish, name: z.string() }), projectIds: z.array(idish) }));
const mappingSchema = page(z.looseObject({ issueTypeId: z.string(), screenSchemeId: idish }));
const screenSchemeSchema = page(
  z.looseObject({
    id: idish,
    name: z.string().optional(),
    screens: z.looseObject({ default: idish.optional(), create: idish.optional(), edit: idish.optional() }).optional(),
  }),
);
const tabsSchema = z.array(z.looseObject({ id: idish, name: z.string() }));
const tabFieldsSchema = z.array(z.looseObject({ id: z.string(), name: z.string().optional() }));
const createMetaFieldsSchema = z
  .looseObject({
    fields: z.array(z.looseObject({ fieldId: z.string(), allowedValues: z.array(z.looseObject({ value: z.string().optional() })).optional() })).optional(),
    values: z.array(z.looseObject({ fieldId: z.string(), allowedValues: z.array(z.looseObject({ value: z.string().optional() })).optional() })).optional(),
    results: z.array(z.looseObject({ fieldId: z.string() })).optional(),
  })
  .transform((p) => p.fields ?? p.values ?? []);
const fieldCreatedSchema = fieldListSchema.element;

export interface ScreenRef {
  id: string;
  name: string;
}

export class SetupApi {
  constructor(private readonly api: JiraApi) {}

  get cloud(): boolean {
    return this.api.cloud;
  }

  async hasPermission(key: string, signal?: AbortSignal): Promise<boolean> {
    const r = await this.api.rest(`check the ${key} permission (GET /mypermissions)`, { method: 'GET', path: 'mypermissions', params: { permissions: key } }, permissionsSchema, { signal });
    return r.permissions[key]?.havePermission === true;
  }

  createField(body: { name: string; type: string; searcherKey: string; description: string }): Promise<JiraField> {
    return this.api.rest(`create custom field '${body.name}' (POST /field)`, { method: 'POST', path: 'field', data: body }, fieldCreatedSchema, { once: true });
  }

  /** Cloud: the field's contexts (a new field has its global context already). */
  contexts(fieldId: string, signal?: AbortSignal) {
    return this.api.rest(`list the contexts of ${fieldId}`, { method: 'GET', path: `field/${fieldId}/context` }, page(contextSchema), { signal });
  }

  async createGlobalContext(fieldId: string, name: string): Promise<string> {
    const r = await this.api.rest(`create a global context for ${fieldId}`, { method: 'POST', path: `field/${fieldId}/context`, data: { name, issueTypeIds: [], projectIds: [] } }, contextSchema, { once: true });
    return r.id;
  }

  async options(fieldId: string, contextId: string, signal?: AbortSignal): Promise<string[]> {
    const r = await this.api.rest(`list the options of ${fieldId}`, { method: 'GET', path: `field/${fieldId}/context/${contextId}/option`, params: { maxResults: 1000 } }, page(optionSchema), { signal });
    return r.map((o) => o.value);
  }

  async addOptions(fieldId: string, contextId: string, values: readonly string[]): Promise<void> {
    const data = { options: values.map((value) => ({ value, disabled: false })) };
    await this.api.rest(`add options to ${fieldId}`, { method: 'POST', path: `field/${fieldId}/context/${contextId}/option`, data }, anything, { once: true });
  }

  /**
   * Cloud: the create and edit screens of each issue type of the project, through the
   * project's issue type screen scheme → its mapping for the type (else `default`) → that
   * screen scheme's create / edit screens (else its default screen).
   */
  async projectScreens(projectId: string, issueTypeIds: readonly string[], signal?: AbortSignal): Promise<Map<string, { create: string; edit: string }>> {
    const schemes = await this.api.rest('find the project\'s issue type screen scheme', { method: 'GET', path: 'issuetypescreenscheme/project', params: { projectId } }, schemeProjectsSchema, { signal });
    const scheme = schemes.find((s) => s.projectIds.includes(projectId)) ?? schemes[0];
    const out = new Map<string, { create: string; edit: string }>();
    if (!scheme) return out;
    const mappings = await this.api.rest('read its issue type mappings', { method: 'GET', path: 'issuetypescreenscheme/mapping', params: { issueTypeScreenSchemeId: scheme.issueTypeScreenScheme.id } }, mappingSchema, { signal });
    const bySchemeId = new Map<string, { create: string; edit: string }>();
    for (const typeId of issueTypeIds) {
      const m = mappings.find((x) => x.issueTypeId === typeId) ?? mappings.find((x) => x.issueTypeId === 'default');
      if (!m) continue;
      let screens = bySchemeId.get(m.screenSchemeId);
      if (!screens) {
        const [ss] = await this.api.rest(`read screen scheme ${m.screenSchemeId}`, { method: 'GET', path: 'screenscheme', params: { id: m.screenSchemeId } }, screenSchemeSchema, { signal });
        const d = ss?.screens?.default;
        if (!ss || !d) continue;
        screens = { create: ss.screens?.create ?? d, edit: ss.screens?.edit ?? d };
        bySchemeId.set(m.screenSchemeId, screens);
      }
      out.set(typeId, screens);
    }
    return out;
  }

  tabs(screenId: string, signal?: AbortSignal) {
    return this.api.rest(`list the tabs of screen ${screenId}`, { method: 'GET', path: `screens/${screenId}/tabs` }, tabsSchema, { signal });
  }

  tabFields(screenId: string, tabId: string, signal?: AbortSignal) {
    return this.api.rest(`list the fields of screen ${screenId} tab ${tabId}`, { method: 'GET', path: `screens/${screenId}/tabs/${tabId}/fields` }, tabFieldsSchema, { signal });
  }

  async addToTab(screenId: string, tabId: string, fieldId: string): Promise<void> {
    await this.api.rest(`add ${fieldId} to screen ${screenId}`, { method: 'POST', path: `screens/${screenId}/tabs/${tabId}/fields`, data: { fieldId } }, anything, { once: true });
  }

  /** Data Center: the default screen (first tab), which classic projects' default screen scheme shows for create and edit. */
  async addToDefaultScreen(fieldId: string): Promise<void> {
    await this.api.rest(`add ${fieldId} to the default screen`, { method: 'POST', path: `screens/addToDefault/${fieldId}` }, anything, { once: true });
  }

  /** The fields on the issue type's create screen, with select options (createmeta). */
  async createMetaFields(projectKey: string, issueTypeId: string, signal?: AbortSignal): Promise<Map<string, string[] | undefined>> {
    const r = await this.api.rest(
      `list the create-screen fields of ${projectKey} issue type ${issueTypeId} (createmeta)`,
      { method: 'GET', path: `issue/createmeta/${projectKey}/issuetypes/${issueTypeId}`, params: { maxResults: 1000 } },
      createMetaFieldsSchema,
      { signal },
    );
    return new Map(r.map((f) => [f.fieldId, 'allowedValues' in f && Array.isArray(f.allowedValues) ? f.allowedValues.map((v) => String(v.value ?? '')) : undefined]));
  }
}
