import type { DemoCalendar } from './calendar.js';

/** A district row as written, with its share of all customers (city weight × district weight). */
export interface SeededDistrict {
  id: number;
  code: string;
  /** Integer weight for the district draw. */
  weight: number;
}

/** Everything a generated statement depends on: the same context gives the same rows. */
export interface GeneratorContext {
  seed: number;
  calendar: DemoCalendar;
  districts: SeededDistrict[];
}
