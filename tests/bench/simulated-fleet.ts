// Run by poll-cycle.ts in a process of its own, so that the simulators' CPU is not counted as
// the poller's: one simulated workstation MIB answering on many loopback addresses, each address
// a device to the poller (and to its per-device session cap).
import { WorkstationAgent } from '../../probes/simulators/snmp-agent.ts';
import { benchWorkstation, fleetAddress } from './poll-cycle.ts';

export type FleetMessage = { port: number } | { cpuMs: number; answered: number };

const [first, count] = process.argv.slice(2).map(Number);
if (!process.send || !Number.isInteger(first) || !Number.isInteger(count))
  throw new Error('simulated-fleet.ts is started by poll-cycle.ts with <first> <count>');
const send = (message: FleetMessage) => process.send!(message);

const agent = new WorkstationAgent(benchWorkstation);
const addresses = Array.from({ length: count! }, (_, i) => fleetAddress(first! + i));
send({ port: await agent.start({ addresses }) });
process.on('message', (message) => {
  if (message === 'usage') {
    const { user, system } = process.cpuUsage();
    send({ cpuMs: (user + system) / 1000, answered: agent.answered });
  } else if (message === 'stop') {
    void agent.stop().then(() => process.exit(0));
  }
});
// The bench died: nothing is left to serve.
process.on('disconnect', () => process.exit(0));
