/**
 * Splits what the host writes to the dongle into commands. Lines end in CR LF (CR or LF alone is
 * accepted, as the real firmware does), except SKSENDTO, whose payload is raw bytes of the announced
 * length straight after the length field.
 */
export interface Command {
  /** The command text (without the payload for SKSENDTO). */
  readonly line: string;
  readonly payload?: Uint8Array;
}

const SENDTO = Buffer.from('SKSENDTO ');

export class CommandSplitter {
  private buf: Buffer = Buffer.alloc(0);

  /** @param sendtoArgs arguments before the payload: 5 on single-hop, 6 (with side) on dual-stack. */
  constructor(private readonly sendtoArgs: () => number) {}

  push(chunk: Uint8Array): Command[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: Command[] = [];
    for (;;) {
      while (this.buf.length > 0 && (this.buf[0] === 0x0d || this.buf[0] === 0x0a)) this.buf = this.buf.subarray(1);
      if (this.buf.length === 0) break;
      const command = this.buf.subarray(0, SENDTO.length).equals(SENDTO) ? this.sendto() : this.line();
      if (!command) break;
      out.push(command);
    }
    return out;
  }

  private line(): Command | undefined {
    const end = this.buf.findIndex((b) => b === 0x0d || b === 0x0a);
    if (end < 0) return undefined;
    const line = this.buf.toString('latin1', 0, end);
    this.buf = this.buf.subarray(end + 1);
    return { line };
  }

  /** `SKSENDTO <handle> <ip> <port> <sec> [<side>] <len> <payload>`; a malformed header is a plain line. */
  private sendto(): Command | undefined {
    let pos = SENDTO.length;
    for (let i = 0; i < this.sendtoArgs(); i++) {
      const sp = this.buf.indexOf(0x20, pos);
      const eol = this.buf.findIndex((b, j) => j >= pos && (b === 0x0d || b === 0x0a));
      if (eol >= 0 && (sp < 0 || eol < sp)) return this.line();
      if (sp < 0) return undefined;
      pos = sp + 1;
    }
    const header = this.buf.toString('latin1', 0, pos - 1);
    const lenText = header.split(' ').at(-1)!;
    if (!/^[0-9A-Fa-f]{4}$/.test(lenText)) return this.line();
    const len = Number.parseInt(lenText, 16);
    if (this.buf.length < pos + len) return undefined;
    const payload = new Uint8Array(this.buf.subarray(pos, pos + len));
    this.buf = this.buf.subarray(pos + len);
    return { line: header, payload };
  }
}
