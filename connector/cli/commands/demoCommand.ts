import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../log.js';
import { defaultSimData, type SimData } from '../../../tests/sim/jira/simData.js';
import { SIM_CREDENTIALS, startJiraSim } from '../../../tests/sim/jira/startJiraSim.js';
import { QUALYS_SIM_CREDENTIALS, startQualysSim } from '../../../tests/sim/qualys/startQualysSim.js';
import { QUALYS_CS_SIM_CREDENTIALS, startQualysCsSim, type QualysCsSim } from '../../../tests/sim/qualys-cs/startQualysCsSim.js';
import { QUALYS_WAS_SIM_CREDENTIALS, startQualysWasSim, type QualysWasSim } from '../../../tests/sim/qualys-was/startQualysWasSim.js';
import { startXraySim, XRAY_SIM_CREDENTIALS, type XraySim } from '../../../tests/sim/xray/startXraySim.js';
import { buildWebhookPayloadV11, sendXrayWebhook } from '../../../tests/sim/xray/webhookPayloads.js';
import { PD_SIM_ROUTING_KEYS, startPagerDutySim } from '../../../tests/sim/pagerduty/startPagerDutySim.js';
import { startIncidentWebhookSim } from '../../../tests/sim/incident-webhook/startIncidentWebhookSim.js';
import { startDaemon } from '../../daemon/startDaemon.js';
import { openApp, readConfig } from '../appContext.js';
import { setupCommand } from './setupCommand.js';
import { dashboardsRound } from './demoDashboards.js';
import { syncCommand } from './syncCommand.js';
import { demoConfig } from './demoConfig.js';
import { showSla, writeDemoKev } from './demoSla.js';

/**
 * Jira Cloud's default ("simplified") workflow, which our templates target: To Do,
 * In Progress, Done, with every status reachable from every other; its sub-task issue
 * type is called "Subtask" (the classic data's "Sub-task").
 */
export function simplifiedWorkflowData(): SimData {
  const data = defaultSimData();
  const names = ['To Do', 'In Progress', 'Done'];
  data.statuses = [
    { id: '10000', name: 'To Do', category: 'new' },
    { id: '10001', name: 'In Progress', category: 'indeterminate' },
    { id: '10002', name: 'Done', category: 'done' },
  ];
  data.initialStatus = 'To Do';
  data.issueTypes = data.issueTypes.map((t) => (t.subtask ? { ...t, name: 'Subtask' } : t));
  data.transitions = names.map((to, i) => ({ id: String(11 + i * 10), name: to, from: names.filter((n) => n !== to), to }));
  return data;
}

const DEMO_WEBHOOK = { username: 'xray-demo-hook', password: 'demo-hook-secret' } as const;

/**
 * Two cycles against the bundled simulators, no credentials needed: the second after
 * the scanner data changed (detections fixed, one re-opened, QDS moved, a new host; a WAS
 * finding fixed, an image vulnerability fixed, a container deleted).
 */
