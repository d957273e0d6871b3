/**
 * Runs the switch simulator on its own, in real time, for demos, training and manual testing:
 *
 *   npx tsx appliance/src/switch-simulator/cli.ts --port 8021 --password ClueCon --scenario <file>
 *
 * Stops cleanly on SIGINT/SIGTERM. A bad option or scenario file prints what is wrong and exits 1.
 */
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { loadScenario, type Scenario } from './scenario';
import { SwitchSimulator } from './switch-simulator';

const USAGE = `usage: cli.ts [--host 127.0.0.1] [--port 8021] [--password ClueCon] [--scenario file.json]
              [--recordings dir] [--sounds dir] [--acl cidr,cidr] [--heartbeat-ms 20000] [--seed n] [--verbose]`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    fail(`--${name} must be a non-negative integer, got "${text}"\n${USAGE}`);
  return value;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        password: { type: 'string' },
        scenario: { type: 'string' },
        recordings: { type: 'string' },
        sounds: { type: 'string' },
        acl: { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        seed: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }

  let scenario: Scenario | undefined;
  if (values.scenario !== undefined) {
    try {
      scenario = loadScenario({ path: values.scenario });
    } catch (error) {
      const detail =
        error instanceof ZodError
          ? error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`).join('\n')
          : String(error);
      fail(`scenario ${values.scenario} is not valid:\n${detail}`);
    }
  }

  const verbose = values.verbose ?? false;
  const simulator = new SwitchSimulator({
    host: values.host,
    port: integer('port', values.port, 8021),
    password: values.password,
    recordingsDir: values.recordings,
    soundsDir: values.sounds,
    acl: values.acl
      ?.split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
    heartbeatIntervalMs: integer('heartbeat-ms', values['heartbeat-ms'], 20_000),
    seed: integer('seed', values.seed, 1),
    queues: scenario && scenario.queues.length > 0 ? scenario.queues : undefined,
    logger: {
      info: (message, ...details) => {
        if (verbose) console.log(message, ...details);
      },
      error: (message, ...details) => console.error(message, ...details),
    },
  });
  await simulator.start();
  console.log(
    `switch simulator: Event Socket on ${simulator.host}:${simulator.port}, Core-UUID ${simulator.coreUuid}`,
  );
  if (scenario) {
    simulator.startScenario({ scenario });
    console.log(
      `switch simulator: scenario "${scenario.name}": ${scenario.arrivalsPerMinute} calls/min from ${scenario.population.length} callers`,
    );
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`switch simulator: ${signal}, stopping`);
    simulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('switch simulator: stop failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) =>
  fail(`switch simulator: ${error instanceof Error ? error.message : String(error)}`),
);
