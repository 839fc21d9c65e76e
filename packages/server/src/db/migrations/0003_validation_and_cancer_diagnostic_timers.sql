CREATE TABLE "cancer_events" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"event_date" date NOT NULL,
	"route" text,
	"treatment" text,
	"adjustment_days" integer DEFAULT 0 NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"note" text,
	CONSTRAINT "cancer_events_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "diagnostic_requests" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"test" text NOT NULL,
	"route" text NOT NULL,
	"requested_on" date,
	"ubrn_booked_on" date,
	"asi_worklist_on" date,
	"clock_start" date NOT NULL,
	"performed_on" date,
	"cancelled_on" date,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"note" text,
	CONSTRAINT "diagnostic_requests_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "validation_batches" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"specialty_code" text,
	"size" integer NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "validation_batches_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "validation_contacts" (
	"org_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"reasons" text[] NOT NULL,
	"status" text NOT NULL,
	"channel" text,
	"sent_on" date,
	"reminder_sent_on" date,
	"response" text,
	"responded_on" date,
	"outcome" text,
	"outcome_on" date,
	"decided_by_clinician_id" uuid,
	"note" text,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "validation_contacts_org_id_batch_id_pathway_id_pk" PRIMARY KEY("org_id","batch_id","pathway_id")
);
--> statement-breakpoint
ALTER TABLE "pathways" ADD COLUMN "last_contact_on" date;--> statement-breakpoint
ALTER TABLE "cancer_events" ADD CONSTRAINT "cancer_events_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "diagnostic_requests" ADD CONSTRAINT "diagnostic_requests_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_contacts" ADD CONSTRAINT "validation_contacts_org_id_batch_id_validation_batches_org_id_id_fk" FOREIGN KEY ("org_id","batch_id") REFERENCES "public"."validation_batches"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_contacts" ADD CONSTRAINT "validation_contacts_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cancer_events_pathway_idx" ON "cancer_events" USING btree ("org_id","pathway_id","event_date");--> statement-breakpoint
CREATE INDEX "diagnostic_requests_pathway_idx" ON "diagnostic_requests" USING btree ("org_id","pathway_id");--> statement-breakpoint
CREATE INDEX "diagnostic_requests_waiting_idx" ON "diagnostic_requests" USING btree ("org_id","clock_start") WHERE performed_on is null and cancelled_on is null;--> statement-breakpoint
CREATE INDEX "validation_contacts_pathway_idx" ON "validation_contacts" USING btree ("org_id","pathway_id");