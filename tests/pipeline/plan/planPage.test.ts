import { expect } from 'chai';
import { TemplateError } from '../../../connector/errors.js';
import { KEEP_MEMO } from '../../../connector/pipeline/plan/memos.js';
import { goneChildren, parentStatus } from '../../../connector/pipeline/plan/planObject.js';
import { planPage, type PlanInput } from '../../../connector/pipeline/plan/planPage.js';
import type { FindingIntent, ParentIntent, TicketIntent, TicketPlan } from '../../../connector/pipeline/plan/ticketPlan.js';
import type { StagedFinding } from '../../../connector/state/staging.js';
import type { TicketRow } from '../../../connector/state/ticketStore.js';
import { cs, type Detection, hashesOf, JOB, planInput, remember, type Rows, scheme, vmdr, xray } from './planFixtures.js';

const pks = (items: readonly TicketIntent[]) => items.map((i) => i.pk);

/** The one intent of a single-finding plan. */
function only(plan: TicketPlan): FindingIntent {
  expect(plan.tickets, 'one intent').to.have.length(1);
  return plan.tickets[0];
}

describe('pipeline/plan/planPage: one ticket per detection (vmdr-per-detection)', () => {
  const s = scheme('vmdr-per-detection');

  interface Case {
    name: string;
    /** The detection as the previous cycle saw it (a row is remembered for its ticket); none: no row. */
    before?: Detection;
    row?: (i: TicketIntent) => Partial<TicketRow>;
    now: Detection;
    input?: Partial<PlanInput>;
    check: (plan: TicketPlan, i: FindingIntent) => void;
  }

  const cases: Case[] = [
    {
      name: 'a new finding goes into the create wave, with nothing else to do',
      now: { status: 'New' },
      check: (plan, i) => {
        expect(plan.creates).to.have.length(1);
        expect(plan.creates[0]).to.deep.equal([i]);
        expect(i.actions).to.equal(undefined);
        expect(i.wantOpen).to.equal(true);
        expect(plan.lookups).to.deep.equal([]);
        expect(i.ticket.labels).to.include.members(['qid-100', `vb-job-${JOB}`, i.marker]);
      },
    },
    {
      name: 'a changed rendering (summary differs from the hashes) edits only the changed field',
      before: {},
      row: (i) => ({ fieldHashes: hashesOf(i.ticket, { summary: 'QID 100: an older title' }) }),
      now: {},
      check: (plan, i) => {
        expect(plan.creates).to.deep.equal([]);
        const f = i.actions?.fields;
        expect(f?.kind).to.equal('edit');
        if (f?.kind !== 'edit') return;
        expect(f.fields).to.deep.equal({ summary: i.ticket.summary });
        expect(f.addLabels).to.deep.equal([]);
        expect(f.removeLabels).to.deep.equal([]);
        expect(i.actions?.checkClosedByUser, 'a write to an open ticket looks for a person close first').to.equal(true);
        expect(i.actions?.status).to.equal(undefined);
      },
    },
    {
      name: 'a label the ticket lacks is added, with no field edit',
      before: {},
      row: (i) => ({ labels: i.ticket.labels.filter((l) => l !== 'qid-100') }),
      now: {},
      check: (_plan, i) => {
        const f = i.actions?.fields;
        expect(f?.kind).to.equal('edit');
        if (f?.kind !== 'edit') return;
        expect(f.fields).to.deep.equal({});
        expect(f.addLabels).to.deep.equal(['qid-100']);
        expect(f.removeLabels).to.deep.equal([]);
      },
    },
    {
      name: 'an unchanged finding: fields same, no comment, no status, no memo',
      before: {},
      now: {},
      check: (plan, i) => {
        expect(plan.creates).to.deep.equal([]);
        expect(plan.lookups).to.deep.equal([]);
        expect(i.actions).to.deep.equal({ fields: { kind: 'same' }, checkClosedByUser: false });
      },
    },
    {
      name: 'a re-detection (new LAST_FOUND) plans the comment, not a first one',
      before: {},
      now: { lastFound: '2024-04-01T00:00:00Z' },
      check: (_plan, i) => {
        expect(i.actions?.comment?.first).to.equal(false);
        expect(i.actions?.checkClosedByUser).to.equal(true);
        expect(i.actions?.status).to.equal(undefined);
      },
    },
    {
      name: 'a fixed finding closes its ticket with the scheme target',
      before: {},
      now: { status: 'Fixed' },
      check: (plan, i) => {
        expect(i.wantOpen).to.equal(false);
        expect(i.actions?.status).to.deep.equal({ want: 'closed', target: 'Done' });
        expect(i.actions?.memo).to.deep.equal({ lastStatus: 'Fixed', keep: false });
        expect(i.actions?.comment, 'no comment on a closing finding').to.equal(undefined);
        expect(plan.lookups).to.deep.equal([]);
        expect(plan.creates).to.deep.equal([]);
      },
    },
    {
      name: 'a fixed finding whose ticket is already closed: nothing to move',
      before: { status: 'Fixed' },
      row: () => ({ state: 'closed' }),
      now: { status: 'Fixed' },
      check: (_plan, i) => {
        expect(i.actions?.status).to.equal(undefined);
        expect(i.actions?.memo).to.equal(undefined);
      },
    },
    {
      name: 'Re-Opened, newly seen (lastStatus differs): reopen with the signal',
      before: {},
      now: { status: 'Re-Opened' },
      check: (_plan, i) => {
        expect(i.actions?.status).to.deep.equal({ want: 'open', target: 'To Do', reopenSignal: true });
        expect(i.actions?.memo).to.deep.equal({ lastStatus: 'Re-Opened', keep: false });
      },
    },
    {
      name: 'Re-Opened seen already (lastStatus equal): nothing',
      before: { status: 'Re-Opened' },
      now: { status: 'Re-Opened' },
      check: (_plan, i) => {
        expect(i.actions).to.deep.equal({ fields: { kind: 'same' }, checkClosedByUser: false });
      },
    },
    {
      name: 'an ignored finding closes through <STATUS>/Ignored',
      before: {},
      now: { ignored: true },
      check: (_plan, i) => {
        expect(i.decision).to.deep.include({ key: 'Active/Ignored', op: 'close' });
        expect(i.actions?.status).to.deep.equal({ want: 'closed', target: 'Done' });
      },
    },
    {
      name: 'a ticket closed by a person, finding still Active: no status, no writes beyond fields',
      before: {},
      row: () => ({ state: 'closed-by-user' }),
      now: {},
      check: (_plan, i) => {
        expect(i.actions?.status).to.equal(undefined);
        expect(i.actions?.checkClosedByUser).to.equal(false);
        expect(i.actions?.comment).to.equal(undefined);
        expect(i.actions?.link).to.equal(undefined);
        expect(i.actions?.attach).to.equal(undefined);
      },
    },
    {
      name: 'a ticket closed by a person, fields changed: no edit, the person close is not looked for again and no status',
      before: {},
      row: (i) => ({ state: 'closed-by-user', fieldHashes: hashesOf(i.ticket, { summary: 'older' }) }),
      now: {},
      check: (_plan, i) => {
        expect(i.actions?.fields.kind).to.equal('same');
        expect(i.actions?.checkClosedByUser).to.equal(false);
        expect(i.actions?.status).to.equal(undefined);
      },
    },
    {
      name: 'a ticket closed by a person, scanner says Re-Opened: reopen',
      before: {},
      row: () => ({ state: 'closed-by-user' }),
      now: { status: 'Re-Opened' },
      check: (_plan, i) => {
        expect(i.actions?.status).to.deep.equal({ want: 'open', target: 'To Do', reopenSignal: true });
      },
    },
    {
      name: 'a fixed finding that is Active again (we closed it) reopens without the signal',
      before: { status: 'Fixed' },
      row: () => ({ state: 'closed' }),
      now: {},
      check: (_plan, i) => {
        expect(i.actions?.status).to.deep.equal({ want: 'open', target: 'To Do', reopenSignal: false });
      },
    },
    {
      name: 'routed away (routedHere false): an Active finding closes, keeping its status key',
      before: {},
      now: {},
      input: { routedHere: () => false },
      check: (_plan, i) => {
        expect(i.wantOpen).to.equal(false);
        expect(i.decision).to.deep.equal({ key: 'Active', op: 'close', workflowStatus: 'Done' });
        expect(i.actions?.status).to.deep.equal({ want: 'closed', target: 'Done' });
      },
    },
    {
      name: 'routed here (routedHere true): unchanged',
      before: {},
      now: {},
      input: { routedHere: () => true },
      check: (_plan, i) => {
        expect(i.wantOpen).to.equal(true);
        expect(i.actions?.status).to.equal(undefined);
      },
    },
    {
      name: 'a closing finding the state has no row for (lost database): looked up, never created',
      now: { status: 'Fixed' },
      check: (plan, i) => {
        expect(plan.lookups).to.deep.equal([i]);
        expect(plan.creates).to.deep.equal([]);
        expect(i.actions).to.equal(undefined);
      },
    },
    {
      name: 'an open finding with a pending row (create may have happened): in the create wave, row kept for the lookup',
      before: {},
      row: () => ({ state: 'pending', jiraKey: undefined, jiraId: undefined }),
      now: {},
      check: (plan, i) => {
        expect(plan.creates).to.deep.equal([[i]]);
        expect(i.row?.state).to.equal('pending');
        expect(plan.lookups).to.deep.equal([]);
        expect(i.actions).to.equal(undefined);
      },
    },
    {
      name: 'a closing finding with a pending row: looked up, not created',
      before: {},
      row: () => ({ state: 'pending', jiraKey: undefined, jiraId: undefined }),
      now: { status: 'Fixed' },
      check: (plan, i) => {
        expect(plan.lookups).to.deep.equal([i]);
        expect(plan.creates).to.deep.equal([]);
      },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const rows: Rows = new Map();
      if (c.before) remember(s, [vmdr(c.before)], rows, c.row);
      const plan = planPage(planInput(s, rows, c.input), [vmdr(c.now)]);
      expect(plan.failures).to.deep.equal([]);
      c.check(plan, only(plan));
    });
  }

  it('a gone finding whose data still says Active (goneStatus Resolved) closes under the gone key', () => {
    const rows: Rows = new Map();
    remember(s, [vmdr()], rows);
    const gone: StagedFinding = { ...vmdr(), status: 'Resolved' };
    const i = only(planPage(planInput(s, rows, { goneStatus: 'Resolved' }), [gone]));
    expect(i.decision).to.deep.equal({ key: 'Resolved', op: 'close', workflowStatus: 'Done' });
    expect(i.actions?.status).to.deep.equal({ want: 'closed', target: 'Done' });
    expect(i.actions?.memo).to.deep.equal({ lastStatus: 'Resolved', keep: false });
  });

  it('two findings with the same Primary Key (443/tcp, 443/udp): one intent, open wins, the other counted', () => {
    for (const order of [
      ['Fixed', 'Active'],
      ['Active', 'Fixed'],
    ]) {
      const page = order.map((status, n) => vmdr({ status, proto: n === 0 ? 'tcp' : 'udp' }));
      const plan = planPage(planInput(s), page);
      const i = only(plan);
      expect(i.wantOpen, order.join(',')).to.equal(true);
      expect(i.finding.key, order.join(',')).to.equal(page[order.indexOf('Active')].key);
      expect(plan.duplicates, order.join(',')).to.equal(1);
      expect(plan.creates, order.join(',')).to.deep.equal([[i]]);
      expect(plan.lookups, order.join(',')).to.deep.equal([]);
    }
  });

  it('two closing findings with the same Primary Key: one lookup, one duplicate', () => {
    const plan = planPage(planInput(s), [vmdr({ status: 'Fixed', proto: 'tcp' }), vmdr({ status: 'Fixed', proto: 'udp' })]);
    expect(plan.tickets).to.have.length(1);
    expect(plan.lookups).to.have.length(1);
    expect(plan.duplicates).to.equal(1);
  });

  it('a finding already queued for creation on an earlier page is skipped as a duplicate', () => {
    const first = planPage(planInput(s), [vmdr()]);
    const pk = only(first).pk;
    const plan = planPage(planInput(s, new Map(), { queued: new Set([pk]) }), [vmdr({ lastFound: '2024-05-01T00:00:00Z' }), vmdr({ qid: '200' })]);
    expect(plan.duplicates).to.equal(1);
    expect(plan.tickets.map((i) => i.finding.data.QID)).to.deep.equal(['200']);
    expect(plan.creates.flat().map((i) => i.pk)).to.not.include(pk);
  });

  it('a finding the template cannot evaluate is a failure and its object is unsure; the rest is planned', () => {
    const bad = vmdr({ host: '7', status: 'Bogus' });
    const plan = planPage(planInput(s), [bad, vmdr({ host: '8' })]);
    expect(plan.failures).to.have.length(1);
    expect(plan.failures[0].finding).to.equal(bad);
    expect(plan.failures[0].error).to.be.instanceOf(TemplateError);
    expect(plan.unsureObjects).to.deep.equal(['host:7']);
    expect(plan.tickets.map((i) => i.finding.parentKey)).to.deep.equal(['host:8']);
  });

  it('rows are only read, never written: planning twice gives the same plan', () => {
    const rows: Rows = new Map();
    remember(s, [vmdr()], rows, (i) => ({ fieldHashes: hashesOf(i.ticket, { summary: 'older' }) }));
    const snapshot = JSON.stringify([...rows.values()]);
    const a = planPage(planInput(s, rows), [vmdr({ status: 'Fixed' })]);
    const b = planPage(planInput(s, rows), [vmdr({ status: 'Fixed' })]);
    expect(JSON.stringify([...rows.values()])).to.equal(snapshot);
    expect(only(a).actions).to.deep.equal(only(b).actions);
  });
});

