/**
 * Parquet written as it streams: rows are gathered into columns until a row
 * group is full (ROW_GROUP rows), the group is encoded (hyparquet-writer,
 * snappy) and its bytes are handed out at once, so memory holds one row group,
 * never the file. The footer (schema, row groups, key-value metadata: the
 * provenance manifest under `concord.manifest`) follows the last group.
 */
import { ByteWriter, ParquetWriter, schemaFromColumnData, type BasicType } from 'hyparquet-writer';
import type { ExportColumn, ExportRow } from './columns';

const ROW_GROUP = 50_000;

const PARQUET_TYPES: Record<ExportColumn['type'], BasicType> = {
	string: 'STRING',
	int: 'INT32',
	double: 'DOUBLE',
	bool: 'BOOLEAN',
	timestamp: 'TIMESTAMP',
	json: 'JSON'
};

export class ParquetStream {
	private readonly writer = new ByteWriter(1 << 20);
	private readonly parquet: ParquetWriter;
	private pending: unknown[][];
	private count = 0;

	constructor(private readonly columns: readonly ExportColumn[]) {
		const schema = schemaFromColumnData({
			columnData: columns.map((c) => ({ name: c.name, data: [], type: PARQUET_TYPES[c.type], nullable: true }))
		});
		this.parquet = new ParquetWriter({
			writer: this.writer,
			schema,
			createdBy: 'Concord (hyparquet-writer)'
		});
		this.pending = columns.map(() => []);
	}

	/** Adds rows; returns encoded bytes when a row group filled up (else an empty array). */
	push(rows: readonly ExportRow[]): Uint8Array {
		for (const row of rows) {
			for (let i = 0; i < this.columns.length; i++) this.pending[i].push(normalize(row[i], this.columns[i].type));
			if (++this.count === ROW_GROUP) this.flushGroup();
		}
		return this.take();
	}

	/** The last row group and the footer with its key-value metadata (known only now: e.g. the row count). */
	finish(metadata: Record<string, string>): Uint8Array {
		if (this.count > 0) this.flushGroup();
		this.parquet.kvMetadata = Object.entries(metadata).map(([key, value]) => ({ key, value }));
		this.parquet.finish();
		return this.take();
	}

	private flushGroup(): void {
		void this.parquet.write({
			columnData: this.columns.map((c, i) => ({ name: c.name, data: this.pending[i] })),
			rowGroupSize: this.count
		});
		this.pending = this.columns.map(() => []);
		this.count = 0;
	}

	/** Copies out what the writer holds and rewinds its buffer (offsets keep counting). */
	private take(): Uint8Array {
		const bytes = this.writer.getBytes().slice();
		this.writer.index = 0;
		return bytes;
	}
}

function normalize(value: unknown, type: ExportColumn['type']): unknown {
	if (value === undefined || value === null) return null;
	if (type === 'timestamp' && !(value instanceof Date)) return new Date(value as string);
	if (type === 'int' || type === 'double') return Number.isFinite(value as number) ? value : null;
	return value;
}
