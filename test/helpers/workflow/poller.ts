// Ring-2 harness: polling triggers through PollContext + PollTriggerExecutor, as n8n's scheduler does.
import { AsyncLocalStorage } from 'node:async_hooks';
import { isDeepStrictEqual } from 'node:util';
import { PollContext, PollTriggerExecutor, WorkflowExecute } from 'n8n-core';
import type { IDataObject, INodeExecutionData, IPollFunctions, WorkflowActivateMode } from 'n8n-workflow';
import { UnexpectedError, Workflow } from 'n8n-workflow';
import { TestCredentialsHelper } from '../credentials';
import { Container } from '../n8n-internals';
import { type AnyNodeType } from '../node-types';
import { ensureContainer, clone, replaceContents, plain, buildAdditionalData, helperFor, type SingleNodeOptions, singleNodeWorkflow, nodeBucket, globalBucket } from './common';

// ---------------------------------------------------------------------------------------------
// Polling

export interface PollOptions extends SingleNodeOptions {
	/**
	 * 'trigger': a scheduled poll of an active workflow (n8n's PollTriggerExecutor, testingTrigger=false).
	 * 'manual': the editor's "Fetch test event" (WorkflowExecute.executePollNode; nothing persisted).
	 */
	mode?: 'trigger' | 'manual';
	/**
	 * n8n 2.41 durable poll cursors (N8N_POLLER_DURABLE_CURSORS_ENABLED): the node polls on a staged
	 * snapshot of its static data, committed with the execution when the poll emits, committed alone
	 * when it returns null, dropped when it throws. Off (the default in 2.41): the node mutates the
	 * workflow's static data, which n8n saves when the poll emits.
	 */
	durableCursors?: boolean;
	/** The activation poll (ActiveWorkflowTriggers.activatePollTrigger → executePollTrigger(true)):
	 * errors are thrown to the activator, a null result commits nothing, and the activator saves the
	 * workflow's static data afterwards. */
	activation?: boolean;
	/** What `this.getPollBudgetMs()` returns (default as n8n: 5 min legacy; pollTimeout/lease based durable). */
	pollBudgetMs?: number;
}

export interface PollResult {
	items: INodeExecutionData[][] | null;
	error?: Error;
	/** Whether the staged/static data was persisted by this poll (the caller's object was updated). */
	committed: boolean;
	/** The persisted node static data after the poll (same object the caller passed, if any). */
	staticData: IDataObject;
	/** The node static data the poll left in memory (legacy mode keeps this in the running process). */
	inMemoryStaticData: IDataObject;
	log: string[];
}

function durableBudgetMs(): number {
	let pollTimeout = 45;
	let lease = 60;
	try {
		const cfg = require(require.resolve('@n8n/config', { paths: [require.resolve('n8n-core')] }));
		const scheduler = (Container.get(cfg.GlobalConfig) as { scheduler: { pollTimeoutSeconds?: number; leaseDurationSeconds?: number } }).scheduler;
		pollTimeout = scheduler.pollTimeoutSeconds ?? pollTimeout;
		lease = scheduler.leaseDurationSeconds ?? lease;
	} catch {
		// defaults of n8n 2.41
	}
	const ceilingMs = Math.min(pollTimeout, lease) * 1000;
	const marginMs = Math.min(Math.max(0.2 * ceilingMs, 5_000), ceilingMs / 2);
	return ceilingMs - marginMs;
}

/**
 * One poll of a polling trigger, in a freshly started n8n process (the Workflow is rebuilt from the
 * persisted `staticData`, as after a restart or in a durable poller). Returns what `poll()` returned
 * (emitted items or null) and throws what it threw. See pollOnceDetailed for the full picture.
 */
export async function pollOnce(nodeType: AnyNodeType, opts: PollOptions = {}): Promise<INodeExecutionData[][] | null> {
	const result = await pollOnceDetailed(nodeType, opts);
	if (result.error) throw result.error;
	return result.items;
}

export async function pollOnceDetailed(nodeType: AnyNodeType, opts: PollOptions = {}): Promise<PollResult> {
	const poller = new Poller(nodeType, opts);
	return await poller.poll({ activation: opts.activation, mode: opts.mode });
}

/**
 * A polling trigger kept "active" in one n8n process: in legacy mode the Workflow object (and so the
 * node's in-memory static data) lives across polls, as in n8n's ActiveWorkflowTriggers; `restart()`
 * drops it and reloads the persisted data. In durable mode every poll starts from the persisted cursor.
 */
export class Poller {
	readonly persisted: IDataObject;
	/** The workflow's global static data as n8n has it saved (getWorkflowStaticData('global')). */
	readonly persistedGlobal: IDataObject = {};
	readonly credentialsHelper: TestCredentialsHelper;
	private live?: ReturnType<typeof singleNodeWorkflow>;

	constructor(
		readonly nodeType: AnyNodeType,
		readonly opts: PollOptions = {},
	) {
		this.persisted = opts.staticData ?? {};
		this.credentialsHelper = helperFor(opts);
	}

	/** Forget the in-memory workflow (the next poll starts from the persisted static data). */
	restart(): void {
		this.live = undefined;
	}

	/** The node's in-memory static data in this process (legacy mode). */
	get inMemoryStaticData(): IDataObject {
		return this.live ? nodeBucket(this.live.workflow, this.live.node) : clone(this.persisted);
	}

