/**
 * `single`: flat payload (one ticket per finding); `parent`/`child`: payload.parent /
 * payload.relatedTicket. A value type shared by templates (which render a role) and
 * state (which stores it per ticket row), so it lives at the bottom.
 */
export type TicketRole = 'single' | 'parent' | 'child';
