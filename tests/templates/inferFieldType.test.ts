import { expect } from 'chai';
import { inferFieldType, kindOfPlaceholder, SEVERITY_OPTIONS } from '../../connector/templates/inferFieldType.js';

describe('templates/inferFieldType: the Jira kind a template field needs', () => {
  it('takes a declared type, with the select options and the severity scale', () => {
    expect(inferFieldType({ value: '${QDS.content}', type: 'text' })).to.deep.include({ type: 'text', from: 'declared' });
    expect(inferFieldType({ value: 'JFrog Xray', type: 'select', options: ['JFrog Xray', 'Qualys VMDR'] })).to.deep.include({ type: 'select', options: ['JFrog Xray', 'Qualys VMDR'] });
    expect(inferFieldType({ value: '${SEVERITY}', type: 'severity' })).to.deep.include({ type: 'select', options: [...SEVERITY_OPTIONS] });
    expect(SEVERITY_OPTIONS).to.deep.equal(['Critical', 'High', 'Medium', 'Low', 'Info']);
  });

  it('infers from a lone placeholder: numbers, date-times, labels, paragraphs, text', () => {
    const cases: Array<[string, string]> = [
      ['${QDS.content}', 'number'],
      ['${TRURISK_SCORE}', 'number'],
      ['${VULN.CVSS_V3_BASE}', 'number'],
      ['${vuln.cvss3Info.baseScore}', 'number'],
      ['${CVSS_SCORE}', 'number'],
      ['${QID}', 'number'],
      ['${TIMES_FOUND}', 'number'],
      ['${FIRST_FOUND_DATETIME}', 'datetime'],
      ['${LAST_VM_SCANNED_DATE}', 'datetime'],
      ['${FIRST_DETECTED_DATE}', 'datetime'],
      ['${vuln.firstFound}', 'datetime'],
      ['${created}', 'datetime'],
      ['${VULN.CVES}', 'labels'],
      ['${vuln.cveids}', 'labels'],
      ['${TAGS}', 'labels'],
      ['${VULN.DIAGNOSIS}', 'paragraph'],
      ['${vuln.solution}', 'paragraph'],
      ['${OS}', 'text'],
      ['${VULN.CVSS_V3_ATTACK_VECTOR}', 'text'],
      ['${vuln.cvssInfo.accessVector}', 'text'],
      ['${IP|IPV6|DNS}', 'text'],
      ['${QDS.content|TRURISK_SCORE}', 'number'],
      [' ${QDS.content} ', 'number'],
    ];
    for (const [value, type] of cases) expect(inferFieldType({ value }).type, value).to.equal(type);
  });

  it('makes text of constants and mixed text, a paragraph when it spans lines', () => {
    expect(inferFieldType({ value: 'Qualys VMDR' })).to.deep.equal({ type: 'text', from: 'constant' });
    expect(inferFieldType({ value: 'Host ID:${ID}-QID:${QID}' })).to.deep.equal({ type: 'text', from: 'text with placeholders' });
    expect(inferFieldType({ value: 'QID ${QID}\n${VULN.TITLE}' }).type).to.equal('paragraph');
  });

  it('knows that Xray\'s SEVERITY is a word, a Qualys SEVERITY a level', () => {
    expect(inferFieldType({ value: '${SEVERITY}' }, 'XRAY').type).to.equal('text');
    expect(inferFieldType({ value: '${SEVERITY}' }, 'VMDR').type).to.equal('number');
    expect(kindOfPlaceholder('SEVERITY_ORIGINAL')).to.equal('text');
  });
});
