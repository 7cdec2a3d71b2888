import t from 'tap';
import { isOverdue, timelineScale } from '../../src/lib/timeline.js';

t.test('timeline geometry (R-T9)', async (t) => {
  const scale = timelineScale('2026-01-01', '2026-01-10', '2026-01-06');
  t.equal(scale.days, 10);
  t.same(scale.bar({ startOn: '2026-01-01', deadline: '2026-01-10', status: 'pending' }), { x: 0, width: 100, begins: '2026-01-01', ends: '2026-01-10', overdue: false });
  t.same(scale.bar({ startOn: null, deadline: '2026-01-03', status: 'pending' }), { x: 20, width: 10, begins: '2026-01-03', ends: '2026-01-03', overdue: true }, 'a deadline alone is one day');
  t.equal(scale.bar({ startOn: '2026-01-05', deadline: null, status: 'pending' }).width, 10, 'a start alone is one day');
  t.equal(scale.at('2026-01-06'), 50);
  t.equal(scale.at('2026-02-01'), null, 'outside the project');
  t.same(timelineScale('2026-01-15', '2026-03-31', '2026-01-15').months.map((m) => m.date), ['2026-02-01', '2026-03-01']);
  t.equal(isOverdue({ deadline: '2026-01-05', status: 'completed' }, '2026-01-06'), false);
  t.equal(isOverdue({ deadline: '2026-01-06', status: 'pending' }, '2026-01-06'), false, 'due today is not overdue');
});
