// The convergence simulation for many seeds: `npm run test:soak -w @jiazheng/sync [-- <seeds> [<first>]]`.
// Default 100,000 seeds; prints progress, then the count of seeds run and any failing seed with its problems.
import { runSimulationSeed } from '../src/replica/simulation/sim-world';

const seeds = Number(process.argv[2] ?? 100_000);
const first = Number(process.argv[3] ?? 1);
const started = Date.now();
let failed = 0;
let proposals = 0;
for (let seed = first; seed < first + seeds; seed++) {
  const { world, problems } = await runSimulationSeed({ seed, steps: 60 });
  proposals += world.stats.proposals;
  if (problems.length > 0) {
    failed += 1;
    console.error(`seed ${seed} failed:\n  ${problems.join('\n  ')}`);
  }
  if ((seed - first + 1) % 1000 === 0) {
    console.log(
      `${seed - first + 1} seeds, ${failed} failed, ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }
}
console.log(
  `soak: ${seeds} seeds run (${first}…${first + seeds - 1}), ${proposals} proposals, ${failed} failed`,
);
process.exit(failed === 0 ? 0 : 1);
