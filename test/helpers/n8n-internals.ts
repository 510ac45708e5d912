// Ring-2 harness: n8n-core's own copies of its internal dependencies.
//
// Pitfall: npm installs n8n-core's @n8n/di, @n8n/backend-common, @n8n/config and @n8n/backend-network
// NESTED under node_modules/n8n-core/node_modules (the top-level copies are older versions pulled in by
// other packages, and @n8n/client-oauth2 has yet another nested set). The DI container is a module
// singleton, so anything the harness registers (Logger, LockService…) must go into the container
// n8n-core itself reads: resolve those packages from n8n-core's directory, never by bare import.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// n8n-core's InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config` (an encryption key) the first
// time the container builds it; keep that out of the developer's home directory.
if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'n8n-ring2-'));
}
// Tests must not phone home or pick up a developer's log settings.
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';

const coreDir = dirname(require.resolve('n8n-core/package.json'));

function fromCore<T = any>(id: string): T {
	return require(require.resolve(id, { paths: [coreDir] })) as T;
}

interface DiContainer {
	get<T = any>(type: unknown): T;
	set(type: unknown, instance: unknown): void;
	has(type: unknown): boolean;
	reset(): void;
}

/** n8n-core's DI container (from its nested @n8n/di). */
export const Container: DiContainer = fromCore<{ Container: DiContainer }>('@n8n/di').Container;
/** n8n-core's @n8n/backend-common (Logger, LockService…). */
export const backendCommon: { Logger: unknown; LockService: unknown } = fromCore('@n8n/backend-common');
