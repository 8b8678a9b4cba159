// The words for Synology's status codes (SYNOLOGY-DISK-MIB, SYNOLOGY-RAID-MIB). No imports: the
// dashboard shows these words too, and must not pull in the SNMP stack to get them.

export const diskStatus: Record<number, string> = {
  1: 'normal',
  2: 'initialized',
  3: 'not initialized',
  4: 'system partition failed',
  5: 'crashed',
};

export const diskHealth: Record<number, string> = {
  1: 'normal',
  2: 'warning',
  3: 'critical',
  4: 'failing',
};

export const raidStatus: Record<number, string> = {
  1: 'normal',
  2: 'repairing',
  3: 'migrating',
  4: 'expanding',
  5: 'deleting',
  6: 'creating',
  7: 'syncing',
  8: 'parity checking',
  9: 'assembling',
  10: 'canceling',
  11: 'degraded',
  12: 'crashed',
  13: 'data scrubbing',
  21: 'unknown',
};
