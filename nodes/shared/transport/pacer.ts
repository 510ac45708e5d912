// Paces Gmail calls to the per-user quota ceiling, so a large sync or a bulk send runs at the ceiling
// instead of bouncing off 429s. Units are spread evenly over time (no bursts) at a rate that adapts:
// it starts a little under the ceiling, drops 3% whenever Google refuses a call for rate (the client's
// clock is not Google's: arrival jitter pushes evenly spaced calls over the limit) and creeps back up
// while calls pass. In memory, one lane per user: each process paces its own calls.

export const PACE_START = 0.98;
export const PACE_FLOOR = 0.7;

interface Lane {
	nextAt: number;
	rate: number;
	ceiling: number;
}

export class QuotaPacer {
	private lanes = new Map<string, Lane>();

	private lane(key: string, ceiling: number): Lane {
		let lane = this.lanes.get(key);
		if (!lane || lane.ceiling !== ceiling) {
			lane = { nextAt: 0, rate: ceiling * PACE_START, ceiling };
			this.lanes.set(key, lane);
		}
		return lane;
	}

	/**
	 * Milliseconds to wait before spending `units` for `key` under `ceiling` units/s; books the slot.
	 * 0 = no pacing; -1 = the slot starts after `deadline` (nothing booked).
	 */
	book(key: string, units: number, ceiling: number, now = Date.now(), deadline?: number): number {
		if (!(ceiling > 0)) return 0;
		const lane = this.lane(key, ceiling);
		const at = Math.max(now, lane.nextAt);
		if (deadline !== undefined && at > deadline) return -1;
		lane.nextAt = at + (units / lane.rate) * 1000;
		return at - now;
	}

	/** Google refused a call for rate: slow down. */
	refused(key: string, ceiling: number): void {
		if (!(ceiling > 0)) return;
		const lane = this.lane(key, ceiling);
		lane.rate = Math.max(ceiling * PACE_FLOOR, lane.rate * 0.97);
	}

	/** Calls passed: speed up a little, up to the starting fraction. */
	passed(key: string, units: number, ceiling: number): void {
		if (!(ceiling > 0)) return;
		const lane = this.lane(key, ceiling);
		lane.rate = Math.min(ceiling * PACE_START, lane.rate * (1 + 0.00005 * units));
	}

	/** The lane's current rate in units/s. */
	rate(key: string, ceiling: number): number {
		return this.lane(key, ceiling).rate;
	}
}

export const gmailPacer = new QuotaPacer();
