CREATE TYPE "public"."severity" AS ENUM('critical', 'major', 'minor', 'warning');--> statement-breakpoint
CREATE TABLE "device_dependencies" (
	"device_id" uuid NOT NULL,
	"depends_on_id" uuid NOT NULL,
	CONSTRAINT "device_dependencies_device_id_depends_on_id_pk" PRIMARY KEY("device_id","depends_on_id"),
	CONSTRAINT "device_dependencies_not_self" CHECK ("device_dependencies"."device_id" <> "device_dependencies"."depends_on_id")
);
--> statement-breakpoint
CREATE TABLE "downtimes" (
	"fault_id" uuid PRIMARY KEY NOT NULL,
	"device_id" uuid NOT NULL,
	"condition" text NOT NULL,
	"severity" "severity" NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"in_maintenance" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fault_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fault_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"severity" "severity",
	"actor_id" uuid,
	"actor" text DEFAULT 'engine' NOT NULL,
	"detail" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "faults" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"device_id" uuid NOT NULL,
	"check_id" uuid,
	"condition" text NOT NULL,
	"source" text NOT NULL,
	"severity" "severity" NOT NULL,
	"peak_severity" "severity" NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"restored_at" timestamp with time zone,
	"cleared_at" timestamp with time zone,
	"last_bad_at" timestamp with time zone NOT NULL,
	"last_observed_at" timestamp with time zone NOT NULL,
	"better_since" timestamp with time zone,
	"better_severity" "severity",
	"hold_down_s" integer NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by_id" uuid,
	"acknowledged_by" text,
	"ack_comment" text,
	"owner_id" uuid,
	"owner" text,
	"shelved_until" timestamp with time zone,
	"shelve_reason" text,
	"shelved_by" text,
	"dismissed_at" timestamp with time zone,
	"suppressed_by" uuid,
	"root_since" timestamp with time zone NOT NULL,
	"flapping" boolean DEFAULT false NOT NULL,
	"flap_changes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"in_maintenance" boolean DEFAULT false NOT NULL,
	"maintenance_window_id" uuid,
	"notified_at" timestamp with time zone,
	"last_notified_at" timestamp with time zone,
	"resolved_notified_at" timestamp with time zone,
	"flap_notified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_windows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope" text NOT NULL,
	"scope_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"reason" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"timezone" text NOT NULL,
	"recurrence" text DEFAULT 'none' NOT NULL,
	"weekdays" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"until" timestamp with time zone,
	"created_by_id" uuid,
	"created_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "maintenance_windows_order" CHECK ("maintenance_windows"."ends_at" > "maintenance_windows"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "notification_channels" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"config" jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"min_severity" "severity" DEFAULT 'warning' NOT NULL,
	"site_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"device_kinds" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"send_resolved" boolean DEFAULT true NOT NULL,
	"last_sent_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"fault_id" uuid,
	"severity" "severity",
	"payload" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "device_dependencies" ADD CONSTRAINT "device_dependencies_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_dependencies" ADD CONSTRAINT "device_dependencies_depends_on_id_devices_id_fk" FOREIGN KEY ("depends_on_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "downtimes" ADD CONSTRAINT "downtimes_fault_id_faults_id_fk" FOREIGN KEY ("fault_id") REFERENCES "public"."faults"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "downtimes" ADD CONSTRAINT "downtimes_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fault_events" ADD CONSTRAINT "fault_events_fault_id_faults_id_fk" FOREIGN KEY ("fault_id") REFERENCES "public"."faults"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fault_events" ADD CONSTRAINT "fault_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faults" ADD CONSTRAINT "faults_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faults" ADD CONSTRAINT "faults_check_id_checks_id_fk" FOREIGN KEY ("check_id") REFERENCES "public"."checks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faults" ADD CONSTRAINT "faults_acknowledged_by_id_users_id_fk" FOREIGN KEY ("acknowledged_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faults" ADD CONSTRAINT "faults_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faults" ADD CONSTRAINT "faults_suppressed_by_faults_id_fk" FOREIGN KEY ("suppressed_by") REFERENCES "public"."faults"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_channel_id_notification_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."notification_channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_fault_id_faults_id_fk" FOREIGN KEY ("fault_id") REFERENCES "public"."faults"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "device_dependencies_depends_on_idx" ON "device_dependencies" USING btree ("depends_on_id");--> statement-breakpoint
CREATE INDEX "downtimes_device_started_idx" ON "downtimes" USING btree ("device_id","started_at");--> statement-breakpoint
CREATE INDEX "fault_events_fault_idx" ON "fault_events" USING btree ("fault_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "faults_open_key" ON "faults" USING btree ("device_id","condition") WHERE "faults"."state" = 'open';--> statement-breakpoint
CREATE INDEX "faults_state_idx" ON "faults" USING btree ("state","severity");--> statement-breakpoint
CREATE INDEX "faults_device_opened_idx" ON "faults" USING btree ("device_id","opened_at");--> statement-breakpoint
CREATE INDEX "faults_suppressed_by_idx" ON "faults" USING btree ("suppressed_by");--> statement-breakpoint
CREATE INDEX "maintenance_windows_scope_idx" ON "maintenance_windows" USING btree ("scope","scope_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_channels_name_key" ON "notification_channels" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "notifications_fault_idx" ON "notifications" USING btree ("fault_id");