describe('pipeline/plan/planPage: resolution by absence (xray-per-violation, goneStatus Resolved)', () => {
  const s = scheme('xray-per-violation');
  const input = (rows: Rows) => planInput(s, rows, { goneStatus: 'Resolved' });

  it('a gone violation closes its ticket', () => {
    const rows: Rows = new Map();
    remember(s, [xray('XRAY-1', 'Active')], rows);
    const i = only(planPage(input(rows), [xray('XRAY-1', 'Resolved')]));
    expect(i.wantOpen).to.equal(false);
    expect(i.actions?.status).to.deep.equal({ want: 'closed', target: 'Done' });
    expect(i.actions?.memo).to.deep.equal({ lastStatus: 'Resolved', keep: false });
  });

  it('a violation listed again after it was gone counts as a reopen', () => {
    const rows: Rows = new Map();
    remember(s, [xray('XRAY-1', 'Resolved')], rows, () => ({ state: 'closed' }));
    const i = only(planPage(input(rows), [xray('XRAY-1', 'Active')]));
    expect(i.actions?.status).to.deep.equal({ want: 'open', target: 'To Do', reopenSignal: true });
  });

  it('a violation listed again after a person closed it (gone in between) reopens too', () => {
    const rows: Rows = new Map();
    remember(s, [xray('XRAY-1', 'Resolved')], rows, () => ({ state: 'closed-by-user' }));
    const i = only(planPage(input(rows), [xray('XRAY-1', 'Active')]));
    expect(i.actions?.status).to.deep.equal({ want: 'open', target: 'To Do', reopenSignal: true });
  });

  it('without goneStatus the same return is no reopen signal', () => {
    const rows: Rows = new Map();
    remember(s, [xray('XRAY-1', 'Resolved')], rows, () => ({ state: 'closed-by-user' }));
    const i = only(planPage(planInput(s, rows), [xray('XRAY-1', 'Active')]));
    expect(i.actions?.status).to.equal(undefined);
  });
});

