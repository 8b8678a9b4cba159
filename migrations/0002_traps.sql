CREATE TABLE "trap_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"device_id" uuid,
	"version" text NOT NULL,
	"trap_oid" text NOT NULL,
	"kind" text NOT NULL,
	"if_index" integer,
	"varbinds" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "trap_events" ADD CONSTRAINT "trap_events_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "trap_events_device_received_idx" ON "trap_events" USING btree ("device_id","received_at");--> statement-breakpoint
CREATE INDEX "trap_events_received_idx" ON "trap_events" USING btree ("received_at");