import { QuotaPacer } from '../../../nodes/shared/transport/pacer';

describe('quota pacer', () => {
	it('spreads units evenly per lane at 0.98 of the ceiling: 50 units at 245 units/s are 204 ms apart; 0 = no pacing', () => {
		const p = new QuotaPacer();
		expect(p.book('u', 50, 250, 1000)).toBe(0);
		expect(p.book('u', 50, 250, 1000)).toBeCloseTo(204.08, 1);
		expect(p.book('u', 50, 250, 1100)).toBeCloseTo(308.16, 1);
		expect(p.book('other', 50, 250, 1100)).toBe(0);
		expect(p.book('u', 50, 250, 5000)).toBe(0);
		expect(p.book('u', 500, 0)).toBe(0);
	});

	it('slows down on refusals, creeps back up to the starting fraction, never below the floor', () => {
		const p = new QuotaPacer();
		expect(p.rate('u', 250)).toBeCloseTo(245);
		p.refused('u', 250);
		expect(p.rate('u', 250)).toBeCloseTo(245 * 0.97);
		for (let i = 0; i < 200; i++) p.passed('u', 50, 250);
		expect(p.rate('u', 250)).toBeCloseTo(245);
		for (let i = 0; i < 100; i++) p.refused('u', 250);
		expect(p.rate('u', 250)).toBeCloseTo(175);
	});

	it('a steady stream runs at the pace rate and never over the ceiling in any second', () => {
		const p = new QuotaPacer();
		let now = 0;
		const sent: number[] = [];
		while (now < 10_000) {
			now += p.book('u', 5, 100, now);
			sent.push(now);
		}
		// 100 units/s × 0.98 for 10 s at 5 units a call ≈ 196 calls
		expect(sent.length).toBeGreaterThanOrEqual(195);
		expect(sent.length).toBeLessThanOrEqual(198);
		for (let t = 0; t < 9_000; t += 250) expect(sent.filter((s) => s >= t && s < t + 1000).length * 5).toBeLessThanOrEqual(100);
	});
});
