/** Three rings: test/unit (pure modules), test/workflow (n8n-core in-process against the sandbox),
 * test/host (a real n8n process). Type checking is `npm run typecheck`; jest only transpiles. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 60_000,
	maxWorkers: 2,
};
