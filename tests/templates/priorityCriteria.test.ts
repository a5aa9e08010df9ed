import { expect } from 'chai';
import { criteriaProblems, matchPriority, parseCriterion } from '../../connector/templates/priorityCriteria.js';
import type { PriorityCriterion, PriorityRule } from '../../connector/templates/types.js';

const rule = (criteria: PriorityCriterion[]): PriorityRule => ({ jiraDefault: false, matchWith: '${X}', criteria });

describe('templates/priorityCriteria', () => {
  it('parses ranges, integers and texts', () => {
    expect(parseCriterion('High', '70-89')).to.deep.equal({ priority: 'High', min: 70, max: 89 });
    expect(parseCriterion('High', ' 70 - 89 ')).to.deep.equal({ priority: 'High', min: 70, max: 89 });
    expect(parseCriterion('Low', 2)).to.deep.equal({ priority: 'Low', min: 2, max: 2 });
    expect(parseCriterion('Low', '2')).to.deep.equal({ priority: 'Low', min: 2, max: 2 });
    expect(parseCriterion('Highest', 'CRITICAL')).to.deep.equal({ priority: 'Highest', equals: 'CRITICAL' });
    expect(parseCriterion('Low', '')).to.be.a('string');
  });

  it('matches texts case-insensitively and numbers by band', () => {
    const r = rule([
      { priority: 'Highest', equals: 'CRITICAL' },
      { priority: 'High', min: 5, max: 5 },
      { priority: 'Medium', min: 3, max: 4 },
    ]);
    expect(matchPriority(r, 'critical')).to.equal('Highest');
    expect(matchPriority(r, '5')).to.equal('High');
    expect(matchPriority(r, '4.9')).to.equal('Medium');
    expect(matchPriority(r, '5.1')).to.equal(undefined);
    expect(matchPriority(r, '2')).to.equal(undefined);
    expect(matchPriority(r, 'n/a')).to.equal(undefined);
    expect(matchPriority({ jiraDefault: true }, '5')).to.equal(undefined);
  });

  it('finds no problem in contiguous bands given in any order', () => {
    expect(criteriaProblems([
      { priority: 'Low', min: 0, max: 499 },
      { priority: 'Highest', min: 850, max: 1000 },
      { priority: 'Medium', min: 500, max: 699 },
      { priority: 'High', min: 700, max: 849 },
    ])).to.deep.equal([]);
  });

  it('reports exact values that overlap a range and duplicate texts', () => {
    const messages = criteriaProblems([
      { priority: 'High', min: 4, max: 5 },
      { priority: 'Highest', min: 5, max: 5 },
      { priority: 'A', equals: 'x' },
      { priority: 'B', equals: 'X' },
    ]).map((p) => p.message);
    expect(messages).to.deep.equal(['priority ranges overlap: High (4-5) and Highest (5) both match 5', 'A and B both match "X"']);
  });

  it('reports a multi-value gap', () => {
    const [p] = criteriaProblems([
      { priority: 'Low', min: 1, max: 10 },
      { priority: 'High', min: 20, max: 30 },
    ]);
    expect(p?.message).to.equal('priority ranges leave a gap: 11-19 matches no priority between Low (1-10) and High (20-30)');
  });
});
