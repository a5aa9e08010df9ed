import type { TicketRole } from '../templates/types.js';

/** One thing a cycle does (or, in a dry run, would do) to a ticket. */
export type PlanStep =
  | { op: 'create'; role: TicketRole; primaryKey: string; summary: string; priority?: string; issueType: string; findingKey?: string }
  | { op: 'adopt'; role: TicketRole; primaryKey: string; key: string }
  | { op: 'update'; role: TicketRole; primaryKey: string; key: string; fields: string[] }
  | { op: 'comment'; role: TicketRole; primaryKey: string; key: string }
  | { op: 'transition'; role: TicketRole; primaryKey: string; key: string; to: string; reason: string }
  | { op: 'link'; parentKey: string; childKey: string; primaryKey: string }
  | { op: 'unlink'; parentKey: string; childKey: string; primaryKey: string }
  | { op: 'record'; role: TicketRole; primaryKey: string; key: string; note: string }
  | { op: 'fail'; role: TicketRole; primaryKey: string; findingKey: string; error: string }
  | { op: 'route'; findingKey: string; rule?: string; actions: string[] }
  | { op: 'alert'; action: 'trigger' | 'resolve'; lane: string; dedupKey: string; summary: string; severity: string };

export type StepListener = (step: PlanStep) => void;
