import { z } from 'zod';
import type { JiraApi } from './jiraApi.js';

const permissionsSchema = z.object({ permissions: z.record(z.string(), z.object({ havePermission: z.boolean() }).loose()) }).loose();
/** Cloud pages createmeta fields as `fields`, Data Center as `values`. */
const createMetaFieldsSchema = z
  .object({
    fields: z.array(z.object({ fieldId: z.string() }).loose()).optional(),
    values: z.array(z.object({ fieldId: z.string() }).loose()).optional(),
  })
  .loose();
const editMetaSchema = z.object({ fields: z.record(z.string(), z.unknown()) }).loose();
const searchSchema = z.object({ issues: z.array(z.object({ key: z.string() }).loose()) }).loose();

/**
 * Whether Jira lets the account set `duedate` in the project for these issue types: the
 * field is on the create and edit screens (createmeta per issue type, editmeta of an
 * issue of the project) and the account has Schedule Issues (JIRAKB "Duedate field
 * cannot be set in the project"; DefectDojo broke creates setting it blindly, PR #2630).
 * Each problem says what to do; none: it can.
 */
export async function dueDateProblems(api: JiraApi, project: string, issueTypes: ReadonlyArray<{ id: string; name: string }>, signal?: AbortSignal): Promise<string[]> {
  const problems: string[] = [];
  const perms = await api.getJson('check the Schedule Issues permission (GET /mypermissions)', `mypermissions?projectKey=${encodeURIComponent(project)}&permissions=SCHEDULE_ISSUES`, permissionsSchema, signal);
  if (perms.permissions.SCHEDULE_ISSUES?.havePermission !== true) {
    problems.push(`the account lacks the Schedule Issues permission in project ${project}: grant it in the project's permission scheme (Project settings → Permissions → Schedule Issues)`);
  }
  for (const t of issueTypes) {
    const meta = await api.getJson(
      `list the create screen fields of ${t.name} in ${project} (createmeta)`,
      `issue/createmeta/${encodeURIComponent(project)}/issuetypes/${encodeURIComponent(t.id)}?maxResults=200`,
      createMetaFieldsSchema,
      signal,
    );
    const ids = (meta.fields ?? meta.values ?? []).map((f) => f.fieldId);
    if (!ids.includes('duedate')) problems.push(`the Due date field is not on the create screen of issue type ${t.name} in project ${project}: add "Due date" to the create and edit screens of its screen scheme`);
  }
  const jql = `project = "${project.replace(/"/g, '\\"')}" ORDER BY created DESC`;
  const page = api.cloud ? await api.searchCloud(jql, ['issuetype'], 1) : await api.searchDataCenter(jql, ['issuetype'], 1, 0);
  const key = searchSchema.safeParse(page).data?.issues[0]?.key;
  if (key) {
    const edit = await api.getJson(`list the edit screen fields of ${key} (editmeta)`, `issue/${encodeURIComponent(key)}/editmeta`, editMetaSchema, signal);
    if (!('duedate' in edit.fields)) problems.push(`the Due date field is not on the edit screen in project ${project} (checked on ${key}): add "Due date" to the edit screen of its screen scheme`);
  }
  return problems;
}
