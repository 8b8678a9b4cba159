ALTER TABLE "faults" ADD COLUMN "notified_severity" "severity";--> statement-breakpoint
CREATE INDEX "faults_open_opened_idx" ON "faults" USING btree ("opened_at") WHERE "faults"."state" = 'open';--> statement-breakpoint
CREATE INDEX "faults_resolve_due_idx" ON "faults" USING btree ("cleared_at") WHERE "faults"."state" = 'cleared' and "faults"."notified_at" is not null and "faults"."resolved_notified_at" is null;--> statement-breakpoint
CREATE INDEX "faults_shelved_idx" ON "faults" USING btree ("shelved_until") WHERE "faults"."shelved_until" is not null;