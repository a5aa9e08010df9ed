// Re-exports only: the rendering entry points the pipeline calls.
export { renderTicket, renderTicketHead, renderPrimaryKey } from './renderTicket.js';
export { decideOperation } from './decideOperation.js';