describe('pipeline/plan/planPage: linked scheme (vmdr-host-linking)', () => {
  const s = scheme('vmdr-host-linking');

  it('a new parent and its children are created in one wave, parent first', () => {
    const plan = planPage(planInput(s), [vmdr({ qid: '100' }), vmdr({ qid: '101' })]);
    expect(plan.parents).to.have.length(1);
    const p = plan.parents[0];
    expect(plan.creates).to.have.length(1);
    expect(pks(plan.creates[0])).to.deep.equal([p.pk, ...pks(plan.tickets)]);
    expect(p.children).to.deep.equal(plan.tickets);
    expect(plan.tickets.every((c) => c.parentPk === p.pk && c.role === 'child')).to.equal(true);
    expect(p.diff).to.equal(false);
    expect(plan.carry).to.equal(undefined);
    expect(plan.settle).to.deep.equal([p]);
  });

  it('children of different hosts with the same QID and port are different tickets', () => {
    const plan = planPage(planInput(s), [vmdr({ host: '1' }), vmdr({ host: '2' })]);
    expect(plan.parents).to.have.length(2);
    expect(plan.tickets).to.have.length(2);
    expect(plan.tickets[0].ticket.primaryKey).to.equal(plan.tickets[1].ticket.primaryKey.replace('Host ID:2', 'Host ID:1'));
    expect(plan.tickets[0].pk).to.not.equal(plan.tickets[1].pk);
    expect(plan.duplicates).to.equal(0);
  });

  it('a known child that is not linked gets a link; a known linked one gets none', () => {
    const rows: Rows = new Map();
    remember(s, [vmdr({ qid: '100' }), vmdr({ qid: '101' })], rows, (i) => ({ linked: i.role === 'child' && i.ticket.primaryKey.includes('QID:101') }));
    const plan = planPage(planInput(s, rows), [vmdr({ qid: '100' }), vmdr({ qid: '101' })]);
    const [a, b] = plan.tickets;
    expect(a.actions?.link).to.equal('link');
    expect(b.actions?.link).to.equal(undefined);
    expect(plan.creates).to.deep.equal([]);
    expect(plan.parents[0].actions?.fields).to.deep.equal({ kind: 'same' });
  });

  it('a closing linked child is unlinked and closed; a closing unlinked one is only closed', () => {
    const rows: Rows = new Map();
    remember(s, [vmdr({ qid: '100' }), vmdr({ qid: '101' })], rows, (i) => ({ linked: i.role === 'child' && i.ticket.primaryKey.includes('QID:100') }));
    const plan = planPage(planInput(s, rows), [vmdr({ qid: '100', status: 'Fixed' }), vmdr({ qid: '101', status: 'Fixed' })]);
    const [a, b] = plan.tickets;
    expect(a.actions?.link).to.equal('unlink');
    expect(a.actions?.status).to.deep.equal({ want: 'closed', target: 'Done' });
    expect(b.actions?.link).to.equal(undefined);
    expect(b.actions?.status).to.deep.equal({ want: 'closed', target: 'Done' });
  });

  it('a parent whose findings all close and that the state does not know is looked up with them, not created', () => {
    const plan = planPage(planInput(s), [vmdr({ qid: '100', status: 'Fixed' }), vmdr({ qid: '101', status: 'Fixed' })]);
    expect(plan.creates).to.deep.equal([]);
    expect(pks(plan.lookups)).to.deep.equal([plan.parents[0].pk, ...pks(plan.tickets)]);
  });

  it('a known parent with a new child: only the child is created', () => {
    const rows: Rows = new Map();
    remember(s, [vmdr({ qid: '100' })], rows);
    const plan = planPage(planInput(s, rows), [vmdr({ qid: '100' }), vmdr({ qid: '101' })]);
    expect(plan.creates).to.have.length(1);
    expect(plan.creates[0].map((i) => i.role)).to.deep.equal(['child']);
    expect(plan.creates[0][0].parentPk).to.equal(plan.parents[0].pk);
  });
});

