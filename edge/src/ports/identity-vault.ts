/**
 * Workers' full resident identity numbers, kept encrypted at rest at the hub. The worker record carries
 * only the masked number (it replicates to every county and stays in the record's log for good); the full
 * one is needed rarely (a police background check, a dispute) and is read by the registry only.
 */
export interface IdentityVault {
  /** Keeps (or replaces) the worker's full number. */
  keep(options: { workerId: string; idNumber: string }): Promise<void>;
  /** Null when none is kept for the worker. Throws when it cannot be decrypted (wrong key, tampering). */
  reveal(options: { workerId: string }): Promise<string | null>;
  /** Removes it (a registration that was refused after its number was kept). */
  forget(options: { workerId: string }): Promise<void>;
}
