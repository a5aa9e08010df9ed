import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { configPath, openApp, readConfig } from './appContext.js';
import { dashboardsCommand } from './commands/dashboardsCommand.js';
import { MAX_INBOX_ATTEMPTS } from '../state/inbox.js';
import { openStateBundle } from '../state/stateBundle.js';
import { jqlCommand } from './commands/jqlCommand.js';
import { runCommand } from './commands/runCommand.js';
import { parseSetAsideArgs, setAsideCommand, type BoxName } from './commands/setAsideCommand.js';
import { setupCommand } from './commands/setupCommand.js';
import { statusCommand } from './commands/statusCommand.js';
import { syncCommand } from './commands/syncCommand.js';
import { validateCommand } from './commands/validateCommand.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const CONFIG_HELP = '  --config FILE   config file (default: $VULNBRIDGE_CONFIG or config/vulnbridge.yml)';
const config = { type: 'string' } as const;
const job = { type: 'string' } as const;
const flag = { type: 'boolean', default: false } as const;

/** Each command: what it does (its own help and its part of the global one) and the options it takes. */
const setAside = (box: BoxName) => {
  const [items, what, waitingGo] =
    box === 'outbox'
      ? ['events', 'incident events the endpoint rejected (set aside, never sent)', 'the daemon sends them']
      : ['payloads', `webhook payloads whose processing failed ${MAX_INBOX_ATTEMPTS} times (set aside)`, 'the next cycle takes them'];
  return {
    usage: 'list|retry|drop [ID...|--job NAME|--all] [--waiting] [--json]',
    options: { config, job, all: flag, waiting: flag, json: flag },
    positionals: true,
    text: `The ${what}.
  list         show them (all unless ids or --job), at most 100 columns
  retry        put them back in line: ${waitingGo}, exactly once
  drop         delete them, printing each one dropped
  ID...        these ${items} (ids as list shows them)
  --job NAME   this job's ${items}
  --all        every job's ${items} (retry and drop need ids, --job
               or --all)
  --waiting    list and drop: also ${items} still waiting
  --json       machine-readable output
Exit 0 done, 1 the selection matched nothing or not all of it was
done (each named with why), 2 a usage error.`,
  };
};

const COMMANDS: Record<string, { text: string; options: Options; usage: string; positionals?: boolean }> = {
  run: {
    usage: '[--config FILE] [--now]',
    options: { config, now: flag },
    text: `The daemon: runs every enabled job on its cron schedule until
SIGTERM/SIGINT. A job never overlaps itself; a failing job does not
stop the others.
  --now        also runs every job once at start`,
  },
  sync: {
    usage: '[--config FILE] [--job NAME] [--dry-run] [--json]',
    options: { config, job, 'dry-run': flag, json: flag },
    text: `One cycle now, then exit. Prints per job what it did (created,
updated, commented, transitioned, linked, unlinked, unchanged,
failed) and the JQL that shows the tickets.
  --job NAME   only this job (also runs a disabled one)
  --dry-run    print the plan (every ticket it would create, update,
               move or link, with summary and priority); writes
               nothing to Jira or to the state (reads Jira's field
               and status lists to diff exactly)
  --json       machine-readable output`,
  },
  validate: {
    usage: '[--config FILE] [--templates DIR] [--online]',
    options: { config, templates: { type: 'string' }, online: flag },
    text: `Check the config, every enabled job's template and secrets (all
missing secrets at once; disabled jobs are skipped and named), and
every template in templates/. Exit 1 on any problem.
  --templates DIR   templates folder to check (default templates/)
  --online          also check each job's Jira project, issue types,
                    priorities, custom fields, statuses, link type`,
  },
  setup: {
    usage: '[--config FILE] [--job NAME] [--apply] [--json]',
    options: { config, job, apply: flag, json: flag },
    text: `For each job's Jira project and issue types: the custom fields its
templates fill that Jira lacks (kind inferred from the template:
number, date, date-time, labels, text, paragraph, select with its
options) and the create/edit screens they are missing from. A dry run
unless --apply, which creates them (needs Administer Jira).
  --job NAME   only this job
  --apply      create the fields, options and screen entries
  --json       machine-readable output`,
  },
  status: {
    usage: '[--config FILE] [--wide | --json]',
    options: { config, wide: flag, json: flag },
    text: `Per job, one line of at most 100 columns: state, last success, next
run (from the cron schedule), last error. Exit 0 ok, 1 an enabled job's
last run failed, 2 an enabled job cannot start (template or secrets).
  --wide       the full table: counts, open/closed tickets, cursor,
               retries, SLA, outbox and webhook payloads
  --json       everything, machine-readable`,
  },
  jql: {
    usage: '[--config FILE] [--job NAME] [--json]',
    options: { config, job, json: flag },
    text: `The JQL cookbook (docs/jql.md): overdue, due soon, open critical on
a host, fixed this month, KEV... with each job's project and job
label filled in, and custom fields by their Jira ids (cf[N]) when
Jira answers, else by name. Reads Jira only.
  --job NAME   only this job
  --json       machine-readable output`,
  },
  dashboards: {
    usage: '[--config FILE] [--job NAME] [--apply] [--prune]',
    options: { config, job, apply: flag, prune: flag },
    text: `Saved filters per job and per dashboard from the JQL cookbook
(open by priority, overdue, due soon, new, fixed, KEV, by host...),
and on Jira Cloud a dashboard per project with configured gadgets
(Data Center: a recipe in reporting/<dashboard>.md). Config:
\`reporting:\`. Dry run: prints what it would create or change.
  --job NAME   only this job's filters and dashboards
  --apply      make the changes
  --prune      also remove filters of jobs no longer configured`,
  },
  outbox: setAside('outbox'),
  inbox: setAside('inbox'),
  demo: {
    usage: '',
    options: {},
    text: `No credentials needed: starts simulators on 127.0.0.1 (Qualys VMDR,
WAS and Container Security, JFrog Xray, Jira Cloud, PagerDuty, a
Lightstep-style incident webhook), writes a demo config to data/demo/,
runs \`setup --apply\` there, then two sync cycles with scanner changes
between them (fixes, a re-open, a new host, an Xray violation resolved),
shows the SLA due dates (KEV catalog), pushes an Xray webhook to the
daemon and waits for its ticket and alert, and builds the dashboards,
printing what each gadget shows. Takes no options.`,
  },
};

