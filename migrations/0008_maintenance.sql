CREATE TABLE "calendar_feeds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"suite_id" uuid,
	"user_id" uuid,
	"token_hash" text NOT NULL,
	"created_by_id" uuid,
	"created_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "calibration_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"readings" jsonb NOT NULL,
	"builtin" boolean DEFAULT false NOT NULL,
	"updated_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"config" jsonb NOT NULL,
	"updated_by" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "maintenance_settings_one_row" CHECK ("maintenance_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "meter_readings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"meter_id" uuid NOT NULL,
	"value" double precision NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"entered_by_id" uuid,
	"entered_by" text DEFAULT '' NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"device_id" uuid,
	"suite_id" uuid,
	"reading" text NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"value" double precision,
	"at" timestamp with time zone,
	"stored_at" timestamp with time zone,
	"rate_per_day" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meters_one_owner" CHECK (("meters"."device_id" is null) <> ("meters"."suite_id" is null))
);
--> statement-breakpoint
CREATE TABLE "pm_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"target" text NOT NULL,
	"device_id" uuid,
	"suite_id" uuid,
	"room_id" uuid,
	"device_kind" "device_kind",
	"site_id" uuid,
	"every_count" integer,
	"every_unit" text,
	"schedule" text DEFAULT 'fixed' NOT NULL,
	"meter_reading" text,
	"meter_every" double precision,
	"after_repair" boolean DEFAULT false NOT NULL,
	"starts_on" timestamp with time zone NOT NULL,
	"timezone" text NOT NULL,
	"lead_days" integer DEFAULT 7 NOT NULL,
	"grace_fraction" double precision DEFAULT 0.1 NOT NULL,
	"duration_min" integer NOT NULL,
	"assignee_id" uuid,
	"team" text,
	"required" boolean DEFAULT false NOT NULL,
	"calibration_template_id" uuid,
	"steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by_id" uuid,
	"created_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pm_plans_has_trigger" CHECK ("pm_plans"."every_count" is not null or "pm_plans"."meter_every" is not null or "pm_plans"."after_repair"),
	CONSTRAINT "pm_plans_every_positive" CHECK ("pm_plans"."every_count" is null or "pm_plans"."every_count" > 0),
	CONSTRAINT "pm_plans_meter_positive" CHECK ("pm_plans"."meter_every" is null or "pm_plans"."meter_every" > 0),
	CONSTRAINT "pm_plans_duration_positive" CHECK ("pm_plans"."duration_min" > 0)
);
--> statement-breakpoint
CREATE TABLE "pm_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"device_id" uuid,
	"suite_id" uuid,
	"room_id" uuid,
	"last_index" integer,
	"last_completed_at" timestamp with time zone,
	"meter_threshold" double precision,
	"repair_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_order_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"work_order_id" uuid NOT NULL,
	"step_id" text,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"data" "bytea" NOT NULL,
	"created_by_id" uuid,
	"created_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_order_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"work_order_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"actor" text DEFAULT '' NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" serial NOT NULL,
	"plan_id" uuid,
	"pm_target_id" uuid,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"device_id" uuid,
	"suite_id" uuid,
	"room_id" uuid,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"due_at" timestamp with time zone,
	"grace_min" integer DEFAULT 0 NOT NULL,
	"due_by" text,
	"due_index" integer,
	"meter_threshold" double precision,
	"duration_min" integer NOT NULL,
	"scheduled_start" timestamp with time zone,
	"scheduled_end" timestamp with time zone,
	"slot_note" text DEFAULT '' NOT NULL,
	"proposed_start" timestamp with time zone,
	"proposed_end" timestamp with time zone,
	"override_reason" text,
	"window_id" uuid,
	"assignee_id" uuid,
	"team" text,
	"required" boolean DEFAULT false NOT NULL,
	"calibration_template_id" uuid,
	"steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"passed" boolean,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"completed_by_id" uuid,
	"completed_by" text,
	"entered_at" timestamp with time zone,
	"reviewed_by_id" uuid,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"reason" text,
	"created_by_id" uuid,
	"created_by" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "work_orders_duration_positive" CHECK ("work_orders"."duration_min" > 0)
);
--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "signoff" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "work_order_id" uuid;--> statement-breakpoint
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_suite_id_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."suites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meter_readings" ADD CONSTRAINT "meter_readings_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meter_readings" ADD CONSTRAINT "meter_readings_entered_by_id_users_id_fk" FOREIGN KEY ("entered_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meters" ADD CONSTRAINT "meters_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meters" ADD CONSTRAINT "meters_suite_id_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."suites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_plans" ADD CONSTRAINT "pm_plans_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_plans" ADD CONSTRAINT "pm_plans_suite_id_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."suites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_plans" ADD CONSTRAINT "pm_plans_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_plans" ADD CONSTRAINT "pm_plans_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_plans" ADD CONSTRAINT "pm_plans_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_plans" ADD CONSTRAINT "pm_plans_calibration_template_id_calibration_templates_id_fk" FOREIGN KEY ("calibration_template_id") REFERENCES "public"."calibration_templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_plans" ADD CONSTRAINT "pm_plans_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_targets" ADD CONSTRAINT "pm_targets_plan_id_pm_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."pm_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_targets" ADD CONSTRAINT "pm_targets_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_targets" ADD CONSTRAINT "pm_targets_suite_id_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."suites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_targets" ADD CONSTRAINT "pm_targets_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_order_attachments" ADD CONSTRAINT "work_order_attachments_work_order_id_work_orders_id_fk" FOREIGN KEY ("work_order_id") REFERENCES "public"."work_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_order_attachments" ADD CONSTRAINT "work_order_attachments_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_order_events" ADD CONSTRAINT "work_order_events_work_order_id_work_orders_id_fk" FOREIGN KEY ("work_order_id") REFERENCES "public"."work_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_order_events" ADD CONSTRAINT "work_order_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_plan_id_pm_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."pm_plans"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_pm_target_id_pm_targets_id_fk" FOREIGN KEY ("pm_target_id") REFERENCES "public"."pm_targets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_suite_id_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."suites"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_window_id_maintenance_windows_id_fk" FOREIGN KEY ("window_id") REFERENCES "public"."maintenance_windows"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_calibration_template_id_calibration_templates_id_fk" FOREIGN KEY ("calibration_template_id") REFERENCES "public"."calibration_templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_completed_by_id_users_id_fk" FOREIGN KEY ("completed_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_reviewed_by_id_users_id_fk" FOREIGN KEY ("reviewed_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_orders" ADD CONSTRAINT "work_orders_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_feeds_token_key" ON "calendar_feeds" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "meter_readings_meter_at_idx" ON "meter_readings" USING btree ("meter_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "meters_device_reading_key" ON "meters" USING btree ("device_id","reading") WHERE "meters"."device_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "meters_suite_reading_key" ON "meters" USING btree ("suite_id","reading") WHERE "meters"."suite_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "pm_targets_plan_target_key" ON "pm_targets" USING btree ("plan_id",coalesce("device_id", "suite_id", "room_id"));--> statement-breakpoint
CREATE INDEX "work_order_attachments_order_idx" ON "work_order_attachments" USING btree ("work_order_id");--> statement-breakpoint
CREATE INDEX "work_order_events_order_idx" ON "work_order_events" USING btree ("work_order_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "work_orders_number_key" ON "work_orders" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "work_orders_one_open_key" ON "work_orders" USING btree ("pm_target_id") WHERE "work_orders"."status" in ('scheduled', 'in_progress', 'pending_review');--> statement-breakpoint
CREATE INDEX "work_orders_open_due_idx" ON "work_orders" USING btree ("due_at") WHERE "work_orders"."status" in ('scheduled', 'in_progress', 'pending_review');--> statement-breakpoint
CREATE INDEX "work_orders_due_idx" ON "work_orders" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "work_orders_device_idx" ON "work_orders" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "work_orders_suite_idx" ON "work_orders" USING btree ("suite_id");--> statement-breakpoint
CREATE INDEX "work_orders_assignee_idx" ON "work_orders" USING btree ("assignee_id");--> statement-breakpoint
CREATE INDEX "work_orders_scheduled_idx" ON "work_orders" USING btree ("scheduled_start");--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_work_order_id_work_orders_id_fk" FOREIGN KEY ("work_order_id") REFERENCES "public"."work_orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Calibration templates seeded from the reference practice; an admin may edit them afterwards.
INSERT INTO "calibration_templates" ("name", "kind", "description", "readings", "builtin") VALUES
('SDR grading monitor (BT.1886)', 'sdr_display', 'EOTF BT.1886 gamma 2.4, white 100 cd/m², D65 white point, surround about 10% of white (BT.2035). Measure with a probe at the centre of the screen after 30 minutes warm-up.', '[{"key":"gamma","label":"EOTF gamma","nominal":2.4,"tolerance":0.05,"unit":""},{"key":"white_luminance","label":"Peak white luminance","nominal":100,"tolerance":3,"unit":"cd/m²"},{"key":"white_x","label":"White point x (D65)","nominal":0.3127,"tolerance":0.003,"unit":""},{"key":"white_y","label":"White point y (D65)","nominal":0.329,"tolerance":0.003,"unit":""},{"key":"delta_e","label":"Mean ΔE2000 over the patch set","nominal":0,"tolerance":1,"unit":"ΔE"},{"key":"surround","label":"Surround luminance","nominal":10,"tolerance":2,"unit":"cd/m²"}]', true),
('HDR mastering display (ST 2086)', 'hdr_display', 'Record the ST 2086 mastering display metadata: P3-D65 primaries, D65 white point, minimum and maximum luminance.', '[{"key":"red_x","label":"Red primary x","nominal":0.68,"tolerance":0.005,"unit":""},{"key":"red_y","label":"Red primary y","nominal":0.32,"tolerance":0.005,"unit":""},{"key":"green_x","label":"Green primary x","nominal":0.265,"tolerance":0.005,"unit":""},{"key":"green_y","label":"Green primary y","nominal":0.69,"tolerance":0.005,"unit":""},{"key":"blue_x","label":"Blue primary x","nominal":0.15,"tolerance":0.005,"unit":""},{"key":"blue_y","label":"Blue primary y","nominal":0.06,"tolerance":0.005,"unit":""},{"key":"white_x","label":"White point x (D65)","nominal":0.3127,"tolerance":0.003,"unit":""},{"key":"white_y","label":"White point y (D65)","nominal":0.329,"tolerance":0.003,"unit":""},{"key":"max_luminance","label":"Maximum luminance","nominal":1000,"tolerance":30,"unit":"cd/m²"},{"key":"min_luminance","label":"Minimum luminance","nominal":0.005,"tolerance":0.005,"unit":"cd/m²"}]', true),
('Audio line-up, EBU R68 (−18 dBFS)', 'audio_lineup', '1 kHz tone at the alignment level −18 dBFS (EBU R68), measured on each channel at the monitor input.', '[{"key":"lineup_left","label":"1 kHz tone, left","nominal":-18,"tolerance":0.5,"unit":"dBFS"},{"key":"lineup_right","label":"1 kHz tone, right","nominal":-18,"tolerance":0.5,"unit":"dBFS"},{"key":"monitor_spl","label":"Monitor level at the mix position","nominal":79,"tolerance":1,"unit":"dB SPL C"}]', true),
('Audio line-up, SMPTE RP155 (−20 dBFS)', 'audio_lineup', '1 kHz tone at the alignment level −20 dBFS (SMPTE RP155, US practice), measured on each channel.', '[{"key":"lineup_left","label":"1 kHz tone, left","nominal":-20,"tolerance":0.5,"unit":"dBFS"},{"key":"lineup_right","label":"1 kHz tone, right","nominal":-20,"tolerance":0.5,"unit":"dBFS"},{"key":"monitor_spl","label":"Monitor level at the mix position","nominal":82,"tolerance":1,"unit":"dB SPL C"}]', true),
('Loudness, EBU R128 (−23 LUFS)', 'loudness', 'Integrated loudness of the reference programme through the room''s meter: EBU R128 −23 LUFS.', '[{"key":"integrated","label":"Integrated loudness","nominal":-23,"tolerance":0.5,"unit":"LUFS"}]', true),
('Loudness, ATSC A/85 (−24 LKFS)', 'loudness', 'Integrated loudness of the reference programme through the room''s meter: ATSC A/85 −24 LKFS.', '[{"key":"integrated","label":"Integrated loudness","nominal":-24,"tolerance":2,"unit":"LKFS"}]', true);