describe('pipeline/plan/planPage: sub-task scheme (cs-container-subtasks)', () => {
  const s = scheme('cs-container-subtasks');

  it('is planned as sub-tasks: two create waves, parents then children', () => {
    const input = planInput(s);
    expect(input.subtasks).to.equal(true);
    const plan = planPage(input, [cs('aaa', '1', 'RUNNING'), cs('aaa', '2', 'RUNNING'), cs('bbb', '1', 'RUNNING')]);
    expect(plan.creates).to.have.length(2);
    expect(plan.creates[0].map((i) => i.role)).to.deep.equal(['parent', 'parent']);
    expect(plan.creates[1].map((i) => i.role)).to.deep.equal(['child', 'child', 'child']);
  });

  it('never plans a link: a known child that is not linked gets none, a closing linked one no unlink', () => {
    const rows: Rows = new Map();
    remember(s, [cs('aaa', '1', 'RUNNING'), cs('aaa', '2', 'RUNNING')], rows, (i) => ({ linked: i.ticket.primaryKey.includes('QID:2') }));
    const plan = planPage(planInput(s, rows), [cs('aaa', '1', 'RUNNING'), cs('aaa', '2', 'DELETED')]);
    expect(plan.tickets.map((i) => i.actions?.link)).to.deep.equal([undefined, undefined]);
    expect(plan.tickets[1].actions?.status).to.deep.equal({ want: 'closed', target: 'Done' });
  });
});