	async poll(overrides: { activation?: boolean; mode?: 'trigger' | 'manual' } = {}): Promise<PollResult> {
		const logger = ensureContainer();
		const logStart = logger.records.length;
		const mode = overrides.mode ?? this.opts.mode ?? 'trigger';
		const activation = overrides.activation ?? false;
		const durable = this.opts.durableCursors === true;
		const opts = { ...this.opts, credentialsHelper: this.credentialsHelper };
		const additionalData = buildAdditionalData({ credentialsHelper: this.credentialsHelper, workflowId: 'harness-workflow' });

		if (mode === 'manual') {
			// WorkflowExecute.executePollNode: a plain PollContext, static data not persisted after a manual run.
			const { workflow, node, concrete } = singleNodeWorkflow(this.nodeType, opts, this.persisted, false);
			const context = new PollContext(workflow, node, additionalData, 'manual', 'manual', undefined, undefined, undefined, undefined, undefined,
				this.opts.pollBudgetMs !== undefined ? () => this.opts.pollBudgetMs! : undefined);
			let items: INodeExecutionData[][] | null = null;
			let error: Error | undefined;
			try {
				items = await concrete.poll!.call(context);
			} catch (e) {
				error = e as Error;
			}
			return { items, error, committed: false, staticData: this.persisted, inMemoryStaticData: nodeBucket(workflow, node), log: logger.linesSince(logStart) };
		}

		if (!this.live || durable) this.live = singleNodeWorkflow(this.nodeType, opts, this.persisted, true, this.persistedGlobal);
		const { workflow, node } = this.live;
		let items: INodeExecutionData[][] | null = null;
		let error: Error | undefined;
		let committed = false;
		const persist = (data: IDataObject) => {
			replaceContents(this.persisted, data);
			committed = true;
		};

		let hooks: {
			release?: () => void;
			__commitCursor?: IPollFunctions['__commitCursor'];
			__runPoll?: IPollFunctions['__runPoll'];
			resolveNodeStaticData?: () => IDataObject;
			takeStaged?: () => IDataObject | null;
		} = {};
		if (durable) {
			// As packages/cli TriggerExecutionContextFactory.getExecutePollFunctions for a migrated node.
			const store = new AsyncLocalStorage<{ snapshot: IDataObject; seed: IDataObject }>();
			const seed = clone(this.persisted);
			const takeStaged = () => {
				const staged = store.getStore();
				if (!staged || isDeepStrictEqual(plain(staged.snapshot), plain(staged.seed))) return null;
				const cursor = clone(plain(staged.snapshot));
				staged.seed = cursor;
				return cursor;
			};
			hooks = {
				// n8n builds one AsyncLocalStorage per poll (createPollExecutionContext). On Node 20 an
				// instance that has run stays in async_hooks' list until disable(), and every promise
				// created afterwards copies its store from each one: a long run slows and grows without
				// bound (the YouTube quota bench: 4,320 polls). n8n's host runs Node 24, whose
				// AsyncLocalStorage keeps no such list, so the harness releases it after the poll.
				release: () => store.disable(),
				takeStaged,
				__runPoll: async <T>(poll: () => Promise<T>) => await store.run({ snapshot: clone(seed), seed }, poll),
				__commitCursor: async () => {
					const cursor = takeStaged();
					if (cursor) persist(cursor);
				},
				resolveNodeStaticData: () => {
					const staged = store.getStore();
					if (!staged) throw new UnexpectedError('Poll node read its static data outside of a poll; __runPoll was not entered');
					return staged.snapshot;
				},
			};
		}

		// WorkflowStaticDataService.saveStaticData(workflow): the whole static data column, when changed.
		const saveWorkflowStaticData = () => {
			if (workflow.staticData.__dataChanged !== true) return;
			replaceContents(this.persistedGlobal, globalBucket(workflow));
			if (!durable) persist(nodeBucket(workflow, node));
			workflow.staticData.__dataChanged = false;
		};
		const __emit = (data: INodeExecutionData[][]) => {
			items = data;
			if (durable) {
				const cursor = hooks.takeStaged!();
				if (cursor) persist(cursor);
			}
			saveWorkflowStaticData();
		};
		const __emitError = (e: Error) => {
			error = e;
		};
		// The activation poll runs without a fence, so with n8n's default budget even with durable cursors.
		const budget = this.opts.pollBudgetMs ?? (durable && !activation ? durableBudgetMs() : undefined);
		const activationMode: WorkflowActivateMode = activation ? 'activate' : 'init';
		const pollFunctions = new PollContext(
			workflow,
			node,
			additionalData,
			'trigger',
			activationMode,
			__emit as IPollFunctions['__emit'],
			__emitError as IPollFunctions['__emitError'],
			hooks.__commitCursor,
			hooks.__runPoll,
			hooks.resolveNodeStaticData,
			budget !== undefined ? () => budget : undefined,
		);
		const executor = Container.get(PollTriggerExecutor);
		try {
			await executor.create(workflow, node, pollFunctions, () => true)(activation);
		} catch (e) {
			error = e as Error;
		} finally {
			hooks.release?.();
		}
		// The activator saves the workflow's static data once the triggers are registered (durable
		// cursors too: only the node's staged data is dropped).
		if (activation && !error) saveWorkflowStaticData();
		return {
			items,
			error,
			committed,
			staticData: this.persisted,
			inMemoryStaticData: durable ? clone(this.persisted) : nodeBucket(workflow, node),
			log: logger.linesSince(logStart),
		};
	}
}
