// Simulated SNMP devices for tests, benchmarks and the demo: one net-snmp agent per device on a
// loopback UDP port, with a typed API to change what the device reports while it runs.
export { SimulatedSnmpAgent, type AgentOptions, type ListenOptions } from './snmp/agent.ts';
export { Counter, Interfaces, Port, type PortSpec } from './snmp/interfaces.ts';
export {
  editSuitePorts,
  editSuiteVolumes,
  WorkstationAgent,
  type VolumeSpec,
  type WorkstationOptions,
} from './snmp/workstation.ts';
export {
  diskHealths,
  diskStatuses,
  raidStatuses,
  SynologyAgent,
  type DiskHealth,
  type DiskStatus,
  type RaidStatus,
  type SynologyOptions,
} from './snmp/synology.ts';
export { directorStates, NexisAgent, type DirectorState, type NexisOptions } from './snmp/nexis.ts';
export { SwitchAgent, type SwitchOptions } from './snmp/switch.ts';
