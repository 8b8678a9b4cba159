import type { IntervalUnit, PlanSchedule } from '../../domain.ts';
import {
  fixedIndexAfter,
  graceMs,
  intervalMs,
  meterDueAt,
  nextTimeDue,
  type TimeTrigger,
} from './schedule.ts';

/** The parts of a plan that decide when its work falls due. */
export interface PlanTiming {
  everyCount: number | null;
  everyUnit: IntervalUnit | null;
  schedule: PlanSchedule;
  startsOn: Date;
  timezone: string;
  meterEvery: number | null;
  afterRepair: boolean;
  graceFraction: number;
  leadDays: number;
}

/** Where one target stands. */
export interface TargetTiming {
  lastIndex: number | null;
  lastCompletedAt: Date | null;
  meterThreshold: number | null;
  repairAt: Date | null;
}

export interface MeterNow {
  value: number | null;
  at: Date | null;
  ratePerDay: number | null;
}

export type DueBy = 'time' | 'meter' | 'repair';

export interface Due {
  dueAt: Date;
  by: DueBy;
  /** The fixed schedule's occurrence, when time decided. */
  index: number | null;
  threshold: number | null;
}

export function triggerOf(plan: PlanTiming): TimeTrigger | null {
  if (plan.everyCount === null || plan.everyUnit === null) return null;
  return {
    every: { count: plan.everyCount, unit: plan.everyUnit },
    schedule: plan.schedule,
    startsOn: plan.startsOn,
    timezone: plan.timezone,
  };
}

/**
 * The next work a target needs: whichever of its time, meter and repair triggers comes first.
 * A repair waiting wins (the device was just worked on); otherwise the earlier date, time on a tie.
 */
export function nextDue(
  plan: PlanTiming,
  target: TargetTiming,
  meter: MeterNow | null,
  repairDueHours: number,
): Due | null {
  if (plan.afterRepair && target.repairAt)
    return {
      dueAt: new Date(target.repairAt.getTime() + repairDueHours * 3_600_000),
      by: 'repair',
      index: null,
      threshold: null,
    };
  const trigger = triggerOf(plan);
  const time = trigger ? nextTimeDue(trigger, target) : null;
  const meterAt =
    plan.meterEvery !== null &&
    target.meterThreshold !== null &&
    meter?.value != null &&
    meter.at !== null
      ? meterDueAt({
          value: meter.value,
          at: meter.at,
          ratePerDay: meter.ratePerDay,
          threshold: target.meterThreshold,
        })
      : null;
  if (time && (!meterAt || time.dueAt.getTime() <= meterAt.getTime()))
    return { dueAt: time.dueAt, by: 'time', index: time.index, threshold: null };
  if (meterAt)
    return { dueAt: meterAt, by: 'meter', index: null, threshold: target.meterThreshold };
  return null;
}

/** Grace in minutes: a share of the time interval, or of the time the meter interval takes. */
export function graceMinutes(plan: PlanTiming, meter: MeterNow | null): number {
  const trigger = triggerOf(plan);
  if (trigger) return Math.round(graceMs(trigger.every, plan.graceFraction) / 60_000);
  if (plan.meterEvery !== null && meter?.ratePerDay && meter.ratePerDay > 0)
    return Math.round((plan.meterEvery / meter.ratePerDay) * 1440 * plan.graceFraction);
  return 0;
}

export const intervalDays = (plan: PlanTiming) => {
  const trigger = triggerOf(plan);
  return trigger ? intervalMs(trigger.every) / 86_400_000 : null;
};

/**
 * Where the target stands after a work order is finished (done or skipped), so the next one is
 * due at the right time. A fixed schedule moves to the next occurrence after the one this work
 * was for: doing it early does not shift the schedule. Work a meter or a repair brought moves
 * the time schedule past the completion too, because whichever came first resets both.
 */
export function afterFinish(
  plan: PlanTiming,
  target: TargetTiming,
  order: { dueBy: string | null; dueIndex: number | null; meterThreshold: number | null },
  finishedAt: Date,
  meterValue: number | null,
): TargetTiming {
  const trigger = triggerOf(plan);
  let lastIndex = target.lastIndex;
  if (trigger && plan.schedule === 'fixed') {
    if (order.dueBy === 'time' && order.dueIndex !== null)
      lastIndex = Math.max(lastIndex ?? -1, order.dueIndex);
    else lastIndex = Math.max(lastIndex ?? -1, fixedIndexAfter(trigger, finishedAt) - 1);
  }
  let meterThreshold = target.meterThreshold;
  if (plan.meterEvery !== null) {
    if (plan.schedule === 'floating' && meterValue !== null)
      meterThreshold = meterValue + plan.meterEvery;
    else if (meterThreshold !== null) {
      // The next multiple above where the meter stands: a meter left past several thresholds
      // makes one work order, not one per threshold.
      meterThreshold += plan.meterEvery;
      if (meterValue !== null && meterThreshold <= meterValue)
        meterThreshold +=
          Math.floor((meterValue - meterThreshold) / plan.meterEvery + 1) * plan.meterEvery;
    } else if (meterValue !== null) meterThreshold = meterValue + plan.meterEvery;
  }
  return {
    lastIndex,
    lastCompletedAt: finishedAt,
    meterThreshold,
    repairAt: target.repairAt && target.repairAt <= finishedAt ? null : target.repairAt,
  };
}
