CREATE TABLE "saved_views" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saved_views_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "saved_views_user_name_uq" UNIQUE("org_id","user_id","name"),
	CONSTRAINT "saved_views_name_ck" CHECK (char_length(name) between 1 and 60)
);
--> statement-breakpoint
CREATE INDEX "appointments_booked_pathway_idx" ON "appointments" USING btree ("org_id","pathway_id") WHERE status = 'booked';--> statement-breakpoint
CREATE INDEX "pathways_ptl_clinician_idx" ON "pathways" USING btree ("org_id","clinician_id","rtt_period_start") WHERE status = 'open' and rtt_running;--> statement-breakpoint
CREATE INDEX "pathways_ptl_priority_idx" ON "pathways" USING btree ("org_id","priority","rtt_period_start") WHERE status = 'open' and rtt_running;