/**
 * Calls tRPC procedures over HTTP as the page's signed-in user (its cookies), for test set-up
 * that would take many UI steps. Posts carry our Origin, as the app's origin check requires.
 */
import { expect, type Page } from '@playwright/test';

export function trpcAs(page: Page, baseURL: string) {
	const origin = new URL(baseURL).origin;
	const request = page.request;
	return {
		async mutate<T = unknown>(path: string, input: unknown): Promise<T> {
			const res = await request.post(`/api/trpc/${path}`, { data: { json: input }, headers: { origin } });
			expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
			return (await res.json()).result.data.json as T;
		},
		async query<T = unknown>(path: string, input: unknown): Promise<T> {
			const res = await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
			expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
			return (await res.json()).result.data.json as T;
		},
		/** Uploads a file to the project's import endpoint and imports it into a new dataset; returns the dataset id. */
		async importFile(projectId: string, file: { name: string; content: string; format: string; datasetName: string }) {
			const upload = await request.post(`/api/projects/${projectId}/imports?fileName=${file.name}`, {
				data: Buffer.from(file.content),
				headers: { origin, 'content-type': 'application/octet-stream' }
			});
			expect(upload.status(), await upload.text()).toBe(201);
			const { importId } = await upload.json();
			await this.mutate('imports.start', {
				projectId,
				importId,
				newDatasetName: file.datasetName,
				format: file.format
			});
			let datasetId = '';
			await expect
				.poll(
					async () => {
						const imp = await this.query<{ status: string; datasetId: string | null }>('imports.get', {
							projectId,
							importId
						});
						datasetId = imp.datasetId ?? '';
						return imp.status;
					},
					{ timeout: 120_000, intervals: [500, 1000, 2000] }
				)
				.toBe('succeeded');
			return datasetId;
		}
	};
}
