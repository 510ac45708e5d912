// What the set-up leaves in the node's static data (key `push`), what this process remembers between
// ticks, and the step errors of set-up and health in plain words.
import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';
import { PushSettingsError } from '../shared/pubsub/names';
import type { WatchMemo } from '../shared/pubsub/health';
import { GoogleApiError } from '../shared/transport';
import { redactSecrets } from '../shared/errors/redact';
import type { PushSetupMode } from './setupProperties';

export const PUSH_STATE_KEY = 'push';
/** The push path's sync cursor (BRIEFING-13): set-up writes a baseline there when there is none. */
export const PUSH_CURSOR_KEY = 'gmailPush';

export interface PushState {
	mode: PushSetupMode;
	project: string;
	/** projects/P/topics/T */
	topic: string;
	/** projects/P/subscriptions/S (create mode). */
	subscription?: string;
	createdTopic: boolean;
	createdSubscription: boolean;
	/** Whether this set-up added Gmail's publisher binding to a topic it did not create. */
	grantedPublisher: boolean;
	/** The push URL the subscription was made for (the poll has no webhook URL of its own). */
	endpoint: string;
	/** Resolved: the configured audience or the endpoint. */
	audience: string;
	serviceAccountEmail: string;
	labelIds: string[];
	emailAddress: string;
	watch: { historyId: string; expiration: string };
}

export function readPushState(staticData: IDataObject): PushState | undefined {
	const state = staticData[PUSH_STATE_KEY] as PushState | undefined;
	return state && typeof state === 'object' && typeof state.topic === 'string' && typeof state.endpoint === 'string' ? state : undefined;
}

/** Watch renewals of this process, per workflow and node (the poll must not write static data). */
export const watchMemos = new Map<string, WatchMemo>();

export function memoKey(workflowId: string | undefined, nodeId: string): string {
	return `${workflowId ?? ''}:${nodeId}`;
}

function wordsOf(error: unknown): { message: string; description?: string } {
	if (error instanceof GoogleApiError) return { message: error.message, description: error.description ?? undefined };
	const e = error as { message?: string; description?: string } | undefined;
	return { message: redactSecrets(String(e?.message ?? error)), description: e?.description ? redactSecrets(String(e.description)) : undefined };
}

/** A settings problem found before any call, as the editor should show it. */
export function settingsError(node: INode, error: unknown): NodeOperationError {
	if (error instanceof PushSettingsError) return new NodeOperationError(node, error.message, { description: `Fix "${error.field}" in the trigger, then publish again.` });
	return new NodeOperationError(node, wordsOf(error).message);
}

/** "Gmail push set-up failed while <step>: <Google's words>" with what was undone, or is left to remove. */
export function stepError(node: INode, step: string, error: unknown, undone: string[], leftOver: string[]): NodeOperationError {
	const { message, description } = wordsOf(error);
	const parts = [
		description,
		undone.length ? `Undone: ${undone.join('; ')}.` : 'Nothing had been created yet.',
		leftOver.length ? `Could not undo, remove by hand: ${leftOver.join('; ')}.` : '',
	].filter(Boolean);
	return new NodeOperationError(node, `Gmail push set-up failed while ${step}: ${message}`, { description: parts.join(' ') });
}

export type HealthKind = 'reconnect' | 'scope' | 'permission' | 'refused' | 'transient';

/** Which kind of stop an error means, for the tick's decision (warn and retry, or tell the user). */
export function healthKind(error: unknown): HealthKind {
	if (!(error instanceof GoogleApiError)) return 'transient';
	const kind = error.google.kind;
	if (kind === 'reconnect') return 'reconnect';
	if (kind === 'scope') return 'scope';
	if (kind === 'permission') return 'permission';
	if (error.google.retryable || kind === 'other') return 'transient';
	return 'refused';
}

/** The error n8n hands to the Error Workflow when push has stopped. */
export function pushStopped(node: INode, message: string, description: string): NodeOperationError {
	return new NodeOperationError(node, `Gmail push stopped: ${message}`, { description });
}

export function wordsOfError(error: unknown): string {
	return wordsOf(error).message;
}
