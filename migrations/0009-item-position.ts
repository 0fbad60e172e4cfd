import { sql, type Kysely } from 'kysely';

/**
 * Items list in file order. `position` orders a dataset's items: the import writer gives the
 * items a file adds the next positions of their dataset in the order of their first line, so
 * the first line of a file lists first; items already in the dataset keep theirs (rows are
 * immutable). Other writers get the next value of one sequence, i.e. insertion order.
 * Existing rows are numbered by revision, then the old (length(external_id), external_id)
 * order. Browsing pages by keyset on (position, id), hence the index.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create sequence dataset_item_position_seq`.execute(db);
	await sql`alter table dataset_item add column position bigint`.execute(db);
	await sql`
		update dataset_item i set position = o.n
		from (select id, row_number() over (partition by dataset_id order by revision, length(external_id), external_id) as n
		      from dataset_item) o
		where i.id = o.id
	`.execute(db);
	await sql`select setval('dataset_item_position_seq', greatest((select max(position) from dataset_item), 1))`.execute(
		db
	);
	await sql`alter table dataset_item alter column position set default nextval('dataset_item_position_seq')`.execute(
		db
	);
	await sql`alter table dataset_item alter column position set not null`.execute(db);
	await sql`create index dataset_item_position_idx on dataset_item (dataset_id, position, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index if exists dataset_item_position_idx`.execute(db);
	await sql`alter table dataset_item drop column if exists position`.execute(db);
	await sql`drop sequence if exists dataset_item_position_seq`.execute(db);
}
