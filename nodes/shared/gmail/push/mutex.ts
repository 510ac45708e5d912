// One lock per key (workflow + node) in this process: pushes for one mailbox take turns, so two never
// run the sync from the same cursor. A waiter may give up (its `giveUp` promise settles first) and is
// then skipped, never handed the lock later. Pure: no timers here; the caller brings the timeout.

export type Release = () => void;

interface Waiter {
	grant: (release: Release) => void;
	cancelled: boolean;
}

export class KeyedMutex {
	/** Key → waiters queued behind the holder (present while the lock is held). */
	private readonly queues = new Map<string, Waiter[]>();

	isHeld(key: string): boolean {
		return this.queues.has(key);
	}

	/** The lock at once, or undefined when another holds it. */
	tryAcquire(key: string): Release | undefined {
		if (this.queues.has(key)) return undefined;
		this.queues.set(key, []);
		return this.releaser(key);
	}

	/** Waits for the lock; resolves undefined when `giveUp` settles first. */
	async acquire(key: string, giveUp?: Promise<unknown>): Promise<Release | undefined> {
		const now = this.tryAcquire(key);
		if (now) return now;
		const queue = this.queues.get(key) as Waiter[];
		return await new Promise<Release | undefined>((resolve) => {
			const waiter: Waiter = { grant: resolve, cancelled: false };
			queue.push(waiter);
			void giveUp?.then(
				() => {
					if (waiter.cancelled) return;
					waiter.cancelled = true;
					resolve(undefined);
				},
				() => undefined,
			);
		});
	}

	private releaser(key: string): Release {
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const queue = this.queues.get(key) ?? [];
			for (let next = queue.shift(); next; next = queue.shift()) {
				if (next.cancelled) continue;
				// Marked taken so a late giveUp does not resolve it a second time.
				next.cancelled = true;
				next.grant(this.releaser(key));
				return;
			}
			this.queues.delete(key);
		};
	}
}
