import path from 'node:path';
import { ENV, OUR_TEMPLATES } from '../../e2e/support/world.js';

export const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');

/**
 * The YAML lines of one VMDR → Jira Cloud job whose hosts need not exist (commands that
 * read no network: validate without --online, status). Secrets by env var name.
 */
export function offlineJob(o: { name: string; enabled?: boolean; template?: string; extraKey?: string; passwordEnv?: string; tokenEnv?: string }): string[] {
  return [
    `  - name: ${o.name}`,
    ...(o.enabled === undefined ? [] : [`    enabled: ${o.enabled}`]),
    '    schedule: "0 */4 * * *"',
    `    template: ${JSON.stringify(o.template ?? PER_DETECTION)}`,
    '    project: VULN',
    ...(o.extraKey ? [`    ${o.extraKey}`] : []),
    '    source:',
    '      type: qualys-vmdr',
    '      url: https://qualysapi.qg2.apps.qualys.com',
    `      username: { env: ${ENV.qualysUser} }`,
    `      password: { env: ${o.passwordEnv ?? ENV.qualysPassword} }`,
    '    sink:',
    '      type: jira',
    '      url: https://example.atlassian.net',
    '      flavor: cloud',
    '      email: bot@example.com',
    `      token: { env: ${o.tokenEnv ?? ENV.jiraToken} }`,
  ];
}