describe('pipeline/plan/planPage: object operations and pages', () => {
  const table: Array<[string, Parameters<typeof scheme>[0], string, boolean]> = [
    ['linkDiff', 'cs-image-linking', 'Active', true],
    ['unlinkAll', 'cs-image-linking', 'Fixed', true],
    ['openDiff', 'cs-container-subtasks', 'RUNNING', true],
    ['closeAll', 'cs-container-subtasks', 'DELETED', true],
  ];
  for (const [op, name, status, diff] of table) {
    it(`${op}: the object is diffed and the page's last object is carried, not settled`, () => {
      const plan = planPage(planInput(scheme(name)), [cs('aaa', '1', status), cs('bbb', '1', status)]);
      expect(plan.tickets[0].decision.op).to.equal(op);
      expect(plan.parents.map((p) => p.diff)).to.deep.equal([diff, diff]);
      expect(plan.carry).to.equal(plan.parents[1]);
      expect(plan.settle).to.deep.equal([plan.parents[0]]);
    });
  }

  it('link/unlink schemes diff nothing and carry nothing', () => {
    const plan = planPage(planInput(scheme('vmdr-host-linking')), [vmdr({ host: '1' }), vmdr({ host: '2', status: 'Fixed' })]);
    expect(plan.parents.map((p) => p.diff)).to.deep.equal([false, false]);
    expect(plan.carry).to.equal(undefined);
    expect(plan.settle).to.deep.equal(plan.parents);
  });

  it('a carried object that continues on the next page is merged into it (seen children, flags, children)', () => {
    const s = scheme('cs-image-linking');
    const page1 = planPage(planInput(s), [cs('aaa', '1', 'Active'), cs('bbb', '1', 'Active')]);
    const carried = page1.carry as ParentIntent;
    expect(carried.objectKey).to.equal('obj:bbb');
    const page2 = planPage(planInput(s), [cs('bbb', '2', 'Active'), cs('ccc', '1', 'Active')], carried);
    expect(page2.settleFirst).to.equal(undefined);
    const bbb = page2.parents.find((p) => p.objectKey === 'obj:bbb') as ParentIntent;
    expect(bbb.pk).to.equal(carried.pk);
    expect([...bbb.seen]).to.have.members([...carried.seen, bbb.children[1].pk]);
    expect(bbb.seen.size).to.equal(2);
    expect(bbb.children.map((c) => c.finding.key)).to.deep.equal(['obj:bbb|qid:1|port:0', 'obj:bbb|qid:2|port:0']);
    expect(bbb.diff && bbb.pulled).to.equal(true);
    expect(page2.settle).to.deep.equal([bbb]);
    expect(page2.carry?.objectKey).to.equal('obj:ccc');
  });

  it('a carried object that does not continue is settled first on the next page', () => {
    const s = scheme('cs-image-linking');
    const page1 = planPage(planInput(s), [cs('aaa', '1', 'Active'), cs('bbb', '1', 'Active')]);
    const page2 = planPage(planInput(s), [cs('ccc', '1', 'Active')], page1.carry);
    expect(page2.settleFirst).to.equal(page1.carry);
    expect(page2.parents.map((p) => p.objectKey)).to.deep.equal(['obj:ccc']);
  });

  it('a carried retries-only object is not made "pulled" by merging with another retries-only page', () => {
    const s = scheme('cs-image-linking');
    const f1 = cs('bbb', '1', 'Active');
    const f2 = cs('bbb', '2', 'Active');
    const pendingKeys = new Set([f1.key, f2.key]);
    const page1 = planPage(planInput(s, new Map(), { pendingKeys }), [f1]);
    const page2 = planPage(planInput(s, new Map(), { pendingKeys }), [f2], page1.carry);
    expect(page2.parents[0].pulled).to.equal(false);
    const page3 = planPage(planInput(s, new Map(), { pendingKeys: new Set([f1.key]) }), [f2], page1.carry);
    expect(page3.parents[0].pulled).to.equal(true);
  });

  it('jiraTicketAction Create keeps a child open whatever its object says', () => {
    const plan = planPage(planInput(scheme('cs-image-linking')), [cs('aaa', '1', 'Fixed', { action: 'Create' }), cs('aaa', '2', 'Fixed')]);
    expect(plan.tickets.map((i) => [i.keep, i.wantOpen])).to.deep.equal([
      [true, true],
      [false, false],
    ]);
    expect(plan.creates).to.have.length(1);
  });
});