export async function demoCommand(opts: { root?: string; out?: (t: string) => void; hosts?: number } = {}): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const root = opts.root ?? process.cwd();
  const dir = path.join(root, 'data', 'demo');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const qualys = await startQualysSim({ seed: 7, hosts: opts.hosts ?? 12, detectionsPerHost: 5 });
  const xray = await startXraySim({ seed: 3, watches: 2, violationsPerWatch: 8 });
  const was = await startQualysWasSim({ seed: 5, webApps: 2, findingsPerApp: 4 });
  const cs = await startQualysCsSim({ seed: 2, images: 3, containersPerImage: 2, vulnsPerObject: 3 });
  // The production image has no ../shared: the simulators check no OpenAPI document there.
  const pagerduty = await startPagerDutySim({ validateAgainstOpenApi: false });
  const lightstep = await startIncidentWebhookSim();
  const jiraData = simplifiedWorkflowData();
  jiraData.projects.push({ id: '10002', key: 'SEC', name: 'Security' }, { id: '10003', key: 'WEB', name: 'Web applications' }, { id: '10004', key: 'CNT', name: 'Containers' });
  const jira = await startJiraSim({ flavor: 'cloud', data: jiraData, validateAgainstOpenApi: false });
  try {
    // The simulators' credentials, handed over the way real secrets are: by env var.
    process.env.VB_DEMO_QUALYS_USERNAME = QUALYS_SIM_CREDENTIALS.username;
    process.env.VB_DEMO_QUALYS_PASSWORD = QUALYS_SIM_CREDENTIALS.password;
    process.env.VB_DEMO_QUALYS_WAS_USERNAME = QUALYS_WAS_SIM_CREDENTIALS.username;
    process.env.VB_DEMO_QUALYS_WAS_PASSWORD = QUALYS_WAS_SIM_CREDENTIALS.password;
    process.env.VB_DEMO_QUALYS_CS_USERNAME = QUALYS_CS_SIM_CREDENTIALS.username;
    process.env.VB_DEMO_QUALYS_CS_PASSWORD = QUALYS_CS_SIM_CREDENTIALS.password;
    process.env.VB_DEMO_JIRA_TOKEN = SIM_CREDENTIALS.token;
    process.env.VB_DEMO_XRAY_TOKEN = XRAY_SIM_CREDENTIALS.token;
    process.env.VB_DEMO_WEBHOOK_USER = DEMO_WEBHOOK.username;
    process.env.VB_DEMO_WEBHOOK_PASSWORD = DEMO_WEBHOOK.password;
    process.env.VB_DEMO_PD_KEY = PD_SIM_ROUTING_KEYS[0];
    process.env.VB_DEMO_LIGHTSTEP_URL = lightstep.webhookUrl();
    const file = path.join(dir, 'vulnbridge.yml');
    const urls = { qualys: qualys.url, qualysWas: was.url, qualysCs: cs.url, xray: xray.url, jira: jira.url, pagerduty: pagerduty.eventsUrl };
    const kevFile = writeDemoKev(dir, qualys.data);
    writeFileSync(file, demoConfig(urls, dir, path.join(root, 'templates'), { jiraEmail: SIM_CREDENTIALS.email, kevFile }));
    out(`Qualys simulator: ${qualys.url} (${qualys.data.totalDetections()} detections)`);
    out(`Qualys WAS simulator: ${was.url} (${was.data.findings.length} findings on ${was.data.webApps.length} web apps)`);
    out(`Qualys Container Security simulator: ${cs.url} (${cs.data.images.length} images, ${cs.data.containers.length} containers)`);
    out(`JFrog Xray simulator: ${xray.url} (${xray.data.violations.length} violations in ${xray.data.watches.length} watches)`);
    out(`Jira Cloud simulator: ${jira.url}`);
    out(`PagerDuty Events v2 simulator: ${pagerduty.url}; Lightstep-style incident webhook simulator: ${lightstep.url}`);
    out(`Config: ${path.relative(root, file)}\n`);
    // What "Running it for real" advises first: create the typed fields our templates fill.
    out('== vulnbridge setup --apply: the custom fields, options and screen entries the templates need');
    let exit = await setupCommand(readConfig(file), { apply: true, out: (t) => (/^job |write\(s\)/.test(t) ? out(t) : undefined) });

    const app = openApp(readConfig(file), { log: createLogger({ level: 'warn' }) });
    try {
      out('== Cycle 1: first pull, every open detection gets a ticket');
      exit |= (await syncCommand(app, { dryRun: false, json: false, out, progress: true })).exitCode;

      const fixed = qualys.data.fixSome(4);
      const reopened = qualys.data.reopenOne();
      const moved = qualys.data.moveQds(3);
      const host = qualys.data.addHost(3);
      const added = xray.addViolation({ watch_name: 'npm-apps-watch', type: 'Security', severity: 'High' });
      const paged = xray.data.violations.find((v) => v.severity === 'Critical' && !v.ignore_rule_info);
      if (paged) xray.resolveViolations(paged);
      const qualysApps = changeQualysApps(was, cs);
      out(
        `\n== Scanner data changed: ${fixed.length} detections Fixed, ${reopened.length} Re-Opened, ` +
          `QDS moved on ${moved.length}, new host ${host.ID} with 3 detections; ` +
          `Xray: new violation ${added.issue_id} in ${added.infected_components.join(', ')}` +
          `${paged ? `, critical ${paged.issue_id} fixed (its ticket closes, its PagerDuty alert resolves)` : ''}; ${qualysApps}`,
      );
      out('== Cycle 2: incremental pull, only what changed is acted on');
      exit |= (await syncCommand(app, { dryRun: false, json: false, out, progress: true })).exitCode;

      showSla(app, jira.issues(), out);
      exit |= await webhookRound(app, xray, out);
      const alerts = pagerduty.alerts();
      out(
        `\nPagerDuty now holds ${alerts.filter((a) => a.status === 'triggered').length} open and ${alerts.filter((a) => a.status === 'resolved').length} resolved alert(s); ` +
          `the Lightstep webhook received ${lightstep.incidents().length} incident(s) (${lightstep.incidents().filter((i) => i.state === 'Open').length} open).`,
      );
      exit |= await dashboardsRound(app, jira, out);
      out(`\nJira now holds ${jira.issues().length} issues and ${jira.links().length} links (the simulators stop with the demo; against a real Jira the links above open the tickets).`);
      out(`State: ${path.relative(root, path.join(dir, 'vulnbridge.db'))}. Look at it with:`);
      out(`  npx vulnbridge status --config ${path.relative(root, file)}`);
    } finally {
      app.state.close();
    }
    return exit;
  } finally {
    await Promise.all([qualys.close(), was.close(), cs.close(), xray.close(), jira.close(), pagerduty.close(), lightstep.close()]);
  }
}

