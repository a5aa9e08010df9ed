import { expect } from 'chai';
import { coerceField, jiraDateTime } from '../../../connector/sinks/jira/coerceField.js';
import { customField } from '../../sim/jira/simData.js';

const sev = (text: string) => ({ name: 'Severity', type: 'severity' as const, text, rich: [{ text, value: true }] });

describe('sinks/jira coerceField: severity fields and epoch date-times', () => {
  it('puts a Qualys level or a name on the one scale: the select option, the rank of a number field', () => {
    const select = customField(1, 'Severity', 'select', ['Critical', 'High', 'Medium', 'Low', 'Info']);
    expect(coerceField(select, sev('5'), true)).to.deep.equal({ value: 'Critical' });
    expect(coerceField(select, sev('1'), true)).to.deep.equal({ value: 'Info' });
    expect(coerceField(select, sev('Major'), true)).to.deep.equal({ value: 'High' });
    expect(coerceField(select, sev('Information'), true)).to.deep.equal({ value: 'Info' });
    expect(coerceField(select, sev('Unknown'), true)).to.equal(undefined);
    const number = customField(2, 'Severity', 'float');
    expect(coerceField(number, sev('4'), true)).to.equal(4);
    expect(coerceField(number, sev('Medium'), true)).to.equal(3);
    expect(coerceField(customField(3, 'Severity', 'textfield'), sev('2'), false)).to.equal('Low');
  });

  it('reads epoch seconds and milliseconds as date-times (Container Security)', () => {
    expect(jiraDateTime('1700000000000')).to.equal('2023-11-14T22:13:20.000+0000');
    expect(jiraDateTime('1700000000')).to.equal('2023-11-14T22:13:20.000+0000');
    expect(jiraDateTime('2024-01-02T03:04:05Z')).to.equal('2024-01-02T03:04:05.000+0000');
  });
});
