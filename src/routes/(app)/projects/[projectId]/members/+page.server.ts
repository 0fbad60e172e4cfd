import { redirect } from '@sveltejs/kit';
import { failAction, loadOrThrow } from '$lib/server/http/route-errors';
import { serverCaller } from '$lib/server/trpc/caller';
import { m } from '$lib/paraglide/messages.js';
import type { ProjectRole } from '$lib/schemas/project';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { project } = await event.parent();
	const caller = await serverCaller(event);
	const projectId = project.id;
	const [members, invitations] = await Promise.all([
		loadOrThrow(event.url, () => caller.members.list({ projectId })),
		// Pending invitations are an admin tool; others never ask for them.
		project.capabilities.admin
			? loadOrThrow(event.url, () => caller.invitations.list({ projectId }))
			: Promise.resolve(null)
	]);
	return { members, invitations };
};

const str = (form: FormData, key: string) => String(form.get(key) ?? '');
/** Service reasons worded for this page. */
const reasonMessages = () => ({ last_admin: m.member_error_last_admin(), not_member: m.member_error_not_member() });

export const actions: Actions = {
	updateRole: async (event) => {
		const form = await event.request.formData();
		const userId = str(form, 'userId');
		try {
			const caller = await serverCaller(event);
			await caller.members.updateRole({
				projectId: event.params.projectId,
				userId,
				role: str(form, 'role') as ProjectRole
			});
		} catch (err) {
			return failAction(err, { form: `member:${userId}`, messages: reasonMessages() });
		}
		return { form: `member:${userId}`, success: m.member_role_saved() };
	},
	remove: async (event) => {
		const form = await event.request.formData();
		const userId = str(form, 'userId');
		try {
			await (await serverCaller(event)).members.remove({ projectId: event.params.projectId, userId });
		} catch (err) {
			return failAction(err, { form: `member:${userId}`, messages: reasonMessages() });
		}
		return { form: 'members', success: m.member_removed() };
	},
	leave: async (event) => {
		try {
			await (await serverCaller(event)).members.leave({ projectId: event.params.projectId });
		} catch (err) {
			return failAction(err, { form: 'leave', messages: reasonMessages() });
		}
		redirect(303, '/projects');
	},
	invite: async (event) => {
		const form = await event.request.formData();
		const values = { role: str(form, 'role'), email: str(form, 'email') };
		try {
			const caller = await serverCaller(event);
			const created = await caller.invitations.create({
				projectId: event.params.projectId,
				role: values.role as ProjectRole,
				email: values.email
			});
			// The token exists only in this response: show the full link once.
			return {
				form: 'invite',
				invitation: {
					url: new URL(created.url, event.url.origin).href,
					expiresAt: created.expiresAt,
					role: values.role
				}
			};
		} catch (err) {
			return failAction(err, { form: 'invite', values });
		}
	},
	revoke: async (event) => {
		const form = await event.request.formData();
		try {
			await (
				await serverCaller(event)
			).invitations.revoke({ projectId: event.params.projectId, invitationId: str(form, 'invitationId') });
		} catch (err) {
			return failAction(err, { form: 'invitations' });
		}
		return { form: 'invitations', success: m.member_invitation_revoked() };
	}
};