describe('pipeline/plan/planObject: goneChildren', () => {
  const s = scheme('cs-image-linking');

  /** An object with children 1 and 2 seen this page, and what the state holds for it. */
  function object(extra: Partial<PlanInput> = {}): { p: ParentIntent; held: (qid: string, over?: Partial<TicketRow>) => TicketRow } {
    const rows: Rows = new Map();
    const old = remember(s, [cs('aaa', '1', 'Active'), cs('aaa', '2', 'Active'), cs('aaa', '3', 'Active'), cs('aaa', '4', 'Active')], rows);
    const plan = planPage(planInput(s, rows, extra), [cs('aaa', '1', 'Active'), cs('aaa', '2', 'Active')]);
    const byQid = (qid: string) => rows.get((old.tickets.find((i) => i.finding.data.vuln && (i.finding.data.vuln as { qid: string }).qid === qid) as FindingIntent).pk) as TicketRow;
    return { p: plan.parents[0], held: (qid, over = {}) => ({ ...byQid(qid), ...over }) };
  }
  const none = new Set<string>();

  it('children held but not seen are gone; seen ones are not', () => {
    const { p, held } = object();
    const rows = [held('1'), held('2'), held('3'), held('4', { state: 'closed' })];
    expect(goneChildren(p, rows, { subtasks: false, unsure: none }).map((r) => r.primaryKey)).to.deep.equal([held('3').primaryKey]);
  });

  it('a closed child still linked is gone in a link scheme (to unlink), not for sub-tasks', () => {
    const { p, held } = object();
    const rows = [held('3', { state: 'closed', linked: true })];
    expect(goneChildren(p, rows, { subtasks: false, unsure: none })).to.have.length(1);
    expect(goneChildren(p, rows, { subtasks: true, unsure: none })).to.have.length(0);
  });

  it('a child with the keep memo (jiraTicketAction Create) is excluded', () => {
    const { p, held } = object();
    const rows = [held('3', { fieldHashes: { [KEEP_MEMO]: '1' } }), held('4')];
    expect(goneChildren(p, rows, { subtasks: false, unsure: none }).map((r) => r.primaryKey)).to.deep.equal([held('4').primaryKey]);
  });

  it('a child with no Jira key is excluded', () => {
    const { p, held } = object();
    expect(goneChildren(p, [held('3', { jiraKey: undefined, state: 'pending' })], { subtasks: false, unsure: none })).to.deep.equal([]);
  });

  it('an unsure object (a finding failed its template) guesses nothing', () => {
    const { p, held } = object();
    expect(goneChildren(p, [held('3')], { subtasks: false, unsure: new Set(['obj:aaa']) })).to.deep.equal([]);
    expect(goneChildren(p, [held('3')], { subtasks: false, unsure: new Set(['obj:other']) })).to.have.length(1);
  });

  it('an object seen only through retries of failed findings guesses nothing', () => {
    const { p, held } = object({ pendingKeys: new Set([cs('aaa', '1', 'Active').key, cs('aaa', '2', 'Active').key]) });
    expect(p.pulled).to.equal(false);
    expect(goneChildren(p, [held('3')], { subtasks: false, unsure: none })).to.deep.equal([]);
  });
});

