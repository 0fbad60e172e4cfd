/** Concord's version (package.json), for provenance manifests and the health endpoint. */
import packageJson from '../../../package.json';

export const concordVersion: string = packageJson.version;
