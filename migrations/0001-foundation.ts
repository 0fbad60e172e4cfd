import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations import only kysely, never app code.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('app_user')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('email', 'text', (c) => c.notNull())
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('password_hash', 'text', (c) => c.notNull())
		.addColumn('is_instance_admin', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('locale', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create unique index app_user_email_key on app_user (lower(email))`.execute(db);

	await db.schema
		.createTable('auth_session')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('secret_hash', 'bytea', (c) => c.notNull())
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull())
		.addColumn('last_verified_at', 'timestamptz', (c) => c.notNull())
		.addColumn('user_agent', 'text')
		.addColumn('client_address', 'text')
		.execute();
	await db.schema.createIndex('auth_session_user_idx').on('auth_session').column('user_id').execute();

	await db.schema
		.createTable('login_throttle')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
		.addColumn('locked_until', 'timestamptz')
		.execute();

	await db.schema
		.createTable('project')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('project_member')
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'annotator', 'viewer')`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('project_member_pkey', ['project_id', 'user_id'])
		.execute();
	await db.schema.createIndex('project_member_user_idx').on('project_member').column('user_id').execute();

	await db.schema
		.createTable('invitation')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
		.addColumn('email', 'text')
		// null project: an instance-level invitation (account only).
		.addColumn('project_id', 'uuid', (c) => c.references('project.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.check(sql`role in ('admin', 'annotator', 'viewer')`))
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('accepted_at', 'timestamptz')
		.addColumn('accepted_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('revoked_at', 'timestamptz')
		.execute();

	await db.schema
		.createTable('project_stats')
		.addColumn('project_id', 'uuid', (c) => c.primaryKey().references('project.id').onDelete('cascade'))
		.addColumn('member_count', 'integer', (c) => c.notNull())
		.addColumn('counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('refreshed_at', 'timestamptz', (c) => c.notNull())
		.addColumn('refreshed_by_worker', 'text')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const t of [
		'project_stats',
		'invitation',
		'project_member',
		'project',
		'login_throttle',
		'auth_session',
		'app_user'
	]) {
		await db.schema.dropTable(t).ifExists().execute();
	}
}
