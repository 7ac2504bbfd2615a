/** The dashboard status: built by the platform, written to a file, read by the Homebridge UI server. */
export { buildStatus, type UiStatus, type StatusInput } from './status.js';
export { statusFilePath, writeStatus, readStatus } from './file.js';
export { startStatusPublisher, type StatusSources } from './publisher.js';
