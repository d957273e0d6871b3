import { ensureDataset } from './lib/dataset';
const d = await ensureDataset({ log: (m) => console.error(m) });
console.log(JSON.stringify(d.report, null, 2));
