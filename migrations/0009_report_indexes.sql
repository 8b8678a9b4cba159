ALTER TABLE "work_orders" ADD COLUMN "lead_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
CREATE INDEX "downtimes_started_idx" ON "downtimes" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "faults_opened_idx" ON "faults" USING btree ("opened_at");--> statement-breakpoint
CREATE INDEX "work_orders_completed_idx" ON "work_orders" USING btree ("completed_at") WHERE "work_orders"."status" = 'done';--> statement-breakpoint
-- Work made before this column existed takes its plan's lead time.
UPDATE "work_orders" SET "lead_days" = "pm_plans"."lead_days" FROM "pm_plans" WHERE "work_orders"."plan_id" = "pm_plans"."id";
