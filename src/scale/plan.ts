/** How much of each thing the benchmark company holds at `--scale 1`; every count is multiplied by the scale. */
export const BASE_COUNTS = {
  employees: 10_000,
  extranetUsers: 2_000,
  groups: 3_000,
  tasks: 300_000,
  posts: 600_000,
  activity: 400_000,
  postComments: 150_000,
  postLikes: 1_200_000,
  commentLikes: 150_000,
  taskComments: 50_000,
  files: 100_000,
  events: 20_000,
  directConversations: 20_000,
  chatMessages: 500_000,
  notifications: 100_000,
} as const;

export type Counts = { -readonly [K in keyof typeof BASE_COUNTS]: number };

export function countsFor(scale: number): Counts {
  const out = {} as Counts;
  for (const key of Object.keys(BASE_COUNTS) as (keyof Counts)[]) out[key] = Math.max(1, Math.round(BASE_COUNTS[key] * scale));
  return out;
}

/** The known password of every benchmark account. */
export const SCALE_PASSWORD = 'atrium-bench-1';
/** The typical employee (in 40 groups) and the external user (in 3 groups) the benchmark signs in as. */
export const BENCH_EMPLOYEE_EMAIL = 'employee@bench.example';
export const BENCH_EMPLOYEE_GROUPS = 40;
export const BENCH_EXTERNAL_EMAIL = 'partner@client.example';
export const BENCH_EXTERNAL_GROUPS = 3;

/** All timestamps lie in the two years before this fixed instant, so every run makes the same data. */
export const EPOCH_END = Date.UTC(2026, 10, 1);
const SPAN_MS = 730 * 24 * 3600 * 1000;

/** The instant at `fraction` (0 = two years ago, 1 = EPOCH_END) of the data's time span. */
export function instantAt(fraction: number): Date {
  return new Date(EPOCH_END - SPAN_MS + Math.floor(fraction * SPAN_MS));
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
