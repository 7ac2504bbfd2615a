/**
 * Rooftop solar generation: sun position for the site, a clear-sky irradiance model on a south-facing
 * tilted array, and optional seeded clouds (a sunny, a broken-cloud or an overcast day, chosen per day).
 * Accurate enough that day length, noon height and the seasons look right to a scheduler; it is not a
 * forecast-grade model.
 */
import { hashUnit, hashWobble } from './noise.js';
import { DAY_MS, HOUR_MS, jst } from './jst.js';

export interface SolarOptions {
  /** Array peak power, kW. */
  readonly kWp?: number;
  /** Site; Tokyo by default. */
  readonly latitude?: number;
  readonly longitude?: number;
  /** Panel tilt from horizontal, degrees, facing south (typical Japanese roof: 20-30). */
  readonly tilt?: number;
  /** false = clear sky every day. */
  readonly clouds?: boolean;
  readonly seed?: number;
}

const RAD = Math.PI / 180;
/** Output per kWp per kW/m2 on the panels: inverter, wiring, heat and soiling losses of a real system. */
export const PERFORMANCE_RATIO = 0.8;
const STREAM_DAY_KIND = 10;
const STREAM_DAY_LEVEL = 11;
const STREAM_PASSING = 12;
const CLOUD_SLOT_MS = 600_000;

export class SolarArray {
  readonly kWp: number;
  private readonly latitude: number;
  private readonly longitude: number;
  private readonly tilt: number;
  private readonly clouds: boolean;
  private readonly seed: number;

  constructor(options: SolarOptions = {}) {
    this.kWp = options.kWp ?? 5;
    this.latitude = options.latitude ?? 35.7;
    this.longitude = options.longitude ?? 139.7;
    this.tilt = options.tilt ?? 25;
    this.clouds = options.clouds ?? true;
    this.seed = options.seed ?? 1;
  }

  /** AC output in W at time t (ms since epoch). */
  powerAt(t: number): number {
    // the power conditioner's rating caps the output (arrays are rarely over-sized in Japan)
    return Math.min(this.kWp * 1000, this.kWp * this.irradianceAt(t) * PERFORMANCE_RATIO);
  }

  /** Irradiance on the panels, W/m2, clouds included: what a perfect forecast of this roof would say. */
  irradianceAt(t: number): number {
    const clear = this.clearSkyWm2(t);
    return clear === 0 ? 0 : clear * (this.clouds ? this.cloudFactor(t) : 1);
  }

  private clearSkyWm2(t: number): number {
    // the epoch starts a year; mean Gregorian years keep this within a day of the calendar's day of year
    const dayOfYear = Math.floor((t % (365.2425 * DAY_MS)) / DAY_MS) + 1;
    const declination = 23.44 * RAD * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
    const b = (2 * Math.PI * (dayOfYear - 81)) / 364;
    const equationOfTimeMin = 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b);
    const utcHours = (t % DAY_MS) / HOUR_MS;
    const solarHours = utcHours + this.longitude / 15 + equationOfTimeMin / 60;
    const hourAngle = 15 * (solarHours - 12) * RAD;
    const phi = this.latitude * RAD;
    const sinElevation =
      Math.sin(phi) * Math.sin(declination) + Math.cos(phi) * Math.cos(declination) * Math.cos(hourAngle);
    if (sinElevation <= 0.01) return 0;
    const elevationDeg = Math.asin(sinElevation) / RAD;
    const airMass = 1 / (sinElevation + 0.50572 * Math.pow(elevationDeg + 6.07995, -1.6364));
    const directNormal = 1353 * Math.pow(0.7, Math.pow(airMass, 0.678));
    // a south-facing panel tilted by beta sees the sun as a flat panel at latitude (phi - beta) would
    const beta = this.tilt * RAD;
    const cosIncidence = Math.max(
      0,
      Math.sin(phi - beta) * Math.sin(declination) + Math.cos(phi - beta) * Math.cos(declination) * Math.cos(hourAngle),
    );
    const diffuse = 0.12 * directNormal * sinElevation * ((1 + Math.cos(beta)) / 2);
    return directNormal * cosIncidence + diffuse;
  }

  /** Fraction of clear-sky output that gets through: constant-ish per day, passing clouds on mixed days. */
  private cloudFactor(t: number): number {
    const day = jst(t).day;
    const kind = hashUnit(this.seed, STREAM_DAY_KIND, day);
    const level = hashUnit(this.seed, STREAM_DAY_LEVEL, day);
    if (kind < 0.45) return 0.92 + 0.08 * level; // sunny
    if (kind > 0.8) return 0.12 + 0.23 * level; // overcast
    const passing = hashWobble(this.seed, STREAM_PASSING, Math.floor(t / CLOUD_SLOT_MS));
    return Math.min(1, Math.max(0.15, 0.45 + 0.4 * level + 0.45 * passing));
  }
}
