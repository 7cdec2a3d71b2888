/** Geometry of the project timeline (R-T9): percentages of the project's span, drawn by the template. */

const DAY = 86_400_000;
const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY);
const clamp = (n: number) => Math.min(100, Math.max(0, n));
const round = (n: number) => Math.round(n * 100) / 100;

export interface TimelineTask {
  startOn: string | null;
  deadline: string | null;
  status: string;
}

/** A deadline before today on a task not completed. */
export function isOverdue(task: { deadline: string | null; status: string }, today: string): boolean {
  return task.deadline !== null && task.deadline < today && task.status !== 'completed';
}

export interface Bar {
  /** Left edge and width in percent of the project's span. */
  x: number;
  width: number;
  begins: string;
  ends: string;
  overdue: boolean;
}

export interface Scale {
  days: number;
  bar(task: TimelineTask): Bar;
  /** Where a day lies, or null outside the project. */
  at(date: string): number | null;
  /** The first of each month inside the project, for the axis. */
  months: { x: number; date: string }[];
}

export function timelineScale(startsOn: string, endsOn: string, today: string): Scale {
  const first = dayNumber(startsOn);
  const days = Math.max(1, dayNumber(endsOn) - first + 1);
  const pct = (date: string) => ((dayNumber(date) - first) / days) * 100;
  const months: { x: number; date: string }[] = [];
  const cursor = new Date(`${startsOn.slice(0, 7)}-01T00:00:00Z`);
  for (let i = 0; i < 120; i++) {
    const date = cursor.toISOString().slice(0, 10);
    if (date > endsOn) break;
    if (date >= startsOn) months.push({ x: round(pct(date)), date });
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return {
    days,
    months,
    at: (date) => (date < startsOn || date > endsOn ? null : round(pct(date))),
    bar(task) {
      const begins = task.startOn ?? task.deadline ?? startsOn;
      const ends = task.deadline ?? task.startOn ?? begins;
      const x = clamp(pct(begins));
      const right = clamp(pct(ends) + 100 / days);
      return { x: round(x), width: round(Math.max(0.6, right - x)), begins, ends, overdue: isOverdue(task, today) };
    },
  };
}
