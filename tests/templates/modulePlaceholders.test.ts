import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { isKnownPlaceholder, MODULE_NAMES, placeholderNames, suggestPlaceholder } from '../../connector/templates/modulePlaceholders.js';
import { parseTemplate } from '../../connector/templates/parseTemplate.js';
import { OPERATION_WORDS } from '../../connector/templates/types.js';

describe('templates/modulePlaceholders', () => {
  it('knows VMDR host, detection, TruRisk and KnowledgeBase names', () => {
    for (const name of ['ID', 'DNS', 'NETBIOS', 'TRURISK_SCORE', 'QID', 'RESULTS', 'QDS.content', 'QDS.severity', 'DNS_DATA.FQDN', 'TAGS.TAG.NAME', 'VULN.TITLE', 'VULN.CVSS.BASE', 'VULN.CVES', 'PROJECT_KEY']) {
      expect(isKnownPlaceholder('VMDR', name), name).to.equal(true);
    }
  });

  it('rejects typos, unknown KB elements and sub-paths of plain values', () => {
    for (const name of ['VULN.TITEL', 'QID.content', 'VULN', 'VULN.TITLE.x', 'qid', 'vuln.qid']) {
      expect(isKnownPlaceholder('VMDR', name), name).to.equal(false);
    }
  });

  it('keeps module vocabularies apart', () => {
    expect(isKnownPlaceholder('CS-Container', 'vuln.cvssInfo.baseScore')).to.equal(true);
    expect(isKnownPlaceholder('CS-Container', 'host.hostname')).to.equal(true);
    expect(isKnownPlaceholder('CS-Image', 'host.hostname')).to.equal(false);
    expect(isKnownPlaceholder('WAS', 'WEBAPP_URL')).to.equal(true);
    expect(isKnownPlaceholder('WAS', 'DNS')).to.equal(false);
    expect(placeholderNames('WAS')).to.include('VULN.CVSS_V3_ATTACK_VECTOR');
  });

  it('suggests the intended name', () => {
    expect(suggestPlaceholder('VMDR', 'VULN.TITEL')).to.equal('VULN.TITLE');
    expect(suggestPlaceholder('VMDR', 'qds.content')).to.equal('QDS.content');
    expect(suggestPlaceholder('VMDR', 'QDX.severity')).to.equal('QDS.severity');
    expect(suggestPlaceholder('VMDR', 'trurisk_score')).to.equal('TRURISK_SCORE');
    expect(suggestPlaceholder('VMDR', 'COMPLETELY_DIFFERENT')).to.equal(undefined);
  });

  it('parses placeholders and keeps malformed ones as text', () => {
    const parsed = parseTemplate('a ${QDS.content} $ ${bad name} ${B');
    expect(parsed.placeholders).to.deep.equal(['QDS.content']);
    expect(parsed.parts).to.deep.equal([
      { kind: 'text', text: 'a ' },
      { kind: 'placeholder', path: 'QDS.content' },
      { kind: 'text', text: ' $ ${bad name} ${B' },
    ]);
    expect(parsed.problems).to.have.length(2);
  });

  it('docs/templates.md documents every module, VMDR placeholder and operation word', () => {
    const guide = readFileSync('docs/templates.md', 'utf8');
    for (const name of placeholderNames('VMDR')) expect(guide, name).to.include(`\${${name}}`);
    for (const name of placeholderNames('WAS').filter((n) => !n.startsWith('VULN.'))) expect(guide, name).to.include(`\${${name}}`);
    for (const module of MODULE_NAMES) expect(guide).to.include(`### ${module}`);
    for (const word of OPERATION_WORDS) expect(guide).to.include(`| \`${word}\` |`);
  });
});
