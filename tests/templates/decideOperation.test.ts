import path from 'node:path';
import { expect } from 'chai';
import { TemplateError } from '../../connector/errors.js';
import { decideOperation } from '../../connector/templates/decideOperation.js';
import { loadScheme } from '../../connector/templates/loadScheme.js';
import { HOST_LINKING, REFERENCE_DIR } from './paths.js';
import { vmdrContext } from './vmdrContext.js';

describe('templates/decideOperation', () => {
  const reference = loadScheme(path.join(REFERENCE_DIR, 'Per_Detection_Separate_Ticket_Scheme.json'));

  it('maps the status to an operation and a workflow status', () => {
    expect(decideOperation(reference, vmdrContext(), false)).to.deep.equal({ key: 'Active', op: 'open', workflowStatus: 'Open' });
    expect(decideOperation(reference, vmdrContext({ STATUS: 'Re-Opened' }), false)).to.deep.equal({
      key: 'Re-Opened',
      op: 'open',
      workflowStatus: 'Reopened',
    });
    expect(decideOperation(reference, vmdrContext({ STATUS: 'Fixed' }), false)).to.deep.equal({ key: 'Fixed', op: 'close', workflowStatus: 'Closed' });
  });

  it('looks up <STATUS>/Ignored first for ignored findings', () => {
    expect(decideOperation(reference, vmdrContext(), true)).to.deep.equal({ key: 'Active/Ignored', op: 'close', workflowStatus: 'Closed' });
  });

  it('falls back to <STATUS> when no /Ignored key is mapped', () => {
    const scheme = loadScheme(path.join(REFERENCE_DIR, 'Per_Web_App_Finding_Ticket_Scheme.json'));
    expect(decideOperation(scheme, { STATUS: 'ACTIVE' }, true)).to.deep.equal({ key: 'ACTIVE', op: 'open', workflowStatus: 'Open' });
  });

  it('matches keys case-insensitively when there is no exact key', () => {
    expect(decideOperation(reference, vmdrContext({ STATUS: ' fixed ' }), false).key).to.equal('Fixed');
  });

  it('uses link/unlink for linking schemes', () => {
    const scheme = loadScheme(HOST_LINKING);
    expect(decideOperation(scheme, vmdrContext({ STATUS: 'New' }), false)).to.deep.equal({ key: 'New', op: 'link', workflowStatus: 'To Do' });
    expect(decideOperation(scheme, vmdrContext({ STATUS: 'Fixed' }), true)).to.deep.equal({ key: 'Fixed/Ignored', op: 'unlink', workflowStatus: 'Done' });
  });

  it('leaves workflowStatus unset when the key has no workflow mapping', () => {
    const scheme = { ...reference, workflowMappings: {} };
    expect(decideOperation(scheme, vmdrContext(), false)).to.deep.equal({ key: 'Active', op: 'open' });
  });

  it('throws a TemplateError naming an unknown status and the mapped keys', () => {
    try {
      decideOperation(reference, vmdrContext({ STATUS: 'Pending' }), false);
      expect.fail('expected a TemplateError');
    } catch (err) {
      expect(err).to.be.instanceOf(TemplateError);
      const e = err as TemplateError;
      expect(e.message).to.equal('no operationMappings entry for status "Pending"');
      expect(e.path).to.equal('template.metadata.operationMappings');
      expect(e.hint).to.include('mapped: New, Active, Fixed, Re-Opened, New/Ignored');
      expect(e.hint).to.include('add "Pending" to operationMappings');
    }
  });

  it('throws when the operation field renders empty', () => {
    expect(() => decideOperation(reference, vmdrContext({ STATUS: null }), false)).to.throw(TemplateError, 'rendered empty');
  });
});
