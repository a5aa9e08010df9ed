import type { AppContext } from '../../../connector/cli/appContext.js';
import type { JobRuntime } from '../../../connector/pipeline/jobRuntime.js';
import type { QualysSimOptions } from '../../sim/qualys/startQualysSim.js';
import { cycle, jobOf, startWorld, type JobSpec, type World, type WorldOptions } from './world.js';

/** A world with one job (`vmdr`), opened the way the product opens it (YAML + env secrets + openApp). */
export class OneJob {
  world!: World;
  app!: AppContext;
  rt!: JobRuntime;
  configFile!: string;

  constructor(private readonly qualys: QualysSimOptions) {}

  async start(template: string, jira: WorldOptions['jira'], project = 'VULN', job: Partial<JobSpec> = {}): Promise<void> {
    this.world = await startWorld({ qualys: this.qualys, jira });
    this.configFile = this.world.writeConfig([{ name: 'vmdr', template, project, flavor: jira.flavor, ...job }]);
    this.reopen();
  }

  /** A fresh process: config read again, jobs built again, state opened again. */
  reopen(): void {
    this.app = this.world.open(this.configFile);
    this.rt = jobOf(this.app, 'vmdr');
  }

  run() {
    return cycle(this.world, this.rt, this.app);
  }

  async stop(): Promise<void> {
    this.app?.state.close();
    await this.world?.close();
  }
}
