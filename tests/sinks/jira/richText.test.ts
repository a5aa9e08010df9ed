import { expect } from 'chai';
import { coerceField, fieldKind, jiraDate, jiraDateTime } from '../../../connector/sinks/jira/coerceField.js';
import { toAdf, toPlain, toWiki } from '../../../connector/sinks/jira/richText.js';
import { closeMatches } from '../../../connector/sinks/jira/closeMatches.js';
import { customField } from '../../sim/jira/simData.js';
import { rich } from './fixtures.js';

describe('sinks/jira rich text and value coercion', () => {
  it('caps ADF (as serialized JSON) and wiki at the limit with a truncation note', () => {
    const long = rich('a'.repeat(40_000), true);
    const doc = toAdf(long, 32_767);
    expect(JSON.stringify(doc).length).to.be.at.most(32_767);
    expect(toPlain(long)).to.have.length(40_000);
    const wiki = toWiki(long, 32_767);
    expect(wiki).to.have.length.at.most(32_767);
    expect(wiki).to.match(/truncated by vulnbridge: \d+ characters omitted\\\]$/);
  });

  it('formats dates the way Jira parses them', () => {
    expect(jiraDateTime('2024-03-05T10:20:30Z')).to.equal('2024-03-05T10:20:30.000+0000');
    expect(jiraDateTime('2024-03-05 10:20:30+02:00')).to.equal('2024-03-05T08:20:30.000+0000');
    expect(jiraDateTime('soon')).to.equal(undefined);
    expect(jiraDate('2024-03-05T23:59:59-05:00')).to.equal('2024-03-05');
    expect(jiraDate('March 5, 2024')).to.match(/^2024-03-0[45]$/);
  });

  it('falls back on the JSON type for fields of apps it does not know', () => {
    const appField = { id: 'customfield_1', name: 'Risk', schema: { type: 'number', custom: 'com.example.plugin:risk' } };
    expect(fieldKind(appField)).to.equal('number');
    expect(coerceField(appField, { name: 'Risk', text: '7.5', rich: rich('7.5') }, true)).to.equal(7.5);
    expect(coerceField(customField(2, 'Other', 'url'), { name: 'Other', text: '', rich: [] }, true)).to.equal(undefined);
  });

  it('suggests close field names, not fragments', () => {
    expect(closeMatches('Image SHA:', ['OS', 'Image', 'Image SHA'])).to.deep.equal(['Image SHA', 'Image']);
    expect(closeMatches('Hostid', ['Host ID', 'OS', 'Port'])).to.deep.equal(['Host ID']);
  });
});
