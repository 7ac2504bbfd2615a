/** The dashboard status: built by the platform, written to a file, read by the Homebridge UI server. */
export { buildStatus, STATUS_VERSION, type UiStatus, type StatusInput, type StatusSlot, type SlotMark, type StatusWarning } from './status.js';
export { statusFilePath, writeStatus, readStatus, type StatusRead } from './file.js';
export { startStatusPublisher, type StatusPublisher, type StatusSources } from './publisher.js';
