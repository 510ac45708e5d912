// Quota accounting as Google does it: a per-user rate ceiling (units per second, sliding one-second
// window) and a running total, so tests and benchmarks can read units spent per call kind.
export class QuotaMeter {
	/** Units a user may spend per second; 0 = unlimited. */
	unitsPerSecond: number;
	/** Units a user may spend per day; 0 = unlimited. */
	unitsPerDay: number;
	readonly totals = new Map<string, number>();
	readonly byMethod = new Map<string, number>();
	private windows = new Map<string, { at: number; units: number }[]>();
	private daily = new Map<string, number>();
	rejected = 0;

	constructor(opts: { unitsPerSecond?: number; unitsPerDay?: number } = {}) {
		this.unitsPerSecond = opts.unitsPerSecond ?? 0;
		this.unitsPerDay = opts.unitsPerDay ?? 0;
	}

	/** Charges `units` to `user`; returns 'rate' or 'daily' when the call must be refused. */
	charge(user: string, method: string, units: number, now = Date.now()): 'ok' | 'rate' | 'daily' {
		if (this.unitsPerDay > 0 && (this.daily.get(user) ?? 0) + units > this.unitsPerDay) {
			this.rejected++;
			return 'daily';
		}
		if (this.unitsPerSecond > 0) {
			const window = (this.windows.get(user) ?? []).filter((e) => now - e.at < 1000);
			const used = window.reduce((sum, e) => sum + e.units, 0);
			if (used + units > this.unitsPerSecond) {
				this.windows.set(user, window);
				this.rejected++;
				return 'rate';
			}
			window.push({ at: now, units });
			this.windows.set(user, window);
		}
		this.daily.set(user, (this.daily.get(user) ?? 0) + units);
		this.totals.set(user, (this.totals.get(user) ?? 0) + units);
		this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + units);
		return 'ok';
	}

	total(user?: string): number {
		if (user) return this.totals.get(user) ?? 0;
		let sum = 0;
		for (const v of this.totals.values()) sum += v;
		return sum;
	}

	/** The daily counter's reset (YouTube: midnight Pacific). */
	resetDaily(): void {
		this.daily.clear();
	}

	reset(): void {
		this.totals.clear();
		this.byMethod.clear();
		this.windows.clear();
		this.daily.clear();
		this.rejected = 0;
	}
}
