/**
 * Who a binding names, and who a request is: users, groups and service
 * accounts, with the groups Kubernetes adds to every authenticated identity
 * (`system:authenticated`, `system:serviceaccounts[:<ns>]`) and to anonymous
 * requests (`system:unauthenticated`).
 */

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface Subject {
  kind: SubjectKind;
  name: string;
  /** Service accounts only. */
  namespace?: string;
}

export const ANONYMOUS_USER = 'system:anonymous';
export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
const SA_USER_PREFIX = 'system:serviceaccount:';

/**
 * The identity a subject stands for. A User named
 * `system:serviceaccount:<ns>:<name>` is that service account's username, so
 * the authorizer treats it exactly like the ServiceAccount subject.
 */
export function canonicalSubject(s: Subject): Subject {
  if (s.kind === 'User' && s.name.startsWith(SA_USER_PREFIX)) {
    const rest = s.name.slice(SA_USER_PREFIX.length);
    const colon = rest.indexOf(':');
    if (colon > 0 && colon < rest.length - 1 && !rest.slice(colon + 1).includes(':')) {
      return { kind: 'ServiceAccount', namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
    }
  }
  return s;
}

/** A map key for one identity. */
export function subjectKey(s: Subject): string {
  return `${s.kind}\u0000${s.kind === 'ServiceAccount' ? (s.namespace ?? '') : ''}\u0000${s.name}`;
}

export const groupKey = (name: string): string => subjectKey({ kind: 'Group', name });

/** `ServiceAccount ci/deployer`, `User alice`, `Group system:authenticated`. */
export function describeSubject(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace ?? '?'}/${s.name}` : `${s.kind} ${s.name}`;
}

/**
 * Groups the API server adds to the identity: every service account is in
 * `system:serviceaccounts`, `system:serviceaccounts:<ns>` and
 * `system:authenticated`; anonymous requests are user `system:anonymous` in
 * `system:unauthenticated`; any other user is at least in
 * `system:authenticated` (its other groups come from the authenticator and
 * are unknown here). A group has no implicit groups.
 */
export function implicitGroups(s: Subject): string[] {
  if (s.kind === 'ServiceAccount') return [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${s.namespace ?? ''}`, AUTHENTICATED];
  if (s.kind === 'User') return s.name === ANONYMOUS_USER ? [UNAUTHENTICATED] : [AUTHENTICATED];
  return [];
}

/** What a well-known group means, for reports; undefined for other groups. */
export function describeGroup(name: string): string | undefined {
  if (name === AUTHENTICATED) return 'every authenticated user and service account';
  if (name === UNAUTHENTICATED) return 'every anonymous request';
  if (name === ALL_SERVICE_ACCOUNTS) return 'every service account in the cluster';
  if (name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`)) return `every service account in namespace ${name.slice(ALL_SERVICE_ACCOUNTS.length + 1)}`;
  if (name === 'system:masters') return 'superusers: members bypass RBAC entirely';
  return undefined;
}

/** Stable order for reports: kind, namespace, name. */
export function compareSubjects(a: Subject, b: Subject): number {
  const order: Record<SubjectKind, number> = { ServiceAccount: 0, User: 1, Group: 2 };
  return order[a.kind] - order[b.kind] || cmpStr(a.namespace ?? '', b.namespace ?? '') || cmpStr(a.name, b.name);
}

/** Code-unit order, independent of the locale (golden files must not change with it). */
export const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
