import packageJson from '../package.json' with { type: 'json' };

/** Reported by /health so an operator can tell which build the hub runs. */
export const HUB_VERSION: string = packageJson.version;
