/**
 * A tiny writer for the CPLEX LP text format that the HiGHS solver reads. Keeping the text assembly here
 * lets the model code read like the maths: terms, rows, bounds, binaries.
 */
export type Terms = readonly (readonly [coefficient: number, variable: string])[];

const num = (x: number): string => {
  // LP text has no exponent-free guarantee for tiny values; round away float dust that would only add noise
  const r = Math.round(x * 1e9) / 1e9;
  return Object.is(r, -0) ? '0' : String(r);
};

function linear(terms: Terms): string {
  const parts = terms.filter(([c]) => c !== 0).map(([c, v]) => `${c < 0 ? '-' : '+'} ${num(Math.abs(c))} ${v}`);
  if (parts.length) return parts.join(' ');
  // an all-zero expression still has to name a variable for the format to parse
  if (terms[0]) return `0 ${terms[0][1]}`;
  throw new Error('LP expression without variables');
}

export class LpText {
  private readonly objective: [number, string][] = [];
  private readonly rows: string[] = [];
  private readonly bounds: string[] = [];
  private readonly binaries: string[] = [];
  private readonly pinned = new Map<string, 0 | 1>();

  cost(coefficient: number, variable: string): void {
    this.objective.push([coefficient, variable]);
  }

  row(name: string, terms: Terms, sense: '<=' | '>=' | '=', rhs: number): void {
    this.rows.push(` ${name}: ${linear(terms)} ${sense} ${num(rhs)}`);
  }

  /** Bounds of a continuous variable (default in LP format: 0 to +infinity). */
  bound(variable: string, lower: number | null, upper: number | null): void {
    const lo = lower === null ? '-inf' : num(lower);
    const hi = upper === null ? '+inf' : num(upper);
    this.bounds.push(` ${lo} <= ${variable} <= ${hi}`);
  }

  binary(variable: string): void {
    this.binaries.push(variable);
  }

  /** Pins a binary (a device outside its allowed window, a run that must go on). */
  pin(variable: string, value: 0 | 1): void {
    this.pinned.set(variable, value);
  }

  get binaryNames(): readonly string[] {
    return this.binaries;
  }

  isPinned(variable: string): boolean {
    return this.pinned.has(variable);
  }

  /**
   * The model text. `relax` turns the binaries into [0, 1] continuous variables (the LP relaxation);
   * `fixed` pins binaries to 0 or 1 (relax-and-fix).
   */
  text(options: { relax?: boolean; fixed?: ReadonlyMap<string, 0 | 1> } = {}): string {
    // pins are part of the model and win over a caller's choice
    const fixed = new Map([...(options.fixed ?? []), ...this.pinned]);
    const lines = ['Minimize', ` obj: ${linear(this.objective)}`, 'Subject To', ...this.rows, 'Bounds', ...this.bounds];
    const free = this.binaries.filter((b) => !fixed.has(b));
    for (const [name, value] of fixed) lines.push(` ${name} = ${value}`);
    if (options.relax) for (const b of free) lines.push(` 0 <= ${b} <= 1`);
    else if (free.length) lines.push('Binary', ` ${free.join(' ')}`);
    lines.push('End');
    return lines.join('\n');
  }
}
