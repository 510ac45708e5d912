// The browser ring's hands: Debian's Chromium driven by playwright-core through n8n's editor, with
// the flags this machine needs (no GPU, no background networking, a fresh profile), and screenshots
// of what a user sees saved to test/browser/screenshots/ (gitignored).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const SCREENSHOTS = join(__dirname, 'screenshots');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's chromium (CHROMIUM_PATH to use another); `.ci/run` installs it when missing. */
export function chromiumPath(): string {
	const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'].find((p) => p && existsSync(p));
	if (!found) throw new Error('No Chromium found: apt-get install -y chromium (or set CHROMIUM_PATH)');
	return found;
}

/** An open dropdown's options (n8n's selects, single and multiple). */
export const OPTION = '.el-select-dropdown__item:visible, [role="option"]:visible';

export class Editor {
	private constructor(
		readonly context: BrowserContext,
		readonly page: Page,
		readonly baseUrl: string,
		private readonly profile: string,
	) {}

	static async launch(baseUrl: string): Promise<Editor> {
		mkdirSync(SCREENSHOTS, { recursive: true });
		const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
		const context = await chromium.launchPersistentContext(profile, {
			executablePath: chromiumPath(),
			headless: true,
			args: FLAGS,
			viewport: { width: 1440, height: 900 },
		});
		context.setDefaultTimeout(60_000);
		const page = context.pages()[0] ?? (await context.newPage());
		// Leaving a workflow with unsaved edits asks "leave?": leave (each test opens what it needs).
		page.on('dialog', (dialog) => void dialog.accept());
		return new Editor(context, page, baseUrl, profile);
	}

	async close(): Promise<void> {
		await this.context.close();
		rmSync(this.profile, { recursive: true, force: true });
	}

	async shot(name: string): Promise<void> {
		await this.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
	}

	async signIn(email: string, password: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/signin`);
		await this.page.fill('#emailOrLdapLoginId', email);
		await this.page.fill('#password', password);
		await this.page.click('[data-test-id="form-submit-button"]');
		await this.page.waitForURL((u) => !u.pathname.includes('signin'));
	}

	async openWorkflow(id: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`);
		const leave = this.page.getByRole('button', { name: /leave without saving/i });
		if (await leave.isVisible().catch(() => false)) await leave.click();
		await this.page.waitForSelector('[data-test-id="canvas-wrapper"]', { timeout: 120_000 });
		if (id !== 'new') await this.page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 120_000 });
	}

	canvasNode(name: string): Locator {
		return this.page.locator('[data-test-id="canvas-node"]', { hasText: name }).first();
	}

	async openNode(name: string): Promise<Locator> {
		await this.canvasNode(name).dblclick();
		const ndv = this.page.locator('[data-test-id="ndv"]');
		await ndv.waitFor();
		await this.page.locator('[data-test-id="node-parameters"]').waitFor();
		return ndv;
	}

	async closeNode(): Promise<void> {
		await this.page.click('[data-test-id="ndv-close-button"]');
		await this.page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
	}

	param(name: string): Locator {
		return this.page.locator(`[data-test-id="parameter-input-${name}"]`);
	}

	/** Opens a dropdown at the right edge of the select itself (where its caret is), once no other is
	 * open. Not the field's right edge: a field with an issue has its red triangle there; not the middle:
	 * a multi-select's chips have remove buttons. */
	async openDropdown(name: string): Promise<void> {
		await this.page.locator(OPTION).first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
		const select = this.param(name).locator('.el-select').first();
		const expanded = this.param(name).locator('[aria-expanded="true"]').first();
		// A click that lands while the panel is still settling (a list closing, options re-rendering)
		// does not open it: click again until the select says it is expanded.
		// A field whose value is not among the options (just after the option it depends on changed) has
		// its triangle over the caret: then the click goes to the select's left part instead.
		const flagged = this.param(name).locator('[data-test-id="parameter-issues"]');
		for (let attempt = 1; ; attempt++) {
			const box = await select.boundingBox();
			const x = box && (await flagged.count()) ? Math.min(24, box.width / 4) : box ? box.width - 12 : 0;
			await select.click(box ? { position: { x, y: box.height / 2 }, timeout: 10_000 } : { timeout: 10_000 }).catch(() => undefined);
			if (await expanded.waitFor({ timeout: 5_000 }).then(() => true, () => false)) return;
			if (attempt === 4) throw new Error(`dropdown "${name}" did not open`);
		}
	}

	/** The issues n8n shows on a field (its red triangle's tooltip), e.g. a value not among the options
	 * or a loader's error: "There was a problem loading the parameter options from server: …". */
	async issuesOf(name: string): Promise<string[]> {
		const icon = this.param(name).locator('[data-test-id="parameter-issues"]');
		if (!(await icon.count())) return [];
		await icon.first().hover();
		const tip = this.page.locator('[role="tooltip"]:visible, .el-popper:visible, [data-side]:visible').filter({ hasText: /\S/ }).last();
		await tip.waitFor();
		const text = (await tip.innerText()).trim();
		await this.page.mouse.move(0, 0);
		return [text];
	}

	/** Opens a dropdown parameter and returns its option texts (first line of each), then closes it.
	 * Options loaded from Google arrive after a request: it waits until the list holds `expected`
	 * (or at least that many options, given a count), and returns what is there after 60 s. */
	async optionsOf(name: string, expected: number | string[] = 1, screenshot?: string): Promise<string[]> {
		await this.openDropdown(name);
		const read = async () => (await this.page.locator(OPTION).allInnerTexts()).map((t) => t.split('\n')[0].trim()).filter(Boolean);
		const done = (texts: string[]) => (typeof expected === 'number' ? texts.length >= expected : expected.every((e) => texts.includes(e)));
		const deadline = Date.now() + 60_000;
		let texts = await read();
		while (!done(texts) && Date.now() < deadline) {
			await this.page.locator(OPTION).nth(Math.max(texts.length, 0)).waitFor({ timeout: 2_000 }).catch(() => undefined);
			texts = await read();
		}
		if (screenshot) await this.shot(screenshot);
		await this.page.keyboard.press('Escape');
		await this.page.locator(OPTION).first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
		return texts;
	}

	/** Opens a dropdown parameter and waits until an option with this text shows (options loaded from
	 * Google arrive after a request; a click that landed while the panel was still settling is retried). */
	async openDropdownWith(name: string, option: string): Promise<void> {
		for (let attempt = 0; ; attempt++) {
			await this.openDropdown(name);
			const found = await this.page
				.locator(OPTION, { hasText: option })
				.first()
				.waitFor({ timeout: 20_000 })
				.then(() => true, () => false);
			if (found) return;
			if (attempt === 2) throw new Error(`dropdown "${name}" never showed the option "${option}"`);
			await this.page.keyboard.press('Escape');
		}
	}

	/** Picks an option of a dropdown parameter by its visible text. */
	async choose(name: string, option: string): Promise<void> {
		await this.openDropdown(name);
		await this.page.locator(OPTION, { hasText: option }).first().click();
		if (await this.page.locator(OPTION).count()) await this.page.keyboard.press('Escape');
	}

	/** Visible field labels of the open node, in order. */
	async fieldLabels(): Promise<string[]> {
		const texts = await this.page.locator('[data-test-id="node-parameters"] [data-test-id="input-label"]:visible').allInnerTexts();
		return texts.map((t) => t.split('\n')[0].trim()).filter(Boolean);
	}
}
