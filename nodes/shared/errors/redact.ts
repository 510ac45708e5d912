// Keeps tokens, keys and secrets out of errors, logs and output items.
const PATTERNS: RegExp[] = [
	/ya29\.[A-Za-z0-9._-]+/g, // Google access tokens
	/1\/\/[A-Za-z0-9._-]{10,}/g, // Google refresh tokens
	/GOCSPX-[A-Za-z0-9_-]+/g, // OAuth client secrets
	/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
	/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, // JWTs (assertions, ID tokens)
	/(access_token|refresh_token|client_secret|assertion|id_token|developer-token|private_key)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
	/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi,
];

export function redactSecrets(text: string, known: Array<string | undefined> = []): string {
	let out = text;
	for (const secret of known) {
		if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
	}
	for (const pattern of PATTERNS) {
		out = out.replace(pattern, (match, p1?: string, p2?: string) =>
			typeof p1 === 'string' && typeof p2 === 'string' && /^[a-z_-]+$/i.test(p1) ? `${p1}${p2}[redacted]` : typeof p1 === 'string' && /^Bearer/i.test(p1) ? `${p1}[redacted]` : '[redacted]',
		);
	}
	return out;
}
