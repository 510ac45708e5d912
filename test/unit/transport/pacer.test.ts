import { UnitPacer } from '../../../nodes/shared/transport/pacer';

describe('unit pacer', () => {
	it('lets calls through up to the ceiling per second, then says how long to wait', () => {
		const pacer = new UnitPacer();
		const t = 1_000_000;
		for (let i = 0; i < 50; i++) expect(pacer.reserve('u', 5, 250, t)).toBe(0);
		const wait = pacer.reserve('u', 5, 250, t + 10);
		expect(wait).toBe(1040);
		expect(pacer.reserve('u', 5, 250, t + 1050)).toBe(0);
		expect(pacer.reserve('other', 5, 250, t + 10)).toBe(0);
		expect(pacer.reserve('u', 5, 0, t)).toBe(0);
	});

	it('paces a steady stream to the ceiling', () => {
		const pacer = new UnitPacer();
		let now = 0;
		let sent = 0;
		while (now < 10_000) {
			const wait = pacer.reserve('u', 5, 100, now);
			if (wait === 0) sent++;
			else now += wait;
		}
		// 100 units/s for 10 s at 5 units a call = 200 calls, less the 5% margin (± one window)
		expect(sent).toBeGreaterThanOrEqual(190);
		expect(sent).toBeLessThanOrEqual(220);
	});
});
