/**
 * Scenario files (validated with zod) and the runner that turns them into a stream of callers; the CLI that
 * serves a scenario over a real socket.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ZodError } from 'zod';
import { FakeClock } from './clock';
import { loadScenario, parseScenario, type Scenario } from './scenario';
import { getEventHeader, type SwitchEvent } from './switch-event';
import { SwitchSimulator } from './switch-simulator';
import { RawClient } from './test-support';

const scenariosDir = fileURLToPath(new URL('./scenarios/', import.meta.url));

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switch-sim-scenario-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scenario files', () => {
  test('the shipped demo and training scenarios are valid; CSV populations are normalised', () => {
    const demo = loadScenario({ path: join(scenariosDir, 'demo.json') });
    expect(demo.population).toHaveLength(32);
    expect(demo.population[0]).toEqual({ number: '13800130000', name: '张伟' });
    expect(demo.population).toContainEqual({ number: '057188880001', name: '' });
    expect(demo.population).toContainEqual({ number: '+8613900139000', name: 'Müller' });
    expect(demo.agents.map((a) => a.answer)).toEqual(['auto', 'auto', 'auto']);
    const training = loadScenario({ path: join(scenariosDir, 'training.json') });
    expect(training.agents.every((a) => a.answer === 'manual')).toBe(true);
  });

  test('JSON populations and inline callers work too', async () => {
    await writeFile(
      join(dir, 'people.json'),
      JSON.stringify([{ number: '13800000001', name: '甲' }, { number: '13800000002' }]),
    );
    const fromFile = parseScenario({
      input: {
        arrivalsPerMinute: 1,
        population: 'people.json',
        talkTimeSeconds: { distribution: 'fixed', value: 60 },
      },
      baseDir: dir,
    });
    expect(fromFile.population).toEqual([
      { number: '13800000001', name: '甲' },
      { number: '13800000002', name: '' },
    ]);
    expect(fromFile).toMatchObject({
      name: 'scenario',
      seed: 1,
      destination: '12345',
      callerHangsUpShare: 1,
    });
  });

  test('mistakes are reported field by field', () => {
    const attempt = (input: unknown): string[] => {
      try {
        parseScenario({ input, baseDir: dir });
        return [];
      } catch (error) {
        if (!(error instanceof ZodError)) throw error;
        return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`);
      }
    };
    expect(
      attempt({
        arrivalsPerMinute: -2,
        population: [{ number: 'not a number' }],
        talkTimeSeconds: { distribution: 'gaussian', mean: 3 },
        patienceSeconds: { distribution: 'uniform', min: 10, max: 5 },
        colour: 'blue',
      }),
    ).toEqual(
      expect.arrayContaining([
        'arrivalsPerMinute: too_small',
        'population.0.number: invalid_format',
        'talkTimeSeconds.distribution: invalid_union',
        'patienceSeconds: custom',
        ': unrecognized_keys',
      ]),
    );
  });
});

function runScenario(scenario: Scenario, minutes: number): { events: SwitchEvent[]; placed: number } {
  const clock = new FakeClock();
  const sim = new SwitchSimulator({
    clock,
    heartbeatIntervalMs: 0,
    defaultApps: [{ app: 'answer' }, { app: 'callcenter', data: 'hotline' }],
  });
  const events: SwitchEvent[] = [];
  sim.onEvent({ listener: (event) => events.push(event) });
  sim.startScenario({ scenario });
  for (let minute = 0; minute < minutes; minute++) clock.advance({ ms: 60_000 });
  return { events, placed: sim.scenarioCallsPlaced };
}

describe('running a scenario', () => {
  const scenario = parseScenario({
    input: {
      seed: 42,
      arrivalsPerMinute: 3,
      durationMinutes: 60,
      population: [
        { number: '13800000001', name: '甲' },
        { number: '13800000002', name: '乙' },
        { number: '13800000003', name: '丙' },
      ],
      talkTimeSeconds: { distribution: 'lognormal', median: 60, sigma: 0.5 },
      patienceSeconds: { distribution: 'exponential', mean: 45 },
      callerHangsUpShare: 0.5,
      queues: [{ name: 'hotline' }],
      agents: [
        { name: '1001@default', contact: 'user/1001', queues: ['hotline'] },
        { name: '1002@default', contact: 'user/1002', queues: ['hotline'], ringSeconds: 6 },
      ],
    },
    baseDir: dir,
  });

  test('callers arrive at the set rate, some are answered, some abandon; the same seed replays the same day', () => {
    const first = runScenario(scenario, 70);
    const creates = first.events.filter(
      (e) =>
        e.name === 'CHANNEL_CREATE' && getEventHeader({ event: e, name: 'Call-Direction' }) === 'inbound',
    );
    expect(creates).toHaveLength(first.placed);
    expect(first.placed).toBeGreaterThan(180 * 0.75);
    expect(first.placed).toBeLessThan(180 * 1.25);
    const ends = first.events.filter(
      (e) => getEventHeader({ event: e, name: 'CC-Action' }) === 'member-queue-end',
    );
    const causes = new Set(ends.map((e) => getEventHeader({ event: e, name: 'CC-Cause' })));
    expect(causes).toEqual(new Set(['Terminated', 'Cancel']));
    expect(ends).toHaveLength(first.placed);
    const hungUpBy = new Set(
      first.events
        .filter(
          (e) =>
            e.name === 'CHANNEL_HANGUP_COMPLETE' &&
            getEventHeader({ event: e, name: 'Call-Direction' }) === 'outbound',
        )
        .map((e) => getEventHeader({ event: e, name: 'variable_sip_hangup_disposition' })),
    );
    // Agents hang up some calls (recv_bye), callers the others (send_bye); offers to callers who gave up are cancelled.
    expect([...hungUpBy].sort()).toEqual(['recv_bye', 'send_bye', 'send_cancel']);

    const again = runScenario(scenario, 70);
    expect(again.placed).toBe(first.placed);
    const callers = (r: typeof first): Array<string | undefined> =>
      r.events
        .filter((e) => e.name === 'CHANNEL_CREATE')
        .map((e) => getEventHeader({ event: e, name: 'Caller-Caller-ID-Number' }));
    expect(callers(again)).toEqual(callers(first));
  });
});

describe('the CLI', () => {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

  function run(args: string[]): { output: () => string; exit: Promise<number | null>; kill: () => void } {
    const child = spawn(process.execPath, [tsxCli, cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { output: () => output, exit, kill: () => child.kill('SIGTERM') };
  }

  test('serves a scenario over Event Socket and stops on SIGTERM with exit code 0', async () => {
    const proc = run([
      '--port',
      '0',
      '--password',
      'Secret1',
      '--scenario',
      join(scenariosDir, 'demo.json'),
      '--recordings',
      dir,
    ]);
    try {
      const deadline = Date.now() + 15_000;
      let port: number | undefined;
      while (port === undefined) {
        // Both lines, which may arrive in separate reads.
        const match = /Event Socket on 127\.0\.0\.1:(\d+).*\n.*scenario "/s.exec(proc.output());
        if (match?.[1] !== undefined) port = Number(match[1]);
        else if (Date.now() > deadline) throw new Error(`no port printed:\n${proc.output()}`);
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(proc.output()).toContain(
        'scenario "county hotline, a busy morning": 2 calls/min from 32 callers',
      );
      const client = await RawClient.connect({ port });
      await client.authenticate({ password: 'Secret1' });
      const agents = await client.command({ text: 'api callcenter_config queue list agents hotline' });
      expect(
        agents.body
          .toString()
          .split('\n')
          .filter((line) => line.includes('|Available|')),
      ).toHaveLength(3);
      client.close();
    } finally {
      proc.kill();
    }
    expect(await proc.exit).toBe(0);
  }, 20_000);

  test('a scenario with mistakes is refused with exit code 1', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(
      path,
      JSON.stringify({
        arrivalsPerMinute: 0,
        population: [],
        talkTimeSeconds: { distribution: 'fixed', value: 1 },
      }),
    );
    const proc = run(['--port', '0', '--scenario', path]);
    expect(await proc.exit).toBe(1);
    expect(proc.output()).toContain(`scenario ${path} is not valid:\n  arrivalsPerMinute:`);
    expect(proc.output()).toContain('  population:');
  }, 20_000);
});
