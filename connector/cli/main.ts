import { parseArgs } from 'node:util';
import { configPath, openApp, readConfig } from './appContext.js';
import { dashboardsCommand } from './commands/dashboardsCommand.js';
import { openStateBundle } from '../state/stateBundle.js';
import { jqlCommand } from './commands/jqlCommand.js';
import { runCommand } from './commands/runCommand.js';
import { setupCommand } from './commands/setupCommand.js';
import { statusCommand } from './commands/statusCommand.js';
import { syncCommand } from './commands/syncCommand.js';
import { validateCommand } from './commands/validateCommand.js';

const HELP = `vulnbridge: security findings to Jira tickets, exactly once.

Usage: vulnbridge <command> [options]

Commands:
  run        The daemon: runs every enabled job on its cron schedule until
             SIGTERM/SIGINT. A job never overlaps itself; a failing job does not
             stop the others. --now also runs every job once at start.
  sync       One cycle now, then exit. Prints per job what it did (created,
             updated, commented, transitioned, linked, unlinked, unchanged,
             failed) and the JQL that shows the tickets.
               --job NAME   only this job (also runs a disabled one)
               --dry-run    print the plan (every ticket it would create, update,
                            move or link, with summary and priority); writes
                            nothing to Jira or to the state (reads Jira's field
                            and status lists to diff exactly)
               --json       machine-readable output
  validate   Check the config, every job's template and secrets, and every
             template in templates/. Exit 1 on any problem.
               --templates DIR   templates folder to check (default templates/)
               --online          also check each job's Jira project, issue types,
                                 priorities, custom fields, statuses, link type
  setup      For each job's Jira project and issue types: the custom fields its
             templates fill that Jira lacks (kind inferred from the template:
             number, date, date-time, labels, text, paragraph, select with its
             options) and the create/edit screens they are missing from. A dry run
             unless --apply, which creates them (needs Administer Jira).
               --job NAME   only this job
               --apply      create the fields, options and screen entries
               --json       machine-readable output
  status     Per job: last run and result, counts, open/closed tickets, cursor,
             findings waiting for a retry.  --json for machine-readable output.
  jql        The JQL cookbook (docs/jql.md): overdue, due soon, open critical on
             a host, fixed this month, KEV... with each job's project and job
             label filled in, and custom fields by their Jira ids (cf[N]) when
             Jira answers, else by name. Reads Jira only.
               --job NAME   only this job
               --json       machine-readable output
  dashboards Saved filters per job and per dashboard from the JQL cookbook
             (open by priority, overdue, due soon, new, fixed, KEV, by host...),
             and on Jira Cloud a dashboard per project with configured gadgets
             (Data Center: a recipe in reporting/<dashboard>.md). Config:
             \`reporting:\`. Dry run: prints what it would create or change.
               --job NAME   only this job's filters and dashboards
               --apply      make the changes
               --prune      also remove filters of jobs no longer configured
  demo       Start the bundled Qualys and Jira simulators on 127.0.0.1 and run
             two cycles of a demo config against them (no credentials needed),
             then builds the dashboards there and prints what each gadget shows.

Options:
  --config FILE   config file (default: $VULNBRIDGE_CONFIG or config/vulnbridge.yml)
  -h, --help      this help

Secrets come from environment variables or files named in the config, never
from the YAML itself. Exit codes: 0 ok, 1 a job failed or a check found problems,
2 the command line or config is unusable.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      job: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      templates: { type: 'string' },
      online: { type: 'boolean', default: false },
      now: { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
      prune: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const file = configPath(values.config);
  switch (command) {
    case 'validate':
      return validateCommand({ config: file, configGiven: values.config !== undefined, templates: values.templates, online: values.online });
    case 'setup':
      return setupCommand(readConfig(file), { job: values.job, apply: values.apply, json: values.json });
    case 'status':
      return statusCommand(readConfig(file), { json: values.json });
    case 'sync': {
      const app = openApp(readConfig(file), { only: values.job });
      try {
        const { exitCode } = await syncCommand(app, { dryRun: values['dry-run'], json: values.json, progress: !values.json && process.stderr.isTTY });
        return exitCode;
      } finally {
        app.state.close();
      }
    }
    case 'run':
      return runCommand(openApp(readConfig(file)), { runNow: values.now });
    case 'jql':
      return jqlCommand(readConfig(file), { job: values.job, json: values.json });
    case 'dashboards': {
      const config = readConfig(file);
      const state = openStateBundle(config.stateDir);
      try {
        return (await dashboardsCommand(config, { job: values.job, apply: values.apply, prune: values.prune, state })).exitCode;
      } finally {
        state.close();
      }
    }
    case 'demo': {
      const { demoCommand } = await import('./commands/demoCommand.js');
      return demoCommand();
    }
    default:
      process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}
