import { expect, test } from 'vitest';
import { runSimulationSeed } from './sim-world';

/**
 * The convergence simulation: a hub, two county appliances and three PWAs under random partitions,
 * duplicated frames, interleaved delivery and restarts from storage, with random valid and invalid
 * signed proposals and free-field edits. After healing, every replica that may read a record holds it
 * identically, every proposal made reached its home and was decided once, and every order is valid.
 * `npm run test:soak -w @jiazheng/sync` runs the same for 100,000 seeds.
 */
const seeds = Number(process.env.JZ_SIM_SEEDS ?? 1000);

test(`${seeds} seeded worlds converge with nothing lost`, async () => {
  let proposals = 0;
  let restarts = 0;
  let cuts = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const { world, problems } = await runSimulationSeed({ seed, steps: 60 });
    expect(problems, `seed ${seed}`).toEqual([]);
    proposals += world.stats.proposals;
    restarts += world.stats.restarts;
    cuts += world.stats.cuts;
  }
  // The worlds did real work: proposals made, links cut, nodes restarted.
  console.log(`simulation: ${seeds} seeds, ${proposals} proposals, ${cuts} cuts, ${restarts} restarts`);
  expect(proposals).toBeGreaterThan(seeds * 5);
  expect(restarts).toBeGreaterThan(seeds / 2);
  expect(cuts).toBeGreaterThan(seeds / 2);
}, 600_000);
