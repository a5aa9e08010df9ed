import { expect } from 'chai';
import { createMetrics } from '../../connector/metrics.js';

describe('metrics: the gauges read from the state at scrape time', () => {
  it('outbox depth and oldest event age per endpoint, inbox, set-aside and SLA counts; nothing read between scrapes', async () => {
    const now = new Date('2026-01-10T08:10:00Z');
    const metrics = createMetrics({ now: () => now, defaultMetrics: false });
    let reads = 0;
    metrics.readStateWith(() => {
      reads++;
      return {
        outbox: [
          { job: 'x', lane: 'pd', waiting: 4, rejected: 1, oldestWaitingAt: '2026-01-10T08:00:00.000Z' },
          { job: 'x', lane: 'hook', waiting: 0, rejected: 2 },
        ],
        inbox: [{ job: 'x', waiting: 3, setAside: 1 }],
        sla: [{ job: 'x', breached: 5, dueSoon: 2 }],
        broken: [],
      };
    });
    expect(reads).to.equal(0);
    const { text } = await metrics.render();
    expect(reads).to.equal(1);
    expect(text).to.include('vulnbridge_outbox_events{job="x",endpoint="pd"} 4\n');
    expect(text).to.include('vulnbridge_outbox_oldest_event_age_seconds{job="x",endpoint="pd"} 600\n');
    expect(text).to.include('vulnbridge_outbox_oldest_event_age_seconds{job="x",endpoint="hook"} 0\n');
    expect(text).to.include('vulnbridge_outbox_set_aside_events{job="x",endpoint="hook"} 2\n');
    expect(text).to.include('vulnbridge_inbox_payloads{job="x"} 3\n');
    expect(text).to.include('vulnbridge_inbox_set_aside_payloads{job="x"} 1\n');
    expect(text).to.include('vulnbridge_sla_breached_tickets{job="x"} 5\n');
    expect(text).to.include('vulnbridge_sla_due_soon_tickets{job="x"} 2\n');
    expect(text).to.not.include('process_cpu');
  });

  it('a series gone from the state is gone from the next scrape', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let outbox = [{ job: 'x', lane: 'pd', waiting: 1, rejected: 0 }];
    metrics.readStateWith(() => ({ outbox, inbox: [], sla: [], broken: [] }));
    expect((await metrics.render()).text).to.include('vulnbridge_outbox_events{job="x",endpoint="pd"} 1');
    outbox = [];
    expect((await metrics.render()).text).to.not.include('vulnbridge_outbox_events{');
  });
});
