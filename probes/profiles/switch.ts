import { collectInterfaces, portJudged, portThresholds } from './interfaces.ts';
import { collectSystem, systemJudged } from './system.ts';
import type { Collected, Profile } from './types.ts';

// Enterprise numbers of switch makers seen in facilities: Cisco, HPE/Aruba, Juniper, Arista,
// Netgear, MikroTik, Ubiquiti, Dell, Extreme, Brocade.
const switchVendors = [
  '9',
  '11',
  '47196',
  '25506',
  '2636',
  '30065',
  '4526',
  '14988',
  '41112',
  '674',
  '1916',
  '1588',
];

/**
 * A network switch: every port's state, traffic and errors. Only a port that is administratively
 * up and operationally down alarms, named with its description (ifAlias).
 */
export const switchProfile: Profile = {
  name: 'switch',
  description: 'Network switch: per-port oper and admin status, traffic and error rates, uptime',
  matches: (sysObjectID, sysDescr) =>
    switchVendors.some((vendor) => sysObjectID.startsWith(`1.3.6.1.4.1.${vendor}.`)) ||
    /switch/i.test(sysDescr),
  thresholds: portThresholds,
  judged: [...systemJudged, ...portJudged],
  async collect(context) {
    const system = await collectSystem(context);
    const collected: Collected = { readings: [...system.readings], findings: [...system.findings] };
    await collectInterfaces(context, system.uptimeTicks, collected, { skipVirtual: false });
    return collected;
  },
};
