import { z } from 'zod';

/**
 * The parts of Jira's responses the sink reads, parsed once at the boundary. Objects are
 * loose: Jira adds fields over time and Cloud and Data Center differ in the extras.
 * Shapes: jira-cloud-platform-v3.openapi.json components (StatusDetails, FieldDetails,
 * CreatedIssues, Transitions, SearchAndReconcileResults, PageOfCreateMetaIssueTypes).
 */
const statusSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  statusCategory: z.looseObject({ key: z.string() }).optional(),
});
export type JiraStatus = z.infer<typeof statusSchema>;

export const myselfSchema = z.looseObject({
  accountId: z.string().optional(),
  name: z.string().optional(),
  displayName: z.string().optional(),
});

export const projectSchema = z.looseObject({ id: z.string(), key: z.string(), name: z.string().optional() });

/** Cloud `/project/search` pages with `values`; Data Center `/project` is a plain array. */
export const projectListSchema = z.union([
  z.array(projectSchema),
  z.looseObject({ values: z.array(projectSchema) }).transform((p) => p.values),
]);

const issueTypeSchema = z.looseObject({ id: z.string(), name: z.string(), subtask: z.boolean().optional() });
export type JiraIssueType = z.infer<typeof issueTypeSchema>;

/** Cloud names the list `issueTypes`, Data Center `values` (both paginated by startAt). */
export const createMetaIssueTypesSchema = z
  .looseObject({
    issueTypes: z.array(issueTypeSchema).optional(),
    values: z.array(issueTypeSchema).optional(),
    startAt: z.number().optional(),
    total: z.number().optional(),
    isLast: z.boolean().optional(),
  })
  .transform((p) => ({ items: p.issueTypes ?? p.values ?? [], startAt: p.startAt, total: p.total, isLast: p.isLast }));

export const projectStatusesSchema = z.array(
  z.looseObject({ id: z.string(), name: z.string(), subtask: z.boolean().optional(), statuses: z.array(statusSchema) }),
);

const prioritySchema = z.looseObject({ id: z.string(), name: z.string() });
export const priorityListSchema = z.union([
  z.array(prioritySchema).transform((items) => ({ items, isLast: true as boolean | undefined })),
  z.looseObject({ values: z.array(prioritySchema), isLast: z.boolean().optional() }).transform((p) => ({ items: p.values, isLast: p.isLast })),
]);

const fieldSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  custom: z.boolean().optional(),
  schema: z
    .looseObject({ type: z.string(), items: z.string().optional(), custom: z.string().optional(), system: z.string().optional() })
    .optional(),
});
/** What the sink uses of a field (the parsed value carries Jira's other keys too). */
export interface JiraField {
  id: string;
  name: string;
  custom?: boolean;
  schema?: { type: string; items?: string; custom?: string; system?: string };
}
export const fieldListSchema = z.array(fieldSchema);

const linkTypeSchema = z.looseObject({ id: z.string(), name: z.string(), inward: z.string().optional(), outward: z.string().optional() });
export type JiraLinkType = z.infer<typeof linkTypeSchema>;
export const linkTypeListSchema = z.looseObject({ issueLinkTypes: z.array(linkTypeSchema) });

export const errorCollectionSchema = z.looseObject({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.unknown()).optional(),
});

export const createdIssuesSchema = z.looseObject({
  issues: z.array(z.looseObject({ id: z.string(), key: z.string() })).default([]),
  errors: z
    .array(
      z.looseObject({
        status: z.number().optional(),
        failedElementNumber: z.number().optional(),
        elementErrors: errorCollectionSchema.optional(),
      }),
    )
    .default([]),
});
export type JiraCreatedIssues = z.infer<typeof createdIssuesSchema>;

const linkedIssueSchema = z.looseObject({ id: z.string().optional(), key: z.string() });
const issueLinkSchema = z.looseObject({
  id: z.string(),
  type: z.looseObject({ id: z.string().optional(), name: z.string() }),
  inwardIssue: linkedIssueSchema.optional(),
  outwardIssue: linkedIssueSchema.optional(),
});

export const issueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z
    .looseObject({
      status: statusSchema.optional(),
      labels: z.array(z.string()).optional(),
      issuetype: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
      project: z.looseObject({ id: z.string().optional(), key: z.string() }).optional(),
      issuelinks: z.array(issueLinkSchema).optional(),
    })
    .default({}),
});
export type JiraIssue = z.infer<typeof issueSchema>;

export const transitionsSchema = z.looseObject({
  transitions: z.array(z.looseObject({ id: z.string(), name: z.string(), to: statusSchema })).default([]),
});
export type JiraTransition = z.infer<typeof transitionsSchema>['transitions'][number];

/** Cloud `/search/jql`: token paging, no total (jira-and-peers.md §1.9). */
export const enhancedSearchSchema = z.looseObject({
  issues: z.array(issueSchema).default([]),
  nextPageToken: z.string().optional(),
  isLast: z.boolean().optional(),
});

/** Data Center `/rest/api/2/search`: startAt paging with total. */
export const searchResultsSchema = z.looseObject({
  issues: z.array(issueSchema).default([]),
  startAt: z.number().optional(),
  total: z.number().optional(),
});
