CREATE TABLE "suite_routes" (
	"router_id" uuid NOT NULL,
	"output" integer NOT NULL,
	"suite_id" uuid NOT NULL,
	"input" integer NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	CONSTRAINT "suite_routes_router_id_output_pk" PRIMARY KEY("router_id","output")
);
--> statement-breakpoint
CREATE TABLE "probes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"site_id" uuid,
	"description" text DEFAULT '' NOT NULL,
	"builtin" boolean DEFAULT false NOT NULL,
	"state" text DEFAULT 'new' NOT NULL,
	"state_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"last_address" text DEFAULT '' NOT NULL,
	"version" text DEFAULT '' NOT NULL,
	"stats" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"heartbeat_s" integer DEFAULT 15 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "checks" ADD COLUMN "facts" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "checks" ADD COLUMN "probe_id" uuid;--> statement-breakpoint
ALTER TABLE "readings_latest" ADD COLUMN "status" "status";--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "probe_id" uuid;--> statement-breakpoint
ALTER TABLE "suite_routes" ADD CONSTRAINT "suite_routes_router_id_devices_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suite_routes" ADD CONSTRAINT "suite_routes_suite_id_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."suites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "probes" ADD CONSTRAINT "probes_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "suite_routes_suite_idx" ON "suite_routes" USING btree ("suite_id");--> statement-breakpoint
CREATE UNIQUE INDEX "probes_name_key" ON "probes" USING btree (lower("name"));--> statement-breakpoint
ALTER TABLE "checks" ADD CONSTRAINT "checks_probe_id_probes_id_fk" FOREIGN KEY ("probe_id") REFERENCES "public"."probes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_probe_id_probes_id_fk" FOREIGN KEY ("probe_id") REFERENCES "public"."probes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checks_probe_idx" ON "checks" USING btree ("probe_id");--> statement-breakpoint
-- Hand-written (drizzle-kit does not know the partitioned history tables): a check's result is
-- identified by its check and time, so a remote probe replaying its spool after an outage cannot
-- store a result twice. The unique index includes the partition key, as PostgreSQL requires.
-- A batch resent after a lost reply could be stored twice before this index existed; keep one.
DELETE FROM "check_results" a USING "check_results" b
  WHERE a."check_id" = b."check_id" AND a."at" = b."at" AND a.ctid > b.ctid;--> statement-breakpoint
DROP INDEX "check_results_check_at_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "check_results_check_at_key" ON "check_results" ("check_id", "at");
