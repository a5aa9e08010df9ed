import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describeError } from '../../errors.js';
import { silentLogger } from '../../log.js';
import { buildJob, prepareJob, schemesByProject } from '../../pipeline/jobRuntime.js';
import { loadScheme } from '../../templates/loadScheme.js';
import { readConfig } from '../appContext.js';

export interface ValidateOptions {
  config: string;
  /** Explicit --config: a missing file is an error, not a skip. */
  configGiven: boolean;
  templates?: string;
  /** Also check each job's needs on Jira (reads only). */
  online: boolean;
  out?: (t: string) => void;
}

/** Check the config, every job's template, secrets, and (with --online) the Jira side. */
export async function validateCommand(opts: ValidateOptions): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  let problems = 0;
  const fail = (what: string, err: unknown) => {
    problems++;
    out(`✗ ${what}\n  ${describeError(err).replace(/\n/g, '\n  ')}`);
  };

  const checked = new Set<string>();
  if (opts.configGiven || existsSync(opts.config)) {
    try {
      const config = readConfig(opts.config);
      out(`✓ ${opts.config}: ${config.jobs.length} job(s)`);
      for (const job of config.jobs) {
        checked.add(path.resolve(job.templatePath));
        if (!job.enabled) {
          out(`- job ${job.name} is disabled: not checked`);
          continue;
        }
        // Every missing secret of the job at once, not one per run.
        const missing: string[] = [];
        try {
          const rt = buildJob(job, silentLogger(), {
            missingSecret: (err) => {
              missing.push(describeError(err));
              return 'missing-secret';
            },
          });
          if (missing.length) throw new MissingSecrets(missing);
          if (opts.online) {
            await rt.source.check?.(AbortSignal.timeout(60_000), silentLogger());
            await prepareJob(rt);
          }
          const ready = rt.source.check ? `${rt.source.host} and Jira ${rt.sink.host} ready` : `Jira ${rt.sink.host} ready`;
          out(`✓ job ${job.name}: ${path.relative(process.cwd(), job.templatePath)} (${rt.scheme.moduleName}, ${rt.scheme.kind})${opts.online ? `, ${ready}` : ''}`);
          for (const project of opts.online ? schemesByProject(rt).keys() : []) {
            const skipped = rt.sink.skippedFields?.(project) ?? [];
            if (skipped.length) out(`  ! ${project}: Jira lacks ${skipped.join(', ')}; tickets leave them out until \`vulnbridge setup --apply\` creates them`);
          }
          const projects = new Set(rt.lanes.jira.map((l) => l.project));
          for (const p of projects) for (const w of rt.sink.setupWarnings?.(p) ?? []) out(`⚠ job ${job.name}: ${w}`);
        } catch (err) {
          // A later error may come from a stand-in value: the missing secrets are the cause.
          fail(`job ${job.name}`, missing.length ? new MissingSecrets(missing) : err);
        }
      }
    } catch (err) {
      fail(opts.config, err);
    }
  }

  const dir = opts.templates ?? (existsSync('templates') ? 'templates' : undefined);
  if (dir) {
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'));
    } catch (err) {
      fail(dir, err);
    }
    for (const f of files) {
      const file = path.join(dir, f);
      if (checked.has(path.resolve(file))) continue;
      try {
        const scheme = loadScheme(file);
        out(`✓ ${file} (${scheme.moduleName}, ${scheme.kind})`);
      } catch (err) {
        fail(file, err);
      }
    }
  }
  out(problems ? `\n${problems} problem(s) found` : '\nall valid');
  return problems ? 1 : 0;
}

class MissingSecrets extends Error {
  constructor(readonly missing: string[]) {
    super(`${missing.length} secret(s) missing:\n${missing.map((m) => `- ${m.replace(/\n/g, '\n  ')}`).join('\n')}`);
  }
}
