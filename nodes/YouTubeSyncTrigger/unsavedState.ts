// What must last from one poll to the next even when n8n does not save it. n8n saves a polling
// trigger's static data when the poll emits (and, with durable poll cursors, when it returns
// nothing). With the scheduler on (N8N_SCHEDULER_ENABLED) and durable cursors off, every poll runs
// on a workflow built afresh from the database, so whatever a poll that emitted nothing changed is
// gone by the next poll. The day's units, the pause, the warning day and the recheck times are
// therefore also kept in this process's memory, per trigger, and merged back (the later value wins)
// when the next poll starts. A restart of n8n forgets only what changed since the last emission.
import { randomUUID } from 'node:crypto';
import type { DailyUsage } from '../shared/youtube/quota';
import type { TriggerState } from './state';

interface Unsaved {
	usage?: DailyUsage;
	pausedUntil?: string;
	pauseReason?: 'quota' | 'budget';
	warnedDay?: string;
	/** Recheck time per comment source. */
	sweptAt: Record<string, string>;
}

type CursorSources = { sources?: Record<string, { sweptAt?: string }> };

const kept = new Map<string, Unsaved>();
/** Triggers remembered per process (the oldest is forgotten first). */
const MAX_TRIGGERS = 1000;

const later = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a >= b ? a : b);

function laterUsage(a: DailyUsage | undefined, b: DailyUsage | undefined): DailyUsage | undefined {
	if (!a || !b) return a ?? b;
	if (a.day !== b.day) return a.day > b.day ? a : b;
	return a.units >= b.units ? a : b;
}

function sourcesOf(state: TriggerState): Record<string, { sweptAt?: string }> {
	return (state.comments as CursorSources | undefined)?.sources ?? {};
}

/** At the start of a poll: brings back what the previous polls of this trigger changed. */
export function restoreUnsaved(state: TriggerState): void {
	state.sid ??= randomUUID();
	const memory = kept.get(state.sid);
	if (!memory) return;
	state.usage = laterUsage(state.usage, memory.usage);
	if (memory.pausedUntil !== undefined && later(state.pausedUntil, memory.pausedUntil) !== state.pausedUntil) {
		state.pausedUntil = memory.pausedUntil;
		state.pauseReason = memory.pauseReason;
	}
	state.warnedDay = later(state.warnedDay, memory.warnedDay);
	const sources = sourcesOf(state);
	for (const [key, at] of Object.entries(memory.sweptAt)) if (sources[key]) sources[key].sweptAt = later(sources[key].sweptAt, at);
}

/** At the end of a poll, whatever its outcome. */
export function keepUnsaved(state: TriggerState): void {
	if (!state.sid) return;
	const sweptAt: Record<string, string> = {};
	for (const [key, source] of Object.entries(sourcesOf(state))) if (source.sweptAt) sweptAt[key] = source.sweptAt;
	kept.delete(state.sid);
	kept.set(state.sid, { usage: state.usage, pausedUntil: state.pausedUntil, pauseReason: state.pauseReason, warnedDay: state.warnedDay, sweptAt });
	if (kept.size > MAX_TRIGGERS) kept.delete(kept.keys().next().value as string);
}
