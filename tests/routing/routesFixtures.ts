import { parse } from 'yaml';
import type { TemplateContext } from '../../connector/model/finding.js';
import type { ModuleName } from '../../connector/templates/modulePlaceholders.js';
import { compileRoutes, type RouteMatch } from '../../connector/routing/router.js';
import { routesSchema, type Routes } from '../../connector/routing/routesSchema.js';

/** The example of the routing brief, as a job's `routes:` would hold it. */
export const EXAMPLE_YAML = `
routes:
  - name: critical-to-pager
    when: { minSeverity: Critical }
    actions: [ { jira: {} }, { pagerduty: { routingKey: { env: PD_KEY } } } ]
  - name: banned-licenses
    when: { types: [license], licenses: { banned: [GPL-3.0, AGPL-3.0], unknown: true } }
    actions: [ { webhook: { url: { env: LIGHTSTEP_URL }, format: lightstep } } ]
  - name: high-cvss
    when: { cvss: { min: 7 } }
    actions: [ { jira: { project: SEC } } ]
  - name: everything-else
    actions: [ none ]
`;

export function exampleRoutes(): Routes {
  return routesSchema.parse((parse(EXAMPLE_YAML) as { routes: unknown }).routes);
}

/** Parse routes written as a JS value (the YAML's shape). */
export function routes(input: unknown): Routes {
  return routesSchema.parse(input);
}

/** One rule `hit` with the given criteria, for "does this criterion match" tests. */
export function matches(when: unknown, module: ModuleName, ctx: TemplateContext): boolean {
  const match: RouteMatch | undefined = compileRoutes(routes([{ name: 'hit', when, actions: ['none'] }]), module).route(ctx);
  return match?.rule === 'hit';
}
