export type ApplianceUser = {
  username: string;
  passwordHash: string;
  role: string;
  displayName: string;
  seat: string | null;
  createdAt: string;
  disabled: boolean;
};

export type ApplianceSession = { tokenHash: string; username: string; createdAt: string; expiresAt: string };

/** The appliance's local accounts and their sessions (the seats log in here, also while the hub is away). */
export interface AuthStore {
  countUsers(): Promise<number>;
  getUser(options: { username: string }): Promise<ApplianceUser | undefined>;
  /** Refuses (returns false) when the username is taken. */
  createUser(options: { user: ApplianceUser }): Promise<boolean>;
  saveSession(options: { session: ApplianceSession }): Promise<void>;
  getSession(options: { tokenHash: string }): Promise<ApplianceSession | undefined>;
  deleteSession(options: { tokenHash: string }): Promise<void>;
  deleteExpiredSessions(options: { now: string }): Promise<number>;
}
