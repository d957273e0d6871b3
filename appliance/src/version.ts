import packageJson from '../package.json' with { type: 'json' };

/** Reported by /health so a technician can tell which build a county runs without shell access. */
export const APPLIANCE_VERSION: string = packageJson.version;
