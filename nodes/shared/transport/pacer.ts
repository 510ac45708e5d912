// Paces calls to a per-user quota ceiling (units per second over a sliding one-second window),
// so a large sync runs at the ceiling instead of bouncing off 429s. In memory: each process paces
// its own calls, which is what Google counts per user anyway only approximately.

// Google counts a call when it arrives, we when it leaves: a slightly longer window keeps a call that
// leaves at the end of our window from landing inside Google's previous one.
export const PACING_WINDOW_MS = 1050;

export class UnitPacer {
	private windows = new Map<string, { at: number; units: number }[]>();

	/** Milliseconds to wait before `units` fit under `perSecond` for `key`; records the spend when 0. */
	reserve(key: string, units: number, perSecond: number, now = Date.now()): number {
		if (!(perSecond > 0)) return 0;
		const window = (this.windows.get(key) ?? []).filter((e) => now - e.at < PACING_WINDOW_MS);
		this.windows.set(key, window);
		const used = window.reduce((sum, e) => sum + e.units, 0);
		if (used + units <= perSecond || window.length === 0) {
			window.push({ at: now, units: Math.min(units, perSecond) });
			return 0;
		}
		// Wait until enough of the window's oldest spends fall out of it.
		let free = perSecond - used;
		for (const e of window) {
			free += e.units;
			if (free >= units) return Math.max(1, e.at + PACING_WINDOW_MS - now);
		}
		return Math.max(1, window[window.length - 1].at + 1000 - now);
	}
}

export const gmailPacer = new UnitPacer();
