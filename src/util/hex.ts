/** Lowercase hex without separators, the form every CLI and MQTT payload of this project uses. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Parses hex (spaces, colons and a leading 0x are tolerated). Returns undefined for anything else,
 * because Buffer.from(s, 'hex') silently drops bad characters and would turn a typo into wrong bytes.
 */
export function fromHex(text: string): Uint8Array | undefined {
  const s = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'hex'));
}
