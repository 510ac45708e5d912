// Access tokens minted for service accounts, cached in memory until shortly before they expire.
// Memory is right here: any process can mint its own, and nothing is lost when it is dropped.
import { createHash } from 'node:crypto';

export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

interface CachedToken {
	accessToken: string;
	expiresAt: number;
}

export class TokenCache {
	private tokens = new Map<string, CachedToken>();
	private inFlight = new Map<string, Promise<CachedToken>>();

	static keyFor(parts: Array<string | undefined>): string {
		return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex');
	}

	/** A valid token for `key`, minting one (once, even with concurrent callers) when needed. */
	async get(key: string, mint: () => Promise<{ accessToken: string; expiresInSeconds: number }>, now = Date.now()): Promise<string> {
		const cached = this.tokens.get(key);
		if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now) return cached.accessToken;
		let pending = this.inFlight.get(key);
		if (!pending) {
			pending = mint()
				.then(({ accessToken, expiresInSeconds }) => {
					const token = { accessToken, expiresAt: Date.now() + expiresInSeconds * 1000 };
					this.tokens.set(key, token);
					return token;
				})
				.finally(() => this.inFlight.delete(key));
			this.inFlight.set(key, pending);
		}
		return (await pending).accessToken;
	}

	invalidate(key: string): void {
		this.tokens.delete(key);
	}

	clear(): void {
		this.tokens.clear();
	}
}

export const serviceAccountTokens = new TokenCache();
