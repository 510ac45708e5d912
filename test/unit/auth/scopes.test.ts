import { SURFACES, grantedSurfaces, missingScopes, scopesForSurfaces, surfaceOfScope } from '../../../nodes/shared/auth/scopes';

const G = 'https://www.googleapis.com/auth/';

describe('scope arithmetic', () => {
	it('asks for exactly the scopes of the switched-on surfaces plus extra scopes, once each', () => {
		expect(scopesForSurfaces({ gmailSend: true, youtubeRead: true }, `${G}calendar.readonly ${G}gmail.send`)).toEqual([
			`${G}gmail.send`,
			`${G}youtube.readonly`,
			`${G}calendar.readonly`,
		]);
		expect(scopesForSurfaces({ identity: true })).toEqual(['openid', `${G}userinfo.email`, `${G}userinfo.profile`]);
		expect(scopesForSurfaces({})).toEqual([]);
	});

	it('counts broader scopes and Google short names as granting a surface', () => {
		const surfaces = grantedSurfaces(['openid', 'email', 'profile', 'https://mail.google.com/', `${G}youtube`]);
		expect(surfaces).toEqual({
			identity: true,
			gmailSend: true,
			gmailRead: true,
			ads: false,
			adsConversions: false,
			youtubeRead: true,
			youtubeManage: true,
			pubsub: false,
		});
		expect(grantedSurfaces([`${G}cloud-platform`]).pubsub).toBe(true);
		expect(grantedSurfaces([`${G}pubsub`]).pubsub).toBe(true);
		expect(grantedSurfaces([`${G}gmail.send`]).gmailRead).toBe(false);
	});

	it('lists the missing scopes of switched-on surfaces only', () => {
		expect(missingScopes({ gmailSend: true, ads: true, youtubeRead: false }, [`${G}gmail.send`])).toEqual([`${G}adwords`]);
		expect(missingScopes({ identity: true }, ['openid', `${G}userinfo.email`])).toEqual([`${G}userinfo.profile`]);
	});

	it('maps a scope back to its surface', () => {
		expect(surfaceOfScope(`${G}datamanager`)).toBe('adsConversions');
		expect(surfaceOfScope(`${G}youtube.force-ssl`)).toBe('youtubeRead');
		expect(surfaceOfScope('https://example.com/x')).toBeUndefined();
		expect(surfaceOfScope(`${G}cloud-platform`)).toBe('pubsub');
		expect(SURFACES).toHaveLength(8);
	});
});
