// A logger that records every line n8n-core and the nodes write (n8n-core's `Logger` in the DI
// container, which is also what a node's `this.logger` returns, plus n8n-workflow's LoggerProxy),
// so tests can assert that no token, key or secret is ever logged.
import { LoggerProxy } from 'n8n-workflow';
import type { Logger as WorkflowLogger, LogMetadata } from 'n8n-workflow';

import { Container, backendCommon } from './n8n-internals';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogRecord {
	level: LogLevel;
	scopes: string[];
	message: string;
	metadata?: LogMetadata;
	/** `level [scopes] message {metadata}` with metadata serialised (errors included). */
	line: string;
}

function safeSerialize(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return JSON.stringify(value, (_key, v: unknown) => {
			if (v instanceof Error) {
				const plain: Record<string, unknown> = { name: v.name, message: v.message, stack: v.stack };
				for (const k of Object.keys(v)) plain[k] = (v as unknown as Record<string, unknown>)[k];
				return plain;
			}
			if (typeof v === 'bigint') return v.toString();
			if (v !== null && typeof v === 'object') {
				if (seen.has(v)) return '[Circular]';
				seen.add(v);
			}
			return v;
		});
	} catch {
		return String(value);
	}
}

export class RecordingLogger implements WorkflowLogger {
	constructor(
		readonly records: LogRecord[] = [],
		private readonly scopes: string[] = [],
		/** Also print to the console (set HARNESS_LOG=1 to see the lines while debugging). */
		private readonly echo = process.env.HARNESS_LOG === '1',
	) {}

	scoped(scopes: string | string[]): RecordingLogger {
		return new RecordingLogger(this.records, [...this.scopes, ...(Array.isArray(scopes) ? scopes : [scopes])], this.echo);
	}

	private log(level: LogLevel, message: string, metadata?: LogMetadata) {
		const meta = metadata && Object.keys(metadata).length ? ` ${safeSerialize(metadata)}` : '';
		const scope = this.scopes.length ? ` [${this.scopes.join(',')}]` : '';
		const line = `${level}${scope} ${message}${meta}`;
		this.records.push({ level, scopes: this.scopes, message, metadata, line });
		if (this.echo) console.log(line);
	}

	error(message: string, metadata?: LogMetadata) {
		this.log('error', message, metadata);
	}
	warn(message: string, metadata?: LogMetadata) {
		this.log('warn', message, metadata);
	}
	info(message: string, metadata?: LogMetadata) {
		this.log('info', message, metadata);
	}
	debug(message: string, metadata?: LogMetadata) {
		this.log('debug', message, metadata);
	}

	/** Every line so far. */
	get lines(): string[] {
		return this.records.map((r) => r.line);
	}

	/** The lines logged since record `start` (a long run must not re-map every earlier line per call). */
	linesSince(start: number): string[] {
		return this.records.slice(start).map((r) => r.line);
	}

	clear() {
		this.records.length = 0;
	}

	/** Lines containing any of the given strings (use for "no secret in logs" assertions). */
	linesContaining(...needles: string[]): string[] {
		const wanted = needles.filter((n) => n.length > 0);
		return this.lines.filter((l) => wanted.some((n) => l.includes(n)));
	}
}

let installed: RecordingLogger | undefined;

/** Installs (once per jest module registry) the recording logger as n8n-core's Logger and LoggerProxy. */
export function installRecordingLogger(): RecordingLogger {
	if (!installed) {
		installed = new RecordingLogger();
		Container.set(backendCommon.Logger, installed);
		LoggerProxy.init(installed);
	}
	return installed;
}
