import type { SnmpValue, SnmpVarbind } from '../snmp/session.ts';
import type { Reading } from '../types.ts';
import { byIndex } from './interfaces.ts';
import { raidCode, textRaidFinding } from './raid.ts';
import { collectSystem, systemJudged } from './system.ts';
import { instanceName, type Collected, type Finding, type Profile } from './types.ts';

const areca = '1.3.6.1.4.1.18928';
/**
 * Areca publishes one MIB per controller family, the same tables under different roots: .1.2 for
 * the SATA cards (our reference), .1.1 for external subsystems, .1.129 and .1.130 for SAS cards.
 * Each root's siVendor (.1.1.0 under it) says whether that family is there.
 */
const families = ['2', '1', '129', '130'].map((f) => `${areca}.1.${f}`);
const vendorOf = (root: string) => `${root}.1.1.0`;

const text = (value: SnmpValue | undefined) =>
  value === null || value === undefined ? '' : String(value).trim();

interface Slot {
  enclosure: string;
  slot: string;
  columns: Map<number, SnmpValue>;
}

/** hddEnclosureNN tables: `<root>.3.<enclosure>.4.1.<column>.<slot>`; col 2 name, 3 model, 8 state. */
function slotsOf(rows: SnmpVarbind[], root: string): Slot[] {
  const slots = new Map<string, Slot>();
  for (const { oid, value } of rows) {
    const parts = oid.slice(`${root}.3.`.length).split('.');
    const [enclosure, table, entry, column, slot] = parts;
    if (parts.length !== 5 || table !== '4' || entry !== '1' || !enclosure || !slot) continue;
    const key = `${enclosure}.${slot}`;
    if (!slots.has(key)) slots.set(key, { enclosure, slot, columns: new Map() });
    slots.get(key)!.columns.set(Number(column), value);
  }
  return [...slots.values()];
}

export const arecaProfile: Profile = {
  name: 'areca',
  description: 'Areca RAID controller or subsystem: drive slot state, RAID set state',
  detectOids: families.map(vendorOf),
  matches: (sysObjectID) => sysObjectID.startsWith(`${areca}.`),
  thresholds: [],
  judged: [...systemJudged, 'disk.failed', 'raid.status'],
  async collect(context) {
    const { session } = context;
    const system = await collectSystem(context);
    const readings: Reading[] = [...system.readings];
    const findings: Finding[] = [...system.findings];
    const vendors = await session.get(families.map(vendorOf));
    const present = families.filter((root) => text(vendors.get(vendorOf(root))) !== '');
    let slotCount = 0;
    for (const root of present) {
      // A second controller in the same agent gets its family in its names, so they stay apart.
      const prefix = present.length > 1 ? `${root.slice(areca.length + 3)}:` : '';
      for (const { enclosure, slot, columns } of slotsOf(await session.walk(`${root}.3`), root)) {
        const state = text(columns.get(8));
        if (!state || /^empty/i.test(state)) continue;
        slotCount += 1;
        const name = text(columns.get(2)) || `SLOT ${slot}`;
        const reading = instanceName('disk.failed', `${prefix}E${enclosure}/${name}`);
        const failed = /fail/i.test(state);
        readings.push({ name: reading, value: failed ? 1 : 0, unit: '' });
        if (failed) {
          const model = text(columns.get(3));
          findings.push({
            status: 'critical',
            message: `enclosure ${enclosure} ${name}${model ? ` (${model})` : ''} failed`,
            reading,
          });
        }
      }
      const raidSets = `${root}.4.1.1`;
      for (const [index, row] of byIndex(await session.walk(raidSets), raidSets)) {
        const name = text(row.get(2)) || `set ${index}`;
        const reading = instanceName('raid.status', `${prefix}${name}`);
        const code = raidCode(row.get(4));
        if (code !== null) readings.push({ name: reading, value: code, unit: '' });
        const finding = textRaidFinding(name, row.get(4), reading);
        if (finding) findings.push(finding);
      }
    }
    // An agent with none of the tables we know would otherwise look perfectly healthy.
    if (slotCount === 0) {
      findings.push({
        status: 'warning',
        message:
          'no Areca drive slots found: this controller publishes a MIB the profile does not read',
      });
    }
    return { readings, findings } satisfies Collected;
  },
};
