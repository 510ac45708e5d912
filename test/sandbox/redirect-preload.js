'use strict';
// Test-only: loaded with `node --require` (or required first by jest setup). It sends every
// connection to a Google host name to the local sandbox, keeping the host name for SNI and the
// Host header, so production code runs unchanged against the real URLs.
// The sandbox port comes from GOOGLE_SANDBOX_PORT; the sandbox certificate is trusted through
// NODE_EXTRA_CA_CERTS=test/sandbox/certs/ca.pem, which Node reads at start-up.
const tls = require('node:tls');
const dns = require('node:dns');

const GOOGLE_HOST = /(^|\.)(googleapis\.com|google\.com|youtube\.com|appspot\.com)$/i;

function isGoogleHost(host) {
	return typeof host === 'string' && GOOGLE_HOST.test(host.replace(/\.$/, ''));
}

// The port lives on the (process-wide) tls module: jest gives every test file its own `process`
// object, and this file patches tls only once, so reading one file's env would pin the first sandbox.
function sandboxPort() {
	const port = Number(tls.__googleSandboxPort ?? process.env.GOOGLE_SANDBOX_PORT);
	return Number.isInteger(port) && port > 0 ? port : undefined;
}

/** Points this process's Google connections at the sandbox on `port`. */
function useSandboxPort(port) {
	tls.__googleSandboxPort = port;
}

/** Stops redirecting to `port` (the sandbox on it closed). */
function releaseSandboxPort(port) {
	if (tls.__googleSandboxPort === port) delete tls.__googleSandboxPort;
}

if (!tls.connect.__googleSandbox) {
	const originalConnect = tls.connect;
	const patched = function connect(...args) {
		const port = sandboxPort();
		if (port !== undefined) {
			let options;
			if (args[0] !== null && typeof args[0] === 'object') {
				options = args[0];
			} else if (typeof args[0] === 'number' || typeof args[0] === 'string') {
				options = typeof args[2] === 'object' && args[2] !== null ? args[2] : {};
				options = { ...options, port: Number(args[0]), host: typeof args[1] === 'string' ? args[1] : options.host };
				args = [options, ...args.slice(typeof args[1] === 'string' ? (typeof args[2] === 'object' ? 3 : 2) : 1).filter((a) => typeof a === 'function')];
			}
			// A connection already aimed at an address (e.g. 127.0.0.1 with a Google SNI name) is left alone.
			const host = options && (options.host !== undefined ? options.host : options.servername);
			if (options && isGoogleHost(host)) {
				args[0] = { ...options, host: '127.0.0.1', port, servername: host };
			}
		}
		return originalConnect.apply(this, args);
	};
	patched.__googleSandbox = true;
	tls.connect = patched;

	const originalLookup = dns.lookup;
	dns.lookup = function lookup(hostname, options, callback) {
		if (sandboxPort() !== undefined && isGoogleHost(hostname)) {
			const cb = typeof options === 'function' ? options : callback;
			const opts = typeof options === 'object' && options !== null ? options : {};
			if (opts.all) return process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }]);
			return process.nextTick(cb, null, '127.0.0.1', 4);
		}
		return originalLookup.apply(this, arguments);
	};
}

module.exports = { isGoogleHost, useSandboxPort, releaseSandboxPort };
