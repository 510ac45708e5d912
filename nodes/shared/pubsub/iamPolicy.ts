// Read-merge-write of a topic's IAM policy: add or remove one member of one role and leave every other
// binding, condition, version and the etag as Google returned them (a write with the etag fails when
// someone changed the policy in between, instead of overwriting their change). Pure.

export interface IamBinding {
	role: string;
	members?: string[];
	condition?: Record<string, unknown>;
}

export interface IamPolicy {
	version?: number;
	etag?: string;
	bindings?: IamBinding[];
	[key: string]: unknown;
}

export interface PolicyChange {
	policy: IamPolicy;
	/** False when the policy already said what was wanted: nothing to write. */
	changed: boolean;
}

const unconditional = (b: IamBinding, role: string) => b.role === role && !b.condition;

export function hasMember(policy: IamPolicy, role: string, member: string): boolean {
	return (policy.bindings ?? []).some((b) => unconditional(b, role) && (b.members ?? []).includes(member));
}

/** The policy with `member` in `role` (unconditionally). */
export function withMember(policy: IamPolicy, role: string, member: string): PolicyChange {
	if (hasMember(policy, role, member)) return { policy, changed: false };
	const bindings = (policy.bindings ?? []).map((b) => ({ ...b, members: [...(b.members ?? [])] }));
	const target = bindings.find((b) => unconditional(b, role));
	if (target) target.members.push(member);
	else bindings.push({ role, members: [member] });
	return { policy: { ...policy, bindings }, changed: true };
}

/** The policy without `member` in the unconditional `role` binding; the binding goes when it is left empty. */
export function withoutMember(policy: IamPolicy, role: string, member: string): PolicyChange {
	if (!hasMember(policy, role, member)) return { policy, changed: false };
	const bindings = (policy.bindings ?? [])
		.map((b) => (unconditional(b, role) ? { ...b, members: (b.members ?? []).filter((m) => m !== member) } : b))
		.filter((b) => !unconditional(b, role) || (b.members ?? []).length > 0);
	return { policy: { ...policy, bindings }, changed: true };
}