/**
 * WAS and CS data changes that cycle 2 turns into closes: a WAS finding Fixed, a
 * vulnerability gone from an image (its linked ticket closes), a container deleted (its
 * sub-tasks close). Returns what changed, for the demo's output.
 */
function changeQualysApps(was: QualysWasSim, cs: QualysCsSim): string {
  const changes: string[] = [];
  const fixed = was.data.fixOne();
  if (fixed) changes.push(`WAS finding ${fixed.id} (QID ${fixed.qid}) Fixed`);
  const image = cs.data.images.find((i) => (cs.data.vulns.get(i.sha)?.length ?? 0) > 1);
  const gone = image && cs.data.vulns.get(image.sha)?.[0];
  if (image && gone) {
    cs.fixVuln(image.sha, gone.qid);
    changes.push(`QID ${gone.qid} fixed in image ${image.imageId}`);
  }
  const container = cs.data.containers.find((c) => c.state === 'RUNNING' && (cs.data.vulns.get(c.sha)?.length ?? 0) > 0);
  if (container) {
    cs.deleteContainer(container.sha);
    changes.push(`container ${container.name} deleted`);
  }
  return `Qualys apps: ${changes.join(', ')}`;
}

/**
 * The daemon's webhook path: Xray pushes a new violation (schema 1.1 payload, Basic
 * auth), the daemon stores it, answers 202 and tickets it without waiting for the schedule.
 */
async function webhookRound(app: ReturnType<typeof openApp>, xray: XraySim, out: (t: string) => void): Promise<number> {
  out('\n== Xray webhook: a new violation pushed to the daemon (POST /webhooks/xray/xray-violations)');
  const started = Date.now();
  let ticketed: string | undefined;
  const daemon = await startDaemon(app, {
    schedule: () => ({ stop: () => {} }),
    onCycle: (report, kind) => {
      if (kind === 'push') ticketed = `${report.counts.created} created (${report.result}) in ${Date.now() - started} ms after the POST`;
    },
  });
  try {
    const v = xray.addViolation({ watch_name: 'prod-docker-watch', type: 'Security', severity: 'Critical' });
    const res = await sendXrayWebhook(`${daemon.server?.url ?? ''}/webhooks/xray/xray-violations`, buildWebhookPayloadV11([v]), { auth: { basic: DEMO_WEBHOOK } });
    out(`Xray → daemon: HTTP ${res.status} ${res.body}`);
    // Bounded wait for the push cycle the webhook started (it runs at once) and for its alert to go out.
    const busy = () => ticketed === undefined || daemon.scheduler.isRunning('xray-violations') || app.state.outbox.counts().some((c) => c.waiting > 0);
    for (let i = 0; i < 1000 && busy(); i++) await new Promise((r) => setTimeout(r, 10));
    out(`Ticket for ${v.issue_id} in ${v.infected_components.join(', ')}: ${ticketed ?? 'not processed yet'}`);
    return res.status === 202 && ticketed !== undefined ? 0 : 1;
  } finally {
    await daemon.stop(0);
  }
}
