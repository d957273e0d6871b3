import { z } from 'zod';

/** Who a person is to the system. Scope (country, province, city, county) is carried separately. */
export const Role = {
  callTaker: 'call_taker',
  supervisor: 'supervisor',
  centralOffice: 'central_office',
  registryOfficer: 'registry_officer',
  qualityInspector: 'quality_inspector',
  legalConsultant: 'legal_consultant',
  technician: 'technician',
  administrator: 'administrator',
  /** Staff of an affiliated enterprise, answering for it (accept, decline, report service). */
  enterprise: 'enterprise',
  /** The record's home acting on its own (timers, automatic escalation). */
  system: 'system',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const roleSchema = z.enum(Object.values(Role) as [Role, ...Role[]]);

export const actorSchema = z.object({
  userId: z.string().min(1).max(64),
  role: roleSchema,
});
export type Actor = z.infer<typeof actorSchema>;