function commandHelp(name: string): string {
  const c = COMMANDS[name]!;
  const common = name === 'demo' ? '' : `${CONFIG_HELP}\n`;
  return `Usage: vulnbridge ${name}${c.usage ? ` ${c.usage}` : ''}\n\n${c.text}\n\nOptions:\n${common}  -h, --help      this help\n`;
}

const HELP = `vulnbridge: security findings to Jira tickets, exactly once.

Usage: vulnbridge <command> [options]     (vulnbridge <command> --help for one command)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.text.split('\n').join('\n             ')}`)
  .join('\n')}

Options:
  --config FILE   config file (default: $VULNBRIDGE_CONFIG or config/vulnbridge.yml)
  -h, --help      this help
  -v, --version   the version

Secrets come from environment variables or files named in the config, never
from the YAML itself. Exit codes: 0 ok, 1 a job failed or a check found problems,
2 the command line or config is unusable.
`;

/** package.json's version: found upwards from this file (connector/cli/ under tsx, dist/connector/cli/ built). */
export function version(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'vulnbridge' && pkg.version) return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/** "--job NAME, --json, -h/--help": the options a command takes, for the hint of a rejected one. */
function optionList(options: Options): string {
  const names = Object.entries(options).map(([name, o]) => (o.type === 'string' ? `--${name} ${name === 'config' ? 'FILE' : name === 'templates' ? 'DIR' : 'NAME'}` : `--${name}`));
  return [...names, '-h/--help'].join(', ');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  if (command === '-v' || command === '--version' || command === 'version') {
    process.stdout.write(`vulnbridge ${version()}\n`);
    return 0;
  }
  const spec = COMMANDS[command];
  if (!spec) {
    process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...spec.options, help: { type: 'boolean', short: 'h', default: false } }, strict: true, allowPositionals: spec.positionals ?? false });
  } catch (err) {
    // Node's message is a paragraph; its first sentence names the option.
    const what = (err instanceof Error ? err.message : String(err)).split(/\. |\n/)[0]!.replace(/\.$/, '');
    const takes = Object.keys(spec.options).length ? `takes ${optionList(spec.options)}` : 'takes no options but -h/--help';
    process.stderr.write(`vulnbridge ${command}: ${what}; ${command} ${takes} (vulnbridge ${command} --help)\n`);
    return 2;
  }
  const values = parsed.values as {
    help: boolean;
    config?: string;
    job?: string;
    'dry-run'?: boolean;
    json?: boolean;
    templates?: string;
    online?: boolean;
    now?: boolean;
    apply?: boolean;
    prune?: boolean;
    wide?: boolean;
    all?: boolean;
    waiting?: boolean;
  };
  if (values.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const file = configPath(values.config);
  switch (command) {
    case 'outbox':
    case 'inbox': {
      const req = parseSetAsideArgs(command, parsed.positionals, values);
      if ('usage' in req) {
        process.stderr.write(`vulnbridge ${command}: ${req.usage} (vulnbridge ${command} --help)\n`);
        return 2;
      }
      return setAsideCommand(readConfig(file), req);
    }
    case 'validate':
      return validateCommand({ config: file, configGiven: values.config !== undefined, templates: values.templates, online: values.online ?? false });
    case 'setup':
      return setupCommand(readConfig(file), { job: values.job, apply: values.apply ?? false, json: values.json ?? false });
    case 'status':
      return statusCommand(readConfig(file), { json: values.json ?? false, wide: values.wide ?? false });
    case 'sync': {
      const app = openApp(readConfig(file), { only: values.job });
      try {
        const { exitCode } = await syncCommand(app, { dryRun: values['dry-run'] ?? false, json: values.json ?? false, progress: !values.json });
        return exitCode;
      } finally {
        app.state.close();
      }
    }
    case 'run':
      return runCommand(openApp(readConfig(file)), { runNow: values.now ?? false });
    case 'jql':
      return jqlCommand(readConfig(file), { job: values.job, json: values.json ?? false });
    case 'dashboards': {
      const config = readConfig(file);
      const state = openStateBundle(config.stateDir);
      try {
        return (await dashboardsCommand(config, { job: values.job, apply: values.apply ?? false, prune: values.prune ?? false, state })).exitCode;
      } finally {
        state.close();
      }
    }
    case 'demo': {
      const { demoCommand } = await import('./commands/demoCommand.js');
      return demoCommand();
    }
    default:
      return 2;
  }
}