describe('pipeline/plan/planObject: parentStatus', () => {
  const s = scheme('vmdr-host-linking');
  const child = (n: number, over: Partial<TicketRow>): TicketRow => ({
    job: JOB,
    pk: `c${n}`,
    role: 'child',
    primaryKey: `c${n}`,
    marker: `m${n}`,
    state: 'open',
    linked: true,
    fieldHashes: {},
    labels: [],
    ...over,
  });
  const parentOf = (status: string): ParentIntent => planPage(planInput(s), [vmdr({ status })]).parents[0];
  const row = (state: TicketRow['state']): TicketRow => ({ ...child(0, { state }), role: 'parent', linked: false });

  const cases: Array<[string, string, TicketRow['state'], TicketRow[], 'close' | 'reopen' | undefined]> = [
    ['no open linked child, parent open: close', 'Fixed', 'open', [child(1, { state: 'closed', linked: false })], 'close'],
    ['an open child that is not linked does not keep it open', 'Fixed', 'open', [child(1, { linked: false })], 'close'],
    ['no open linked child, parent closed already: nothing', 'Fixed', 'closed', [], undefined],
    ['an open linked child, parent open: nothing', 'Active', 'open', [child(1, {})], undefined],
    ['an open linked child, parent closed: reopen', 'Active', 'closed', [child(1, {})], 'reopen'],
    ['an open linked child, parent closed by a person: nothing', 'Active', 'closed-by-user', [child(1, {})], undefined],
    ['a Re-Opened child, parent closed by a person: reopen', 'Re-Opened', 'closed-by-user', [child(1, {})], 'reopen'],
  ];
  for (const [name, status, state, held, want] of cases) {
    it(name, () => {
      expect(parentStatus(parentOf(status), row(state), held)).to.equal(want);
    });
  }
});
