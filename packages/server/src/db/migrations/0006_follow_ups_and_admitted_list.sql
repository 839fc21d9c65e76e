CREATE TABLE "admitted_list_entries" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"from_appointment_id" uuid,
	"priority" text NOT NULL,
	"decided_on" date NOT NULL,
	"due_by" date,
	"procedure" text,
	"status" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "admitted_list_entries_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "follow_ups" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"pathway_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"from_appointment_id" uuid NOT NULL,
	"specialty_code" text NOT NULL,
	"slot_type" text NOT NULL,
	"due_date" date NOT NULL,
	"latest_date" date,
	"status" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follow_ups_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "admitted_list_entries" ADD CONSTRAINT "admitted_list_entries_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_org_id_pathway_id_pathways_org_id_id_fk" FOREIGN KEY ("org_id","pathway_id") REFERENCES "public"."pathways"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admitted_list_waiting_idx" ON "admitted_list_entries" USING btree ("org_id","priority","decided_on") WHERE status = 'waiting';--> statement-breakpoint
CREATE INDEX "follow_ups_due_idx" ON "follow_ups" USING btree ("org_id","specialty_code","due_date") WHERE status = 'waiting';