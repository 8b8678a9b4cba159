-- History tables are partitioned by UTC day (declarative partitioning). server/db/partitions.ts
-- creates each day's partition ahead of time and drops whole partitions past the retention
-- period; rows are never deleted one by one. No foreign keys: a deleted device's history simply
-- ages out with its partitions.
CREATE TABLE "readings" (
	"device_id" uuid NOT NULL,
	"check_id" uuid NOT NULL,
	"name" text NOT NULL,
	"value" double precision NOT NULL,
	"at" timestamp with time zone NOT NULL
) PARTITION BY RANGE ("at");
--> statement-breakpoint
CREATE INDEX "readings_device_name_at_idx" ON "readings" ("device_id", "name", "at");
--> statement-breakpoint
CREATE TABLE "check_results" (
	"check_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"status" "status" NOT NULL,
	"duration_ms" real,
	"message" text NOT NULL DEFAULT '',
	"at" timestamp with time zone NOT NULL
) PARTITION BY RANGE ("at");
--> statement-breakpoint
CREATE INDEX "check_results_check_at_idx" ON "check_results" ("check_id", "at");
--> statement-breakpoint
CREATE INDEX "check_results_device_at_idx" ON "check_results" ("device_id", "at");
